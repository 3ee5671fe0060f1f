"""Units → retrievable :class:`qa.types.Chunk` objects.

One chunk per unit. A unit whose header + text is longer than ``max_tokens`` is split into
sentence-aligned pieces (langchain-text-splitters, Chinese separators, sentence punctuation kept at
the end of its sentence); every piece keeps the document / section / clause metadata and the context
header, so it is retrievable on its own. Ids depend only on document id, label and piece number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.corpus.structure import Document, Unit
from qa.types import Chunk

#: Bump whenever chunk boundaries, headers or ids change; the index records it.
CHUNKER_VERSION = "corpus-1"

#: Paragraphs first, then sentence ends, then clause-internal pauses, then anything.
SEPARATORS = ["\n", "。", "；", "！", "？", "，", "、", ""]

#: Never give the text less than this share of the window, however long the header is.
_MIN_TEXT_SHARE = 0.5


def chunk_id(doc_id: str, label: str, piece: int) -> str:
    """Stable id: the same document id, label and piece number always give the same id."""
    return hashlib.sha1(f"{doc_id}|{label}|{piece}".encode()).hexdigest()[:16]


def unit_header(doc: Document, unit: Unit) -> str:
    """Context header: 《title》 section （n）clause heading (only the parts that exist)."""
    parts = [f"《{doc.title}》"]
    if unit.kind == "clause":
        if unit.section:
            parts.append(unit.section)
        clause = unit.label.split("、", 1)[-1] if "、" in unit.label else unit.label
        parts.append(f"{clause}{unit.heading}")
    elif unit.kind == "section":
        parts.append(unit.section)
    else:
        parts.append(unit.label)
    return " ".join(p for p in parts if p)


def _pieces(text: str, budget: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of pieces of at most ``budget`` tokens each."""
    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS, keep_separator="end", chunk_size=max(budget, 1), chunk_overlap=0,
        length_function=count, strip_whitespace=True,
    )
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in splitter.split_text(text):
        pos = text.find(piece, cursor)
        if pos < 0:  # the splitter changed the text (should not happen): fall back to one piece
            return [(0, len(text))]
        cursor = pos + len(piece)
        span = _trim(text, pos, cursor)
        if span:
            spans.append(span)
    return _merge_small(text, spans, budget, count) or [(0, len(text))]


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``(a, b)`` without leading/trailing whitespace; None if only whitespace."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def _merge_small(text: str, spans: list[tuple[int, int]], budget: int,
                 count: Callable[[str], int]) -> list[tuple[int, int]]:
    """Greedily re-merge neighbouring pieces that fit together (e.g. a heading line and its text)."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and count(text[merged[-1][0] : b]) <= budget:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _split_keeping_heading_line(text: str, budget: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """Pieces of ``text``; a heading-only first line (（一）指导思想) stays with the text after it."""
    first, newline, rest = text.partition("\n")
    if not newline or "。" in first.rstrip("。") or not rest.strip() or count(first + "\n") * 4 > budget:
        return _pieces(text, budget, count)
    head = len(first) + 1
    spans = [(a + head, b + head) for a, b in _pieces(rest, budget - count(first + "\n"), count)]
    return [(0, spans[0][1]), *spans[1:]]


def chunk_unit(doc: Document, unit: Unit, max_tokens: int, count: Callable[[str], int]) -> list[Chunk]:
    """The chunks of one unit (one, unless header + text exceed ``max_tokens``)."""
    header = unit_header(doc, unit)
    if count(f"{header}\n{unit.text}") <= max_tokens:
        spans = [(0, len(unit.text))]
    else:
        budget = max(max_tokens - count(header + "\n"), int(max_tokens * _MIN_TEXT_SHARE), 1)
        spans = _split_keeping_heading_line(unit.text, budget, count)
    return [
        Chunk(
            chunk_id=chunk_id(doc.doc_id, unit.label, i), doc_id=doc.doc_id, doc_title=doc.title,
            region=doc.region, label=unit.label, kind=unit.kind, section=unit.section,
            heading=unit.heading, departments=unit.departments, text=unit.text[a:b], header=header,
            piece=i, n_pieces=len(spans), start=unit.start + a, end=unit.start + b,
        )
        for i, (a, b) in enumerate(spans)
    ]


def chunk_document(doc: Document, max_tokens: int, count_tokens: Callable[[str], int] | None = None) -> list[Chunk]:
    """All chunks of a document, in document order.

    ``max_tokens`` is the embedding window; ``count_tokens`` counts tokens of a string (default:
    characters). The header counts against the window: ``count(header + "\\n" + text) <= max_tokens``
    for every chunk whose header leaves room (headers are short; the text keeps at least half).
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    count = count_tokens or len
    return [c for unit in doc.units for c in chunk_unit(doc, unit, max_tokens, count)]
