"""Hybrid, scope-aware retrieval over the built index.

dense (FAISS, cosine) + keyword (BM25) → reciprocal-rank fusion → one hit per clause.
A region named in the question (or an explicit document filter) restricts the search to those
documents; distinctive title words boost theirs; named places the corpus lacks mark the
question out of scope.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import ConfigError, IndexError_, InputError
from qa.index.builder import expected_manifest, resolve_doc
from qa.index.embedders import Embedder
from qa.index.scope import ScopeDetector
from qa.index.store import IndexData, current_version, load_index
from qa.settings import Settings
from qa.types import Chunk, Hit, IndexedDocument, IndexedUnit, Scope

log = logging.getLogger("qa.index")

TITLE_BOOST = 0.5  # fraction of a rank-1 RRF share added for a boosted document


@dataclass(frozen=True)
class _Loaded:
    """One loaded index version and what is derived from it (switched as a whole)."""

    data: IndexData
    scope: ScopeDetector
    rows_by_doc: dict[str, np.ndarray]
    version: str  # the version folder's name (changes with every build/update)
    documents: tuple[IndexedDocument, ...] = ()  # the typed view of data.documents, in index order


class Retriever:
    """Searches the index. Thread-safe. A running server follows the index: every
    ``index_check_s`` seconds a request looks at which version ``index_dir`` links to; a new one is
    loaded in a background thread while requests go on with the old one, then switched in one
    assignment. A request pins the version it started with (:meth:`pinned`), so it never mixes two."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._snap: _Loaded | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._next_check = 0.0
        self._switching = False
        self.switches = 0  # versions switched to while running
        self.switch_error: str | None = None  # why the newest version could not be loaded, if it could not

    # -- loading -----------------------------------------------------------
    def _read(self) -> _Loaded:
        folder = Path(self.settings.index_dir)
        version = current_version(folder)
        data = load_index(folder if version is None else version, expected_manifest(self.settings))
        if int(data.manifest.get("dim", 0)) != int(self.embedder.dim):
            raise IndexError_(
                f"索引维度 {data.manifest.get('dim')} 与嵌入模型维度 {self.embedder.dim} 不符",
                hint="运行 `qa index build` 重建索引 / run `qa index build`")
        rows: dict[str, list[int]] = {}
        for i, c in enumerate(data.chunks):
            rows.setdefault(c.doc_id, []).append(i)
        corpus_text = "\n".join(u["text"] for d in data.documents.values() for u in d.get("units", []))
        scope = ScopeDetector(data.documents, corpus_text, mentions=self.settings.enabled("mention_scope"),
                              titled=self.settings.enabled("title_scope"),
                              institutions=self.settings.enabled("institution_region"))
        scope.detect("预热")  # loads jieba's dictionary now, not on the first question
        name = version.name if version is not None else folder.name
        documents = tuple(
            IndexedDocument(d, str(m.get("title", "")), str(m.get("region", "")),
                            tuple(IndexedUnit(str(u["label"]), str(u["text"]), int(u.get("start", 0)),
                                              str(u.get("kind", "")), str(u.get("section", "")),
                                              str(u.get("heading", "")))
                                  for u in m.get("units", [])),
                            issuer=str(m.get("issuer", "") or ""), doc_number=str(m.get("doc_number", "") or ""),
                            date=str(m.get("date", "") or ""), path=str(m.get("path", "") or ""),
                            n_chunks=int(m.get("n_chunks", 0)))
            for d, m in data.documents.items())
        return _Loaded(data, scope, {d: np.asarray(r, dtype=np.int64) for d, r in rows.items()}, name, documents)

    def _current(self) -> _Loaded:
        pinned = getattr(self._local, "snap", None)
        if pinned is not None:
            return pinned
        snap = self._snap
        if snap is None:
            with self._lock:
                if self._snap is None:
                    self._snap = self._read()
                    self._next_check = time.monotonic() + self.settings.index_check_s
                snap = self._snap
        else:
            self._maybe_switch(snap)
        return snap

    def _maybe_switch(self, snap: _Loaded) -> None:
        """Start loading a newer version in the background if index_dir now points elsewhere."""
        if self.settings.index_check_s <= 0 or time.monotonic() < self._next_check or self._switching:
            return
        self._next_check = time.monotonic() + self.settings.index_check_s
        version = current_version(Path(self.settings.index_dir))
        if version is None or version.name == snap.version:
            return
        self._switching = True
        threading.Thread(target=self._switch, name="qa-index-switch", daemon=True).start()

    def _switch(self) -> None:
        try:
            new = self._read()
            with self._lock:
                if self._snap is None or new.version != self._snap.version:
                    self._snap = new
                    self.switches += 1
            self.switch_error = None
            log.info("index switched to %s (%d chunks)", new.version, len(new.data.chunks))
        except Exception as exc:  # keep serving the version that works; report and retry later
            self.switch_error = str(exc)
            log.exception("cannot load the new index version; still serving the previous one")
        finally:
            self._switching = False

    def reload(self) -> str:
        """Load the version index_dir points at now, synchronously (after an update in this process)."""
        new = self._read()
        with self._lock:
            if self._snap is None or new.version != self._snap.version:
                self._snap = new
                self.switches += 1
        return new.version

    @contextmanager
    def pinned(self) -> Iterator[IndexData]:
        """Use one index version for everything this thread does inside the block (one request)."""
        outer = getattr(self._local, "snap", None)
        snap = self._current()
        self._local.snap = snap
        try:
            yield snap.data
        finally:
            self._local.snap = outer

    def share_index(self, other: Retriever) -> None:
        """Serve what `other` has loaded (benchmarks comparing settings on one index)."""
        self._snap = other._current()

    def load(self) -> IndexData:
        return self._current().data

    @property
    def data(self) -> IndexData:
        return self.load()

    @property
    def version(self) -> str | None:
        return self._snap.version if self._snap is not None else None

    def status(self) -> dict:
        if self._snap is None:
            return {"loaded": False, "index_dir": self.settings.index_dir}
        m = self._snap.data.manifest
        return {"loaded": True, "index_dir": self.settings.index_dir, "n_chunks": m.get("n_chunks"),
                "n_documents": len(self._snap.data.documents), "embedding_model": m.get("embedding_model"),
                "index_type": m.get("index_type"), "built_at": m.get("built_at"), "version": self._snap.version,
                "switches": self.switches}

    # -- scope -------------------------------------------------------------
    def detect_scope(self, question: str, doc_ids: Sequence[str] | None = None) -> tuple[Scope, set[str]]:
        snap = self._current()
        if doc_ids:
            ids = tuple(sorted({resolve_doc(d, snap.data.documents) for d in doc_ids}))
            detected, _ = snap.scope.detect(question)
            return Scope(doc_ids=ids, regions=detected.regions, out_of_scope=detected.out_of_scope,
                         explicit=True), set()
        return snap.scope.detect(question)

    # -- search ------------------------------------------------------------
    def search(self, question: str, k: int = 10, doc_ids: Sequence[str] | None = None,
               scope: Scope | None = None) -> tuple[list[Hit], Scope]:
        """The k best clauses (one hit per clause), best first, and the detected scope."""
        if not question or not question.strip():
            raise InputError("问题为空 / empty question")
        if k < 1:
            raise InputError(f"k must be ≥ 1, got {k}")
        with self.pinned():  # one version for the whole search
            return self._search(question, k, doc_ids, scope)

    def _search(self, question: str, k: int, doc_ids: Sequence[str] | None,
                scope: Scope | None) -> tuple[list[Hit], Scope]:
        snap = self._current()
        data = snap.data
        boosted: set[str] = set()
        if scope is None:
            scope, boosted = self.detect_scope(question, doc_ids)
        allowed = self._allowed_rows(scope.doc_ids)
        qvec = self.embedder.embed_queries([question])[0].astype(np.float32)
        n_cand = max(self.settings.retrieve_k, 2 * k)
        mode = self.settings.retrieval_mode
        if mode not in ("hybrid", "dense", "keyword"):
            raise ConfigError(f"unknown retrieval_mode '{mode}'", hint="use hybrid, dense or keyword")
        dense = self._dense(qvec, n_cand, allowed) if mode != "keyword" else []
        kw_scores = data.bm25.scores(question)
        keyword = self._keyword(kw_scores, n_cand, allowed) if mode != "dense" else []
        fused: dict[int, float] = {}
        rrf = self.settings.rrf_k
        for rank, row in enumerate(dense):
            fused[row] = fused.get(row, 0.0) + self.settings.dense_weight / (rrf + rank + 1)
        for rank, row in enumerate(keyword):
            fused[row] = fused.get(row, 0.0) + 1.0 / (rrf + rank + 1)
        if boosted:
            for row in fused:
                if data.chunks[row].doc_id in boosted:
                    fused[row] += TITLE_BOOST / (rrf + 1)
        order = sorted(fused, key=lambda r: (-fused[r], r))
        groups = self._region_groups(scope)
        if len(groups) >= 2:  # a question naming two regions gets the best clauses of each, in turn
            order = _interleave(order, [[r for r in order if data.chunks[r].doc_id in g] for g in groups])
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for row in order:
            c = data.chunks[row]
            key = (c.doc_id, c.label)
            if key in seen:
                continue
            seen.add(key)
            cos = float(np.dot(data.vectors[row], qvec))
            hits.append(Hit(c, fused[row], dense_score=cos, keyword_score=float(kw_scores[row])))
            if len(hits) >= k:
                break
        return hits, scope

    def _region_groups(self, scope: Scope) -> list[set[str]]:
        """The document sets of the distinct regions a question names (for comparisons)."""
        detector = self._current().scope
        groups: list[set[str]] = []
        for name in scope.regions:
            docs = detector.alias_to_docs.get(name, set()) & set(scope.doc_ids)
            if docs and docs not in groups:
                groups.append(docs)
        return groups

    def _allowed_rows(self, doc_ids: Sequence[str]) -> np.ndarray | None:
        if not doc_ids:
            return None
        rows_by_doc = self._current().rows_by_doc
        parts = [rows_by_doc.get(d, np.zeros(0, np.int64)) for d in doc_ids]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def _dense(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
        import faiss

        index = self.data.faiss_index
        if index.ntotal == 0 or (allowed is not None and allowed.size == 0):
            return []
        n = min(n, index.ntotal if allowed is None else int(allowed.size))
        params = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(allowed)
            if isinstance(index, faiss.IndexHNSW):
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(128, 2 * n))
            else:
                params = faiss.SearchParameters(sel=sel)
        _, ids = index.search(qvec.reshape(1, -1), n, params=params)
        return [int(i) for i in ids[0] if i >= 0]

    def _keyword(self, scores: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
        if allowed is not None:
            masked = np.full_like(scores, -1.0)
            masked[allowed] = scores[allowed]
            scores = masked
        n = min(n, int((scores > 0).sum()))
        if n <= 0:
            return []
        top = np.argpartition(-scores, n - 1)[:n]
        return [int(i) for i in sorted(top, key=lambda i: (-scores[i], i))]

    # -- documents and clauses --------------------------------------------
    def indexed_documents(self) -> tuple[IndexedDocument, ...]:
        """The indexed documents with their clauses, typed (the answer stage reads these, not the index's dicts)."""
        return self._current().documents

    def documents(self):
        from qa.service import DocumentInfo

        data = self.load()
        return [DocumentInfo(doc_id=d, title=m.get("title", ""), region=m.get("region", ""),
                             doc_number=m.get("doc_number", ""), date=m.get("date", ""),
                             n_chunks=int(m.get("n_chunks", 0)))
                for d, m in sorted(data.documents.items())]

    def clause_chunk(self, doc_title: str, label: str) -> Chunk | None:
        """The first piece of clause ``label`` of the document titled ``doc_title`` (None if there is none)."""
        data = self.load()
        return next((c for c in data.chunks if c.doc_title == doc_title and c.label == label and c.piece == 0), None)

    def unit(self, doc_id: str, label: str) -> dict | None:
        doc = self.load().documents.get(doc_id)
        if doc is None:
            return None
        return next((u for u in doc.get("units", []) if u["label"] == label), None)

    def clause_view(self, chunk_id: str, quote: str | None = None):
        from qa.service import ClauseView

        data = self.load()
        chunk = next((c for c in data.chunks if c.chunk_id == chunk_id), None)
        if chunk is None:
            raise InputError(f"没有这个条款 / unknown chunk id '{chunk_id}'")
        unit = self.unit(chunk.doc_id, chunk.label) or {"text": chunk.text, "heading": chunk.heading}
        text = unit["text"]
        span = None
        if quote:
            pos = text.find(quote.strip())
            if pos >= 0:
                span = (pos, pos + len(quote.strip()))
        return ClauseView(chunk.doc_id, chunk.doc_title, chunk.label, unit.get("heading", ""), text, span)


def _interleave(order: list[int], groups: list[list[int]]) -> list[int]:
    """Round-robin over the groups (each in fused order), then whatever is left in fused order."""
    out: list[int] = []
    seen: set[int] = set()
    for i in range(max(len(g) for g in groups)):
        for g in groups:
            if i < len(g) and g[i] not in seen:
                out.append(g[i])
                seen.add(g[i])
    return out + [r for r in order if r not in seen]
