"""The `qa` command translates typed errors into a message and an exit code, never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import write_config


@pytest.fixture()
def run(qa_cli, fake_index, tmp_path):
    config = write_config(tmp_path / "qa.toml", fake_index, "refusal_threshold")

    def invoke(*args, env=None):
        return CliRunner().invoke(qa_cli, ["--config", str(config), *args], env=env or {})

    return invoke


@pytest.mark.parametrize("question,message", [("", "问题为空"), ("   ", "问题为空"), ("a\x01b", "控制字符"),
                                              ("问" * 600, "问题过长")])
def test_ask_rejects_bad_input_with_exit_2(run, question, message):
    r = run("ask", question)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_ask_json_has_the_answer_fields(run):
    r = run("ask", "雅安到2025年非化石能源消费比重要达到多少？", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    for key in ("answer", "refused", "extractive", "citations", "retrieved", "rewritten_question", "timings"):
        assert key in data


def test_search_json_and_scope(run):
    r = run("search", "雅安到2025年非化石能源消费比重要达到多少？", "-k", "3", "--json")
    hits = json.loads(r.output)
    assert len(hits) == 3 and set(hits[0]) >= {"doc_title", "clause", "heading", "score", "text"}
    r = run("search", "绵阳的目标", "--scope")
    assert "绵阳" in r.output


def test_bad_setting_value_is_a_clear_error(run):
    r = run("config", env={"QA_TOP_K": "abc"})
    assert r.exit_code == 2 and "top_k" in r.output


def test_missing_index_says_how_to_build(qa_cli, tmp_path):
    r = CliRunner().invoke(qa_cli, ["search", "问题"], env={"QA_INDEX_DIR": str(tmp_path / "none"),
                                                           "QA_EMBEDDING_MODEL": "hash:64"})
    assert r.exit_code == 5 and "qa index build" in r.output
