"""`qa batch` input hygiene: duplicate ids refused up front with line numbers, the output checked
before any model loads, and a bad row (invalid Unicode, bad bytes, bad history) is an error line
for that row while the rest are answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.evaluation.io import read_jsonl, read_results
from tests.conftest import write_config, write_jsonl

Q = "重庆到2025年非化石能源消费比重要达到多少？"


@pytest.fixture()
def config(fake_index, tmp_path: Path) -> Path:
    return write_config(tmp_path / "qa.toml", fake_index)


def batch(qa_cli, config: Path, *args: str):
    return CliRunner().invoke(qa_cli, ["--config", str(config), "batch", "--no-progress", *args])


def test_duplicate_ids_are_refused_up_front_with_line_numbers(qa_cli, config, tmp_path, monkeypatch):
    import qa.service

    loaded = []
    monkeypatch.setattr(qa.service, "build_service", lambda s: loaded.append(s))
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "question": Q}, {"id": "2", "question": Q},
                                              {"id": "1", "question": Q}, {"id": 1, "question": Q}])
    out = tmp_path / "out.jsonl"
    r = batch(qa_cli, config, "--input", str(src), "--output", str(out))
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "重复的 id" in r.output and "1, 3, 4" in r.output
    assert not loaded and not out.exists()


def test_unwritable_output_is_found_before_loading_models(qa_cli, config, tmp_path, monkeypatch):
    import qa.service

    loaded = []
    monkeypatch.setattr(qa.service, "build_service", lambda s: loaded.append(s))
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "question": Q}])
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target in (tmp_path / "a-file" / "out.jsonl", tmp_path):
        r = batch(qa_cli, config, "--input", str(src), "--output", str(target))
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert "无法写入输出文件" in r.output or "is a directory" in r.output
    assert not loaded


def test_a_bad_row_is_an_error_line_and_the_rest_are_answered(qa_cli, config, tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "a", "question": Q}, ensure_ascii=False),
             '{"id": "b", "question": "\\ud800雅安"}',  # a lone surrogate, JSON-escaped
             '{"id": "c", "question": "' + "雅安".encode().decode() + '\\u0001"}',
             json.dumps({"id": "d", "question": Q, "history": [{"role": "user", "content": "\udcff"}]},
                        ensure_ascii=True),
             json.dumps({"id": "e", "question": "资阳的工业园区污水要怎么处理？"}, ensure_ascii=False)]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    raw += b'{"id": "f", "question": "\xff\xfe bad bytes"}\n'  # not UTF-8
    src.write_bytes(raw)
    out = tmp_path / "out.jsonl"
    r = batch(qa_cli, config, "--input", str(src), "--output", str(out))
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    rows = {row["id"]: row for row in read_results(out)}
    assert sorted(rows) == ["a", "b", "c", "d", "e", "f"]
    assert rows["a"]["error"] is None and rows["e"]["error"] is None and rows["a"]["answer"]
    assert "无效的 Unicode" in rows["b"]["error"] and "控制字符" in rows["c"]["error"]
    assert "无效的 Unicode" in rows["d"]["error"] and "无效的 Unicode" in rows["f"]["error"]
    out.read_text(encoding="utf-8")  # the output is valid UTF-8 JSONL
    assert "4 with errors" in r.output


def test_read_jsonl_ids_compare_as_strings(tmp_path):
    from qa.errors import InputError

    src = write_jsonl(tmp_path / "x.jsonl", [{"id": 7, "question": "a"}, {"id": "7", "question": "b"}])
    with pytest.raises(InputError, match="第 1, 2 行"):
        list(read_jsonl(src))
    assert len(list(read_jsonl(src, unique_ids=False))) == 2
