"""Chat page tests without a browser: the handlers of ui.ChatPage and the render helpers."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from qa.answer.generators import FakeGenerator
from qa.api.gate import GenerationGate
from qa.errors import ModelError
from qa.service import build_service
from qa.types import Answer, Citation, Scope

ROOT = Path(__file__).resolve().parents[1]
Q = "雅安到2025年非化石能源消费比重要达到多少？"


def _load_ui():
    if "ui" in sys.modules and hasattr(sys.modules["ui"], "ChatPage"):
        return sys.modules["ui"]
    spec = importlib.util.spec_from_file_location("ui", ROOT / "ui.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ui"] = module
    spec.loader.exec_module(module)
    return module


ui = _load_ui()


@pytest.fixture()
def page(fake_index, tmp_path):
    service = build_service(fake_index.replace(data_dir=str(tmp_path / "data")))
    return ui.ChatPage(service)


def run(page, question, turns=(), doc_ids=None):
    return list(page.respond(question, [], list(turns), doc_ids))


def test_respond_streams_then_shows_the_checked_answer(page):
    steps = run(page, Q)
    drafts = [s[0][-1]["content"] for s in steps]
    assert any(d.endswith("▌") for d in drafts)  # tokens shown as they come
    chat, turns, refs, last, box = steps[-1]
    assert chat[-2] == {"role": "user", "content": Q}
    assert "来源" in chat[-1]["content"] and "[1]《雅安市减污降碳协同增效行动方案》" in chat[-1]["content"]
    assert turns[-2:] == [{"role": "user", "content": Q}, {"role": "assistant", "content": last["answer"]}]
    label, value = refs["choices"][0]
    assert label.startswith("[1]《雅安市减污降碳协同增效行动方案》")
    html = page.show_clause(value)
    assert "<mark>" in html and "雅安市减污降碳协同增效行动方案" in html
    assert box == ""


def test_multi_turn_shows_the_rewritten_question(page):
    first = run(page, "四川到2025年非化石能源消费比重要达到多少？")[-1]
    chat, turns, *_ = run(page, "那雅安呢？", turns=first[1])[-1]
    assert "理解为：雅安到2025年非化石能源消费比重要达到多少？" in chat[-1]["content"]
    assert len(turns) == 4


def test_refusal_is_presented_with_related_clauses(page):
    chat, _, refs, *_ = run(page, "北京到2025年的节能目标是什么？")[-1]
    assert "文件中未找到" in chat[-1]["content"] and "可参考的相关条款" in chat[-1]["content"]
    assert refs["choices"] and refs["choices"][0][0].startswith("相关：")
    assert "<mark>" not in page.show_clause(refs["choices"][0][1])  # no quote to highlight
    assert "qa-clause-text" in page.show_clause(refs["choices"][0][1])


def test_extractive_badge():
    a = Answer(question="q", text="以下为文件原文摘录：……[1]", extractive=True, rewritten_question="q",
               citations=(Citation(1, "《文》", "（一）", "句子。", "c1", "d1", 0, 3),), scope=Scope())
    out = ui.render_answer(a)
    assert '<span class="qa-badge">原文摘录</span>' in out and "文件中未找到" not in out


@pytest.mark.parametrize("question, expected", [
    ("雅安" * 400, "问题过长"),
    ("雅安\x01", "控制字符"),
])
def test_input_errors_are_messages(page, question, expected):
    content = run(page, question)[-1][0][-1]["content"]
    assert content.startswith("⚠️") and expected in content and "Traceback" not in content


def test_backend_errors_are_messages_not_traces(page, caplog):
    def boom(messages):
        raise RuntimeError("secret internals")

    page.service.answerer.generator = FakeGenerator(reply=boom)
    content = run(page, Q)[-1][0][-1]["content"]
    assert content == "⚠️ " + ui.GENERIC_ERROR
    assert "secret internals" in caplog.text  # logged for the operator


def test_model_errors_and_busy_show_their_message(page):
    class Broken(FakeGenerator):
        def stream(self, *a, **kw):
            raise ModelError("模型文件缺失 / model missing", hint="运行 qa models install")
            yield ""

    page.service.answerer.generator = Broken()
    content = run(page, Q)[-1][0][-1]["content"]
    assert "模型文件缺失" in content and "qa models install" in content

    page.gate = GenerationGate(queue_size=0)
    ticket = page.gate.enter()
    assert ticket.wait()
    content = run(page, Q)[-1][0][-1]["content"]
    assert "系统繁忙" in content
    ticket.release()


def test_loading_message_while_the_model_loads(page):
    steps = run(page, Q)
    assert any(s[0][-1]["content"] == ui.LOADING for s in steps)  # fake generator starts unloaded
    steps = run(page, Q)
    assert not any(s[0][-1]["content"] == ui.LOADING for s in steps)


def test_feedback_is_written_to_the_database(page, tmp_path):
    assert page.feedback("up", None, "x")[0].startswith("请先提问")
    last = run(page, Q)[-1][3]
    status, comment = page.feedback("down", last, "引用不对")
    assert status == "已记录反馈，谢谢！" and comment == ""
    row = page.logs.store.rows("feedback")[-1]
    assert row["rating"] == "down" and row["question"] == Q and row["comment"] == "引用不对"
    assert row["citations"] and row["answer"] == last["answer"]


def test_documents_choices(page):
    update = page.load_documents()
    assert len(update["choices"]) == 5
    assert ("雅安市减污降碳协同增效行动方案（雅安市）", "yaan_jianwu_jiangtan_2023") in update["choices"]


def test_build_ui_returns_blocks(page):
    import gradio as gr

    assert isinstance(ui.build_ui(page.service), gr.Blocks)
