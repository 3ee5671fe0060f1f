"""Store: inserts and reads of the question log and feedback, on SQLite or PostgreSQL.

Library: SQLAlchemy 2 (Core) with Alembic migrations — one well-kept toolkit that speaks both
databases, pools connections per process and versions the schema. The store

- migrates the schema to the newest revision when it is opened, under a lock (a file lock next to
  the SQLite file; ``pg_advisory_lock`` on PostgreSQL), so several replicas starting at once run
  each migration exactly once;
- writes every record with a primary key chosen before the insert and retries a failed insert
  (database locked, connection dropped): a retry whose first attempt had in fact been committed
  meets its own key and counts as stored — records are neither lost nor duplicated when several
  processes write at once;
- runs SQLite in WAL mode with a busy timeout, so writers from several processes queue instead
  of failing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qa.errors import ConfigError
from qa.settings import Settings

#: Distinct key for pg_advisory_lock while migrating ("policyqa" in ASCII, folded to 63 bits).
PG_MIGRATION_LOCK = 0x706F6C6963797161 & 0x7FFFFFFFFFFFFFFF
SQLITE_BUSY_MS = 30000
RETRIES = 5
MIGRATIONS = Path(__file__).with_name("migrations")
#: Alembic's ``op`` and ``context`` are module-level proxies bound to the migration that is running: two stores
#: migrating at once in one process (two threads) would unbind each other's (``'NoneType' object has no attribute
#: 'create_table'``), so migrations in a process run one at a time (the file or advisory lock orders processes)
_ALEMBIC = threading.Lock()


def database_url(settings: Settings) -> str:
    """``database_url`` if set, else the SQLite file ``<data_dir>/qa.sqlite3``."""
    if settings.database_url.strip():
        url = settings.database_url.strip()
        if url.startswith("postgresql://"):  # the driver this project installs (psycopg 3)
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{Path(settings.data_dir).resolve() / 'qa.sqlite3'}"


def replica_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def new_id() -> str:
    return uuid.uuid4().hex


def _while_locked(action: Callable[[], None], locked: Callable[[Exception], bool], pause: float) -> None:
    """Run ``action``, again after ``pause`` seconds each time it fails with an error that ``locked`` says is
    SQLite's "database is locked", until it goes through or busy_timeout (SQLITE_BUSY_MS) has passed. SQLite
    answers "locked" at once, without waiting out busy_timeout, to some statements while another process is
    connecting to or migrating the same file."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            action()
            return
        except Exception as exc:
            if not locked(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)


def _wal(cur: Any) -> None:
    """Switch a SQLite database to WAL (persistent, so once per file). Switching needs the file to itself: it is
    retried while another process holds it (:func:`_while_locked`)."""
    import sqlite3

    def switch() -> None:
        if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            cur.execute("PRAGMA journal_mode=WAL")

    _while_locked(switch, lambda exc: isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc), 0.05)


