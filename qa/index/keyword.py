"""BM25 keyword index over the same chunks as the dense index.

Two tokenisers (``char``: CJK character unigrams + bigrams and ASCII words/numbers; ``jieba``:
jieba words in search mode + numbers). The benchmark (`bench/bench_retrieval.py`) measures which
retrieves better on the evaluation set; the settings pick one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?%?")
_STOP = set("的了和与及等在是对为将以把被由于中要有个")
_STOP_BIGRAMS = {"多少", "什么", "哪些", "哪个", "怎么", "如何", "是否", "要求", "方面", "主要", "进行", "可以",
                 "需要", "这个", "那个", "我们", "他们", "一下", "现在"}


def char_tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(c for c in run if c not in _STOP)
        out.extend(b for b in (run[i:i + 2] for i in range(len(run) - 1)) if b not in _STOP_BIGRAMS)
    out.extend(w.lower() for w in _WORD.findall(text))
    return out


def jieba_tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    toks = [t.strip().lower() for t in jieba.cut_for_search(text)]
    return [t for t in toks if t and (len(t) > 1 or t.isalnum()) and t not in _STOP and t not in _STOP_BIGRAMS
            and not re.fullmatch(r"\W+", t)]


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"char": char_tokens, "jieba": jieba_tokens}


class BM25:
    """Okapi BM25 with a sparse term-frequency matrix (rows = chunks)."""

    def __init__(self, tokenizer: str = "char", k1: float = 1.2, b: float = 0.75) -> None:
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown keyword tokenizer {tokenizer!r}; choose {sorted(TOKENIZERS)}")
        self.tokenizer = tokenizer
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0, np.float32)
        self.matrix = sparse.csr_matrix((0, 0), dtype=np.float32)  # BM25 term weights per chunk

    @property
    def tokenize(self) -> Callable[[str], list[str]]:
        return TOKENIZERS[self.tokenizer]

    def fit(self, texts: Sequence[str]) -> BM25:
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(texts), np.float32)
        for i, text in enumerate(texts):
            counts: dict[int, int] = {}
            toks = self.tokenize(text)
            lengths[i] = len(toks)
            for t in toks:
                j = self.vocab.setdefault(t, len(self.vocab))
                counts[j] = counts.get(j, 0) + 1
            rows.extend([i] * len(counts))
            cols.extend(counts.keys())
            vals.extend(counts.values())
        n = len(texts)
        tf = sparse.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(n, len(self.vocab)))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(self.vocab)).astype(np.float32)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if n else 1.0
        tf = tf.tocoo()
        denom = tf.data + self.k1 * (1 - self.b + self.b * lengths[tf.row] / max(avg, 1e-6))
        weights = tf.data * (self.k1 + 1) / denom
        self.matrix = sparse.csr_matrix((weights.astype(np.float32), (tf.row, tf.col)), shape=tf.shape).tocsc()
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for `query` (zeros where no term matches)."""
        n = self.matrix.shape[0]
        ids: dict[int, int] = {}
        for t in self.tokenize(query):
            j = self.vocab.get(t)
            if j is not None:
                ids[j] = ids.get(j, 0) + 1
        if not ids or n == 0:
            return np.zeros(n, np.float32)
        cols = np.fromiter(ids.keys(), dtype=np.int64)
        qw = self.idf[cols] * np.fromiter(ids.values(), dtype=np.float32)
        return np.asarray(self.matrix[:, cols] @ qw, dtype=np.float32).ravel()

    # -- persistence -------------------------------------------------------
    def save(self, folder: Path) -> None:
        sparse.save_npz(folder / "keyword_matrix.npz", self.matrix.tocsr())
        np.save(folder / "keyword_idf.npy", self.idf)
        (folder / "keyword_vocab.json").write_text(
            json.dumps({"tokenizer": self.tokenizer, "k1": self.k1, "b": self.b, "vocab": self.vocab},
                       ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25:
        meta = json.loads((folder / "keyword_vocab.json").read_text(encoding="utf-8"))
        bm = cls(meta["tokenizer"], meta["k1"], meta["b"])
        bm.vocab = meta["vocab"]
        bm.idf = np.load(folder / "keyword_idf.npy")
        bm.matrix = sparse.load_npz(folder / "keyword_matrix.npz").tocsc()
        if bm.matrix.shape[1] != len(bm.vocab) or bm.idf.shape[0] != len(bm.vocab):
            raise ValueError("keyword index files disagree in size")
        return bm
