"""Typed values of the comparison stage: clause records, alignment links, clause diffs, tables.

Everything here is a frozen dataclass with a ``to_dict`` for JSON (CLI ``--json``, the API, the
stored ``alignment.json``); numpy arrays and plain dicts stay inside the modules that build them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def clause_key(doc_id: str, label: str) -> str:
    """The key of one clause across the index: ``doc_id#label``."""
    return f"{doc_id}#{label}"


@dataclass(frozen=True)
class ClauseRecord:
    """One clause (or preamble / cover letter / section body) of one document."""

    doc_id: str
    doc_title: str
    region: str
    label: str  # as cited: （五）, 三、（一）, 序言, 通知
    kind: str  # clause | section | preamble | cover | paragraph
    section: str
    heading: str
    departments: tuple[str, ...]
    text: str
    start: int  # offset of `text` in the document's normalised text
    order: int  # position among the document's clause-like units (0-based)
    n_order: int  # number of clause-like units of the document
    chunk_ids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return clause_key(self.doc_id, self.label)

    @property
    def rel_pos(self) -> float:
        return self.order / max(1, self.n_order - 1)

    def cite(self) -> str:
        return f"《{self.doc_title}》{self.label}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["departments"] = list(self.departments)
        d["chunk_ids"] = list(self.chunk_ids)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClauseRecord:
        d = dict(d)
        d["departments"] = tuple(d.get("departments") or ())
        d["chunk_ids"] = tuple(d.get("chunk_ids") or ())
        return cls(**d)


@dataclass(frozen=True)
class Candidate:
    """A clause of another document scored as a counterpart of a clause."""

    key: str  # clause_key of the candidate
    score: float  # combined score (what the thresholds apply to)
    cos: float  # cosine similarity of the clause embeddings (multilingual-e5-small)
    sem: float  # the cosine rescaled against the other document's clauses (0 = average, 1 = the closest)
    lex: float  # IDF-weighted overlap of character bigrams (shared wording)
    head: float  # overlap of the headings' bigrams
    pos: float  # closeness of the relative positions in the two documents (1 = same place)

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class AlignParams:
    """How candidates become links. ``threshold``: the best candidate is a counterpart when its
    score reaches it; further candidates (a city clause that merges two provincial ones) when
    theirs reach ``extra_threshold`` and ``extra_ratio`` × the best score. Fitted on one city (see
    README, 上下级对照; ``qa compare eval``)."""

    threshold: float = 0.58
    extra_threshold: float = 0.36
    extra_ratio: float = 0.65
    #: sem, lex, head, pos — set by hand before any measurement, not fitted
    weights: tuple[float, float, float, float] = (0.35, 0.4, 0.15, 0.1)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "extra_threshold": self.extra_threshold,
                "extra_ratio": self.extra_ratio, "weights": list(self.weights)}


@dataclass(frozen=True)
class Figure:
    """A figure as a plan states it: "到2025年…非化石能源消费比重达到41.5%左右"."""

    metric: str  # what the figure is about (the words before it in its sentence part)
    value: str  # "41.5"
    unit: str  # "%"
    qualifier: str  # 左右 / 以上 / 力争 / 不低于 … ('' if none); several joined by '、'
    year: str  # target year it is stated for ('' if none)
    sentence: str  # the sentence it is in

    @property
    def shown(self) -> str:
        before = [q for q in self.qualifier.split("、") if q and not _after(q)]
        after = [q for q in self.qualifier.split("、") if q and _after(q)]
        return "".join(before) + self.value + self.unit + "".join(after)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "shown": self.shown}


def _after(q: str) -> bool:
    from qa.answer.cues import QUALIFIERS_AFTER

    return q in QUALIFIERS_AFTER


@dataclass(frozen=True)
class FigureDiff:
    metric: str
    year: str
    left: Figure | None
    right: Figure | None
    status: str  # same | value | qualifier | year | only_left | only_right

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "year": self.year, "status": self.status,
                "left": self.left.to_dict() if self.left else None,
                "right": self.right.to_dict() if self.right else None}


