"""Typed values passed between stages: Chunk → Hit → Answer.

Library types (FAISS ids, numpy arrays, llama.cpp dicts) never appear here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of one clause (or of a cover letter / preamble / section body)."""

    chunk_id: str  # stable: derived from doc_id + label (+ piece number)
    doc_id: str  # stable document id (from the file name stem)
    doc_title: str  # e.g. 雅安市减污降碳协同增效行动方案
    region: str  # e.g. 雅安市
    label: str  # clause label as cited: （五）, 三、（一）, 二、, 通知, 序言
    kind: str  # clause | section | cover | preamble | paragraph
    section: str  # section label + heading, e.g. "二、推进重点领域绿色低碳发展" ('' if none)
    heading: str  # clause heading: text up to the first '。'
    departments: tuple[str, ...]  # responsible departments, from the trailing parenthesis
    text: str  # normalised text of this piece (no context header)
    header: str  # context header: 《title》 section （n）heading
    piece: int = 0  # 0-based piece number within the clause
    n_pieces: int = 1
    start: int = 0  # offsets of `text` in the document's normalised text
    end: int = 0

    @property
    def embed_text(self) -> str:
        """What gets embedded / keyword-indexed: header plus text."""
        return f"{self.header}\n{self.text}" if self.header else self.text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["departments"] = list(self.departments)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chunk:
        d = dict(d)
        d["departments"] = tuple(d.get("departments") or ())
        return cls(**d)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score used for ranking
    dense_score: float | None = None  # cosine similarity, if found by dense search
    keyword_score: float | None = None  # BM25 score, if found by keyword search

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "doc_title": c.doc_title,
            "clause": c.label,
            "heading": c.heading,
            "score": round(float(self.score), 6),
            "dense_score": None if self.dense_score is None else round(float(self.dense_score), 6),
            "text": c.text,
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
        }


@dataclass(frozen=True)
class IndexedUnit:
    """One clause (or cover letter, preamble) of an indexed document, as the answer stage reads it."""

    label: str  # "（五）", "三、（二）", "通知", "序言"
    text: str  # normalised text
    start: int = 0  # offset in the document's normalised text
    kind: str = ""  # "clause", "section", "cover", "preamble", …
    section: str = ""  # the section a clause stands in ("三、")
    heading: str = ""


@dataclass(frozen=True)
class IndexedDocument:
    """An indexed document as the answer stage reads it: its title, region and clauses, in index order."""

    doc_id: str
    title: str
    region: str
    units: tuple[IndexedUnit, ...] = ()
    issuer: str = ""  # as the parser read it (the card reads the cover letter's own signature first)
    doc_number: str = ""
    date: str = ""
    path: str = ""  # the source file (relative to the corpus folder's parent when not absolute)
    n_chunks: int = 0

    def unit(self, label: str) -> IndexedUnit | None:
        return next((u for u in self.units if u.label == label), None)


@dataclass(frozen=True)
class Scope:
    """Which documents/regions a question names, as detected by retrieval."""

    doc_ids: tuple[str, ...] = ()  # documents the question restricts to (empty = all)
    regions: tuple[str, ...] = ()  # regions named that the corpus holds
    out_of_scope: tuple[str, ...] = ()  # names of regions/documents the corpus does not hold
    explicit: bool = False  # True if the filter came from the caller, not from the question

    @property
    def is_out_of_scope(self) -> bool:
        return bool(self.out_of_scope) and not self.doc_ids

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_ids": list(self.doc_ids),
            "regions": list(self.regions),
            "out_of_scope": list(self.out_of_scope),
            "explicit": self.explicit,
        }


@dataclass(frozen=True)
class Citation:
    n: int  # evidence item number as shown in the answer, [n]
    doc_title: str
    clause: str
    quote: str  # the supporting sentence, normalised text
    chunk_id: str
    doc_id: str
    start: int  # offsets of the quote in the document's normalised text
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Timings:
    rewrite_ms: float = 0.0
    retrieve_ms: float = 0.0
    prompt_ms: float = 0.0  # prompt processing (time to first token minus retrieval)
    first_token_ms: float = 0.0  # from request to first generated token
    generate_ms: float = 0.0
    total_ms: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 1) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    refused: bool = False
    extractive: bool = False
    rewritten_question: str = ""
    scope: Scope = field(default_factory=Scope)
    raw_text: str = ""  # what the generator produced, before checking
    notes: tuple[str, ...] = ()  # what the checker changed, in words
    timings: Timings = field(default_factory=Timings)
    refusal_reason: str = ""  # reason code of a refusal (qa.answer.policy.REASONS), '' if answered

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (shared by `qa ask --json`, `qa batch`, the API)."""
        return {
            "answer": self.text,
            "refused": self.refused,
            "refusal_reason": self.refusal_reason,
            "extractive": self.extractive,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [
                {"doc_title": h.chunk.doc_title, "clause": h.chunk.label, "score": round(float(h.score), 6)}
                for h in self.hits
            ],
            "rewritten_question": self.rewritten_question,
            "scope": self.scope.to_dict(),
            "raw_answer": self.raw_text,
            "notes": list(self.notes),
            "timings": self.timings.to_dict(),
        }


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class TokenUsage:
    """Tokens the model read and wrote for one answer (all its generations), by the model's tokenizer."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.total_tokens}


@dataclass(frozen=True)
class StreamEvent:
    """What `QAService.ask_stream` yields: tokens as generated, the token usage, then the checked answer."""

    kind: str  # "status" | "token" | "usage" (just before "answer") | "answer"
    text: str = ""
    answer: Answer | None = None
    usage: TokenUsage | None = None
