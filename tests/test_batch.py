"""`qa batch` end to end with the fake service: output shape, errors, --resume, Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.evaluation.batch import OUTPUT_FIELDS, parse_history, run_batch, select_rows
from qa.evaluation.io import read_results, truncate_partial_line
from tests.conftest import interrupt_ask_at_call, write_config, write_jsonl

ROOT = Path(__file__).resolve().parents[1]

FIVE = [
    {"id": "q001", "question": "重庆到2025年非化石能源消费比重要达到多少？", "type": "factoid",
     "gold": [{"doc_title": "重庆市减污降碳协同增效实施方案", "clause": "（五）"}], "must_contain": ["25%"]},
    {"id": "q111", "question": "那雅安呢？", "type": "follow_up",
     "history": [{"role": "user", "content": "四川到2025年非化石能源消费比重要达到多少？"},
                 {"role": "assistant", "content": "到2025年四川非化石能源消费比重达到41.5%左右。"}],
     "gold": [{"doc_title": "雅安市减污降碳协同增效行动方案", "clause": "（五）"}], "must_contain": ["58%"]},
    {"id": "q_empty", "question": "", "type": "factoid"},
    {"id": "q073", "question": "绵阳市到2025年非化石能源消费比重目标是多少？", "type": "unanswerable",
     "gold": [], "must_contain": []},
    {"id": "q002", "question": "重庆计划到2025年建设多少充电基础设施？", "type": "factoid", "extra": {"keep": 1}},
]


@pytest.fixture()
def config(fake_index, tmp_path: Path) -> Path:
    """A settings file pointing at the shared fake index (hash embedder, fake generator)."""
    return write_config(tmp_path / "qa.toml", fake_index)


def _invoke(qa_cli, config: Path, *args: str):
    return CliRunner().invoke(qa_cli, ["--config", str(config), "batch", "--no-progress", *args])


def _lines(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_batch_answers_every_line_and_keeps_going_after_a_failure(qa_cli, config, tmp_path):
    src = write_jsonl(tmp_path / "q.jsonl", FIVE)
    out = tmp_path / "a.jsonl"
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(out))
    assert result.exit_code == 0, result.output
    lines = _lines(out)
    assert [r["id"] for r in lines] == [r["id"] for r in FIVE]
    for inp, line in zip(FIVE, lines, strict=True):
        assert {k: line[k] for k in inp} == inp  # input fields kept
        assert set(OUTPUT_FIELDS) <= set(line)
    ok = [r for r in lines if r["id"] != "q_empty"]
    for line in ok:
        assert line["error"] is None
        assert isinstance(line["answer"], str) and line["answer"]
        assert isinstance(line["refused"], bool) and isinstance(line["extractive"], bool)
        assert len(line["retrieved"]) >= 10
        assert set(line["retrieved"][0]) >= {"doc_title", "clause", "score"}
        scores = [h["score"] for h in line["retrieved"]]
        assert scores == sorted(scores, reverse=True)
        assert {"retrieve_ms", "first_token_ms", "total_ms"} <= set(line["timings"])
        for c in line["citations"]:
            assert {"doc_title", "clause", "quote"} <= set(c)
    empty = lines[2]
    assert empty["error"] and "空" in empty["error"]
    assert empty["answer"] == "" and empty["retrieved"] == [] and empty["citations"] == []
    follow = lines[1]
    assert follow["rewritten_question"] != follow["question"] and "雅安" in follow["rewritten_question"]
    assert lines[3]["refused"] is True  # a region the corpus does not hold
    assert "1 with errors" in result.output and "key-fact accuracy" in result.output


def test_batch_resume_skips_done_ids_and_repairs_a_partial_line(qa_cli, config, tmp_path):
    src = write_jsonl(tmp_path / "q.jsonl", FIVE)
    out = tmp_path / "a.jsonl"
    assert _invoke(qa_cli, config, "--input", str(src), "--output", str(out), "--limit", "2").exit_code == 0
    first = out.read_text(encoding="utf-8")
    assert len(first.splitlines()) == 2
    with open(out, "a", encoding="utf-8") as fh:  # a killed writer's half line
        fh.write('{"id": "q_empty", "answ')
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert "2 already in the output" in result.output and "3 answered" in result.output
    lines = _lines(out)
    assert [r["id"] for r in lines] == [r["id"] for r in FIVE]
    assert out.read_text(encoding="utf-8").startswith(first)
    again = _invoke(qa_cli, config, "--input", str(src), "--output", str(out), "--resume")
    assert "0 answered" in again.output and len(_lines(out)) == 5


def test_batch_ctrl_c_leaves_a_valid_file_and_says_how_to_resume(qa_cli, config, tmp_path, monkeypatch):
    import qa.service

    real_build = interrupt_ask_at_call(monkeypatch, 3)
    src = write_jsonl(tmp_path / "q.jsonl", FIVE)
    out = tmp_path / "a.jsonl"
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(out))
    assert result.exit_code == 130
    assert "--resume" in result.output and "interrupted" in result.output
    assert [r["id"] for r in _lines(out)] == ["q001", "q111"]

    monkeypatch.setattr(qa.service, "build_service", real_build)
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _lines(out)] == [r["id"] for r in FIVE]


def test_batch_ids_and_limit_select_rows(qa_cli, config, tmp_path):
    src = write_jsonl(tmp_path / "q.jsonl", FIVE)
    out = tmp_path / "a.jsonl"
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(out), "--ids", "q002,q001")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _lines(out)] == ["q001", "q002"]


def test_batch_rejects_bad_input_with_line_number(qa_cli, config, tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "question": "x"}\n{"id": "b"}\n', encoding="utf-8")
    result = _invoke(qa_cli, config, "--input", str(src), "--output", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output and "question" in result.output


# -- library-level pieces ----------------------------------------------------------------------
def test_run_batch_records_error_types_without_stopping(tmp_path):
    def answer(row):
        if row["id"] == "b":
            raise ValueError("boom")
        return {"answer": row["question"], "refused": False, "error": None}

    rows = [{"id": "a", "question": "x", "must_contain": ["x"]}, {"id": "b", "question": "y"},
            {"id": 3, "question": "z"}]
    summary = run_batch(rows, answer, tmp_path / "o.jsonl", progress=False)
    lines = read_results(tmp_path / "o.jsonl")
    assert [r["error"] for r in lines] == [None, "ValueError: boom", None]
    assert summary.answered == 3 and summary.errors == 1 and summary.complete
    assert summary.key_facts.describe() == "100% (1/1)"
    assert run_batch(rows, answer, tmp_path / "o.jsonl", resume=True, progress=False).skipped == 3


def test_parse_history_validates_turns():
    from qa.errors import InputError

    assert parse_history(None) == []
    assert [t.role for t in parse_history([{"role": "user", "content": "a"},
                                           {"role": "assistant", "content": "b"}])] == ["user", "assistant"]
    for bad in ("text", [{"role": "system", "content": "x"}], [{"role": "user"}]):
        with pytest.raises(InputError):
            parse_history(bad)


def test_select_rows_and_truncate(tmp_path):
    rows = [{"id": f"q{i}"} for i in range(5)]
    assert [r["id"] for r in select_rows(rows, ids=["q3", "q1"], limit=1)] == ["q1"]
    assert len(select_rows(rows, limit=0)) == 0
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"id": 1}\n{"id"')
    truncate_partial_line(p)
    assert p.read_bytes() == b'{"id": 1}\n'
