"""Index artifacts: FAISS index, chunk store, vectors, keyword index, documents and a manifest.

Layout of ``settings.index_dir``::

    manifest.json      embedding model, dimension, normalisation, chunker version, keyword
                       tokenizer, per-document content hashes, file sizes, build time
    chunks.jsonl       one Chunk per line, in index order (row i = FAISS id i)
    vectors.npy        float32 (n, dim), L2-normalised; kept so updates re-embed only what changed
    faiss.index        IndexFlatIP (exact) or IndexHNSWFlat above settings.ann_threshold
    keyword_*.{npz,npy,json}   BM25 index over the same chunks
    documents.json     per-document metadata and units (clause texts, for display and scope)

Versions and the switch: ``index_dir`` is a symbolic link to a version folder next to it
(``.index.v-<time>-<pid>``). A build writes a new version into a temporary sibling
(``.index.building-…``), makes it durable (fsync), renames it to its version name, and then
switches by replacing the link with one ``rename`` — the single atomic step: a reader sees the old
index or the new one, never none. The previous version is kept (a reader may still be loading it),
older ones are removed. Whatever a killed build left (temporary folders and links, unreferenced
versions) is cleaned by :func:`recover` at the start of the next write. An index folder of the
older layout (a plain directory) is moved into a version once; if that is interrupted, the loader
takes the newest complete version and the next write restores the link.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
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

#: Called with the name of each step of a write (for fault-injection tests); None in production.
STEP_HOOK: Callable[[str], None] | None = None
WRITE_STEPS = ("begin", "recovered", "files-written", "manifest-written", "synced", "version-renamed",
               "link-created", "switched", "pruned")


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


def _prefix(folder: Path) -> str:
    return f".{folder.name}."


def _versions(folder: Path) -> list[Path]:
    """Complete version folders of ``folder`` (manifest written last), oldest first."""
    pre = _prefix(folder) + "v-"
    found = [p for p in folder.parent.glob(pre + "*") if p.is_dir() and not p.is_symlink()
             and (p / "manifest.json").is_file()]
    return sorted(found, key=lambda p: p.name)


def current_version(folder: str | Path) -> Path | None:
    """The folder holding the index now: the link's target, a plain folder (older layout), or —
    when a switch from the older layout was interrupted — the newest complete version."""
    folder = Path(folder)
    if folder.is_symlink():
        target = folder.resolve()
        return target if target.is_dir() else None
    if folder.is_dir():
        return folder
    versions = _versions(folder)
    return versions[-1] if versions else None


def _fsync_tree(folder: Path) -> None:
    for p in [*folder.iterdir(), folder]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point(folder: Path, version: Path) -> None:
    """Make ``folder`` a link to ``version`` in one rename (the atomic switch)."""
    link = folder.with_name(f"{_prefix(folder)}link-{os.getpid()}-{time.time_ns()}")
    os.symlink(version.name, link)
    _step("link-created")
    os.replace(link, folder)
    _fsync_dir(folder.parent)
    _step("switched")


def recover(folder: str | Path) -> None:
    """Clean what a killed write left next to ``folder`` and make ``folder`` point at an index.

    Removes temporary build folders and links; moves a plain index folder (older layout) into a
    version; restores the link if it is missing; keeps the current and the previous version only.
    """
    folder = Path(folder)
    parent = folder.parent
    if not parent.is_dir():
        return
    pre = _prefix(folder)
    for p in parent.glob(pre + "*"):
        rest = p.name[len(pre):]
        if rest.startswith(("building-", "tmp-", "old-")):
            shutil.rmtree(p, ignore_errors=True)
        elif rest.startswith("link-"):
            p.unlink(missing_ok=True)
    for p in parent.glob(f".{folder.name}.tmp-*"):  # the older layout's temporary folders
        shutil.rmtree(p, ignore_errors=True)
    if folder.is_dir() and not folder.is_symlink():  # older layout: move it into a version
        if (folder / "manifest.json").is_file():
            version = folder.with_name(f"{pre}v-{time.time_ns():020d}-{os.getpid()}")
            os.rename(folder, version)
            _point(folder, version)
        else:
            raise IndexError_(f"{folder} 不是索引文件夹 / {folder} is a folder but not an index",
                              hint="move it away or set index_dir to another path")
    elif not folder.exists() or (folder.is_symlink() and not folder.resolve().is_dir()):
        versions = _versions(folder)
        if versions:
            _point(folder, versions[-1])
    _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the current version and the one before it; remove the older ones."""
    current = current_version(folder)
    if current is None:
        return
    versions = _versions(folder)
    keep = {current.resolve()}
    older = [v for v in versions if v.resolve() != current.resolve() and v.name < current.name]
    if older:
        keep.add(older[-1].resolve())
    for v in versions:
        if v.resolve() not in keep:
            shutil.rmtree(v, ignore_errors=True)
    for p in folder.parent.glob(_prefix(folder) + "v-*"):  # incomplete versions (no manifest)
        if p.is_dir() and not (p / "manifest.json").is_file():
            shutil.rmtree(p, ignore_errors=True)


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
                ann_threshold: int, keyword_tokenizer: str,
                extra_files: Callable[[IndexData], dict[str, str]] | None = None) -> IndexData:
    """Assemble entries (sorted by doc_id, so any update equals a full rebuild) and write atomically.

    ``extra_files`` computes further files of the version (name → text) from the assembled index,
    e.g. the clause alignment (qa.compare.store); they are written, sized in the manifest and
    switched together with the rest."""
    import faiss

    entries = sorted(entries, key=lambda e: e.doc_id)
    chunks = [c for e in entries for c in e.chunks]
    dim = int(manifest_base["dim"])
    vectors = (np.concatenate([e.vectors for e in entries if len(e.chunks)], axis=0)
               if chunks else np.zeros((0, dim), np.float32)).astype(np.float32)
    index = make_faiss(vectors, ann_threshold)
    bm25 = BM25(keyword_tokenizer).fit([c.embed_text for c in chunks])
    documents = {e.doc_id: {**e.meta, "n_chunks": len(e.chunks), "units": e.units} for e in entries}
    extras = extra_files(IndexData({}, chunks, vectors, index, bm25, documents)) if extra_files else {}

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    _step("begin")
    recover(folder)
    _step("recovered")
    tmp = Path(tempfile.mkdtemp(prefix=f"{_prefix(folder)}building-", dir=folder.parent))
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", vectors)
        faiss.write_index(index, str(tmp / "faiss.index"))
        bm25.save(tmp)
        (tmp / "documents.json").write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
        for name, content in extras.items():
            (tmp / name).write_text(content, encoding="utf-8")
        _step("files-written")
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
            "files": {name: (tmp / name).stat().st_size for name in (*FILES, *extras)},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _step("manifest-written")
        _fsync_tree(tmp)
        _step("synced")
        version = folder.with_name(f"{_prefix(folder)}v-{time.time_ns():020d}-{os.getpid()}")
        os.rename(tmp, version)
        _step("version-renamed")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        _point(folder, version)
    except BaseException:
        if current_version(folder) != version.resolve():
            shutil.rmtree(version, ignore_errors=True)
        raise
    _prune(folder)
    _step("pruned")
    return IndexData(manifest, chunks, vectors, index, bm25, documents)


