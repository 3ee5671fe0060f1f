"""Helpers shared by the generation backends (no heavy imports here)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from qa.errors import GenerationError

Message = dict[str, str]

#: Characters → tokens ratio used before a tokenizer is available (Qwen-style BPE on Chinese text).
TOKENS_PER_CHAR = 0.7


def estimate_tokens(text: str) -> int:
    """Rough token count for `text` without a tokenizer (0.7 tokens per character)."""
    return max(1, math.ceil(len(text) * TOKENS_PER_CHAR)) if text else 0


def check_messages(messages: Sequence[Message]) -> list[Message]:
    """Copy `messages` as plain dicts, raising GenerationError when they are not a chat."""
    out: list[Message] = []
    for m in messages:
        role, content = m.get("role"), m.get("content")
        if role not in ("system", "user", "assistant") or not isinstance(content, str):
            raise GenerationError(
                f"bad chat message {m!r}",
                hint="each message needs role system/user/assistant and a string content",
            )
        out.append({"role": role, "content": content})
    if not out:
        raise GenerationError("no messages to generate from", hint="pass at least one user message")
    return out


def status_dict(backend: str, model: str, loaded: bool, error: str | None) -> dict[str, Any]:
    """The shape every backend's ``status()`` returns."""
    return {"backend": backend, "model": model, "loaded": loaded, "error": error}


class StreamTimer:
    """Collects the per-call figures exposed as ``last_stats`` by the backends."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: float | None = None
        self.end: float | None = None
        self.pieces = 0

    def piece(self) -> None:
        """Record one streamed piece of text."""
        if self.first is None:
            self.first = time.perf_counter()
        self.pieces += 1

    def stop(self) -> None:
        """Record the end of the stream."""
        self.end = time.perf_counter()

    @property
    def first_token_ms(self) -> float | None:
        return None if self.first is None else (self.first - self.start) * 1000

    @property
    def generate_ms(self) -> float:
        end = self.end if self.end is not None else time.perf_counter()
        begin = self.first if self.first is not None else end
        return (end - begin) * 1000

    @property
    def total_ms(self) -> float:
        end = self.end if self.end is not None else time.perf_counter()
        return (end - self.start) * 1000
