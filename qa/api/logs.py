"""The question log and feedback (:class:`Logs`, in the database) and a bounded JSONL appender.

:class:`Logs` keeps records in the database of :mod:`qa.storage`. :class:`JsonlLog` (below) is the
file appender used before the database; it is kept for tools that write JSONL files.

Records hold the question, an answer summary, citations and timings — never request headers,
and any occurrence of the configured API key in user text is replaced by ``***``.

Each log is bounded: a record is cut to :data:`MAX_RECORD_CHARS`; at most ``log_rate_per_min``
records a minute are written (further ones are dropped and counted); the file is rotated at
``log_max_mb`` keeping ``log_backups`` older files (``questions.jsonl.1`` …, the oldest deleted);
files are created readable and writable by the service account only (0600).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import threading
import time
from pathlib import Path
from typing import Any

from qa.api.limits import RateLimit
from qa.settings import Settings
from qa.types import Answer
from qa.validation import safe_text

log = logging.getLogger("qa.api")

SUMMARY_CHARS = 200
MAX_FIELD_CHARS = 2000  # longest string kept in a record (questions are at most max_question_chars)
MAX_RECORD_CHARS = 16000  # longest JSON line; a longer record keeps only its short fields
FILE_MODE = 0o600


def clean(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """A record made safe to keep: valid text, strings cut to MAX_FIELD_CHARS, at most 50 items per
    list or dict, every secret replaced by ``***``."""
    if isinstance(value, str):
        value = safe_text(value)[:MAX_FIELD_CHARS]
        for s in secrets:
            value = value.replace(s, "***")
        return value
    if isinstance(value, dict):
        return {str(k)[:100]: clean(v, secrets) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple)):
        return [clean(v, secrets) for v in list(value)[:50]]
    return value


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler whose files are created with mode 0600 (umask cannot widen it)."""

    def _open(self):  # type: ignore[override]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        os.chmod(self.baseFilename, FILE_MODE)  # an existing file keeps no wider mode
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8")

    def handleError(self, record: logging.LogRecord) -> None:  # a full disk must not break answering
        log.error("cannot write %s", self.baseFilename)


class JsonlLog:
    """A thread-safe, bounded, rate-limited, rotated JSONL appender that redacts `secrets`."""

    def __init__(self, path: Path, secrets: tuple[str, ...] = (), *, max_bytes: int = 10 * 2**20,
                 backups: int = 5, per_min: int = 600) -> None:
        self.path = Path(path)
        self._secrets = tuple(s for s in secrets if s)
        self._max_bytes = max(1024, int(max_bytes))
        self._backups = max(0, int(backups))
        self._limit = RateLimit(per_min) if per_min > 0 else None
        self._handler: _PrivateRotatingHandler | None = None
        self._lock = threading.Lock()
        self.dropped = 0  # records refused by the rate limit

    def _clean(self, value: Any) -> Any:
        return clean(value, self._secrets)

    def _open(self) -> _PrivateRotatingHandler:
        if self._handler is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # backupCount 0 would mean "never rotate" to RotatingFileHandler: keep at least one.
            self._handler = _PrivateRotatingHandler(self.path, maxBytes=self._max_bytes,
                                                    backupCount=max(1, self._backups), encoding="utf-8")
            self._handler.setFormatter(logging.Formatter("%(message)s"))
        return self._handler

    def append(self, record: dict[str, Any]) -> bool:
        """Write one record; False when it was dropped (rate limit) or could not be written."""
        if self._limit is not None and self._limit.take():
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 1000 == 0:
                log.warning("%s: rate limit reached, %d records dropped", self.path.name, self.dropped)
            return False
        record = self._clean({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record})
        line = json.dumps(record, ensure_ascii=False)
        if len(line) > MAX_RECORD_CHARS:
            short = {k: v for k, v in record.items() if not isinstance(v, (str, list, dict)) or len(v) <= 200}
            line = json.dumps({**short, "truncated": True}, ensure_ascii=False)
        try:
            with self._lock:
                handler = self._open()
                handler.emit(logging.LogRecord("qa.log", logging.INFO, "", 0, line, None, None))
        except OSError:
            log.exception("cannot write %s", self.path)
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._handler is not None:
                self._handler.close()
                self._handler = None


