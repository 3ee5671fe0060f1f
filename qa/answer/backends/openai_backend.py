"""Generation through any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, …).

Settings used: ``openai_base_url`` (e.g. ``http://127.0.0.1:8080/v1``), ``generator_model`` (the
served model name), ``openai_api_key`` (empty for servers without auth), ``temperature``.
Nothing touches the network until the first :meth:`OpenAIGenerator.stream`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from qa.answer.backends._common import Message, StreamTimer, check_messages, estimate_tokens, status_dict
from qa.answer.generators import record_usage
from qa.errors import GenerationError
from qa.settings import Settings

#: Seconds allowed to open a connection, and between two streamed chunks.
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 300.0


class OpenAIGenerator:
    """Streams chat completions from an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    name = "openai"
    #: Retries of a failed request (connection error, 429, 5xx) before GenerationError.
    max_retries: int = 1

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url = settings.openai_base_url.rstrip("/")
        self.model = settings.generator_model
        self._client: Any = None
        self._lock = threading.Lock()
        self._error: str | None = None
        self._local = threading.local()  # last_stats per thread: several generations run at once

    @property
    def last_stats(self) -> dict[str, Any]:
        """Figures of the last generation made by the calling thread."""
        return getattr(self._local, "stats", {})

    @last_stats.setter
    def last_stats(self, value: dict[str, Any]) -> None:
        self._local.stats = value

    def engine_slots(self, timeout_s: float = 3.0) -> int | None:
        """How many generations the engine runs in parallel, when it says so: llama.cpp server's
        ``/props`` (``total_slots``) or ``/slots`` (one entry per slot), looked up next to the
        OpenAI base URL. None when the engine does not report it (vLLM, Ollama, llama-cpp-python)."""
        import httpx

        root = self.base_url[: -len("/v1")] if self.base_url.endswith("/v1") else self.base_url
        headers = {"Authorization": f"Bearer {self.settings.openai_api_key}"} if self.settings.openai_api_key else {}
        for path in ("/props", "/slots"):
            try:
                r = httpx.get(root + path, headers=headers, timeout=timeout_s)
                if r.status_code != 200:
                    continue
                body = r.json()
            except (httpx.HTTPError, ValueError):
                continue
            if path == "/props" and isinstance(body, dict) and isinstance(body.get("total_slots"), int):
                return max(1, body["total_slots"])
            if path == "/slots" and isinstance(body, list) and body:
                return len(body)
        return None

    # -- lifecycle ---------------------------------------------------------
    def load(self) -> None:
        """Create the HTTP client (no request is made; the server is reached on first use)."""
        if self._client is not None:
            return
        with self._lock:
            if self._client is not None:
                return
            try:
                import openai
            except ImportError as exc:  # pragma: no cover - openai is a hard dependency
                raise GenerationError("the `openai` package is not installed",
                                      hint="pip install 'openai>=1.30'") from exc
            self._client = openai.OpenAI(
                base_url=self.base_url,
                # the client refuses an empty key; servers without auth ignore this placeholder
                api_key=self.settings.openai_api_key or "no-key",
                timeout=openai.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
                max_retries=self.max_retries,
            )

    def status(self) -> dict:
        return status_dict(self.name, f"{self.model} @ {self.base_url}", self._client is not None,
                           self._error)

    def count_tokens(self, text: str) -> int:
        """An estimate: the server's tokenizer is not available locally."""
        return estimate_tokens(text)

    # -- generation --------------------------------------------------------
    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield text pieces as the server sends them; stop early when `cancel` is set."""
        msgs = check_messages(messages)
        self.load()
        timer = StreamTimer()
        completion_pieces = 0
        reported: Any = None
        kwargs: dict[str, Any] = {"model": self.model, "messages": msgs, "stream": True,
                                  "max_tokens": max_tokens, "temperature": self.settings.temperature}
        if stop:
            kwargs["stop"] = list(stop)[:4]  # the OpenAI API accepts at most 4 stop sequences
        response = self._call(lambda: self._client.chat.completions.create(**kwargs))
        try:
            chunks = iter(response)
            while True:
                if cancel is not None and cancel.is_set():
                    return
                chunk = self._call(lambda: next(chunks, None))
                if chunk is None:
                    return
                if getattr(chunk, "usage", None) is not None:  # an engine that reports its own count
                    reported = chunk.usage
                for choice in getattr(chunk, "choices", None) or ():
                    text = getattr(choice.delta, "content", None) if choice.delta else None
                    if text:
                        timer.piece()
                        completion_pieces += 1
                        yield text
        finally:
            timer.stop()
            close = getattr(response, "close", None)
            if close is not None:
                close()
            prompt_tokens = getattr(reported, "prompt_tokens", None) or sum(estimate_tokens(m["content"]) for m in msgs)
            completion_tokens = getattr(reported, "completion_tokens", None) or completion_pieces
            # the API's `usage`: the engine's own count when it sends one, else an estimate (pieces ≈ tokens)
            record_usage(prompt_tokens, completion_tokens)
            self.last_stats = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "prompt_ms": timer.first_token_ms,
                "generate_ms": timer.generate_ms,
                "first_token_ms": timer.first_token_ms,
            }

    def _call(self, fn: Any) -> Any:
        """Run one client call, turning the client's errors into GenerationError with a fix."""
        import openai

        try:
            result = fn()
        except openai.OpenAIError as exc:
            err = self._explain(exc)
            self._error = str(err)
            raise err from exc
        self._error = None
        return result

    def _explain(self, exc: Any) -> GenerationError:
        """The GenerationError, with a fix, for one of the client's errors."""
        import openai

        url = f"{self.base_url}/chat/completions"
        if isinstance(exc, openai.APITimeoutError):
            return GenerationError(f"the OpenAI-compatible server at {url} timed out",
                                   hint="check that the server is up and not overloaded")
        if isinstance(exc, openai.APIConnectionError):
            return GenerationError(
                f"cannot connect to the OpenAI-compatible server at {url}: {exc}",
                hint="check openai_base_url (QA_OPENAI_BASE_URL) and that the server is running",
            )
        if isinstance(exc, openai.AuthenticationError):
            return GenerationError(f"the server at {url} refused the API key (HTTP {exc.status_code})",
                                   hint="check openai_api_key (QA_OPENAI_API_KEY)")
        if isinstance(exc, openai.NotFoundError):
            return GenerationError(
                f"the server at {url} answered 404 for model '{self.model}': {exc.message}",
                hint="check generator_model (the served model name) and openai_base_url (usually ends in /v1)",
            )
        if isinstance(exc, openai.APIStatusError):
            return GenerationError(f"the server at {url} answered HTTP {exc.status_code}: {exc.message}",
                                   hint="see the server's log; check generator_model and max_new_tokens")
        return GenerationError(f"the OpenAI-compatible server at {url} failed: {exc}",
                               hint="check openai_base_url and the server's log")
