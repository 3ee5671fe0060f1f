"""Generation with a local GGUF model through llama-cpp-python (the default backend).

Settings used: ``generator_model`` (resolved by :func:`qa.models.resolve_gguf`: a ``builtin:`` name or
a .gguf path), ``n_ctx``, ``n_threads``, ``temperature`` (0 = greedy: top_k 1, no repeat penalty,
fixed seed). The prompt is built by the GGUF's own chat template (``create_chat_completion``).

KV prefix cache: llama-cpp-python keeps the tokens of the previous call and re-evaluates only the
part of a new prompt after the longest common token prefix, so a fixed system message placed first
is processed once per process. ``last_stats["cached_tokens"]`` shows how much was reused.

A model file is loaded once per process (shared by every instance with the same path and
settings); one generation runs at a time per loaded model.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.answer.backends._common import Message, StreamTimer, check_messages, estimate_tokens, status_dict
from qa.answer.generators import record_usage
from qa.errors import GenerationError, ModelError
from qa.models.probe import ensure_generation_safe
from qa.settings import BUILTIN_GENERATOR_FAST, Settings

#: Seed used for every call, so greedy (and sampled) answers are reproducible.
SEED = 1234
REPAIR_HINT = ("run `qa models install` to (re)install the built-in model, or set generator_model "
               "to a valid .gguf file")
CONTEXT_HINT = "lower top_k (fewer evidence items in the prompt) or raise n_ctx (QA_N_CTX)"


@dataclass
class _Loaded:
    """One loaded model, shared process-wide, with the lock that serialises its use."""

    llama: Any
    formatter: Any  # llama_cpp Jinja2ChatFormatter for the GGUF's template, or None
    lock: threading.Lock
    load_s: float


_MODELS: dict[tuple, _Loaded] = {}
_MODELS_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free the models before interpreter teardown (llama-cpp-python's __del__ fails late in it)."""
    for loaded in _MODELS.values():
        try:
            loaded.llama.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _MODELS.clear()


def _check_gguf_header(path: Path, hint: str) -> None:
    """Fail fast (and quietly) on a missing file or one that is not GGUF at all."""
    if not path.is_file():
        raise ModelError(f"GGUF model file {path} not found", hint=hint)
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"GGUF":
        raise ModelError(f"{path} is not a GGUF file (bad header {magic!r})", hint=hint)


