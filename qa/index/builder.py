"""Build and update the index from the corpus: parse → chunk → embed → write (atomically).

`build` re-embeds everything; `add`, `remove` and `update` re-embed only documents whose content
hash changed. Documents are embedded one at a time (batches never mix documents) and assembled in
doc_id order, so an incremental update produces exactly the index a full rebuild would.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.errors import CorpusError, IndexError_, InputError
from qa.index.embedders import Embedder
from qa.index.store import DocEntry, IndexData, load_index, write_index
from qa.settings import Settings

REMOVED_DIR = ".removed"  # documents taken out with `qa index remove` are moved here


@dataclass
class BuildReport:
    n_documents: int = 0
    n_chunks: int = 0
    embedded: list[str] = field(default_factory=list)  # doc ids (re-)embedded
    reused: list[str] = field(default_factory=list)  # doc ids whose vectors were kept
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def expected_manifest(settings: Settings) -> dict:
    """The manifest fields that must match the settings for an index to be loaded."""
    from qa.corpus import CHUNKER_VERSION

    return {"embedding_model": settings.embedding_model, "chunker_version": CHUNKER_VERSION,
            "keyword_tokenizer": settings.keyword_tokenizer, "chunk_max_tokens": settings.chunk_max_tokens}


class IndexBuilder:
    def __init__(self, settings: Settings, embedder: Embedder, *, progress: bool | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.folder = Path(settings.index_dir)
        self.corpus = Path(settings.corpus_dir)
        self.progress = sys.stderr.isatty() if progress is None else progress
        #: called with (step, done, total) as the work advances (the admin API shows it); None = off
        self.on_progress: Callable[[str, int, int], None] | None = None

    def _report(self, step: str, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(step, done, total)

    # -- steps -------------------------------------------------------------
    def _max_tokens(self) -> int:
        if self.settings.chunk_max_tokens > 0:
            return self.settings.chunk_max_tokens
        return max(64, self.embedder.max_seq_length - 8)  # room for the special tokens

    def _entries_for(self, docs: Sequence) -> list[DocEntry]:
        """Chunk and embed documents (one progress bar over all their chunks)."""
        from tqdm import tqdm

        from qa.corpus import chunk_document

        max_tokens = self._max_tokens()
        chunked = [(d, chunk_document(d, max_tokens, self.embedder.count_tokens)) for d in docs]
        total = sum(len(c) for _, c in chunked)
        entries = []
        # the bar's rate is chunks/s over the whole run (smoothing 0), the figure bench/bench_embed.py reports
        with tqdm(total=total, desc="嵌入 embedding", unit=" chunks", smoothing=0, file=sys.stderr,
                  disable=not self.progress or not total) as bar:
            for doc, chunks in chunked:
                texts = [c.embed_text for c in chunks]
                parts = []
                bs = max(1, self.settings.embedding_batch_size)
                for i in range(0, len(texts), bs):
                    parts.append(self.embedder.embed_passages(texts[i:i + bs], batch_size=bs))
                    bar.update(len(texts[i:i + bs]))
                    self._report("embedding", bar.n, total)
                vecs = np.concatenate(parts, axis=0) if parts else np.zeros((0, self.embedder.dim), np.float32)
                entries.append(DocEntry(doc.doc_id, _doc_meta(doc), _doc_units(doc), chunks, vecs))
        return entries

    def _write(self, entries: Iterable[DocEntry]) -> IndexData:
        self._report("writing", 0, 1)
        base = {**expected_manifest(self.settings), "dim": int(self.embedder.dim),
                "embedder_name": self.embedder.name}
        from qa.compare.store import alignment_files

        return write_index(self.folder, list(entries), base, ann_threshold=self.settings.ann_threshold,
                           keyword_tokenizer=self.settings.keyword_tokenizer,
                           extra_files=alignment_files(self.settings))

    def _load_corpus(self):
        from qa.corpus import load_corpus

        if not self.corpus.is_dir():
            raise CorpusError(str(self.corpus), "文件夹不存在 / corpus folder not found",
                              hint="设置 corpus_dir 或创建该文件夹 / set corpus_dir")
        return load_corpus(self.corpus, limits=self._limits())

    def _limits(self):
        from qa.corpus import Limits

        return Limits.from_settings(self.settings)

    def _existing(self) -> dict[str, DocEntry]:
        data = load_index(self.folder, expected_manifest(self.settings))
        if int(data.manifest.get("dim", 0)) != int(self.embedder.dim):
            raise IndexError_("索引维度与嵌入模型不符 / index dimension differs from the embedding model",
                              hint="运行 `qa index build` 重建索引")
        return data.entries()

    # -- commands ----------------------------------------------------------
    def build(self) -> BuildReport:
        t0 = time.perf_counter()
        loaded = self._load_corpus()
        report = BuildReport(problems=[str(p) for p in loaded.problems])
        if not loaded.documents:
            raise CorpusError(str(self.corpus), "没有可索引的文件 / no readable documents",
                              hint="把 .txt/.md/.html/.docx/.pdf 文件放入该文件夹")
        entries = self._entries_for(loaded.documents)
        data = self._write(entries)
        report.embedded = [e.doc_id for e in entries]
        return _finish(report, data, t0)

    def update(self) -> BuildReport:
        """Re-parse corpus/, re-embed changed or new documents, drop deleted ones."""
        t0 = time.perf_counter()
        try:
            existing = self._existing()
        except IndexError_:
            return self.build()
        loaded = self._load_corpus()
        report = BuildReport(problems=[str(p) for p in loaded.problems])
        current = {d.doc_id: d for d in loaded.documents}
        changed = [d for d in loaded.documents
                   if d.doc_id not in existing or existing[d.doc_id].meta.get("content_hash") != d.content_hash]
        entries = {k: v for k, v in existing.items() if k in current}
        report.removed = sorted(set(existing) - set(current))
        for e in self._entries_for(changed):
            entries[e.doc_id] = e
        report.embedded = [d.doc_id for d in changed]
        report.reused = sorted(set(entries) - set(report.embedded))
        return _finish(report, self._write(entries.values()), t0)

    def add(self, paths: Sequence[str | Path]) -> BuildReport:
        """Copy files into corpus/ (if they are elsewhere) and index them."""
        from qa.corpus import parse_file

        t0 = time.perf_counter()
        try:
            entries = self._existing()
        except IndexError_ as exc:
            if not (self.folder / "manifest.json").exists():
                entries = {}
            else:
                raise exc
        report = BuildReport()
        docs = []
        for raw in paths:
            src = Path(raw)
            if not src.is_file():
                report.problems.append(f"{src}: 文件不存在 / file not found")
                continue
            try:
                doc = parse_file(src, self._limits())
            except CorpusError as exc:
                report.problems.append(str(exc))
                continue
            self.corpus.mkdir(parents=True, exist_ok=True)
            dest = self.corpus / src.name
            if src.resolve() != dest.resolve():
                shutil.copy2(src, dest)
            docs.append(dataclasses.replace(doc, path=str(dest)))
        if not docs:
            raise InputError("没有可添加的文件 / nothing to add: " + "; ".join(report.problems))
        for e in self._entries_for(docs):
            entries[e.doc_id] = e
        report.embedded = [d.doc_id for d in docs]
        report.reused = sorted(set(entries) - set(report.embedded))
        return _finish(report, self._write(entries.values()), t0)

    def remove(self, names: Sequence[str]) -> BuildReport:
        """Drop documents (by id, title or file name) from the index; their files move to
        corpus/.removed/ so that `qa index update` does not bring them back."""
        t0 = time.perf_counter()
        entries = self._existing()
        report = BuildReport()
        for name in names:
            doc_id = resolve_doc(name, {k: e.meta for k, e in entries.items()})
            meta = entries.pop(doc_id).meta
            report.removed.append(doc_id)
            src = Path(meta.get("path", ""))
            if src.is_file() and src.resolve().parent == self.corpus.resolve():
                target = self.corpus / REMOVED_DIR
                target.mkdir(exist_ok=True)
                shutil.move(str(src), target / src.name)
        report.reused = sorted(entries)
        return _finish(report, self._write(entries.values()), t0)


def resolve_doc(name: str, metas: dict[str, dict]) -> str:
    """A document named by id, file name, or (a unique part of) its title."""
    name = name.strip()
    if name in metas:
        return name
    for doc_id, meta in metas.items():
        if name in (Path(meta.get("path", "")).name, meta.get("title")):
            return doc_id
    partial = [d for d, m in metas.items() if name and name in str(m.get("title", ""))]
    if len(partial) == 1:
        return partial[0]
    known = "; ".join(f"{d}（{m.get('title', '')}）" for d, m in sorted(metas.items()))
    what = "多个文件匹配 / ambiguous" if partial else "索引中没有该文件 / not in the index"
    raise InputError(f"{what}: '{name}'", hint=f"可用的文件 / documents: {known}")


def _doc_meta(doc) -> dict:
    return {"title": doc.title, "region": doc.region, "issuer": doc.issuer, "doc_number": doc.doc_number,
            "date": doc.date, "path": str(doc.path), "content_hash": doc.content_hash,
            "n_clauses": len(doc.clauses), "warnings": list(doc.warnings)}  # the parse report (admin API)


def _doc_units(doc) -> list[dict]:
    return [{"label": u.label, "kind": u.kind, "section": u.section, "heading": u.heading,
             "departments": list(u.departments), "text": u.text, "start": u.start, "end": u.end}
            for u in doc.units]


def _finish(report: BuildReport, data: IndexData, t0: float) -> BuildReport:
    report.n_documents = len(data.documents)
    report.n_chunks = len(data.chunks)
    report.seconds = time.perf_counter() - t0
    return report

