"""Chat page tests without a browser: the handlers of ui.ChatPage and the render helpers
(tests/test_browser.py drives the same page in Chromium)."""

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


def test_respond_streams_a_draft_then_the_checked_answer_with_inline_citations(page):
    steps = run(page, Q)
    contents = [s[0][-1]["content"] for s in steps]
    drafts = [c for c in contents if "qa-draft" in c]
    assert drafts and all(ui.DRAFT_LABEL in d and d.count("▌") == 1 for d in drafts)  # marked as a draft
    chat, turns, last, box = steps[-1]
    assert chat[-2] == {"role": "user", "content": Q}
    final = chat[-1]["content"]
    assert "qa-draft" not in final and 'class="qa-answer"' in final and "\n" not in final
    # [1] in the text opens the clause inline: a link and the citation's <details> with the quote marked
    assert 'class="qa-ref" href="#" role="button" data-n="1"' in final
    assert '<details class="qa-cite" data-n="1"><summary>[1]《雅安市减污降碳协同增效行动方案》' in final
    assert "<mark>" in final and 'class="qa-doc-link" href="#qa-u-yaan_jianwu_jiangtan_2023-' in final
    assert turns[-2:] == [{"role": "user", "content": Q}, {"role": "assistant", "content": last["answer"]}]
    # the box is cleared when the question is taken, then left alone (the next question may be typed)
    assert steps[0][3] == "" and all(s[3] == {"__type__": "update"} for s in steps[1:])


def test_change_note_says_why_the_checked_answer_replaced_the_draft():
    cite = Citation(1, "《文》", "（一）", "句子。", "c1", "d1", 0, 3)
    base = dict(question="q", rewritten_question="q", scope=Scope())
    same = Answer(text="到2025年达到58%[1]。", citations=(cite,), **base)
    assert ui.change_note(same, "到2025年达到58%[1]。 ") == ""  # identical: nothing to explain
    assert ui.change_note(same, "") == ""  # no draft (answered from a document card)
    quoted = Answer(text="以下为文件原文摘录：……[1]", extractive=True, notes=("“60%”不在任何条款中",), **base)
    assert ui.change_note(quoted, "到2025年达到60%[1]。") == \
        "模型草稿中的说法在引用条款中找不到依据（“60%”不在任何条款中），改为条款原文摘录。"
    refused = Answer(text="文件中未找到。", refused=True, refusal_reason="year_not_covered", **base)
    assert "年份" in ui.change_note(refused, "到2030年达到70%[1]。")
    fixed = Answer(text="到2025年达到58%左右[1]。", notes=("补全限定词：58%左右",), **base)
    assert ui.change_note(fixed, "到2025年达到58%[1]。") == "核对修改了草稿：补全限定词：58%左右。"
    added = Answer(text="到2025年达到58%[1]。（注：文件中没有关于北京的规定。）", **base)
    assert ui.change_note(added, "到2025年达到58%[1]。") == "核对后在草稿之后补充了说明。"
    cut = Answer(text="到2025年达到58%[1]。", **base)
    assert ui.change_note(cut, "到2025年达到58%[1]。另外还有一句") == "核对后删去了草稿末尾没有依据的内容。"
    assert ui.change_note(cut, "完全不同的草稿") == "核对后调整了草稿的措辞或引用。"


def test_the_page_shows_the_change_note_when_the_check_replaces_the_draft(page):
    page.service.answerer.generator = FakeGenerator(reply="到2025年，非化石能源消费比重达到99%[1]。")
    steps = run(page, Q)
    assert any("99%" in s[0][-1]["content"] and "qa-draft" in s[0][-1]["content"] for s in steps)
    final = steps[-1][0][-1]["content"]
    assert '<div class="qa-changed" role="note">' in final
    text = final.split('<div class="qa-text">')[1].split("</div>")[0]
    assert "99%" not in text  # the checked answer the user gets, not the draft they watched


def test_multi_turn_shows_the_rewritten_question(page):
    first = run(page, "四川到2025年非化石能源消费比重要达到多少？")[-1]
    chat, turns, *_ = run(page, "那雅安呢？", turns=first[1])[-1]
    assert "理解为：雅安到2025年非化石能源消费比重要达到多少？" in chat[-1]["content"]
    assert len(turns) == 4