class Store:
    """The database of one process (thread-safe; open one per process)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError

        self.url = url
        self.dialect = url.split(":", 1)[0].split("+", 1)[0]
        self.replica = replica_name()
        try:
            if self.dialect == "sqlite":
                path = Path(url.split("///", 1)[1])
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():  # questions are private: readable by the service account only
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
                self._sqlite_path: Path | None = path
                self.engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000,
                                                               "check_same_thread": False})

                @event.listens_for(self.engine, "connect")
                def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                    cur = dbapi_conn.cursor()
                    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
                    _wal(cur)
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.close()
            else:
                self._sqlite_path = None
                self.engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        except (ArgumentError, ImportError, ValueError) as exc:
            raise ConfigError(f"database_url 无效 / invalid database_url: {exc}",
                              hint="use postgresql://USER:PASSWORD@HOST:PORT/DB, or leave it empty for SQLite "
                                   "in data_dir") from None
        self._migrated = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(database_url(settings))

    # -- schema ------------------------------------------------------------
    @contextmanager
    def _migration_lock(self, conn: Any) -> Iterator[None]:
        from sqlalchemy import text

        if self._sqlite_path is not None:
            lock_path = self._sqlite_path.with_name(self._sqlite_path.name + ".migrate.lock")
            with open(lock_path, "a") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        elif self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                conn.commit()
        else:
            yield

    def migrate(self) -> str:
        """Bring the schema to the newest revision (idempotent, safe from several processes)."""
        from alembic import command
        from alembic.config import Config
        from sqlalchemy.exc import OperationalError

        with self._lock:
            if self._migrated:
                return self.revision()
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))

            def upgrade() -> None:
                with self.engine.connect() as conn, self._migration_lock(conn):
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    conn.commit()

            def locked(exc: Exception) -> bool:
                # (SQLite may answer "locked" at once while another process connects to a fresh file; the
                # upgrade is idempotent, so it is tried again)
                return isinstance(exc, OperationalError) and self.dialect == "sqlite" and "locked" in str(exc.orig)

            try:
                with _ALEMBIC:
                    _while_locked(upgrade, locked, 0.1)
            except OperationalError as exc:
                raise ConfigError(f"无法连接数据库 / cannot reach the database: {exc.orig}",
                                  hint="check database_url (QA_DATABASE_URL) and that the server is running") from None
            self._migrated = True
        return self.revision()

    def revision(self) -> str:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or ""

    # -- writes ------------------------------------------------------------
    def insert(self, table: str, row: dict[str, Any]) -> str:
        """Insert one row (an ``id`` is added if missing); returns its id. Retried on transient
        errors; a retry that finds its own id already stored is a success, never a duplicate."""
        from sqlalchemy import select
        from sqlalchemy.exc import DBAPIError, IntegrityError

        from qa.storage.models import TABLES

        if not self._migrated:
            self.migrate()
        t = TABLES[table]
        row = {"id": new_id(), "created_at": dt.datetime.now(dt.UTC), "replica": self.replica, **row}
        delay = 0.05
        for attempt in range(RETRIES + 1):
            try:
                with self.engine.begin() as conn:
                    conn.execute(t.insert().values(**row))
                return row["id"]
            except IntegrityError:
                with self.engine.connect() as conn:  # our own earlier attempt was committed
                    if conn.execute(select(t.c.id).where(t.c.id == row["id"])).first() is not None:
                        return row["id"]
                raise
            except DBAPIError:
                if attempt == RETRIES:
                    raise
                time.sleep(delay)
                delay = min(1.0, delay * 2)
        raise AssertionError("unreachable")

    def update(self, table: str, row_id: str, **values: Any) -> None:
        """Change columns of one row (``updated_at`` is set when the table has it)."""
        from qa.storage.models import TABLES

        if not self._migrated:
            self.migrate()
        t = TABLES[table]
        if "updated_at" in t.c:
            values["updated_at"] = dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.id == row_id).values(**values))

    # -- reads -------------------------------------------------------------
    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        from sqlalchemy import select

        from qa.storage.models import TABLES

        if not self._migrated:
            self.migrate()
        t = TABLES[table]
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == row_id)).first()
        return dict(row._mapping) if row is not None else None

    def rows(self, table: str, limit: int = 100) -> list[dict[str, Any]]:
        """The newest `limit` rows of a table, oldest first."""
        from sqlalchemy import select

        from qa.storage.models import TABLES

        if not self._migrated:
            self.migrate()
        t = TABLES[table]
        with self.engine.connect() as conn:
            result = conn.execute(select(t).order_by(t.c.created_at.desc(), t.c.id).limit(limit))
            out = [dict(r._mapping) for r in result]
        return out[::-1]

    def count(self, table: str) -> int:
        from sqlalchemy import func, select

        from qa.storage.models import TABLES

        if not self._migrated:
            self.migrate()
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(TABLES[table])).scalar_one())

    def close(self) -> None:
        self.engine.dispose()
