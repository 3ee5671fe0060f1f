"""Append-only JSONL logs under settings.data_dir: questions.jsonl and feedback.jsonl.

Records hold the question, an answer summary, citations and timings — never request headers,
and any occurrence of the configured API key in user text is replaced by ``***``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from qa.settings import Settings
from qa.types import Answer

log = logging.getLogger("qa.api")

SUMMARY_CHARS = 200


class JsonlLog:
    """A thread-safe JSONL appender that redacts `secret` from every string it writes."""

    def __init__(self, path: Path, secrets: tuple[str, ...] = ()) -> None:
        self.path = path
        self._secrets = tuple(s for s in secrets if s)
        self._lock = threading.Lock()

    def _redact(self, value: Any) -> Any:
        if isinstance(value, str):
            for s in self._secrets:
                value = value.replace(s, "***")
            return value
        if isinstance(value, dict):
            return {k: self._redact(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._redact(v) for v in value]
        return value

    def append(self, record: dict[str, Any]) -> None:
        record = self._redact({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record})
        line = json.dumps(record, ensure_ascii=False)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(line + "\n")
        except OSError:  # a full disk must not break answering
            log.exception("cannot write %s", self.path)


class Logs:
    """The two logs of one server (shared by the API and the chat page)."""

    def __init__(self, settings: Settings) -> None:
        data = Path(settings.data_dir)
        secrets = (settings.api_key, settings.openai_api_key)
        self.questions = JsonlLog(data / "questions.jsonl", secrets)
        self.feedback = JsonlLog(data / "feedback.jsonl", secrets)

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
                     citations: list[dict[str, Any]], comment: str = "") -> None:
        self.feedback.append({"channel": channel, "rating": rating, "question": question, "answer": answer,
                              "citations": citations, "comment": comment})