def test_refusal_is_presented_with_related_clauses(page):
    chat, *_ = run(page, "北京到2025年的节能目标是什么？")[-1]
    final = chat[-1]["content"]
    assert "文件中未找到" in final and "可参考的相关条款" in final
    assert final.count('<details class="qa-cite" data-n="">') >= 1 and "相关条款（供参考）" in final
    assert "<mark>" not in final  # nothing quoted to highlight


def test_extractive_badge(page):
    c = page.service.search(Q, k=1).hits[0].chunk
    a = Answer(question="q", text="以下为文件原文摘录：……[1]", extractive=True, rewritten_question="q",
               citations=(Citation(1, c.doc_title, c.label, "句子。", c.chunk_id, c.doc_id, 0, 3),), scope=Scope())
    out = page.render.answer(a)
    assert '<span class="qa-badge">原文摘录</span>' in out and "文件中未找到" not in out


def test_user_text_is_escaped(page):
    chat, *_ = run(page, "<img src=x onerror=alert(1)>雅安的目标？")[-1]
    assert "<img" not in chat[-2]["content"] and "&lt;img" in chat[-2]["content"]


@pytest.mark.parametrize("question, expected", [
    ("雅安" * 400, "问题过长"),
    ("雅安\x01", "控制字符"),
])
def test_input_errors_are_messages(page, question, expected):
    content = run(page, question)[-1][0][-1]["content"]
    assert content.startswith(ui.ERROR_PREFIX) and expected in content and "Traceback" not in content


def test_backend_errors_are_messages_not_traces(page, caplog):
    def boom(messages):
        raise RuntimeError("secret internals")

    page.service.answerer.generator = FakeGenerator(reply=boom)
    content = run(page, Q)[-1][0][-1]["content"]
    assert content == ui.ERROR_PREFIX + ui.GENERIC_ERROR
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


def test_feedback_is_stored(page, tmp_path):
    assert page.feedback("up", None, "x")[0].startswith("请先提问")
    last = run(page, Q)[-1][2]
    status, comment = page.feedback("down", last, "引用不对")
    assert status == "已记录反馈，谢谢！" and comment == ""


def test_documents_choices(page):
    update = page.load_documents()
    assert len(update["choices"]) == 5
    assert ("雅安市减污降碳协同增效行动方案（雅安市）", "yaan_jianwu_jiangtan_2023") in update["choices"]


def test_library_lists_every_document_and_reads_it_by_clause(page):
    out = page.library()
    assert out.count('<article class="qa-lib-card"') == 5 and out.count('<details class="qa-doc"') == 5
    assert "渝环〔2023〕71号" in out and "川府发〔2022〕20号" in out and "重庆市生态环境局" in out
    assert "<dt>条款数</dt><dd>29</dd>" in out and "<dt>发布日期</dt><dd>2023年11月23日</dd>" in out
    assert 'aria-label="条款目录"' in out
    view = page.service.document("yaan_jianwu_jiangtan_2023")
    i = next(i for i, u in enumerate(view.units) if u.label == "（五）")
    assert f'id="{ui.unit_anchor("yaan_jianwu_jiangtan_2023", i)}"' in out
    assert "非化石能源消费比重达到58%左右" in out


def test_conversation_saved_for_the_browser_round_trips(page):
    chat, turns, *_ = run(page, Q)[-1]
    gradio_style = [{"role": m["role"], "metadata": None, "content": [{"text": m["content"], "type": "text"}]}
                    for m in chat]
    saved = page.save(gradio_style, turns)
    assert json.loads(saved)["chat"][0] == {"role": "user", "content": Q}
    assert page.restore(saved) == (chat, turns)
    assert page.restore("") == ([], []) and page.restore("{not json") == ([], [])
    assert page.restore(json.dumps({"chat": [{"role": "system", "content": "x"}, {"role": "user"}]})) == ([], [])


def test_page_text_needs_no_emoji_font(page):
    strings = " ".join([ui.examples_html(), ui.ERROR_PREFIX, ui.LOADING, page.library()[:2000],
                        (ROOT / "ui.py").read_text(encoding="utf-8")])
    assert not [c for c in strings if ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF]


def test_build_ui_returns_blocks(page):
    import gradio as gr

    assert isinstance(ui.build_ui(page.service), gr.Blocks)
    assert "window.qaAsk" in ui.head_html() and ui.head_html().startswith("<script>")
