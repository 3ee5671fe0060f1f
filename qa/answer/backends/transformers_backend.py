"""Generation with any Hugging Face causal LM (a local folder, or a hub id when the hub is reachable).

Settings used: ``generator_model`` (folder or id), ``n_threads`` (torch threads), ``temperature``.
The tokenizer's chat template builds the prompt; tokens stream from a background thread through a
``TextIteratorStreamer``; a stopping criterion ends generation when ``cancel`` is set.
Weights load on :meth:`TransformersGenerator.load` or the first :meth:`stream`, once per instance.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from qa.answer.backends._common import Message, StreamTimer, check_messages, estimate_tokens, status_dict
from qa.answer.generators import record_usage
from qa.errors import GenerationError, ModelError
from qa.settings import Settings


class TransformersGenerator:
    """Streams text from an ``AutoModelForCausalLM`` on CPU."""

    name = "transformers"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_id = settings.generator_model
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self._error: str | None = None
        self.last_stats: dict[str, Any] = {}

    # -- lifecycle ---------------------------------------------------------
    def load(self) -> None:
        """Load tokenizer and model (idempotent, thread-safe). Raises ModelError with a fix."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer

                if self.settings.n_threads > 0:
                    torch.set_num_threads(self.settings.n_threads)
                tokenizer = AutoTokenizer.from_pretrained(self.model_id)
                model = AutoModelForCausalLM.from_pretrained(self.model_id, dtype=torch.float32)
                model.eval()
            except Exception as exc:  # noqa: BLE001 - any loader failure becomes a ModelError
                self._error = f"could not load Hugging Face model '{self.model_id}': {exc}"
                raise ModelError(
                    self._error,
                    hint="set generator_model to a local causal-LM folder (config.json, weights, "
                    "tokenizer) or a hub id reachable from here; without hub access use "
                    "generator_backend = 'llama-cpp' and `qa models install`",
                ) from exc
            if not getattr(tokenizer, "chat_template", None):
                self._error = f"the tokenizer of '{self.model_id}' has no chat template"
                raise ModelError(self._error, hint="use an instruct/chat model, or add a "
                                 "chat_template to its tokenizer_config.json")
            self._tokenizer, self._model, self._error = tokenizer, model, None

    def status(self) -> dict:
        return status_dict(self.name, self.model_id, self._model is not None, self._error)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` with the model's tokenizer once loaded, else an estimate."""
        if self._tokenizer is None:
            return estimate_tokens(text)
        return len(self._tokenizer.encode(text, add_special_tokens=False))

    # -- generation --------------------------------------------------------
    def stream(self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = (),
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield decoded text pieces as the model writes them (greedy when temperature is 0).

        `stop` strings end the answer (they are not yielded). Callers must exhaust or close the
        iterator: one generation runs at a time per instance.
        """
        msgs = check_messages(messages)
        self.load()
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        halt = threading.Event()  # set when the consumer stops early (cancel, stop string, close)

        class _Cancelled(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                done = halt.is_set() or (cancel is not None and cancel.is_set())
                return torch.full((input_ids.shape[0],), done, dtype=torch.bool)

        tok = self._tokenizer
        prompt = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        inputs = tok(prompt, return_tensors="pt", add_special_tokens=False)
        n_prompt = int(inputs["input_ids"].shape[1])
        limit = getattr(self._model.config, "max_position_embeddings", None) or self.settings.n_ctx
        if n_prompt >= limit:
            raise GenerationError(
                f"the prompt has {n_prompt} tokens, more than the model's context of {limit}",
                hint="lower top_k (fewer evidence items) or use a model with a longer context",
            )
        streamer = TextIteratorStreamer(tok, skip_prompt=True, skip_special_tokens=True, timeout=600.0)
        gen_kwargs: dict[str, Any] = {
            **inputs, "streamer": streamer, "max_new_tokens": min(max_tokens, limit - n_prompt),
            "stopping_criteria": StoppingCriteriaList([_Cancelled()]),
            "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
        }
        if self.settings.temperature > 0:
            gen_kwargs.update(do_sample=True, temperature=self.settings.temperature)
        else:
            gen_kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        failure: list[BaseException] = []
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                with torch.inference_mode():
                    out = self._model.generate(**gen_kwargs)
                result["completion_tokens"] = int(out.shape[1]) - n_prompt
            except BaseException as exc:  # noqa: BLE001 - reported to the consuming thread
                failure.append(exc)
                streamer.end()

        with self._gen_lock:
            timer = StreamTimer()
            worker = threading.Thread(target=run, name="transformers-generate", daemon=True)
            worker.start()
            try:
                yield from _cut_at_stop(_pieces(streamer, timer, cancel), stop)
            finally:
                halt.set()  # no-op when generation already ended; stops it when the consumer left early
                worker.join()
                timer.stop()
                self.last_stats = {
                    "prompt_tokens": n_prompt,
                    "completion_tokens": result.get("completion_tokens", timer.pieces),
                    "prompt_ms": timer.first_token_ms,
                    "generate_ms": timer.generate_ms,
                    "first_token_ms": timer.first_token_ms,
                }
                record_usage(self.last_stats["prompt_tokens"], self.last_stats["completion_tokens"])
        if failure:
            raise GenerationError(f"generation with '{self.model_id}' failed: {failure[0]}",
                                  hint="check the model files; try a shorter prompt") from failure[0]


def _pieces(streamer: Any, timer: StreamTimer, cancel: threading.Event | None) -> Iterator[str]:
    """Non-empty text pieces from the streamer until it ends or `cancel` is set."""
    for text in streamer:
        if cancel is not None and cancel.is_set():
            return
        if text:
            timer.piece()
            yield text


def _cut_at_stop(pieces: Iterator[str], stop: Sequence[str]) -> Iterator[str]:
    """Pass pieces through, ending before the first occurrence of any `stop` string.

    Text that could be the start of a stop string is held back until it is decided.
    """
    if not stop:
        yield from pieces
        return
    held = ""
    longest = max(len(s) for s in stop)
    for piece in pieces:
        held += piece
        hits = [i for i in (held.find(s) for s in stop if s) if i >= 0]
        if hits:
            if min(hits):
                yield held[: min(hits)]
            return
        safe = len(held) - (longest - 1)
        if safe > 0:
            yield held[:safe]
            held = held[safe:]
    if held:
        yield held
