"""Index artifacts: FAISS index, chunk store, vectors, keyword index, documents and a manifest.

Layout of ``settings.index_dir``::

    manifest.json      embedding model, dimension, normalisation, chunker version, keyword
                       tokenizer, per-document content hashes, file sizes, build time
    chunks.jsonl       one Chunk per line, in index order (row i = FAISS id i)
    vectors.npy        float32 (n, dim), L2-normalised; kept so updates re-embed only what changed
    faiss.index        IndexFlatIP (exact) or IndexHNSWFlat above settings.ann_threshold
    keyword_*.{npz,npy,json}   BM25 index over the same chunks
    documents.json     per-document metadata and units (clause texts, for display and scope)

Writes are atomic: everything is written to a sibling temporary folder which then replaces the
old one by rename, so a crash mid-build leaves the previous index usable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import IndexError_
from qa.index.keyword import BM25
from qa.types import Chunk

FORMAT_VERSION = 1
FILES = ("chunks.jsonl", "vectors.npy", "faiss.index", "keyword_matrix.npz", "keyword_idf.npy",
         "keyword_vocab.json", "documents.json")
REBUILD_HINT = "运行 `qa index build` 重建索引 / run `qa index build` to rebuild the index"


@dataclass
class DocEntry:
    """One document inside the index: its metadata, units, chunks and their vectors."""

    doc_id: str
    meta: dict[str, Any]  # title, region, issuer, doc_number, date, path, content_hash
    units: list[dict[str, Any]]  # label, kind, section, heading, departments, text, start, end
    chunks: list[Chunk]
    vectors: np.ndarray


@dataclass
class IndexData:
    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray
    faiss_index: Any
    bm25: BM25
    documents: dict[str, dict[str, Any]]  # doc_id → meta + "units"
    entries_cache: dict[str, DocEntry] = field(default_factory=dict)

    def entries(self) -> dict[str, DocEntry]:
        """Split back into per-document entries (for incremental updates)."""
        out: dict[str, DocEntry] = {}
        rows: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            rows.setdefault(c.doc_id, []).append(i)
        for doc_id, doc in self.documents.items():
            idx = rows.get(doc_id, [])
            meta = {k: v for k, v in doc.items() if k != "units"}
            out[doc_id] = DocEntry(doc_id, meta, doc.get("units", []), [self.chunks[i] for i in idx],
                                   self.vectors[idx] if idx else np.zeros((0, self.vectors.shape[1]), np.float32))
        return out


def make_faiss(vectors: np.ndarray, ann_threshold: int):
    import faiss

    n, dim = vectors.shape
    if n > ann_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_index(folder: Path, entries: list[DocEntry], manifest_base: dict[str, Any], *,
                ann_threshold: int, keyword_tokenizer: str) -> IndexData:
    """Assemble entries (sorted by doc_id, so any update equals a full rebuild) and write atomically."""
    import faiss

    entries = sorted(entries, key=lambda e: e.doc_id)
    chunks = [c for e in entries for c in e.chunks]
    dim = int(manifest_base["dim"])
    vectors = (np.concatenate([e.vectors for e in entries if len(e.chunks)], axis=0)
               if chunks else np.zeros((0, dim), np.float32)).astype(np.float32)
    index = make_faiss(vectors, ann_threshold)
    bm25 = BM25(keyword_tokenizer).fit([c.embed_text for c in chunks])
    documents = {e.doc_id: {**e.meta, "n_chunks": len(e.chunks), "units": e.units} for e in entries}

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", vectors)
        faiss.write_index(index, str(tmp / "faiss.index"))
        bm25.save(tmp)
        (tmp / "documents.json").write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
        manifest = {
            **manifest_base,
            "format_version": FORMAT_VERSION,
            "normalized": True,
            "index_type": type(index).__name__,
            "keyword_tokenizer": keyword_tokenizer,
            "n_chunks": len(chunks),
            "documents": {e.doc_id: {"content_hash": e.meta.get("content_hash", ""),
                                     "title": e.meta.get("title", ""), "n_chunks": len(e.chunks)}
                          for e in entries},
            "files": {name: (tmp / name).stat().st_size for name in FILES},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return IndexData(manifest, chunks, vectors, index, bm25, documents)


def _swap(new: Path, folder: Path) -> None:
    """Replace `folder` with `new` by renames; the old index stays until the new one is in place."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}-{int(time.time() * 1000)}")
        os.replace(folder, old)
    try:
        os.replace(new, folder)
    except BaseException:
        if old is not None:
            os.replace(old, folder)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise IndexError_(f"索引不存在 / no index at {folder}", hint="运行 `qa index build` 建立索引 / run `qa index build`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexError_(f"索引清单损坏 / corrupt manifest {path}: {exc}", hint=REBUILD_HINT) from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(f"索引格式版本不符 / index format {manifest.get('format_version')} "
                          f"(expected {FORMAT_VERSION})", hint=REBUILD_HINT)
    return manifest


def check_manifest(manifest: dict[str, Any], expected: dict[str, Any]) -> None:
    """Refuse an index built with other settings (model, chunker, keyword tokenizer...)."""
    diffs = [f"{k}: 索引={manifest.get(k)!r} 设置={v!r}" for k, v in expected.items() if manifest.get(k) != v]
    if diffs:
        raise IndexError_("索引与当前设置不一致 / the index was built with other settings: " + "; ".join(diffs),
                          hint=REBUILD_HINT)


def load_index(folder: Path, expected: dict[str, Any]) -> IndexData:
    """Load and verify an index; every failure is an IndexError_ that says to rebuild."""
    import faiss

    folder = Path(folder)
    manifest = read_manifest(folder)
    check_manifest(manifest, expected)
    for name, size in manifest.get("files", {}).items():
        p = folder / name
        if not p.is_file():
            raise IndexError_(f"索引文件缺失 / missing index file {p}", hint=REBUILD_HINT)
        if p.stat().st_size != size:
            raise IndexError_(f"索引文件损坏（大小 {p.stat().st_size} ≠ {size}）/ truncated or modified index file {p}",
                              hint=REBUILD_HINT)
    try:
        with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        index = faiss.read_index(str(folder / "faiss.index"))
        bm25 = BM25.load(folder)
        documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    except Exception as exc:  # numpy/faiss/json raise many types for a damaged file
        raise IndexError_(f"索引文件损坏 / corrupt index in {folder}: {type(exc).__name__}: {exc}",
                          hint=REBUILD_HINT) from None
    n = len(chunks)
    if index.ntotal != n or vectors.shape[0] != n or bm25.matrix.shape[0] != n:
        raise IndexError_(f"索引文件互不一致 / index files disagree ({n} chunks, {index.ntotal} vectors)",
                          hint=REBUILD_HINT)
    return IndexData(manifest, chunks, np.asarray(vectors), index, bm25, documents)
