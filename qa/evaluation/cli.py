"""`qa batch` (answer a JSONL file) and `qa eval` (score a dataset, write a report, compare runs)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from qa.errors import InputError
from qa.evaluation.batch import BatchSummary, parse_ids, select_rows
from qa.evaluation.io import check_writable, read_jsonl

INTERRUPTED_EXIT = 130


def _load_rows(path: str, ids: str | None, limit: int | None) -> list[dict]:
    rows = select_rows(read_jsonl(path), ids=parse_ids(ids), limit=limit)
    wanted = parse_ids(ids) or []
    missing = sorted(set(wanted) - {str(r["id"]) for r in rows})
    if missing and limit is None:
        click.secho(f"注意 / note: ids not in {path}: {', '.join(missing)}", fg="yellow", err=True)
    return rows


def _summary_line(s: BatchSummary) -> str:
    parts = [f"{s.answered} answered", f"{s.errors} with errors"]
    if s.skipped:
        parts.append(f"{s.skipped} already in the output")
    acc = s.key_facts.describe()
    if acc:
        parts.append(f"key-fact accuracy {acc}")
    return f"{', '.join(parts)} ({s.elapsed_s:.0f} s) → {s.output}"


def _interrupted(ctx: click.Context, s: BatchSummary, resume_cmd: str) -> None:
    click.secho(f"\n已中断 / interrupted: {s.skipped + s.answered} of {s.total} questions are in {s.output} "
                "(every line written is complete).", fg="yellow", err=True)
    click.secho(f"继续 / resume with:  {resume_cmd}", fg="yellow", err=True)
    ctx.exit(INTERRUPTED_EXIT)


def _warm(service) -> None:
    click.secho("加载模型 / loading the index and models…", fg="bright_black", err=True)
    t0 = time.perf_counter()
    service.warmup()
    click.secho(f"ready in {time.perf_counter() - t0:.1f} s", fg="bright_black", err=True)


def register(cli: click.Group) -> None:
    @cli.command("batch")
    @click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
                  help="JSONL with at least `id` and `question` (optional `history`).")
    @click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False),
                  help="JSONL written line by line: the input fields plus the answer.")
    @click.option("--resume", is_flag=True, help="Skip ids already in --output and append the rest.")
    @click.option("--limit", type=click.IntRange(min=0), default=None, help="Only the first N questions.")
    @click.option("--ids", default=None, help="Only these ids, comma-separated: q001,q002.")
    @click.option("--no-progress", is_flag=True, help="No progress bar.")
    @click.pass_context
    def batch_cmd(ctx: click.Context, input_path: str, output_path: str, resume: bool, limit: int | None,
                  ids: str | None, no_progress: bool) -> None:
        """批量问答 / answer every question of a JSONL file (one failure never stops the run)."""
        from qa.cli import get_settings
        from qa.evaluation.batch import run_batch, service_answer_fn
        from qa.service import build_service

        if Path(input_path).resolve() == Path(output_path).resolve():
            raise InputError("--input 与 --output 不能是同一个文件 / --input and --output must differ")
        rows = _load_rows(input_path, ids, limit)
        check_writable(output_path)  # before any model is loaded
        service = build_service(get_settings(ctx))
        _warm(service)
        summary = run_batch(rows, service_answer_fn(service), output_path, resume=resume, desc="batch",
                            progress=not no_progress)
        click.echo(_summary_line(summary))
        if summary.interrupted:
            extra = (f" --limit {limit}" if limit is not None else "") + (f" --ids {ids}" if ids else "")
            _interrupted(ctx, summary, f"qa batch --input {input_path} --output {output_path} --resume{extra}")

    @cli.command("eval")
    @click.option("--dataset", "datasets", multiple=True, default=("eval/dev.jsonl", "eval/test.jsonl"),
                  show_default=True, type=click.Path(dir_okay=False),
                  help="Questions with gold clauses and must_contain (see eval/README.md); repeat it to evaluate "
                       "several sets (each in <run>-<name>/) and see them side by side.")
    @click.option("--run", "run_name", default=None, help="Run name (folder under --reports-dir); default: a timestamp.")
    @click.option("--baseline/--no-baseline", default=True, show_default=True,
                  help="Also run the plain-RAG baseline (cached in the run folder).")
    @click.option("--limit", type=click.IntRange(min=0), default=None, help="Only the first N questions.")
    @click.option("--ids", default=None, help="Only these ids, comma-separated.")
    @click.option("--reports-dir", default="eval/reports", show_default=True, type=click.Path(file_okay=False))
    @click.option("--fresh", is_flag=True, help="Discard this run's earlier answers (default: resume them).")
    @click.option("--baseline-from", default=None, metavar="RUN",
                  help="Reuse another run's baseline.jsonl instead of answering the baseline again.")
    @click.option("--compare", nargs=2, default=None, metavar="RUN_A RUN_B",
                  help="Only compare two finished runs, question by question.")
    @click.option("--no-progress", is_flag=True, help="No progress bars.")
    @click.option("--alignment-gold", default="eval/alignment_gold.jsonl", show_default=True,
                  help="Gold clause alignment (上下级对照) scored after the question sets ('' to skip).")
    @click.pass_context
    def eval_cmd(ctx: click.Context, datasets: tuple[str, ...], run_name: str | None, baseline: bool, limit: int | None,
                 ids: str | None, reports_dir: str, fresh: bool, baseline_from: str | None,
                 compare: tuple[str, str] | None, no_progress: bool, alignment_gold: str) -> None:
        """评测 / evaluate on a dataset: retrieval, key facts, citations, refusals, latency; writes
        <reports-dir>/<run>/{results.jsonl, baseline.jsonl, metrics.json, report.html}."""
        if compare:
            _compare(compare, reports_dir)
            return
        if len(datasets) == 1:
            _evaluate(ctx, datasets[0], run_name, baseline, limit, ids, reports_dir, fresh, baseline_from,
                      not no_progress)
            _alignment_section(ctx, alignment_gold, reports_dir, run_name)
            return
        from qa.evaluation.runner import default_run_name

        base = run_name or default_run_name()
        results = {}
        for dataset in datasets:
            run = f"{base}-{Path(dataset).stem}"
            results[Path(dataset).stem] = _evaluate(ctx, dataset, run, baseline, limit, ids, reports_dir, fresh,
                                                    baseline_from and f"{baseline_from}-{Path(dataset).stem}",
                                                    not no_progress)
        from qa.evaluation.report import side_by_side_table, style_table

        click.echo("\n== " + " / ".join(results) + " side by side")
        click.echo(side_by_side_table({name: m["system"] for name, m in results.items()}))
        for name, m in results.items():
            if m["system"].get("by_style"):
                click.echo(f"\n== {name} by style")
                click.echo(style_table(m["system"]))
        _alignment_section(ctx, alignment_gold, reports_dir, base)


def _alignment_section(ctx: click.Context, gold: str, reports_dir: str, run: str | None) -> None:
    """Precision/recall of the clause alignment against the gold (a separate section; the question
    metrics above are unchanged). Written to <reports-dir>/<run>-alignment.json."""
    import json

    from qa.cli import get_settings
    from qa.compare.report import alignment_report, format_alignment_report
    from qa.evaluation.runner import default_run_name

    if not gold or not Path(gold).is_file():
        return
    from qa.errors import QAError

    try:
        report = alignment_report(get_settings(ctx), gold)
    except QAError as exc:  # e.g. an index built before the alignment existed: the questions are scored anyway
        click.secho(f"\n条款对照未评测 / alignment not scored: {exc}", fg="yellow", err=True)
        return
    click.echo("\n" + format_alignment_report(report))
    out = Path(reports_dir) / f"{run or default_run_name()}-alignment.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"alignment metrics: {out}")


def _compare(runs: tuple[str, str], reports_dir: str) -> None:
    from qa.evaluation.compare import format_comparison, load_metrics

    a, b = (load_metrics(r, reports_dir) for r in runs)
    click.echo(format_comparison(runs[0], runs[1], a, b))


def _evaluate(ctx: click.Context, dataset: str, run_name: str | None, with_baseline: bool, limit: int | None,
              ids: str | None, reports_dir: str, fresh: bool, baseline_from: str | None, progress: bool) -> dict:
    from qa.cli import get_settings
    from qa.corpus import load_corpus
    from qa.evaluation.report import metrics_table, type_table
    from qa.evaluation.runner import (
        answer_with_baseline,
        answer_with_system,
        default_run_name,
        prepare_run,
        score_and_write,
    )
    from qa.evaluation.scoring import clause_texts
    from qa.service import build_service

    run = run_name or default_run_name()
    if not run or any(c in run for c in "/\\") or run in (".", ".."):
        raise InputError(f"无效的运行名 / invalid run name '{run}'", hint="use letters, digits, - and _")
    settings = get_settings(ctx)
    rows = _load_rows(dataset, ids, limit)
    paths = prepare_run(reports_dir, run, fresh=fresh, baseline_from=baseline_from)
    click.echo(f"run {run}: {len(rows)} questions from {dataset} → {paths.folder}")
    resume_cmd = f"qa eval --dataset {dataset} --run {run}" + (" --no-baseline" if not with_baseline else "") \
        + (f" --limit {limit}" if limit is not None else "") + (f" --ids {ids}" if ids else "")
    corpus = load_corpus(settings.corpus_dir, progress=False)
    texts = clause_texts(corpus.documents)
    service = build_service(settings)
    _warm(service)
    t0 = time.perf_counter()
    summary = answer_with_system(service, rows, paths, progress)
    click.echo(f"system:   {_summary_line(summary)}")
    if summary.interrupted:
        _interrupted(ctx, summary, resume_cmd)
    if with_baseline:
        summary = answer_with_baseline(settings, service, corpus.documents, rows, paths, progress)
        click.echo(f"baseline: {_summary_line(summary)}")
        if summary.interrupted:
            _interrupted(ctx, summary, resume_cmd)
    metrics = score_and_write(run, dataset, settings, rows, paths, texts, with_baseline)
    click.echo("")
    click.echo(metrics_table(metrics["system"], metrics["baseline"]))
    click.echo("")
    click.echo(type_table(metrics["system"], metrics["baseline"]))
    click.echo(f"\n{time.perf_counter() - t0:.0f} s · report: {paths.report} · metrics: {paths.metrics}")
    return metrics
