"""Feedback on an answer, stored the same way from the API and from the widget: the texts checked by the
one set of input rules, the client rate-limited, then one record in the feedback store."""

from __future__ import annotations

from typing import Any

from qa.api import schemas as s
from qa.api.limits import RateLimit, retry_after
from qa.errors import RateLimitError
from qa.validation import check_text


def store_feedback(channel: str, req: s.FeedbackRequest, client: str, limit: RateLimit, logs: Any) -> dict:
    """Validate, rate-limit (429 with Retry-After) and store one feedback record; ``{"ok": True}``."""
    question = check_text(req.question, "问题 / question", max_chars=2000)
    answer = check_text(req.answer, "回答 / answer", allow_empty=True)
    comment = check_text(req.comment, "意见 / comment", allow_empty=True)
    wait = limit.take(client)
    if wait:
        raise RateLimitError("反馈过于频繁，请稍后再试 / too much feedback, please wait", retry_after=retry_after(wait))
    logs.add_feedback(channel, req.rating, question, answer, req.citations, comment)
    return {"ok": True}
