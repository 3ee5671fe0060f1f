"""`qa eval`: answer a dataset with our system and the plain-RAG baseline, score, write the report.

A run lives in ``<reports_dir>/<run>/``: ``results.jsonl`` (our answers, batch format),
``baseline.jsonl`` (the baseline's, cached: a second `qa eval --run NAME` reuses every line already
there), ``metrics.json`` and ``report.html``. An interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qa.evaluation.batch import BatchSummary, run_batch, service_answer_fn
from qa.evaluation.io import read_results
from qa.evaluation.metrics import METRIC_LABELS, Clause
from qa.evaluation.report import render_html
from qa.evaluation.scoring import score_results
from qa.settings import Settings

Echo = Callable[[str], None]


@dataclass(frozen=True)
class RunPaths:
    """The files of one evaluation run."""

    folder: Path

    @property
    def results(self) -> Path:
        return self.folder / "results.jsonl"

    @property
    def baseline(self) -> Path:
        return self.folder / "baseline.jsonl"

    @property
    def metrics(self) -> Path:
        return self.folder / "metrics.json"

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


def default_run_name() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def prepare_run(reports_dir: str | Path, run: str, *, fresh: bool = False,
                baseline_from: str | None = None) -> RunPaths:
    """Create the run folder; ``fresh`` discards earlier answers; ``baseline_from`` seeds the
    baseline cache from another run's ``baseline.jsonl`` (when this run has none)."""
    paths = RunPaths(Path(reports_dir) / run)
    paths.folder.mkdir(parents=True, exist_ok=True)
    if fresh:
        for p in (paths.results, paths.baseline, paths.metrics, paths.report):
            p.unlink(missing_ok=True)
    if baseline_from and not paths.baseline.exists():
        source = RunPaths(Path(reports_dir) / baseline_from).baseline
        if source.is_file():
            shutil.copyfile(source, paths.baseline)
    return paths


def answer_with_system(service, rows: Sequence[dict], paths: RunPaths, progress: bool) -> BatchSummary:
    """Our system's answers into results.jsonl (resuming)."""
    return run_batch(rows, service_answer_fn(service), paths.results, resume=True, desc="system",
                     progress=progress)


def answer_with_baseline(settings: Settings, service, documents, rows: Sequence[dict], paths: RunPaths,
                         progress: bool) -> BatchSummary:
    """The baseline's answers into baseline.jsonl (cached: lines already there are kept).

    It shares the service's embedder and generator instances, so no model is loaded twice."""
    from qa.evaluation.baseline import NaiveRAG

    rag = NaiveRAG(settings, documents, embedder=service.retriever.embedder,
                   generator=service.answerer.generator)
    return run_batch(rows, rag.answer, paths.baseline, resume=True, desc="baseline", progress=progress)


def build_metrics(run: str, dataset: str, settings: Settings, system: dict, baseline: dict | None) -> dict:
    """The content of metrics.json."""
    return {
        "run": run,
        "dataset": str(dataset),
        "created": datetime.now().isoformat(timespec="seconds"),
        "settings": settings.as_dict(),
        "definitions": {k: v for k, v in METRIC_LABELS.items()},
        "system": system,
        "baseline": baseline,
    }


def score_and_write(run: str, dataset_path: str, settings: Settings, dataset: Sequence[dict], paths: RunPaths,
                    clause_texts: dict[Clause, str], with_baseline: bool) -> dict:
    """Score results.jsonl (and baseline.jsonl) against the dataset; write metrics.json and report.html."""
    rows, system = score_results(dataset, read_results(paths.results), clause_texts)
    base_rows: list[dict] = []
    baseline = None
    if with_baseline and paths.baseline.is_file():
        base_rows, baseline = score_results(dataset, read_results(paths.baseline), clause_texts)
    metrics = build_metrics(run, dataset_path, settings, system, baseline)
    paths.metrics.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    paths.report.write_text(render_html(metrics, rows, base_rows, clause_texts), encoding="utf-8")
    return metrics
