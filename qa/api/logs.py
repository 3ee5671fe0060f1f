"""The question and feedback logs under settings.data_dir: questions.jsonl and feedback.jsonl.

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
        if isinstance(value, str):
            value = safe_text(value)[:MAX_FIELD_CHARS]
            for s in self._secrets:
                value = value.replace(s, "***")
            return value
        if isinstance(value, dict):
            return {str(k)[:100]: self._clean(v) for k, v in list(value.items())[:50]}
        if isinstance(value, (list, tuple)):
            return [self._clean(v) for v in list(value)[:50]]
        return value

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
    """The two logs of one server (shared by the API and the chat page)."""

    def __init__(self, settings: Settings) -> None:
        data = Path(settings.data_dir)
        secrets = (settings.api_key, settings.openai_api_key)
        opts = {"max_bytes": int(settings.log_max_mb * 2**20), "backups": settings.log_backups,
                "per_min": settings.log_rate_per_min}
        self.questions = JsonlLog(data / "questions.jsonl", secrets, **opts)
        self.feedback = JsonlLog(data / "feedback.jsonl", secrets, **opts)

    def question(self, channel: str, question: str, answer: Answer | None = None, *,
                 error: str | None = None, wait_ms: float = 0.0, doc_ids: list[str] | None = None) -> None:
        rec: dict[str, Any] = {"channel": channel, "question": question, "doc_ids": doc_ids or []}
        if answer is not None:
            rec.update(rewritten_question=answer.rewritten_question, refused=answer.refused,
                       extractive=answer.extractive, answer_summary=answer.text[:SUMMARY_CHARS],
                       citations=[f"《{c.doc_title}》{c.clause}" for c in answer.citations],
                       timings={**answer.timings.to_dict(), "queue_wait_ms": round(wait_ms, 1)})
        rec["error"] = error
        self.questions.append(rec)

    def add_feedback(self, channel: str, rating: str, question: str, answer: str,
                     citations: list[dict[str, Any]], comment: str = "") -> bool:
        return self.feedback.append({"channel": channel, "rating": rating, "question": question,
                                     "answer": answer, "citations": citations, "comment": comment})

    def close(self) -> None:
        self.questions.close()
        self.feedback.close()
