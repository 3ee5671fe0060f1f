"""The database of a server (or of several replicas): the question log and feedback.

SQLite under ``data_dir`` by default, PostgreSQL when ``database_url`` is set; one library
(SQLAlchemy 2) for both, schema changes as Alembic migrations (``qa/storage/migrations``) applied
at start-up under a lock, so replicas starting together migrate once. See :mod:`qa.storage.db`.
"""

from qa.storage.db import Store, database_url

__all__ = ["Store", "database_url"]
