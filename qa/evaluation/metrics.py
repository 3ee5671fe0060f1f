"""Pure metric functions for `qa eval` (no I/O, no models): tested on hand-computed examples.

Definitions (a *clause* is ``(doc_title, clause_label)``):

* **Recall@k** — the share of a question's gold clauses found among the first k retrieved items
  (an item may cover several clauses: a naive baseline chunk covers every clause it overlaps);
  averaged over answerable questions.
* **MRR** — mean of 1 / rank of the first retrieved item that covers any gold clause (0 if none).
* **Key-fact accuracy** — every ``must_contain`` string occurs in the answer after normalisation
  (:func:`normalize_fact`: ``qa.corpus.normalize``, NFKC, no whitespace), and the answer is not a
  refusal; over answerable questions that have ``must_contain``.
* **Citation precision** — the share of distinct cited clauses that are gold or whose text contains a
  ``must_contain`` string; mean over answerable questions with at least one citation.
* **Citation recall** — the share of gold clauses cited; mean over answerable questions.
* **Refusal accuracy** — the share of unanswerable questions refused.
* **False-refusal rate** — the share of answerable questions refused.
* **Unsupported figures** — counted here, independently of the answering code's checker: a figure
  (a number that is not a year or a list marker) in an answer that is not refused is unsupported when
  no clause its sentence cites states it, or when the sentence names a target year and the cited clause
  states the figure only for another year; a difference of two supported figures of the same answer
  (a gap computed from them) counts as supported when the arithmetic holds. ``n_unsupported_figure`` counts the answers with at least
  one; the goal is 0.
* **Extractive rate** — the share of answers (not refused) that are quotes, not the model's answer.
* **Percentiles** — linear interpolation between closest ranks (numpy's default).

A question that failed (``error``) counts as answered wrongly: nothing retrieved, nothing cited,
not refused, no key facts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from qa.corpus import normalize

Clause = tuple[str, str]  # (doc_title, clause label)

_SPACE = re.compile(r"\s+")

#: The aggregate metrics, in display order, with their labels.
METRIC_LABELS: dict[str, str] = {
    "recall_at_1": "Recall@1",
    "recall_at_5": "Recall@5",
    "mrr": "MRR",
    "key_fact_accuracy": "Key-fact accuracy",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "refusal_accuracy": "Refusal accuracy (unanswerable)",
    "false_refusal_rate": "False-refusal rate (answerable)",
    "n_unsupported_figure": "Answers with an unsupported figure",
    "extractive_rate": "Extractive answers (quotes)",
}
#: Metrics where lower is better.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "n_unsupported_figure", "extractive_rate"})
LATENCY_FIELDS = ("total_ms", "first_token_ms", "retrieve_ms")


# -- normalisation and matching ----------------------------------------------------------------
def normalize_fact(text: str) -> str:
    """Comparable form of a key fact or an answer: corpus normalisation, NFKC, no whitespace.

    ``"14．92万吨"`` and ``"14.92万吨"`` compare equal, as do ``"41.5％"`` and ``"41.5%"``.
    """
    if not text:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", normalize(text)))


def contains_fact(text: str, fact: str) -> bool:
    """Whether ``fact`` occurs in ``text`` after :func:`normalize_fact` on both."""
    f = normalize_fact(fact)
    return bool(f) and f in normalize_fact(text)


def key_fact_match(answer: str, must_contain: Sequence[str]) -> bool | None:
    """True if every key fact occurs in the answer; None when there are no key facts."""
    facts = [f for f in must_contain if f]
    if not facts:
        return None
    norm = normalize_fact(answer)
    return all(normalize_fact(f) in norm for f in facts)


# -- retrieval ---------------------------------------------------------------------------------
def first_relevant_rank(retrieved: Sequence[Collection[Clause]], gold: Collection[Clause]) -> int | None:
    """1-based rank of the first retrieved item covering a gold clause; None if there is none."""
    gold_set = set(gold)
    for rank, clauses in enumerate(retrieved, 1):
        if gold_set & set(clauses):
            return rank
    return None


def recall_at_k(retrieved: Sequence[Collection[Clause]], gold: Collection[Clause], k: int) -> float | None:
    """Share of gold clauses covered by the first ``k`` retrieved items; None without gold."""
    gold_set = set(gold)
    if not gold_set:
        return None
    found: set[Clause] = set()
    for clauses in retrieved[:k]:
        found |= gold_set & set(clauses)
    return len(found) / len(gold_set)


def reciprocal_rank(retrieved: Sequence[Collection[Clause]], gold: Collection[Clause]) -> float | None:
    """1 / rank of the first relevant item (0.0 if none); None without gold."""
    if not gold:
        return None
    rank = first_relevant_rank(retrieved, gold)
    return 0.0 if rank is None else 1.0 / rank


# -- citations ---------------------------------------------------------------------------------
def citation_precision(cited: Iterable[Clause], gold: Collection[Clause],
                       clause_texts: Mapping[Clause, str], must_contain: Sequence[str]) -> float | None:
    """Share of distinct cited clauses that are gold or contain a key fact; None if nothing cited."""
    distinct = list(dict.fromkeys(cited))
    if not distinct:
        return None
    gold_set = set(gold)
    facts = [f for f in must_contain if f]

    def good(clause: Clause) -> bool:
        if clause in gold_set:
            return True
        text = clause_texts.get(clause, "")
        return any(contains_fact(text, f) for f in facts)

    return sum(good(c) for c in distinct) / len(distinct)


def citation_recall(cited: Iterable[Clause], gold: Collection[Clause]) -> float | None:
    """Share of gold clauses that are cited; None without gold."""
    gold_set = set(gold)
    if not gold_set:
        return None
    return len(gold_set & set(cited)) / len(gold_set)


# -- figures bound to what they measure ------------------------------------------------------------
_EVAL_SENT = re.compile(r"[^。！？；;!?\n]+[。！？；;!?\n]*")
_EVAL_MARK = re.compile(r"\[(\d{1,2})\]")
_EVAL_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:%|万|亿|个百分点)?")
_EVAL_YEAR = re.compile(r"(?<![\d.])(20\d\d)(?=\s*年)")
_EVAL_BASE = re.compile(r"(?:比|较|与|相比)\s*$")


def _years(text: str) -> set[str]:
    """Target years of a text (not the baseline of "比2020年下降")."""
    return {m.group(1) for m in _EVAL_YEAR.finditer(text) if not _EVAL_BASE.search(text[max(0, m.start() - 3):m.start()])}


def _stated_for(figure: str, clause: str, year: str | None) -> bool:
    """Does the clause state ``figure`` (for ``year``, when given)?"""
    pieces = _EVAL_SENT.findall(clause)
    context: set[str] = set()
    for piece in pieces:
        own = _years(piece)
        context = own or context
        if re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", piece):
            if year is None or not context or year in context:
                return True
    return False


def unsupported_figures(answer: str, citations: Sequence[Mapping], clause_texts: Mapping[Clause, str]) -> list[str]:
    """Figures of ``answer`` that the clauses their sentence cites do not state (for the sentence's year)."""
    by_n = {int(c.get("n", 0)): (str(c.get("doc_title", "")), str(c.get("clause", ""))) for c in citations}
    supported: list[str] = []
    pending: list[str] = []
    # "…。[1]" (a quote) cites the sentence before the marker, like "…[1]。"
    text = re.sub(r"([。！？；;!?])((?:\[\d{1,2}\])+)", r"\2\1", normalize_fact(answer))
    for sentence in _EVAL_SENT.findall(text):
        cited = [by_n[int(n)] for n in _EVAL_MARK.findall(sentence) if int(n) in by_n]
        if not cited and sentence.rstrip().endswith(("？", "?")):
            continue  # a question asserts nothing: a part's heading repeats what was asked ("（1）X是135万吗？")
        body = _EVAL_MARK.sub("", sentence)
        years = _years(body)
        year = next(iter(years)) if len(years) == 1 else None
        for m in _EVAL_FIGURE.finditer(body):
            fig = m.group(0)
            after = body[m.end():m.end() + 1]
            if (after == "年" and re.fullmatch(r"20\d\d", fig)) or after in ("、", ".", "）", ")") or len(fig) == 1:
                continue  # a year, a list marker, a single digit (一 / 1 项)
            texts = [normalize_fact(clause_texts.get(c, "")) for c in cited]
            if any(_stated_for(fig, t, year) for t in texts):
                supported.append(fig)
            else:
                pending.append(fig)
    # a difference of two supported figures of the answer ("相差33个百分点" from 58% and 25%) is derived
    # from them, not stated: it is supported when the arithmetic holds
    return [f for f in pending if not _derived(f, supported)]


def _derived(figure: str, supported: Sequence[str]) -> bool:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(个百分点|%|万|亿)?", figure)
    if not m:
        return False
    value, unit = float(m.group(1)), {"个百分点": "%"}.get(m.group(2) or "", m.group(2) or "")
    nums = [float(x.group(1)) for f in supported
            if (x := re.fullmatch(r"(\d+(?:\.\d+)?)(%|万|亿)?", f)) and (x.group(2) or "") == unit]
    return any(abs(abs(a - b) - value) < 1e-6 for i, a in enumerate(nums) for b in nums[i + 1:])


# -- refusal -----------------------------------------------------------------------------------
def refusal_accuracy(refused: Sequence[bool]) -> float | None:
    """Share of unanswerable questions refused (pass their ``refused`` flags); None if none."""
    return sum(refused) / len(refused) if refused else None


def false_refusal_rate(refused: Sequence[bool]) -> float | None:
    """Share of answerable questions refused (pass their ``refused`` flags); None if none."""
    return sum(refused) / len(refused) if refused else None


# -- statistics --------------------------------------------------------------------------------
def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None if there are none."""
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {q}")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


# -- per-question outcomes and aggregation -----------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """How one question went: everything the aggregate metrics need."""

    id: str
    type: str
    docs: tuple[str, ...]  # gold document titles
    answerable: bool
    error: bool
    refused: bool
    rank: int | None  # first relevant retrieved rank
    recall_at_1: float | None
    recall_at_5: float | None
    reciprocal_rank: float | None
    key_fact: bool | None
    citation_precision: float | None
    citation_recall: float | None
    total_ms: float | None = None
    first_token_ms: float | None = None
    retrieve_ms: float | None = None
    style: str = ""
    extractive: bool = False
    unsupported: tuple[str, ...] = ()  # figures of the answer its citations do not state

    @property
    def refusal_ok(self) -> bool:
        """Refused exactly when unanswerable."""
        return self.refused != self.answerable

    @property
    def retrieval_hit(self) -> bool | None:
        """A gold clause among the first 5 retrieved (None for unanswerable questions)."""
        return None if not self.answerable else (self.rank is not None and self.rank <= 5)

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["docs"] = list(self.docs)
        d["unsupported"] = list(self.unsupported)
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> Outcome:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["docs"] = tuple(known.get("docs") or ())
        known["unsupported"] = tuple(known.get("unsupported") or ())
        return cls(**known)


def aggregate(outcomes: Sequence[Outcome]) -> dict[str, float | int | None]:
    """The aggregate metrics (see module docstring) of a set of outcomes."""
    ans = [o for o in outcomes if o.answerable]
    unans = [o for o in outcomes if not o.answerable]
    return {
        "n": len(outcomes),
        "n_answerable": len(ans),
        "n_unanswerable": len(unans),
        "n_errors": sum(o.error for o in outcomes),
        "recall_at_1": mean(o.recall_at_1 for o in ans),
        "recall_at_5": mean(o.recall_at_5 for o in ans),
        "mrr": mean(o.reciprocal_rank for o in ans),
        "key_fact_accuracy": mean(o.key_fact for o in ans),
        "citation_precision": mean(o.citation_precision for o in ans),
        "citation_recall": mean(o.citation_recall for o in ans),
        "refusal_accuracy": refusal_accuracy([o.refused for o in unans]),
        "false_refusal_rate": false_refusal_rate([o.refused for o in ans]),
        "n_unsupported_figure": sum(1 for o in outcomes if o.unsupported and not o.refused and not o.error),
        "extractive_rate": mean(o.extractive for o in outcomes if not o.refused and not o.error),
    }


def group_by(outcomes: Sequence[Outcome], keys: Callable[[Outcome], Iterable[str]]) -> dict[str, dict]:
    """Aggregate per group; ``keys`` gives the groups of an outcome (it may be in several)."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        for key in keys(o):
            groups.setdefault(key, []).append(o)
    return {k: aggregate(v) for k, v in sorted(groups.items())}


NO_DOC = "(no gold document)"


def by_type(outcomes: Sequence[Outcome]) -> dict[str, dict]:
    """Aggregate metrics per question type."""
    return group_by(outcomes, lambda o: [o.type or "(none)"])


def by_style(outcomes: Sequence[Outcome]) -> dict[str, dict]:
    """Aggregate metrics per phrasing style (test split: colloquial, preamble, traditional, …)."""
    return group_by(outcomes, lambda o: [o.style] if o.style else [])


def by_document(outcomes: Sequence[Outcome]) -> dict[str, dict]:
    """Aggregate metrics per gold document (a cross-document question counts for each)."""
    return group_by(outcomes, lambda o: list(o.docs) or [NO_DOC])


def latency(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float | int | None]]:
    """p50 / p95 / mean of each latency field, over questions without error and with a positive
    value (a refusal decided before generation has no first token)."""
    out: dict[str, dict[str, float | int | None]] = {}
    for name in LATENCY_FIELDS:
        vals = [float(v) for o in outcomes if not o.error
                and (v := getattr(o, name)) is not None and v > 0]
        out[name] = {"p50": percentile(vals, 50), "p95": percentile(vals, 95), "mean": mean(vals),
                     "n": len(vals)}
    return out
