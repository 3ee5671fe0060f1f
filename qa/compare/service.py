"""CompareService: the comparison front ends (``qa compare``, ``GET /api/compare``, the 对照 tab and
``compare_answer``) all call this.

It reads the alignment stored with the index (reloaded when the index switches to a new version)
and uses the QA service's retriever to find the clause a topic is about.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.compare.diff import diff_clauses
from qa.compare.model import ClauseComparison, ClauseRecord, Counterpart, DocumentSide
from qa.compare.store import Alignment, load_alignment, params_from_settings
from qa.errors import InputError
from qa.settings import Settings

_PROVINCE_WORDS = re.compile(r"全省|省方案|省里|省级|省上|省政府|省的|省级方案|四川省方案")


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


class CompareService:
    def __init__(self, settings: Settings, retriever: Any) -> None:
        self.settings = settings
        self.retriever = retriever  # qa.index.retriever.Retriever (search, load, data)
        self._lock = threading.Lock()
        self._loaded: tuple[Path | None, Alignment] | None = None

    # -- the alignment of the current index ------------------------------------
    def alignment(self) -> Alignment:
        from qa.index.store import current_version

        version = current_version(self.settings.index_dir)
        with self._lock:
            if self._loaded is None or self._loaded[0] != version:
                self._loaded = (version, load_alignment(self.settings.index_dir, params_from_settings(self.settings)))
            return self._loaded[1]

    def documents(self) -> list[dict[str, str]]:
        al = self.alignment()
        out = []
        for d in al.doc_ids:
            first = al.clauses(d)[0] if al.clauses(d) else None
            out.append({"doc_id": d, "title": first.doc_title if first else d, "region": first.region if first else ""})
        return out

    # -- documents and clauses by name --------------------------------------------
    def resolve_doc(self, name: str) -> str:
        """A document by id, file name, (part of) its title, or its region ("雅安", "四川省")."""
        from qa.index.builder import resolve_doc

        name = (name or "").strip()
        if not name:
            raise InputError("请指定文件 / no document given", hint=self._doc_hint())
        metas = {d["doc_id"]: {"title": d["title"], "region": d["region"]} for d in self.documents()}
        by_region = self.docs_of_region(name)
        if by_region and name not in metas:
            return by_region[0]
        try:
            return resolve_doc(name, metas)
        except InputError:
            raise InputError(f"找不到文件 / no such document: '{name}'", hint=self._doc_hint()) from None

    def _doc_hint(self) -> str:
        return "可用的文件 / documents: " + "; ".join(f"{d['doc_id']}（{d['title']}）" for d in self.documents())

    def docs_of_region(self, region: str, question: str = "") -> list[str]:
        """The documents of a region, the one that fits best first: whose title the question names,
        else the one of the largest family of related plans (most clauses aligned with others)."""
        region = region.strip()
        if not region:
            return []
        short = re.sub(r"(?:省|市|自治区|特别行政区)$", "", region)
        docs = [d for d in self.documents() if d["region"] and (d["region"] == region or
                                                                  d["region"].startswith(short) and len(short) >= 2)]
        if not docs:
            return []
        al = self.alignment()
        q = _bigrams(question)

        def linked(doc_id: str) -> int:
            return sum(1 for r in al.clauses(doc_id) for other in al.doc_ids
                       if other != doc_id and al.counterparts(r.key, other))

        def rank(d: dict[str, str]) -> tuple[float, int]:
            title = d["title"].replace(d["region"], "")
            return (len(q & _bigrams(title)) / max(1, len(_bigrams(title))), linked(d["doc_id"]))

        return [d["doc_id"] for d in sorted(docs, key=rank, reverse=True)]

    def provincial_doc(self, city_doc: str) -> str | None:
        """The provincial plan a city plan implements: a document of a province (…省) the city's
        clauses align with most."""
        al = self.alignment()
        best, best_n = None, 0
        for d in self.documents():
            if d["doc_id"] == city_doc or not d["region"].endswith("省"):
                continue
            n = sum(1 for r in al.clauses(city_doc) if al.counterparts(r.key, d["doc_id"]))
            if n > best_n:
                best, best_n = d["doc_id"], n
        return best

    def clause(self, doc: str, label: str) -> ClauseRecord:
        return self.alignment().find(self.resolve_doc(doc), label)

    # -- comparisons ---------------------------------------------------------------
    def compare_clause(self, doc: str, label: str, others: Sequence[str] | None = None,
                       topic: str = "") -> ClauseComparison:
        """A clause and its counterparts in the other documents (all, or ``others``), with the differences."""
        al = self.alignment()
        record = al.find(self.resolve_doc(doc), label)
        targets = [self.resolve_doc(o) for o in others] if others else [d for d in al.doc_ids if d != record.doc_id]
        sides = []
        for other in targets:
            if other == record.doc_id:
                continue
            found = al.counterparts(record.key, other)
            parts = tuple(Counterpart(al.record(c.key), c, diff_clauses(record, al.record(c.key)), extra=i > 0)
                          for i, c in enumerate(found))
            scored = al.scored(record.key, other)
            nearest = scored[0] if scored and not parts else None
            clauses = al.clauses(other)
            sides.append(DocumentSide(other, clauses[0].doc_title if clauses else other,
                                      clauses[0].region if clauses else "", parts, nearest,
                                      al.record(nearest.key) if nearest else None))
        return ClauseComparison(record, tuple(sides), topic)

    def find_topic(self, topic: str, doc: str | None = None) -> ClauseRecord:
        """The clause a topic is about: the best search hit (in ``doc`` if given)."""
        topic = (topic or "").strip()
        if not topic:
            raise InputError("请输入对照的主题或选择条款 / give a topic or a clause")
        doc_ids = [self.resolve_doc(doc)] if doc else None
        hits, _ = self.retriever.search(topic, k=5, doc_ids=doc_ids)
        al = self.alignment()
        for h in hits:
            key = f"{h.chunk.doc_id}#{h.chunk.label}"
            if key in al.records:
                return al.record(key)
        raise InputError(f"没有找到与“{topic}”相关的条款 / nothing found for '{topic}'",
                         hint="换一个说法，或直接选择文件和条款 / rephrase, or choose a clause")

    def compare_topic(self, topic: str, doc: str | None = None, others: Sequence[str] | None = None) -> ClauseComparison:
        anchor = self.find_topic(topic, doc)
        return self.compare_clause(anchor.doc_id, anchor.label, others, topic=topic)

    def unmatched(self, doc: str, other: str) -> list[ClauseRecord]:
        return self.alignment().unmatched(self.resolve_doc(doc), self.resolve_doc(other))


_SERVICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SERVICES_LOCK = threading.Lock()


def compare_service(qa_service: Any) -> CompareService:
    """The CompareService of a QAService (built once per QAService, sharing its settings and retriever)."""
    with _SERVICES_LOCK:
        svc = _SERVICES.get(qa_service)
        if svc is None:
            svc = CompareService(qa_service.settings, qa_service.retriever)
            _SERVICES[qa_service] = svc
        return svc
