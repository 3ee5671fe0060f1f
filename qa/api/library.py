"""The document library (文件库): every indexed document with its card, and one document read by its
clause outline.

Read-only views over the index the retriever holds (``documents.json``: title, region, units) and
the document cards of :mod:`qa.answer.cards` (文号, 印发单位, 落款/发布日期). The service exposes
them as :meth:`QAService.library` and :meth:`QAService.document`; the chat page and the API render them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.errors import InputError

#: unit kinds counted as clauses in the library list (cover letters and preambles are not clauses)
CLAUSE_KINDS = ("clause", "section", "paragraph")


@dataclass(frozen=True)
class LibraryEntry:
    """One document as the library lists it."""

    doc_id: str
    title: str
    region: str
    doc_number: str  # 文号, '' if the document states none
    issuers: str  # 印发单位
    signed: str  # 落款日期
    published: str  # 发布日期 (web publication), '' if unknown
    n_clauses: int
    n_chunks: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentUnit:
    """One unit of a document in reading order: cover letter, preamble, section or clause."""

    label: str
    kind: str
    section: str
    heading: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentView:
    entry: LibraryEntry
    units: tuple[DocumentUnit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.entry.to_dict(), "units": [u.to_dict() for u in self.units]}


def _fact(card: Any, name: str) -> str:
    fact = getattr(card, name, None)
    return fact.value if fact is not None else ""


class Library:
    """Builds library entries from the retriever's index data (cached per loaded index)."""

    def __init__(self, settings: Any, retriever: Any) -> None:
        self.settings = settings
        self.retriever = retriever
        self._cache: tuple[Any, dict[str, LibraryEntry]] | None = None

    def _entries(self) -> dict[str, LibraryEntry]:
        from qa.answer.cards import build_card

        data = self.retriever.load()
        if self._cache is not None and self._cache[0] is data:
            return self._cache[1]
        root = Path(self.settings.corpus_dir).resolve().parent
        entries: dict[str, LibraryEntry] = {}
        for doc in sorted(self.retriever.indexed_documents(), key=lambda d: d.doc_id):
            card = build_card(doc, root)
            entries[doc.doc_id] = LibraryEntry(
                doc_id=doc.doc_id, title=doc.title, region=doc.region,
                doc_number=_fact(card, "doc_number") or doc.doc_number,
                issuers=_fact(card, "issuers") or doc.issuer,
                signed=_fact(card, "signed") or doc.date, published=_fact(card, "published"),
                n_clauses=sum(1 for u in doc.units if u.kind in CLAUSE_KINDS),
                n_chunks=doc.n_chunks)
        self._cache = (data, entries)
        return entries

    def entries(self) -> list[LibraryEntry]:
        return list(self._entries().values())

    def document(self, doc_id: str) -> DocumentView:
        entry = self._entries().get(doc_id)
        if entry is None:
            raise InputError(f"没有这个文件 / unknown document '{doc_id}'",
                             hint="可用的文件见 GET /api/documents / see GET /api/documents")
        doc = next(d for d in self.retriever.indexed_documents() if d.doc_id == doc_id)
        units = tuple(DocumentUnit(u.label, u.kind, u.section, u.heading, u.text) for u in doc.units)
        return DocumentView(entry, units)
