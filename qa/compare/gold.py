"""Alignment quality against a hand-checked gold alignment (``eval/alignment_gold.jsonl``).

Each gold line names a city clause and the provincial clause label(s) it implements (``[]`` = no
counterpart). A predicted link is a (city clause, provincial clause) pair the aligner decides.
Precision = correct predicted links / predicted links; recall = correct predicted links / gold
links; "none" accuracy = city clauses with no gold counterpart that got none.

Thresholds are fitted on ONE city (grid search for the best F1) and reported on the other city
and on both (:func:`cross_fit`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.compare.aligner import decide
from qa.compare.model import AlignParams, Candidate, clause_key
from qa.errors import InputError

Candidates = Mapping[str, Mapping[str, Sequence[Candidate]]]


@dataclass(frozen=True)
class GoldRow:
    city: str  # doc_id of the city plan
    clause: str  # label of the city clause
    province: str  # doc_id of the provincial plan
    counterparts: tuple[str, ...]  # provincial labels ('' none)
    note: str = ""


def load_gold(path: str | Path) -> list[GoldRow]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"找不到对照标注文件 / gold alignment not found: {p}",
                         hint="默认位置 eval/alignment_gold.jsonl / default eval/alignment_gold.jsonl")
    rows = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            rows.append(GoldRow(str(d["city"]), str(d["clause"]), str(d["province"]),
                                tuple(str(x) for x in d.get("counterparts") or ()), str(d.get("note", ""))))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{p}:{n}: 对照标注行无效 / invalid gold line: {exc}",
                             hint="每行需要 city, clause, province, counterparts") from None
    return rows


@dataclass(frozen=True)
class AlignmentScore:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int
    correct: int
    none_gold: int  # city clauses with no gold counterpart
    none_right: int  # … of which the aligner also found none
    clauses: int
    errors: tuple[str, ...] = ()  # "city#label: predicted [...] gold [...]"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["errors"] = list(self.errors)
        return d

    def line(self) -> str:
        none = f", no-counterpart {self.none_right}/{self.none_gold}" if self.none_gold else ""
        return (f"precision {self.precision:.1%} ({self.correct}/{self.predicted}), "
                f"recall {self.recall:.1%} ({self.correct}/{self.gold}), F1 {self.f1:.3f}{none}, "
                f"{self.clauses} clauses")


def score(cands: Candidates, gold: Sequence[GoldRow], params: AlignParams) -> AlignmentScore:
    predicted = correct = n_gold = none_gold = none_right = 0
    errors = []
    for row in gold:
        found = decide(cands.get(clause_key(row.city, row.clause), {}).get(row.province, []), params)
        got = {c.key for c in found}
        want = {clause_key(row.province, lab) for lab in row.counterparts}
        predicted += len(got)
        n_gold += len(want)
        correct += len(got & want)
        if not want:
            none_gold += 1
            none_right += not got
        if got != want:
            errors.append(f"{row.city}#{row.clause}: predicted {sorted(k.split('#', 1)[1] for k in got)} "
                          f"gold {list(row.counterparts)}")
    p = correct / predicted if predicted else (1.0 if not n_gold else 0.0)
    r = correct / n_gold if n_gold else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return AlignmentScore(p, r, f1, predicted, n_gold, correct, none_gold, none_right, len(gold), tuple(errors))


#: The best candidate of any clause scores about weights[0] + weights[3] ≈ 0.45 with no shared word or
#: heading (its relative cosine is 1 by construction, positions are close): a threshold below 0.5
#: would accept every clause, so the search starts there (the gold holds few clauses without one).
THRESHOLDS = tuple(round(0.50 + 0.02 * i, 2) for i in range(21))  # 0.50 … 0.90
EXTRA_THRESHOLDS = tuple(round(0.30 + 0.02 * i, 2) for i in range(31))  # 0.30 … 0.90
RATIOS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.50 … 0.95


def fit(cands: Candidates, gold: Sequence[GoldRow], base: AlignParams = AlignParams()) -> AlignParams:
    """The thresholds with the best F1 on ``gold`` (then the best precision). Many settings tie on
    a small gold set; of those, the one in the middle of the tied range is taken (the largest
    margin on both sides), not an end of it."""
    scored: list[tuple[tuple[float, float], AlignParams]] = []
    for t in THRESHOLDS:
        for e in EXTRA_THRESHOLDS:
            for r in RATIOS:
                params = AlignParams(t, e, r, base.weights)
                s = score(cands, gold, params)
                scored.append(((round(s.f1, 9), round(s.precision, 9)), params))
    top = max(k for k, _ in scored)
    tied = sorted((p for k, p in scored if k == top), key=lambda p: (p.threshold, p.extra_threshold, p.extra_ratio))
    mid_t = sorted(p.threshold for p in tied)[len(tied) // 2]
    tied = [p for p in tied if p.threshold == mid_t]
    mid_e = sorted(p.extra_threshold for p in tied)[len(tied) // 2]
    tied = [p for p in tied if p.extra_threshold == mid_e]
    return tied[len(tied) // 2]


@dataclass(frozen=True)
class CrossFit:
    fitted_on: str
    params: AlignParams
    on_fit: AlignmentScore
    held_out: dict[str, AlignmentScore]  # other city → score
    both: AlignmentScore

    def to_dict(self) -> dict[str, Any]:
        return {"fitted_on": self.fitted_on, "params": self.params.to_dict(), "on_fit": self.on_fit.to_dict(),
                "held_out": {k: v.to_dict() for k, v in self.held_out.items()}, "both": self.both.to_dict()}


def cross_fit(cands: Candidates, gold: Sequence[GoldRow], base: AlignParams = AlignParams()) -> list[CrossFit]:
    """For each city of the gold: fit the thresholds on it, score it, the other cities and all."""
    cities = sorted({r.city for r in gold})
    out = []
    for city in cities:
        mine = [r for r in gold if r.city == city]
        params = fit(cands, mine, base)
        held = {c: score(cands, [r for r in gold if r.city == c], params) for c in cities if c != city}
        out.append(CrossFit(city, params, score(cands, mine, params), held, score(cands, gold, params)))
    return out


def per_city(cands: Candidates, gold: Sequence[GoldRow], params: AlignParams) -> dict[str, AlignmentScore]:
    cities = sorted({r.city for r in gold})
    return {**{c: score(cands, [r for r in gold if r.city == c], params) for c in cities},
            "all": score(cands, gold, params)}
