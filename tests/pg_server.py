"""A throw-away PostgreSQL server for tests: initdb + pg_ctl into a temporary folder.

Uses Debian's `postgresql` package (installed by .ci/run). Runs as the current user; as root
(where initdb refuses to run) it runs as the package's `postgres` account. Listens on 127.0.0.1
only, trust authentication, stopped (immediate mode) when the context ends.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(tmp: Path) -> Iterator[str]:
    """Start a server; yields its URL (postgresql://USER@127.0.0.1:PORT/postgres)."""
    bindir = pg_bin()
    assert bindir is not None, "PostgreSQL is not installed (sudo apt-get install -y postgresql)"
    prefix: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    owned = None
    if os.geteuid() == 0:  # pytest's tmp folders are private to root: use one the account can reach
        user = "postgres"
        entry = pwd.getpwnam(user)
        tmp = owned = Path(tempfile.mkdtemp(prefix="qa-pg-"))
        os.chown(tmp, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    data = tmp / "pgdata"
    run0 = lambda *args: subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)  # noqa: E731
    run0("mkdir", "-p", str(data))
    port = _free_port()
    run = lambda *args: subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync")
    log = tmp / "pg.log"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{tmp}' -c fsync=off "
        f"-c max_connections=60", "start")
    try:
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        if owned is not None:
            shutil.rmtree(owned, ignore_errors=True)
