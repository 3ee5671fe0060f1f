"""Document administration in the running system: list with parse reports, upload, remove.

An upload is parsed *before* anything changes (size and parser limits of the reliability issue,
unreadable or structureless files): a rejected file leaves the corpus and the index as they were and
the reason goes back to the caller. Accepted uploads and removals run as a background job
(:class:`IndexJob`, a row in the database so that every replica can report it) that updates the
index with :class:`qa.index.builder.IndexBuilder` — written into a new version folder and switched
atomically (qa/index/store.py). The replica that ran the job switches at once; the others notice the
new version within ``index_check_s`` (qa/index/retriever.py). Index writes from several replicas
are serialised by a file lock next to the index.
"""

from __future__ import annotations

import fcntl
import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.errors import CorpusError, InputError, QAError
from qa.settings import Settings

log = logging.getLogger("qa.admin")

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
CLAUSE_KINDS = ("clause",)


@dataclass(frozen=True)
class ParseReport:
    """How a document was read: what the admin list and an upload's answer show."""

    doc_id: str
    file: str
    title: str
    region: str
    doc_number: str
    date: str
    n_clauses: int
    n_chunks: int
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "warnings": list(self.warnings)}


@dataclass(frozen=True)
class IndexJob:
    id: str
    kind: str  # add | remove
    target: str
    state: str  # queued | running | done | failed
    step: str
    done: int
    total: int
    message: str
    report: dict[str, Any]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> IndexJob:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _warnings_of(meta: dict[str, Any]) -> list[str]:
    out = list(meta.get("warnings") or [])
    for key, what in (("title", "未识别标题 / no title found"), ("region", "未识别地区 / no region found"),
                      ("doc_number", "未识别文号 / no document number (文号) found"),
                      ("date", "未识别日期 / no date found")):
        if not meta.get(key):
            out.append(what)
    return out


def safe_name(filename: str) -> str:
    """The file name an upload is stored under (no folders, no hidden files)."""
    name = Path(str(filename).replace("\\", "/")).name.strip()
    name = re.sub(r"[\x00-\x1f/]", "", name)
    if not name or name.startswith(".") or Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise InputError(f"不支持的文件名 / unsupported file name: {filename!r}",
                         hint="上传 .txt .md .html .docx .pdf 文件 / upload a .txt .md .html .docx or .pdf file")
    return name


