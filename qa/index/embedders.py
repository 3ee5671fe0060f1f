"""Embedding backends behind one interface, chosen from a small registry by the model name.

- any sentence-transformers id or folder, or ``builtin:multilingual-e5-small`` → SentenceTransformerEmbedder,
  run by torch or, with ``embedding_backend`` openvino (the default for the built-in model), by the
  OpenVINO export that ``qa models install`` makes and checks (qa/models/openvino_export.py): the same
  tokenisation, prompts and pooling for questions and chunks, only the transformer forward differs
- ``hash:DIM`` → HashEmbedder, a deterministic fake (hashed character bigrams) for unit tests

Questions get the model's "query" prompt and chunks its "passage" prompt (the model's registered
prompts if it has them, else the prefixes from settings). Vectors are L2-normalised float32.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from qa.errors import ConfigError, ModelError
from qa.settings import BUILTIN_EMBEDDER, Settings


class Embedder(Protocol):
    name: str  # what the index manifest records

    @property
    def dim(self) -> int: ...

    @property
    def max_seq_length(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...

    def load(self) -> None: ...


class HashEmbedder:
    """Deterministic fake: a bag of hashed character unigrams and bigrams, L2-normalised."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.name = f"hash:{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_seq_length(self) -> int:
        return 256

    def load(self) -> None:
        return None

    def count_tokens(self, text: str) -> int:
        return len(text)

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for g in grams:
            if g.isspace():
                continue
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            v[h % self._dim] += 1.0 if len(g) == 2 else 0.3
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)

    def embed_passages(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        return self.embed_queries(texts)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; weights load on first use (thread-safe, once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.embedding_model
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                import torch

                from qa.models import resolve_embedding_model

                backend = self.backend  # a bad setting fails before any weights load
                torch.set_num_threads(max(1, self.settings.n_threads))
                path = resolve_embedding_model(self.settings)
                try:
                    import transformers
                    from sentence_transformers import SentenceTransformer

                    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar per load

                    model = SentenceTransformer(path, device="cpu")
                except Exception as exc:  # library errors vary: OSError, ValueError, HF errors
                    raise ModelError(
                        f"无法加载嵌入模型 embedding model '{self.settings.embedding_model}' ({path}): {exc}",
                        hint="内置模型运行 `qa models install` 修复；自定义模型请检查 embedding_model 设置",
                    ) from None
                if backend == "openvino":
                    self._to_openvino(model, path)
                self._model = model
        return self._model

    @property
    def backend(self) -> str:
        """``openvino`` or ``torch``, from ``embedding_backend`` (``auto``: openvino for the built-in model)."""
        return resolve_backend(self.settings)

    def _to_openvino(self, model, path: str) -> None:
        from qa.models import openvino_export as ovx

        if self.settings.embedding_model == BUILTIN_EMBEDDER:
            xml = ovx.validate_export(path)
            compiled = ovx.compile_model(xml, self.settings.n_threads, cache_dir=xml.parent / "cache")
        else:  # another model: converted in memory at load (not checked for parity; see README)
            try:
                compiled = ovx.compile_model(ovx.convert_transformer(model), self.settings.n_threads)
            except ModelError:
                raise
            except Exception as exc:  # noqa: BLE001 - conversion errors are library-specific
                raise ModelError(f"无法把嵌入模型转换为 OpenVINO / could not convert {path!r} to OpenVINO: {exc}",
                                 hint=ovx.TORCH_HINT) from None
        ovx.use_openvino(model, compiled)

    @property
    def dim(self) -> int:
        m = self.load()
        getter = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_seq_length(self) -> int:
        return int(self.load().max_seq_length or 512)

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def _encode(self, texts: Sequence[str], kind: str, batch_size: int, progress: bool) -> np.ndarray:
        m = self.load()
        prompts = getattr(m, "prompts", None) or {}
        kwargs: dict = {}
        if kind in prompts:
            kwargs["prompt_name"] = kind
        else:
            kwargs["prompt"] = (self.settings.embedding_query_prompt if kind == "query"
                                else self.settings.embedding_passage_prompt)
        vecs = m.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=progress, **kwargs)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", 32, False)

    def embed_passages(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        return self._encode(texts, "passage", batch_size, False)


EMBEDDING_BACKENDS = ("auto", "openvino", "torch")


def resolve_backend(settings: Settings) -> str:
    """The engine a sentence-transformers embedder runs on: ``openvino`` or ``torch``."""
    backend = settings.embedding_backend.strip().lower()
    if backend not in EMBEDDING_BACKENDS:
        raise ConfigError(f"unknown embedding_backend {settings.embedding_backend!r}",
                          hint="use one of: " + ", ".join(EMBEDDING_BACKENDS))
    if backend == "auto":
        return "openvino" if settings.embedding_model == BUILTIN_EMBEDDER else "torch"
    return backend


def _hash(settings: Settings) -> Embedder:
    spec = settings.embedding_model.split(":", 1)[1] or "256"
    return HashEmbedder(int(spec))


#: prefix → factory; anything without a registered prefix is a sentence-transformers model.
EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {"hash": _hash}


def make_embedder(settings: Settings) -> Embedder:
    prefix = settings.embedding_model.split(":", 1)[0]
    factory = EMBEDDERS.get(prefix, SentenceTransformerEmbedder)
    return factory(settings)
