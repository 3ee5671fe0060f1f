"""The database of the question log and feedback: migrations, concurrent writers in several
processes (SQLite, and PostgreSQL started by the test when the `postgresql` package is installed),
no lost and no duplicated records, secrets redacted, the API writing through it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.api.logs import Logs
from qa.errors import ConfigError
from qa.service import build_service
from qa.storage import Store, database_url
from tests.pg_server import pg_bin, postgres_server

KEY = "k3y-storage-0123"
Q = "雅安到2025年非化石能源消费比重要达到多少？"
N = 150

WRITER = textwrap.dedent("""
    import sys
    from qa.storage import Store
    url, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(url)
    store.migrate()
    for i in range(n):
        store.insert("feedback", {"channel": tag, "rating": "up", "question": f"{tag}-{i}", "answer": "a",
                                  "citations": [{"i": i}], "comment": ""})
        store.insert("questions", {"channel": tag, "question": f"{tag}-{i}", "doc_ids": [], "citations": [],
                                   "timings": {"total_ms": i}})
    print("ok")
""")


def hammer(url: str, writers: int = 2) -> None:
    """`writers` processes insert N feedback and N question rows each, all at once."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"w{k}", str(N)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
             for k in range(writers)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]


def check_complete(store: Store, writers: int = 2) -> None:
    for table in ("feedback", "questions"):
        rows = store.rows(table, limit=10 * N)
        assert len(rows) == writers * N == store.count(table)
        assert len({r["id"] for r in rows}) == len(rows)
        got = sorted(r["question"] for r in rows)
        assert got == sorted(f"w{k}-{i}" for k in range(writers) for i in range(N))  # none lost, none twice


def test_sqlite_default_location_and_private_file(fake_index, tmp_path):
    s = fake_index.replace(data_dir=str(tmp_path / "data"))
    assert database_url(s) == f"sqlite:///{(tmp_path / 'data' / 'qa.sqlite3').resolve()}"
    store = Store.from_settings(s)
    assert store.migrate() == "0002" and store.migrate() == "0002"  # idempotent
    assert (tmp_path / "data" / "qa.sqlite3").stat().st_mode & 0o077 == 0
    assert database_url(s.replace(database_url="postgresql://u@h/db")) == "postgresql+psycopg://u@h/db"


def test_sqlite_two_processes_write_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    hammer(url)  # both processes also migrate the fresh database at the same moment
    check_complete(Store(url))


def test_a_retried_insert_is_not_stored_twice(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    row = {"id": "a" * 32, "channel": "t", "rating": "up", "question": "q", "answer": "", "citations": [],
           "comment": ""}
    assert store.insert("feedback", row) == "a" * 32
    assert store.insert("feedback", row) == "a" * 32  # the retry of a committed write
    assert store.count("feedback") == 1


def test_unreachable_database_is_a_config_error(tmp_path):
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(ConfigError) as err:
        store.migrate()
    assert "database_url" in err.value.hint


def test_logs_redact_secrets_bound_fields_and_rate_limit(fake_index, tmp_path):
    s = fake_index.replace(data_dir=str(tmp_path / "data"), api_key=KEY, log_rate_per_min=3)
    logs = Logs(s)
    assert logs.add_feedback("api", "down", Q, "答" * 5000, [{"doc": "x"}] * 80, f"key {KEY}")
    for _ in range(4):
        logs.question("api", f"{Q} {KEY}", error="cancelled")
    logs.flush()
    rows = logs.store.rows("feedback")
    assert rows[0]["comment"] == "key ***" and len(rows[0]["answer"]) == 2000 and len(rows[0]["citations"]) == 50
    assert len(logs.store.rows("questions")) == 3 and logs.dropped["questions"] == 1  # 3 a minute per table
    assert all(KEY not in str(r) for r in logs.store.rows("questions"))
    logs.close()


def test_api_writes_questions_and_feedback_to_the_database(fake_index, tmp_path):
    s = fake_index.replace(data_dir=str(tmp_path / "data"), api_key=KEY)
    app = create_app(build_service(s), s, mount_ui=False)
    auth = {"Authorization": f"Bearer {KEY}"}
    with TestClient(app) as c:
        body = c.post("/api/ask", json={"question": Q}, headers=auth).json()
        r = c.post("/api/feedback", headers=auth, json={"rating": "up", "question": Q, "answer": body["answer"],
                                                        "citations": body["citations"]})
        assert r.status_code == 200
    store = Store.from_settings(s)  # the server closed (and flushed) its logs at shutdown
    q = store.rows("questions")[-1]
    assert q["question"] == Q and q["channel"] == "api" and q["citations"] and "total_ms" in q["timings"]
    f = store.rows("feedback")[-1]
    assert f["rating"] == "up" and f["citations"] == body["citations"]


@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL not installed (.ci/run installs it)")
def test_postgresql_two_processes_and_the_api(fake_index, tmp_path):
    with postgres_server(tmp_path / "pg") as url:
        hammer(url)
        store = Store(database_url(fake_index.replace(database_url=url)))
        check_complete(store)
        s = fake_index.replace(data_dir=str(tmp_path / "data"), database_url=url)
        with TestClient(create_app(build_service(s), s, mount_ui=False)) as c:
            assert c.post("/api/ask", json={"question": Q}).status_code == 200
            assert c.post("/api/feedback", json={"rating": "down", "question": Q}).status_code == 200
        assert store.count("questions") == 2 * N + 1 and store.count("feedback") == 2 * N + 1
        assert not (tmp_path / "data" / "qa.sqlite3").exists()
        store.close()


def test_stores_migrating_at_once_in_one_process_each_get_the_schema(tmp_path):
    """Alembic binds its ``op`` proxy to the running migration: stores opened by several threads at once (the API's
    log writer beside a page's) migrate one after the other, and each ends at the newest revision."""
    import threading

    stores = [Store(f"sqlite:///{tmp_path / f's{i}.sqlite3'}") for i in range(6)]
    errors: list[BaseException] = []

    def open_store(store):
        try:
            store.migrate()
        except BaseException as exc:  # collected, so that the assertion names it
            errors.append(exc)

    threads = [threading.Thread(target=open_store, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({s.revision() for s in stores}) == 1 and all(s.count("questions") == 0 for s in stores)
