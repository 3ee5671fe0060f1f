"""OpenAI chat-completions shapes: messages → (question, history); Answer → completion / chunks.

Citations travel twice: as a ``citations`` list on the response object (and on the final stream
chunk), and as a 来源 list appended to the text, so plain chat widgets show them too.
The stream carries the *checked* answer only: the model's draft is never sent, because the citation
checker may repair or replace it. As soon as the check is done the answer goes out sentence by sentence
(one ``delta`` per sentence, then one per 来源 line); ``usage`` counts the tokens the model really read
and wrote for this answer (all its generations, by the generator's own tokenizer; 0 when no model ran,
e.g. a 文号 question answered from the document card). Use ``POST /api/ask`` with ``stream`` for the
live draft tokens.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from qa.api.schemas import ChatMessage
from qa.errors import InputError
from qa.types import Answer, TokenUsage, Turn

QUOTE_CHARS = 60


def message_text(m: ChatMessage) -> str:
    if m.content is None:
        return ""
    if isinstance(m.content, str):
        return m.content
    return "".join(p.text or "" for p in m.content if p.type in ("text", "input_text"))


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The last user message is the question; earlier user/assistant messages are the history."""
    if messages[-1].role != "user":
        raise InputError("最后一条消息必须是用户的提问 / the last message must have role 'user'")
    history = [Turn(m.role, message_text(m)) for m in messages[:-1] if m.role in ("user", "assistant")]
    return message_text(messages[-1]), history


def sources_text(answer: Answer) -> str:
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        quote = c.quote if len(c.quote) <= QUOTE_CHARS else c.quote[:QUOTE_CHARS] + "…"
        lines.append(f"[{c.n}]《{c.doc_title}》{c.clause}：{quote}")
    return "\n\n来源：\n" + "\n".join(lines)


def content_text(answer: Answer) -> str:
    return answer.text + sources_text(answer)


def extras(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.to_dict() for c in answer.citations],
            "policy_qa": {"refused": answer.refused, "extractive": answer.extractive,
                          "rewritten_question": answer.rewritten_question,
                          "timings": answer.timings.to_dict()}}


def new_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def usage_dict(usage: TokenUsage | None) -> dict[str, int]:
    return (usage or TokenUsage()).to_dict()


_SENTENCE = re.compile(r"[^。！？；!?\n]*(?:[。！？；!?]+[”’）)]*|\n+|$)")


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end (。！？；) and line break; joined back they give `text`."""
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]


def completion(answer: Answer, model: str, usage: TokenUsage | None = None) -> dict[str, Any]:
    text = content_text(answer)
    return {"id": new_id(), "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": usage_dict(usage), **extras(answer)}


class ChunkWriter:
    """Builds the `data: {...}` lines of one streamed completion."""

    def __init__(self, model: str) -> None:
        self.id = new_id()
        self.created = int(time.time())
        self.model = model

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **more}
        return "data: " + json.dumps(body, ensure_ascii=False) + "\n\n"

    def role(self) -> str:
        return self._chunk({"role": "assistant", "content": ""})

    def content(self, text: str) -> str:
        return self._chunk({"content": text})

    def answer(self, answer: Answer, usage: TokenUsage | None = None) -> list[str]:
        """The checked text, one chunk per sentence, then the final chunk with citations and usage."""
        pieces = [self.content(piece) for piece in sentences(content_text(answer))]
        return pieces + [self._chunk({}, "stop", usage=usage_dict(usage), **extras(answer))]

    def error(self, err_type: str, message: str) -> str:
        return "data: " + json.dumps({"error": {"type": err_type, "message": message}}, ensure_ascii=False) + "\n\n"

    @staticmethod
    def done() -> str:
        return "data: [DONE]\n\n"
