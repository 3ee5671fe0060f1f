"""Alembic environment: run on the connection :meth:`qa.storage.db.Store.migrate` passes in
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` for the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from qa.storage.models import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