class LlamaCppGenerator:
    """Streams answers from a GGUF model with llama.cpp on CPU."""

    name = "llama-cpp"

    def __init__(self, settings: Settings, model_path: str | os.PathLike[str] | None = None) -> None:
        """`model_path` overrides ``settings.generator_model`` (benchmarks, tests)."""
        self.settings = settings
        self._model_path = Path(model_path) if model_path is not None else None
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()
        self._error: str | None = None
        self.path: Path | None = None
        self.last_stats: dict[str, Any] = {}

    # -- lifecycle ---------------------------------------------------------
    def _resolve(self) -> Path:
        if self._model_path is not None:
            return self._model_path
        from qa.models import resolve_gguf  # raises ModelError (with the repair command) itself

        return Path(resolve_gguf(self.settings))

    def _repair_hint(self) -> str:
        if self._model_path is None and self.settings.generator_model == BUILTIN_GENERATOR_FAST:
            return REPAIR_HINT.replace("`qa models install`", "`qa models install --fast`")
        return REPAIR_HINT

    def load(self) -> None:
        """Load the GGUF model (idempotent, thread-safe, once per process). Raises ModelError."""
        if self._loaded is not None:
            return
        with self._lock:
            if self._loaded is not None:
                return
            try:
                self._loaded = self._load()
                self._error = None
            except ModelError as exc:
                self._error = str(exc)
                raise

    def _load(self) -> _Loaded:
        path = self._resolve()
        _check_gguf_header(path, self._repair_hint())
        s = self.settings
        key = (str(path.resolve()), s.n_ctx, s.n_threads, s.flash_attn)
        with _MODELS_LOCK:
            if key in _MODELS:
                self.path = path
                return _MODELS[key]
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError("llama-cpp-python is not installed",
                                 hint="pip install 'llama-cpp-python>=0.3.2,<0.4'") from exc
            # a build that crashes on this CPU must fail here, in a child process, not kill this one
            ensure_generation_safe(path, s.models_path / ".probe", s.n_threads, file_hint=self._repair_hint())
            t0 = time.perf_counter()
            try:
                llama = Llama(model_path=str(path), n_ctx=s.n_ctx, n_threads=s.n_threads,
                              n_threads_batch=s.n_threads, flash_attn=s.flash_attn, seed=SEED, verbose=False)
            except Exception as exc:  # noqa: BLE001 - llama.cpp reports bad files as ValueError etc.
                raise ModelError(f"could not load GGUF model {path}: {exc} (file truncated or corrupt?)",
                                 hint=self._repair_hint()) from exc
            loaded = _Loaded(llama, _chat_formatter(llama), threading.Lock(), time.perf_counter() - t0)
            _MODELS[key] = loaded
            self.path = path
            return loaded

    def status(self) -> dict:
        model = str(self.path or self._model_path or self.settings.generator_model)
        return status_dict(self.name, model, self._loaded is not None, self._error)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` with the model's tokenizer once loaded, else an estimate."""
        if self._loaded is None:
            return estimate_tokens(text)
        return len(self._loaded.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_tokens(self, messages: Sequence[Message]) -> list[int]:
        """The prompt tokens ``create_chat_completion`` will feed the model for `messages`."""
        self.load()
        assert self._loaded is not None
        llama, fmt = self._loaded.llama, self._loaded.formatter
        if fmt is None:  # no template in the file: llama-cpp-python's fallback format; estimate
            text = "\n".join(m["content"] for m in messages)
            return llama.tokenize(text.encode("utf-8"), add_bos=True, special=True)
        result = fmt(messages=list(messages))
        return llama.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)

    # -- generation --------------------------------------------------------
    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield text pieces as the model writes them; stop between tokens when `cancel` is set.

        Raises GenerationError when the prompt does not fit in n_ctx. Callers must exhaust or
        close the iterator (the model is locked while it runs).
        """
        msgs = check_messages(messages)
        self.load()
        assert self._loaded is not None
        loaded = self._loaded
        llama, n_ctx = loaded.llama, self.settings.n_ctx
        prompt = self.prompt_tokens(msgs)
        if len(prompt) >= n_ctx:
            raise GenerationError(
                f"the prompt has {len(prompt)} tokens but the context window n_ctx is {n_ctx}",
                hint=CONTEXT_HINT)
        greedy = self.settings.temperature <= 0
        params: dict[str, Any] = {
            "temperature": 0.0 if greedy else self.settings.temperature,
            "top_k": 1 if greedy else 40, "top_p": 1.0 if greedy else 0.95,
            "min_p": 0.0 if greedy else 0.05, "repeat_penalty": 1.0, "seed": SEED,
        }
        with loaded.lock:
            import llama_cpp

            cached = _reused_prefix(llama, prompt)
            llama_cpp.llama_perf_context_reset(llama.ctx)
            timer = StreamTimer()
            parts: list[str] = []
            chunks = llama.create_chat_completion(
                messages=msgs, stream=True, max_tokens=max_tokens, stop=list(stop) or None, **params)
            try:
                while not (cancel is not None and cancel.is_set()):
                    try:
                        chunk = next(chunks, None)
                    except ValueError as exc:
                        if "context window" in str(exc):
                            raise GenerationError(f"the prompt does not fit in n_ctx={n_ctx}: {exc}",
                                                  hint=CONTEXT_HINT) from exc
                        raise GenerationError(f"llama.cpp generation failed: {exc}",
                                              hint=REPAIR_HINT) from exc
                    if chunk is None:
                        break
                    text = chunk["choices"][0]["delta"].get("content") if chunk["choices"] else None
                    if text:
                        timer.piece()
                        parts.append(text)
                        yield text
            finally:
                chunks.close()
                timer.stop()
                self.last_stats = self._stats(llama, prompt, cached, "".join(parts), timer)
                record_usage(self.last_stats["prompt_tokens"], self.last_stats["completion_tokens"])

    def _stats(self, llama: Any, prompt: list[int], cached: int, text: str, timer: StreamTimer) -> dict:
        import llama_cpp

        perf = llama_cpp.llama_perf_context(llama.ctx)
        first = timer.first_token_ms
        return {
            "prompt_tokens": len(prompt),
            "completion_tokens": len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))
            if text else 0,
            "prompt_ms": perf.t_p_eval_ms if perf.n_p_eval > 0 else first,
            "generate_ms": timer.generate_ms,
            "first_token_ms": first,
            "cached_tokens": cached,
            "prompt_eval_tokens": int(perf.n_p_eval) if perf.n_p_eval > 0 else len(prompt) - cached,
        }


def _reused_prefix(llama: Any, prompt: list[int]) -> int:
    """Prompt tokens llama-cpp-python will take from its KV cache instead of evaluating."""
    cached_ids = getattr(llama, "_input_ids", None)  # tokens now in the KV cache (llama-cpp-python 0.3)
    if cached_ids is None or llama.n_tokens <= 0:
        return 0
    common = 0
    for a, b in zip(list(cached_ids), prompt, strict=False):
        if a != b:
            break
        common += 1
    return common - 1 if common == len(prompt) else common  # the last token is re-evaluated


def _chat_formatter(llama: Any) -> Any:
    """The same Jinja2 formatter llama-cpp-python builds from the GGUF's chat template, or None."""
    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def text(token_id: int) -> str:
        return llama._model.token_get_text(token_id) if token_id != -1 else ""

    return Jinja2ChatFormatter(template=template, eos_token=text(llama.token_eos()),
                               bos_token=text(llama.token_bos()))
