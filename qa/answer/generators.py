"""Generation backends behind one streaming interface, chosen by name in settings.

Registry: ``llama-cpp`` (default, local GGUF), ``transformers`` (any HF causal LM),
``openai`` (any OpenAI-compatible server), ``fake`` (deterministic, for tests).
Backend modules are imported only when chosen; constructors are cheap; weights load on first use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from qa.errors import ConfigError
from qa.settings import Settings

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": str}


class Generator(Protocol):
    name: str

    def load(self) -> None:
        """Load the model now (idempotent, thread-safe)."""

    def status(self) -> dict:
        """{"backend", "model", "loaded": bool, "error": str|None}."""

    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield text pieces as generated (greedy unless settings say otherwise). Stops early when
        `cancel` is set. Raises GenerationError / ModelError with a message saying how to fix it."""

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` for this model (an estimate is acceptable before the model loads)."""


# -- token usage (the OpenAI-compatible API's `usage`) ---------------------------
@dataclass
class UsageMeter:
    """Tokens of the generations made in one thread while metering (counted with each backend's tokenizer)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    generations: int = 0


_METER = threading.local()


@contextmanager
def metered() -> Iterator[UsageMeter]:
    """Count the prompt and completion tokens of every generation this thread makes inside the block."""
    previous = getattr(_METER, "meter", None)
    meter = _METER.meter = UsageMeter()
    try:
        yield meter
    finally:
        _METER.meter = previous


def record_usage(prompt_tokens: int, completion_tokens: int) -> None:
    """Called by a backend when a generation ends (no-op unless the thread is metering)."""
    meter = getattr(_METER, "meter", None)
    if meter is not None:
        meter.prompt_tokens += int(prompt_tokens)
        meter.completion_tokens += int(completion_tokens)
        meter.generations += 1


class FakeGenerator:
    """Deterministic generator for tests: canned replies, streamed two characters at a time.

    `reply` is a string, or a callable(messages) -> str. The default reply quotes the first
    sentence of evidence item [1] from the prompt and cites it, like a well-behaved model.
    """

    name = "fake"

    def __init__(self, settings: Settings | None = None,
                 reply: str | Callable[[Sequence[Message]], str] | None = None) -> None:
        self.reply = reply
        self.calls: list[list[Message]] = []
        self._loaded = False

    def load(self) -> None:
        self._loaded = True

    def status(self) -> dict:
        return {"backend": "fake", "model": "fake", "loaded": self._loaded, "error": None}

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) * 2 // 3)

    def _text(self, messages: Sequence[Message]) -> str:
        if callable(self.reply):
            return self.reply(messages)
        if isinstance(self.reply, str):
            return self.reply
        prompt = messages[-1]["content"]
        m = re.search(r"\[1\][^\n]*\n(.+?)(?:\n|$)", prompt)
        if not m:
            return "文件中未找到相关内容。"
        sentence = re.split(r"(?<=[。；])", m.group(1).strip())[0]
        return f"{sentence}[1]"

    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        self._loaded = True
        self.calls.append([dict(m) for m in messages])
        text = self._text(messages)
        cut = min((text.find(s) for s in stop if s and s in text), default=-1)
        if cut >= 0:  # like a real backend, stop before the first stop string
            text = text[:cut]
        sent = 0
        try:
            for i in range(0, len(text), 2):
                if cancel is not None and cancel.is_set():
                    return
                sent = min(len(text), i + 2)
                yield text[i:i + 2]
        finally:  # the fake tokenizer counts characters
            record_usage(sum(self.count_tokens(m["content"]) for m in messages), self.count_tokens(text[:sent]) if sent else 0)


def _llama_cpp(settings: Settings) -> Generator:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    return LlamaCppGenerator(settings)


def _transformers(settings: Settings) -> Generator:
    from qa.answer.backends.transformers_backend import TransformersGenerator

    return TransformersGenerator(settings)


def _openai(settings: Settings) -> Generator:
    from qa.answer.backends.openai_backend import OpenAIGenerator

    return OpenAIGenerator(settings)


GENERATORS: dict[str, Callable[[Settings], Generator]] = {
    "llama-cpp": _llama_cpp,
    "transformers": _transformers,
    "openai": _openai,
    "fake": FakeGenerator,
}


class CachedGenerator:
    """Replays earlier generations for the same prompt (evaluation runs and ablations only).

    Greedy decoding makes a generation a function of the prompt, so a mechanism switched off in an
    ablation costs generation time only for the questions whose prompt it changes. The cache is a JSONL
    file (``generation_cache`` setting); each line is written when a generation completes.
    """

    def __init__(self, inner: Generator, path: str, model_key: str) -> None:
        import json
        from pathlib import Path

        self.inner = inner
        self.name = inner.name
        self.path = Path(path)
        self.model_key = model_key
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self._cache[row["key"]] = row["text"]
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a killed run

    def load(self) -> None:
        self.inner.load()

    def status(self) -> dict:
        return self.inner.status()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def _key(self, messages: Sequence[Message], max_tokens: int, stop: Sequence[str]) -> str:
        import hashlib
        import json

        blob = json.dumps([self.model_key, list(messages), max_tokens, list(stop)], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        import json

        key = self._key(messages, max_tokens, stop)
        if key in self._cache:
            text = self._cache[key]
            record_usage(sum(self.count_tokens(m["content"]) for m in messages), self.count_tokens(text) if text else 0)
            yield text
            return
        parts: list[str] = []
        for piece in self.inner.stream(messages, max_tokens=max_tokens, stop=stop, cancel=cancel):
            parts.append(piece)
            yield piece
        if cancel is not None and cancel.is_set():
            return
        text = "".join(parts)
        with self._lock:
            self._cache[key] = text
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"key": key, "text": text}, ensure_ascii=False) + "\n")


def make_generator(settings: Settings) -> Generator:
    try:
        factory = GENERATORS[settings.generator_backend]
    except KeyError:
        raise ConfigError(
            f"unknown generator_backend '{settings.generator_backend}'",
            hint=f"choose one of: {', '.join(GENERATORS)}",
        ) from None
    generator = factory(settings)
    if settings.generation_cache:
        model_key = f"{settings.generator_backend}:{settings.generator_model}:{settings.temperature}"
        return CachedGenerator(generator, settings.generation_cache, model_key)
    return generator