def read_manifest(folder: Path) -> dict[str, Any]:
    folder = current_version(folder) or Path(folder)
    path = folder / "manifest.json"
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


#: reads of the index files tried when CPython's thread-shared AST state makes numpy's header parsing fail
AST_RACE_TRIES = 3


def load_index(folder: Path, expected: dict[str, Any]) -> IndexData:
    """Load and verify an index; every failure is an IndexError_ that says to rebuild."""
    import faiss

    folder = current_version(folder) or Path(folder)
    manifest = read_manifest(folder)
    check_manifest(manifest, expected)
    for name, size in manifest.get("files", {}).items():
        p = folder / name
        if not p.is_file():
            raise IndexError_(f"索引文件缺失 / missing index file {p}", hint=REBUILD_HINT)
        if p.stat().st_size != size:
            raise IndexError_(f"索引文件损坏（大小 {p.stat().st_size} ≠ {size}）/ truncated or modified index file {p}",
                              hint=REBUILD_HINT)
    def read() -> tuple[list[Chunk], Any, Any, BM25, Any]:
        with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
        return (chunks, np.load(folder / "vectors.npy", mmap_mode="r"), faiss.read_index(str(folder / "faiss.index")),
                BM25.load(folder), json.loads((folder / "documents.json").read_text(encoding="utf-8")))

    try:
        for attempt in range(AST_RACE_TRIES):
            try:
                chunks, vectors, index, bm25, documents = read()
                break
            except SystemError as exc:
                # numpy reads each .npy header with ast.literal_eval, whose recursion-depth bookkeeping CPython
                # 3.11 shares between threads (python/cpython#106905): another thread parsing at the same moment
                # makes it fail with "recursion depth mismatch" though the file is sound; read again
                if "recursion depth mismatch" not in str(exc) or attempt == AST_RACE_TRIES - 1:
                    raise
    except Exception as exc:  # numpy/faiss/json raise many types for a damaged file
        raise IndexError_(f"索引文件损坏 / corrupt index in {folder}: {type(exc).__name__}: {exc}",
                          hint=REBUILD_HINT) from None
    n = len(chunks)
    if index.ntotal != n or vectors.shape[0] != n or bm25.matrix.shape[0] != n:
        raise IndexError_(f"索引文件互不一致 / index files disagree ({n} chunks, {index.ntotal} vectors)",
                          hint=REBUILD_HINT)
    return IndexData(manifest, chunks, np.asarray(vectors), index, bm25, documents)