class AdminService:
    """Lists, adds and removes documents of the running service's index."""

    def __init__(self, settings: Settings, service: Any, store: Any) -> None:
        self.settings = settings
        self.service = service
        self.store = store
        self._lock = threading.Lock()  # one job at a time in this process (the file lock: across replicas)
        self._embedder: Any = None

    # -- listing -----------------------------------------------------------
    def documents(self) -> list[ParseReport]:
        data = self.service.retriever.load()
        out = []
        for doc_id, meta in sorted(data.documents.items()):
            units = meta.get("units", [])
            n_clauses = meta.get("n_clauses")
            if n_clauses is None:  # an index built before the parse report was kept
                n_clauses = sum(1 for u in units if u.get("kind") in CLAUSE_KINDS)
            out.append(ParseReport(doc_id, Path(meta.get("path", "")).name, meta.get("title", ""),
                                   meta.get("region", ""), meta.get("doc_number", ""), meta.get("date", ""),
                                   int(n_clauses), int(meta.get("n_chunks", 0)), tuple(_warnings_of(meta))))
        return out

    def index_version(self) -> str | None:
        return self.service.retriever.version

    # -- checks ------------------------------------------------------------
    def check(self, filename: str, content: bytes) -> tuple[Path, ParseReport]:
        """Parse an upload in a private temporary folder; CorpusError (with the reason) if it is
        unreadable, over a limit or has no structure. Nothing in the corpus or index changes."""
        from qa.corpus import Limits
        from qa.corpus.readers import parse_file

        name = safe_name(filename)
        limits = Limits.from_settings(self.settings)
        if len(content) > self.settings.max_file_mb * 2**20:
            raise CorpusError(name, f"文件超过 {self.settings.max_file_mb:g} MB / file larger than max_file_mb",
                              hint="拆分文件或调整 max_file_mb / split the file or raise max_file_mb")
        folder = Path(tempfile.mkdtemp(prefix="qa-upload-"))
        path = folder / name
        path.write_bytes(content)
        try:
            doc = parse_file(path, limits)
        except CorpusError as exc:  # the reason, under the uploaded name (not the temporary path)
            shutil.rmtree(folder, ignore_errors=True)
            raise CorpusError(name, exc.reason, hint=exc.hint) from None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not doc.clauses and not doc.units:
            shutil.rmtree(folder, ignore_errors=True)
            raise CorpusError(name, "没有可检索的正文 / no text to index was found",
                              hint="检查文件是否为扫描件或空文件 / is it a scan or empty?")
        report = ParseReport(doc.doc_id, name, doc.title, doc.region, doc.doc_number, doc.date, len(doc.clauses),
                             0, tuple(_warnings_of({"title": doc.title, "region": doc.region,
                                                    "doc_number": doc.doc_number, "date": doc.date,
                                                    "warnings": list(doc.warnings)})))
        return path, report

    # -- jobs --------------------------------------------------------------
    def upload(self, filename: str, content: bytes) -> tuple[IndexJob, ParseReport]:
        """Check the file now; index it in the background (a new document or a new version of one)."""
        path, report = self.check(filename, content)
        existing = {d.doc_id for d in self.documents()}
        kind = "replace" if report.doc_id in existing else "add"
        job = self._new_job("add", path.name, f"{'新版本 / new version' if kind == 'replace' else '新文件 / new'}")
        self._start(job, lambda builder: builder.add([path]), cleanup=path.parent)
        return job, report

    def remove(self, name: str) -> IndexJob:
        from qa.index.builder import resolve_doc

        data = self.service.retriever.load()
        doc_id = resolve_doc(name, data.documents)  # InputError (422) when unknown
        job = self._new_job("remove", doc_id, "")
        self._start(job, lambda builder: builder.remove([doc_id]))
        return job

    def job(self, job_id: str) -> IndexJob:
        row = self.store.get("index_jobs", str(job_id)[:32])
        if row is None:
            raise InputError(f"没有这个任务 / unknown job '{job_id}'")
        return IndexJob.from_row(row)

    def _new_job(self, kind: str, target: str, message: str) -> IndexJob:
        row = {"kind": kind, "target": target, "state": "queued", "step": "queued", "done": 0, "total": 0,
               "message": message, "report": {}}
        job_id = self.store.insert("index_jobs", row)
        return self.job(job_id)

    @contextmanager
    def _index_lock(self) -> Iterator[None]:
        folder = Path(self.settings.index_dir)
        folder.parent.mkdir(parents=True, exist_ok=True)
        with open(folder.with_name(f".{folder.name}.write.lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _build_embedder(self) -> Any:
        """An embedder of its own for index jobs (loaded on the first job), so that embedding documents
        never shares a model instance with the questions being answered meanwhile."""
        from qa.index.embedders import make_embedder

        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def _start(self, job: IndexJob, work: Any, cleanup: Path | None = None) -> None:
        threading.Thread(target=self._run, args=(job, work, cleanup), name=f"qa-admin-{job.id[:8]}",
                         daemon=True).start()

    def _run(self, job: IndexJob, work: Any, cleanup: Path | None) -> None:
        from qa.index.builder import IndexBuilder

        def progress(step: str, done: int, total: int) -> None:
            self.store.update("index_jobs", job.id, step=step, done=int(done), total=int(total))

        try:
            with self._lock, self._index_lock():
                self.store.update("index_jobs", job.id, state="running", step="parsing")
                builder = IndexBuilder(self.settings, self._build_embedder(), progress=False)
                builder.on_progress = progress
                report = work(builder)
                version = self.service.retriever.reload()  # this replica switches now
            self.store.update("index_jobs", job.id, state="done", step="switched", message=version,
                              report={"embedded": report.embedded, "removed": report.removed,
                                      "n_documents": report.n_documents, "n_chunks": report.n_chunks,
                                      "seconds": round(report.seconds, 2), "problems": report.problems,
                                      "version": version})
            log.info("index job %s (%s %s) done: version %s", job.id, job.kind, job.target, version)
        except Exception as exc:
            message = exc.message if isinstance(exc, QAError) else f"{type(exc).__name__}: {exc}"
            log.exception("index job %s failed", job.id)
            self.store.update("index_jobs", job.id, state="failed", step="failed", message=message[:2000])
        finally:
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)