class Logs:
    """The question log and feedback of one server, kept in the database (:class:`qa.storage.Store`:
    SQLite in data_dir, or PostgreSQL shared by replicas). Shared by the API and the chat page.

    Records hold the question, an answer summary, citations and timings — never request headers;
    strings are bounded and the API keys are replaced by ``***``. At most ``log_rate_per_min``
    records a minute are kept per table (further ones are dropped and counted). Question records
    are written by a background thread (answering never waits for the database); feedback is written
    before the request returns. :meth:`close` (server shutdown) writes what is still pending.
    """

    def __init__(self, settings: Settings, store: Any = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from qa.storage import Store

        self.store = store if store is not None else Store.from_settings(settings)
        self._secrets = tuple(s for s in (settings.api_key, settings.openai_api_key, settings.admin_key,
                                          settings.database_url) if s)
        per_min = settings.log_rate_per_min
        self._limits = {t: RateLimit(per_min) if per_min > 0 else None for t in ("questions", "feedback")}
        self.dropped = {"questions": 0, "feedback": 0}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-log")
        self._pending: set[Any] = set()
        self._lock = threading.Lock()
        #: called with (channel, answer, error) for every finished question (the metrics)
        self.observers: list[Any] = []

    def _admit(self, table: str) -> bool:
        limit = self._limits[table]
        if limit is not None and limit.take():
            self.dropped[table] += 1
            n = self.dropped[table]
            if n in (1, 10, 100) or n % 1000 == 0:
                log.warning("%s: rate limit reached, %d records dropped", table, n)
            return False
        return True

    def _write(self, table: str, row: dict[str, Any]) -> bool:
        try:
            self.store.insert(table, clean(row, self._secrets))
        except Exception:  # a database outage must not break answering; it is in the server log
            log.exception("cannot write a %s record to the database", table)
            return False
        return True

    def question(self, channel: str, question: str, answer: Answer | None = None, *,
                 error: str | None = None, wait_ms: float = 0.0, doc_ids: list[str] | None = None) -> None:
        for observe in self.observers:
            try:
                observe(channel, answer, error)
            except Exception:
                log.exception("question observer failed")
        if not self._admit("questions"):
            return
        row: dict[str, Any] = {"channel": channel, "question": question, "doc_ids": doc_ids or [],
                               "citations": [], "timings": {}, "queue_wait_ms": round(wait_ms, 1),
                               "error": error}
        if answer is not None:
            row.update(rewritten_question=answer.rewritten_question, refused=answer.refused,
                       refusal_reason=getattr(answer, "refusal_reason", None) or None,
                       extractive=answer.extractive, answer_summary=answer.text[:SUMMARY_CHARS],
                       citations=[f"《{c.doc_title}》{c.clause}" for c in answer.citations],
                       timings={**answer.timings.to_dict(), "queue_wait_ms": round(wait_ms, 1)})
        with self._lock:
            future = self._pool.submit(self._write, "questions", row)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Any) -> None:
        with self._lock:
            self._pending.discard(future)

    def add_feedback(self, channel: str, rating: str, question: str, answer: str,
                     citations: list[dict[str, Any]], comment: str = "") -> bool:
        if not self._admit("feedback"):
            return False
        return self._write("feedback", {"channel": channel, "rating": rating, "question": question,
                                        "answer": answer, "citations": citations, "comment": comment})

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until the question records queued so far are written."""
        from concurrent.futures import wait

        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.store.close()


# -- the server log (qa serve) -------------------------------------------------------------
def _redact(line: str, secrets: tuple[str, ...]) -> str:
    from urllib.parse import quote, quote_plus

    for s in secrets:  # raw, JSON-escaped, and percent-encoded (a key pasted into a URL's query)
        for form in {s, json.dumps(s)[1:-1], json.dumps(s, ensure_ascii=False)[1:-1], quote(s, safe=""),
                     quote_plus(s, safe=""), quote(s)}:
            line = line.replace(form, "***")
    return line


def _formatter_classes(secrets: tuple[str, ...]) -> tuple[type, type]:
    from pythonjsonlogger.json import JsonFormatter

    class RedactingJsonFormatter(JsonFormatter):
        """One JSON object a line (library: python-json-logger), secrets replaced by ``***``."""

        def format(self, record: logging.LogRecord) -> str:
            return _redact(super().format(record), secrets)

    class RedactingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return _redact(super().format(record), secrets)

    return RedactingJsonFormatter, RedactingFormatter


def server_log_config(settings: Settings) -> dict[str, Any]:
    """logging.config dict for `qa serve` (uvicorn's loggers and ours): JSON lines on stderr when
    ``log_format = json`` (the default), plain text otherwise; the API key, the engine's key, the admin
    key and the database URL are never written in either."""
    secrets = tuple(s for s in (settings.api_key, settings.openai_api_key, settings.admin_key,
                                settings.database_url) if s)
    json_cls, text_cls = _formatter_classes(secrets)
    if settings.log_format == "json":
        fmt: dict[str, Any] = {"()": json_cls, "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                               "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}
    else:
        fmt = {"()": text_cls, "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    loggers = {name: {"handlers": ["main"], "level": "INFO", "propagate": False}
               for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "qa")}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {"main": fmt},
            "handlers": {"main": handler}, "loggers": loggers}