@dataclass(frozen=True)
class ClauseDiff:
    """What differs between two aligned clauses (left = the chosen clause, right = its counterpart)."""

    figures: tuple[FigureDiff, ...] = ()
    lead_left: str = ""  # lead department ('' if the clause names none)
    lead_right: str = ""
    lead_same: bool = True  # the same department once the level is ignored (生态环境厅 = 市生态环境局)
    departments_only_left: tuple[str, ...] = ()  # compared with the level prefix (省/市) removed
    departments_only_right: tuple[str, ...] = ()
    departments_common: tuple[str, ...] = ()
    projects_only_left: tuple[str, ...] = ()
    projects_only_right: tuple[str, ...] = ()
    sentences_only_left: tuple[str, ...] = ()  # text only one side has (sentences without a near match)
    sentences_only_right: tuple[str, ...] = ()
    similarity: float = 0.0  # share of the sentences that match (0..1)

    @property
    def n_differences(self) -> int:
        return (sum(f.status != "same" for f in self.figures) + (not self.lead_same)
                + len(self.departments_only_left) + len(self.departments_only_right)
                + len(self.projects_only_left) + len(self.projects_only_right)
                + len(self.sentences_only_left) + len(self.sentences_only_right))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["figures"] = [f.to_dict() for f in self.figures]
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        d["n_differences"] = self.n_differences
        return d


@dataclass(frozen=True)
class Counterpart:
    """One aligned clause of another document, with the differences to the chosen clause."""

    clause: ClauseRecord
    candidate: Candidate
    diff: ClauseDiff
    extra: bool = False  # a further counterpart (the chosen clause merges several)

    def to_dict(self) -> dict[str, Any]:
        return {"clause": self.clause.to_dict(), "score": self.candidate.to_dict(), "extra": self.extra,
                "diff": self.diff.to_dict()}


@dataclass(frozen=True)
class DocumentSide:
    """What another document holds for the chosen clause: counterparts, or none (nearest shown)."""

    doc_id: str
    doc_title: str
    region: str
    counterparts: tuple[Counterpart, ...] = ()
    nearest: Candidate | None = None  # best candidate below the threshold, when there is no counterpart
    nearest_clause: ClauseRecord | None = None

    @property
    def has_counterpart(self) -> bool:
        return bool(self.counterparts)

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "doc_title": self.doc_title, "region": self.region,
                "has_counterpart": self.has_counterpart,
                "counterparts": [c.to_dict() for c in self.counterparts],
                "nearest": None if self.nearest is None else {
                    **self.nearest.to_dict(),
                    "clause": self.nearest_clause.to_dict() if self.nearest_clause else None}}


@dataclass(frozen=True)
class ClauseComparison:
    """A chosen clause and, for each other document, its counterpart(s) side by side."""

    clause: ClauseRecord
    sides: tuple[DocumentSide, ...]
    topic: str = ""  # the topic it was found by, if any

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "clause": self.clause.to_dict(), "sides": [s.to_dict() for s in self.sides]}


@dataclass(frozen=True)
class CellItem:
    """One cited statement of a table cell."""

    label: str  # the clause it is quoted from
    chunk_id: str
    quote: str  # the sentence the statement rests on
    start: int  # offsets of the quote in the document's normalised text
    end: int
    figures: tuple[Figure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["figures"] = [f.to_dict() for f in self.figures]
        return d


@dataclass(frozen=True)
class TableCell:
    """One region's row: what its plan says on the topic, cited to its clause(s) — or that it says nothing."""

    region: str
    doc_id: str
    doc_title: str
    items: tuple[CellItem, ...] = ()
    says_nothing: bool = False
    note: str = ""  # e.g. 方案未提及…, 对照基准, or how the cell was found

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "doc_id": self.doc_id, "doc_title": self.doc_title,
                "items": [i.to_dict() for i in self.items], "says_nothing": self.says_nothing, "note": self.note}


@dataclass(frozen=True)
class ComparisonTable:
    """The answer to a comparison question: one row per region, each cited, plus a conclusion."""

    question: str
    topic: str
    mode: str  # figure | requirements | extra (多了哪些要求)
    rows: tuple[TableCell, ...]
    conclusion: str = ""
    text: str = ""  # rendered Chinese text with [n] citations (see qa.compare.answer.render)
    citations: tuple[Any, ...] = field(default=())  # qa.types.Citation, numbered as in `text`

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "topic": self.topic, "mode": self.mode,
                "rows": [r.to_dict() for r in self.rows], "conclusion": self.conclusion, "text": self.text,
                "citations": [c.to_dict() for c in self.citations]}
