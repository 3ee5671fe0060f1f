"""Align every clause of every document with its counterpart(s) in every other document.

Features of a pair (clause a of document A, clause b of document B), each in 0..1:

- ``cos``  meaning: cosine of the clause embeddings (mean of the clause's chunk vectors, the
           index's own multilingual-e5-small passages), rescaled per clause against all of B's
           clauses (``(cos - mean) / (max - mean)``), so a clause that is close to everything
           does not count as a counterpart of everything;
- ``lex``  shared wording: IDF-weighted overlap coefficient of the clauses' character bigrams
           (city plans copy the provincial sentences they implement);
- ``head`` structure: overlap of the headings' bigrams ("强化工业领域协同增效");
- ``pos``  structure: 1 - |relative position of a in A - relative position of b in B|.

score = weighted sum (:class:`AlignParams.weights`). The ``top_k`` best candidates per (clause,
other document) are kept with their features, so thresholds can be refitted without re-embedding;
links are decided by :func:`decide`. Cover letters align only with cover letters, preambles with
preambles, clauses with clauses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qa.compare.model import AlignParams, Candidate, ClauseRecord
from qa.types import Chunk

ALIGNED_KINDS = ("clause", "section", "paragraph", "preamble", "cover")
TOP_K = 4
#: candidates scored per (clause, other document): the closest by embedding (and the same label)
POOL = 8


def _group(kind: str) -> str:
    return kind if kind in ("cover", "preamble") else "clause"


def clause_records(documents: Mapping[str, Mapping[str, Any]], chunks: Sequence[Chunk],
                   vectors: np.ndarray) -> tuple[list[ClauseRecord], np.ndarray]:
    """Clause records of every document (documents.json ``units``) and one unit vector each (the
    normalised mean of its chunks' vectors; zeros when a unit has no chunk)."""
    rows: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(chunks):
        rows.setdefault((c.doc_id, c.label), []).append(i)
    dim = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[0] else 1
    records: list[ClauseRecord] = []
    vecs: list[np.ndarray] = []
    for doc_id in sorted(documents):
        meta = documents[doc_id]
        units = [u for u in meta.get("units", []) if u.get("kind") in ALIGNED_KINDS and u.get("text", "").strip()]
        seen: set[str] = set()
        units = [u for u in units if not (u["label"] in seen or seen.add(u["label"]))]
        for order, u in enumerate(units):
            idx = rows.get((doc_id, u["label"]), [])
            v = np.asarray(vectors[idx], dtype=np.float32).mean(axis=0) if idx else np.zeros(dim, np.float32)
            n = float(np.linalg.norm(v))
            vecs.append(v / n if n else v)
            records.append(ClauseRecord(
                doc_id=doc_id, doc_title=str(meta.get("title", "")), region=str(meta.get("region", "")),
                label=u["label"], kind=u.get("kind", "clause"), section=u.get("section", ""),
                heading=u.get("heading", ""), departments=tuple(u.get("departments") or ()), text=u["text"],
                start=int(u.get("start", 0)), order=order, n_order=len(units),
                chunk_ids=tuple(chunks[i].chunk_id for i in idx)))
    return records, (np.stack(vecs) if vecs else np.zeros((0, dim), np.float32))


# --------------------------------------------------------------------------- features
_LABEL_HEAD = re.compile(r"^\s*[（(][一二三四五六七八九十百]+[）)]")


def _strip_departments(text: str) -> str:
    """Remove the closing department parenthesis, nested ones included: "（市发展改革委（市能源局）、…负责）"."""
    t = text.rstrip()
    if not t.endswith(("）", ")")):
        return t
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        ch = t[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                inner = t[i:]
                return t[:i].rstrip() if re.search(r"负责|牵头|配合", inner) else t
    return t


def body_text(text: str) -> str:
    """A clause's text without its label and its closing department parenthesis."""
    return _strip_departments(_LABEL_HEAD.sub("", text)).strip()


def bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


def _idf(bags: Sequence[set[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for bag in bags:
        for b in bag:
            df[b] = df.get(b, 0) + 1
    n = max(1, len(bags))
    return {b: math.log(1 + n / c) for b, c in df.items()}


def _overlap(a: set[str], b: set[str], idf: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    wa = sum(idf.get(x, 1.0) for x in a)
    wb = sum(idf.get(x, 1.0) for x in b)
    return sum(idf.get(x, 1.0) for x in a & b) / min(wa, wb)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class Aligner:
    """Candidates for every (clause, other document) pair of a set of clause records."""

    def __init__(self, records: Sequence[ClauseRecord], vectors: np.ndarray, *,
                 weights: Sequence[float] = AlignParams().weights, top_k: int = TOP_K) -> None:
        self.records = list(records)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.weights = tuple(float(w) for w in weights)
        self.top_k = top_k
        self._bags = [bigrams(body_text(r.text)) for r in self.records]
        self._heads = [bigrams(r.heading) for r in self.records]
        self._idf = _idf(self._bags)

    def candidates(self) -> dict[str, dict[str, list[Candidate]]]:
        """``{clause key: {other doc_id: [best candidates, best first]}}`` (lists may be empty)."""
        by_doc: dict[str, list[int]] = {}
        for i, r in enumerate(self.records):
            by_doc.setdefault(r.doc_id, []).append(i)
        out: dict[str, dict[str, list[Candidate]]] = {r.key: {} for r in self.records}
        wc, wl, wh, wp = self.weights
        for doc_a, rows_a in by_doc.items():
            for doc_b, rows_b in by_doc.items():
                if doc_a == doc_b:
                    continue
                sims = self.vectors[rows_a] @ self.vectors[rows_b].T  # (|A|, |B|)
                for ia, i in enumerate(rows_a):
                    a = self.records[i]
                    row = sims[ia]
                    same = [jb for jb, j in enumerate(rows_b) if _group(self.records[j].kind) == _group(a.kind)]
                    if not same:
                        out[a.key][doc_b] = []
                        continue
                    vals = row[same]
                    mean, top = float(vals.mean()), float(vals.max())
                    # features only for the POOL closest by meaning, plus the clause with the same label
                    pool = [same[k] for k in np.argsort(-vals, kind="stable")[:POOL]]
                    pool += [jb for jb in same if self.records[rows_b[jb]].label == a.label and jb not in pool]
                    cands = []
                    for jb in pool:
                        j = rows_b[jb]
                        b = self.records[j]
                        cos = float(row[jb])
                        cos_rel = (cos - mean) / (top - mean) if top - mean > 1e-6 else (1.0 if len(same) == 1 else 0.0)
                        cos_rel = min(1.0, max(0.0, cos_rel))
                        lex = _overlap(self._bags[i], self._bags[j], self._idf)
                        head = _dice(self._heads[i], self._heads[j])
                        pos = 1.0 - abs(a.rel_pos - b.rel_pos)
                        score = wc * cos_rel + wl * lex + wh * head + wp * pos
                        cands.append(Candidate(b.key, score, cos, cos_rel, lex, head, pos))
                    cands.sort(key=lambda c: (-c.score, c.key))
                    out[a.key][doc_b] = cands[:self.top_k]
        return out


def decide(cands: Sequence[Candidate], params: AlignParams) -> list[Candidate]:
    """The counterparts among a clause's candidates in one document (best first; empty = none)."""
    if not cands or cands[0].score < params.threshold:
        return []
    floor = max(params.extra_threshold, params.extra_ratio * cands[0].score)
    return [cands[0], *(c for c in cands[1:] if c.score >= floor)]

