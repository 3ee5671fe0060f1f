"""`qa eval` end to end with fakes: report files, metrics keys, HTML table, baseline cache, --compare."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.evaluation.compare import flips, format_comparison
from qa.evaluation.metrics import METRIC_LABELS, Outcome
from tests.conftest import interrupt_ask_at_call, write_config, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
TYPES_WANTED = 2  # questions per type taken from eval/dev.jsonl


@pytest.fixture()
def config(fake_index, tmp_path: Path) -> Path:
    return write_config(tmp_path / "qa.toml", fake_index, "refusal_threshold")


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    """A few questions of every type from the real dev set."""
    rows, per_type = [], {}
    for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if per_type.get(row["type"], 0) < TYPES_WANTED:
            per_type[row["type"]] = per_type.get(row["type"], 0) + 1
            rows.append(row)
    return write_jsonl(tmp_path / "dev.jsonl", rows)


def _eval(qa_cli, config: Path, reports: Path, *args: str):
    return CliRunner().invoke(qa_cli, ["--config", str(config), "eval", "--no-progress",
                                       "--reports-dir", str(reports), *args])


def test_eval_writes_report_metrics_and_cached_baseline(qa_cli, config, dataset, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    result = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "r1")
    assert result.exit_code == 0, result.output
    folder = reports / "r1"
    for name in ("results.jsonl", "baseline.jsonl", "metrics.json", "report.html"):
        assert (folder / name).is_file(), name
    n = len(dataset.read_text(encoding="utf-8").splitlines())
    assert len((folder / "results.jsonl").read_text(encoding="utf-8").splitlines()) == n
    assert len((folder / "baseline.jsonl").read_text(encoding="utf-8").splitlines()) == n

    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert {"run", "dataset", "settings", "system", "baseline"} <= set(metrics)
    for side in ("system", "baseline"):
        summary = metrics[side]
        assert set(METRIC_LABELS) <= set(summary["overall"])
        assert summary["overall"]["n"] == n
        assert "unanswerable" in summary["by_type"] and "follow_up" in summary["by_type"]
        assert "重庆市减污降碳协同增效实施方案" in summary["by_document"]
        for field in ("total_ms", "first_token_ms", "retrieve_ms"):
            assert {"p50", "p95"} <= set(summary["latency"][field])
        assert len(summary["questions"]) == n
    assert metrics["system"]["overall"]["recall_at_5"] > metrics["baseline"]["overall"]["recall_at_5"] * 0.5

    page = (folder / "report.html").read_text(encoding="utf-8")
    assert '<table id="metrics">' in page and "Our system" in page and "Plain RAG baseline" in page
    assert "Key-fact accuracy" in page and "<svg" in page and "Failed questions" in page
    assert "<script" not in page and not re.search(r"(src|href)=\"?https?:", page)
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        ET.fromstring(svg)  # well-formed inline SVG
    assert "Recall@5" in result.output and "Plain RAG baseline" in result.output  # terminal table

    # a second run of the same name reuses every cached line: neither system nor baseline answers again
    import qa.evaluation.baseline as baseline_mod

    def no_answers(self, row):
        raise AssertionError("the cached baseline must not be answered again")

    monkeypatch.setattr(baseline_mod.NaiveRAG, "answer", no_answers)
    before = (folder / "baseline.jsonl").read_text(encoding="utf-8")
    again = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "r1")
    assert again.exit_code == 0, again.output
    assert "system:   0 answered" in again.output and "baseline: 0 answered" in again.output
    assert (folder / "baseline.jsonl").read_text(encoding="utf-8") == before

    # another run can seed its baseline cache from this one
    seeded = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "r2", "--baseline-from", "r1")
    assert seeded.exit_code == 0, seeded.output
    assert "baseline: 0 answered" in seeded.output and (reports / "r2" / "report.html").is_file()


def test_eval_compare_lists_metric_deltas_and_flipped_questions(qa_cli, config, dataset, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    assert _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "a", "--no-baseline").exit_code == 0

    import qa.service

    real_build = qa.service.build_service

    def refusing_service(settings):  # a "model" that always says the evidence has no answer
        service = real_build(settings)
        service.answerer.generator.reply = "文件中未找到相关内容。"
        return service

    monkeypatch.setattr(qa.service, "build_service", refusing_service)
    result = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "b", "--no-baseline",
                   "--limit", "6")
    assert result.exit_code == 0, result.output
    metrics_b = json.loads((reports / "b" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics_b["baseline"] is None and metrics_b["system"]["overall"]["n"] == 6
    # every answer that needs the model is refused; the issuer question is answered from the document card
    flags = {q["id"]: q["refused"] for q in metrics_b["system"]["questions"]}
    assert sum(flags.values()) == 5 and not flags["q017"]

    out = CliRunner().invoke(qa_cli, ["eval", "--reports-dir", str(reports), "--compare", "a", "b"])
    assert out.exit_code == 0, out.output
    assert "Comparing a → b" in out.output and "False-refusal rate" in out.output
    assert re.search(r"- q001\s+factoid\s+refusal\s+ok → FAIL", out.output)

    missing = CliRunner().invoke(qa_cli, ["eval", "--reports-dir", str(reports), "--compare", "a", "nope"])
    assert missing.exit_code == 2 and "nope" in missing.output


def test_eval_interrupted_run_resumes(qa_cli, config, dataset, tmp_path, monkeypatch):
    import qa.service

    real_build = interrupt_ask_at_call(monkeypatch, 4)
    reports = tmp_path / "reports"
    result = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "x")
    assert result.exit_code == 130 and f"qa eval --dataset {dataset} --run x" in result.output
    assert not (reports / "x" / "metrics.json").exists()
    monkeypatch.setattr(qa.service, "build_service", real_build)
    result = _eval(qa_cli, config, reports, "--dataset", str(dataset), "--run", "x")
    assert result.exit_code == 0, result.output
    assert "3 already in the output" in result.output
    assert (reports / "x" / "report.html").is_file()


def _metrics(outcomes: list[Outcome]) -> dict:
    from qa.evaluation.scoring import summarize

    return {"system": summarize(outcomes)}


def test_flips_on_hand_made_outcomes():
    base = dict(type="factoid", docs=("甲",), answerable=True, error=False, refused=False, recall_at_1=1.0,
                recall_at_5=1.0, reciprocal_rank=1.0, citation_precision=1.0, citation_recall=1.0)
    a = _metrics([Outcome(id="q1", rank=1, key_fact=False, **base), Outcome(id="q2", rank=1, key_fact=True, **base)])
    b = _metrics([Outcome(id="q1", rank=1, key_fact=True, **base), Outcome(id="q2", rank=None, key_fact=True, **base)])
    changed = {(f.id, f.check, f.improved) for f in flips(a, b)}
    assert changed == {("q1", "key facts", True), ("q2", "retrieval@5", False)}
    text = format_comparison("a", "b", a, b)
    assert "1 better, 1 worse" in text and "+50.0 pp" in text


def test_gold_snippet_is_centred_on_the_key_fact_and_highlighted():
    from qa.evaluation.report import clause_snippet, highlight

    text = "甲" * 500 + "达到58%左右" + "乙" * 500
    snippet = clause_snippet(text, ["58%"])
    assert "58%" in snippet and snippet.startswith("…") and snippet.endswith("…") and len(snippet) <= 302
    assert clause_snippet("短文本", ["x"]) == "短文本"
    assert highlight("a<58%>", ["58%"]) == "a&lt;<mark>58%</mark>&gt;"
