"""Answering wiring with the deterministic fake generator: citation mapping and correction,
invented figures → extractive fallback, refusals, follow-ups, input validation, the prompt."""

from __future__ import annotations

import re
import threading

import pytest

from qa.answer import prompts
from qa.answer.citations import check_answer, figures, parse_claims
from qa.answer.evidence import build_evidence, split_sentences
from qa.answer.generators import FakeGenerator
from qa.answer.rewrite import rewrite
from qa.errors import InputError
from qa.types import Turn

YAAN = "雅安市减污降碳协同增效行动方案"
Q_YAAN = "雅安到2025年非化石能源消费比重要达到多少？"


def item_number(prompt: str, title: str, label: str) -> int | None:
    m = re.search(rf"^\[(\d+)\]《{re.escape(title)}》{re.escape(label)} ", prompt, re.M)
    return int(m.group(1)) if m else None


def numbers_in(prompt: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\[(\d+)\]《", prompt, re.M)]


def with_reply(service, reply):
    service.answerer.generator = FakeGenerator(reply=reply)
    return service


def test_prompt_is_pinned():
    msgs = prompts.build_messages("问题？", ["[1]《标题》（一） 标题句\n正文。"])
    assert msgs[0] == {"role": "system", "content": prompts.SYSTEM_PROMPT}
    assert msgs[1]["content"] == "条款：\n[1]《标题》（一） 标题句\n正文。\n\n问题：问题？\n回答："
    assert prompts.SYSTEM_PROMPT.startswith("你是政府政策文件问答助手。只根据用户给出的条款回答问题")
    assert prompts.SYSTEM_PROMPT.endswith("由市发展改革委、市能源局按职责分工负责[1]。")
    assert "[1]" in prompts.SYSTEM_PROMPT


def test_correct_citation_maps_to_clause_and_quote(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"到2025年，雅安市非化石能源消费比重达到58%左右[{n}]。"

    a = with_reply(fake_service, reply).ask(Q_YAAN)
    assert not a.refused and not a.extractive
    assert a.text == "到2025年，雅安市非化石能源消费比重达到58%左右[1]。"
    (c,) = a.citations
    assert (c.doc_title, c.clause, c.n) == (YAAN, "（五）", 1)
    assert "58%" in c.quote and c.quote.startswith("到2025年")
    unit = fake_service.retriever.unit(c.doc_id, c.clause)
    assert unit["text"][c.start - unit["start"]:c.end - unit["start"]] == c.quote  # offsets point at the quote


def test_wrong_citation_is_moved_to_the_supporting_clause(fake_service):
    def reply(messages):
        prompt = messages[-1]["content"]
        right = item_number(prompt, YAAN, "（五）")
        wrong = next(n for n in numbers_in(prompt) if n != right)
        return f"雅安市非化石能源消费比重到2025年达到58%左右[{wrong}]。"

    a = with_reply(fake_service, reply).ask(Q_YAAN)
    assert [(c.doc_title, c.clause) for c in a.citations] == [(YAAN, "（五）")]
    assert any("改为" in n for n in a.notes)
    assert not a.extractive


def test_invented_figure_falls_back_to_extractive(fake_service):
    a = with_reply(fake_service, "雅安市非化石能源消费比重要达到63.7%[1]。").ask(Q_YAAN)
    assert a.extractive and not a.refused
    assert "63.7%" not in a.text and a.text.startswith(prompts.EXTRACTIVE_PREFIX)
    assert a.citations and all(c.quote in a.text for c in a.citations)
    assert any("63.7%" in n for n in a.notes)


def test_answer_without_citations_falls_back_to_extractive(fake_service):
    a = with_reply(fake_service, "雅安会努力提高非化石能源消费比重。").ask(Q_YAAN)
    assert a.extractive and a.citations
    assert a.citations[0].doc_title == YAAN


def test_invented_department_is_caught(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"由市林业草原局负责[{n}]。"

    a = with_reply(fake_service, reply).ask("雅安推动能源绿色低碳转型由哪些部门负责？")
    assert a.extractive and "市林业草原局" not in a.text


def test_out_of_scope_region_is_refused_without_generating(fake_service):
    gen = FakeGenerator(reply="绵阳到2025年非化石能源消费比重达到41.5%[1]。")
    fake_service.answerer.generator = gen
    a = fake_service.ask("绵阳到2025年非化石能源消费比重要达到多少？")
    assert a.refused and not a.citations and "绵阳" in a.text
    assert prompts.RELATED_HEADER in a.text and a.hits  # related reading listed
    assert gen.calls == []  # the model was not asked


def test_year_the_documents_do_not_give_is_refused(fake_service):
    a = with_reply(fake_service, "到2035年达到70%[1]。").ask("雅安到2035年非化石能源消费比重要达到多少？")
    assert a.refused and "2035年" in a.text


def test_model_refusal_is_reported_as_refusal(fake_service):
    a = with_reply(fake_service, "条款中未提及该内容。").ask("雅安对燃煤锅炉有什么要求？")
    assert a.refused and a.text.startswith(prompts.REFUSAL_BY_MODEL)


def test_low_evidence_threshold_refuses(fake_index):
    from qa.service import build_service

    s = fake_index.replace(refusal_threshold=0.99)
    a = build_service(s).ask(Q_YAAN)
    assert a.refused and a.text.startswith(prompts.REFUSAL_LOW_EVIDENCE)


def test_follow_up_is_rewritten_before_retrieval(fake_service):
    history = [Turn("user", "四川到2025年非化石能源消费比重要达到多少？"), Turn("assistant", "41.5%左右[1]。")]
    a = fake_service.ask("那雅安呢？", history=history)
    assert a.rewritten_question == "雅安到2025年非化石能源消费比重要达到多少？"
    assert a.scope.doc_ids == ("yaan_jianwu_jiangtan_2023",)
    b = fake_service.ask("这个由哪个部门负责？", history=[Turn("user", Q_YAAN), Turn("assistant", "58%[1]")])
    assert b.rewritten_question.startswith("雅安到2025年非化石能源消费比重要达到多少") and "部门" in b.rewritten_question


def test_rewrite_rules():
    regions = ["四川", "四川省", "雅安", "雅安市", "资阳", "资阳市"]
    h = [Turn("user", "四川省的主要目标是什么？")]
    assert rewrite("那资阳呢？", h, regions) == "资阳的主要目标是什么？"
    # in a conversation, a question naming no region or document is asked of the one before it
    assert rewrite("工业园区污水怎么处理？", h, regions) == "四川省工业园区污水怎么处理？"
    assert rewrite("工业园区污水怎么处理？", h, regions, inherit=False) == "工业园区污水怎么处理？"
    assert rewrite("全国的工业园区污水怎么处理？", h, regions) == "全国的工业园区污水怎么处理？"  # a scope of its own
    assert rewrite("雅安的工业园区污水怎么处理？", h, regions) == "雅安的工业园区污水怎么处理？"
    assert rewrite("北京的工业园区污水怎么处理？", h, regions) == "北京的工业园区污水怎么处理？"  # a place of its own
    assert rewrite("那资阳呢？", [], regions) == "那资阳呢？"


@pytest.mark.parametrize("prev,question,expected", [
    # names a topic of its own: only the plan or region carries over
    ("资阳方案里关于绿色出行说了什么？", "用什么办法鼓励市民多坐公交车？", "资阳方案用什么办法鼓励市民多坐公交车？"),
    ("重庆的国土绿化行动有哪些安排？", "湿地保护修复有哪些工程？", "重庆湿地保护修复有哪些工程？"),
    # names little of its own: the previous topic carries over, not the previous question
    ("重庆的塑料污染治理有哪些要求？", "主要针对哪些产品？", "重庆的塑料污染治理主要针对哪些产品？"),
])
def test_a_question_without_region_inherits_the_conversation(prev, question, expected):
    regions = ["四川", "四川省", "雅安", "雅安市", "资阳", "资阳市", "重庆", "重庆市"]
    assert rewrite(question, [Turn("user", prev), Turn("assistant", "……")], regions) == expected


@pytest.mark.parametrize("bad", ["", "   ", "问" * 501, "雅安\x00的目标", None])
def test_bad_input_gives_clear_message(fake_service, bad):
    with pytest.raises(InputError) as exc:
        fake_service.ask(bad)
    assert str(exc.value).strip()


def test_stream_yields_tokens_then_answer_and_cancel_stops(fake_service):
    events = list(fake_service.ask_stream(Q_YAAN))
    kinds = [e.kind for e in events]
    assert kinds[-1] == "answer" and "token" in kinds
    assert "".join(e.text for e in events if e.kind == "token") == events[-1].answer.raw_text
    cancel = threading.Event()
    with_reply(fake_service, "很长的回答。" * 50)
    got = []
    for e in fake_service.ask_stream(Q_YAAN, cancel=cancel):
        if e.kind == "token":
            got.append(e.text)
            cancel.set()
    assert len(got) == 1


def test_evidence_keeps_relevant_sentences_within_budget(fake_service):
    hits, _ = fake_service.retriever.search(Q_YAAN, k=5)
    items = build_evidence(Q_YAAN, hits, fake_service.retriever.unit, budget_chars=170)
    yaan5 = next(it for it in items if it.label == "（五）" and it.doc_title == YAAN)
    assert "58%" in yaan5.shown_text and len(yaan5.shown_text) < len(yaan5.clause_text)
    assert all(len(it.shown_text) <= 170 + 120 for it in items)


def test_figures_and_claims_parsing():
    assert figures("到2025年，比重达到41.5%，下降14.92万吨。1.加强") == ["2025年", "41.5%", "14.92万吨"]
    assert figures("１４．９２万吨") == ["14.92万吨"]
    claims = parse_claims("第一句[1][2]。第二句【3】；第三句[1, 2]")
    assert [c.cited for c in claims] == [[1, 2], [3], [1, 2]]
    assert [s.text for s in split_sentences("甲。乙；丙")] == ["甲。", "乙；", "丙"]


def test_check_answer_removes_citation_to_missing_item(fake_service):
    hits, _ = fake_service.retriever.search(Q_YAAN, k=3)
    items = build_evidence(Q_YAAN, hits, fake_service.retriever.unit)
    checked = check_answer("推动能源绿色低碳转型[9]。", items, Q_YAAN)
    assert all(c.n <= 3 for c in checked.citations)
    assert any("[9]" in n for n in checked.notes)


def test_quantity_the_documents_do_not_give_is_refused_before_generating(fake_service):
    gen = FakeGenerator(reply="58%左右[1]。")
    fake_service.answerer.generator = gen
    a = fake_service.ask("雅安到2025年要推广多少辆新能源汽车？")
    assert a.refused and a.text.startswith(prompts.REFUSAL_NO_FIGURE) and gen.calls == []
    b = fake_service.ask(Q_YAAN)  # the figure asked for is there: answered
    assert not b.refused


def test_plan_period_not_in_the_documents_is_refused(fake_service):
    a = fake_service.ask("四川“十五五”节能减排的目标是什么？")
    assert a.refused and "十五五" in a.text


def test_responsibility_question_always_shows_the_departments(fake_service):
    q = "资阳推动数字赋能减污降碳协同的责任单位有哪些？"
    hits, _ = fake_service.retriever.search(q, k=4)
    items = build_evidence(q, hits, fake_service.retriever.unit, budget_chars=40)
    item = next(it for it in items if it.label == "（二十）")
    assert "市大数据中心" in item.shown_text  # the trailing parenthesis, although over the budget


def test_issuer_question_shows_the_signature_lines(fake_service):
    q = "重庆这个减污降碳实施方案是哪个部门印发的？"
    hits, _ = fake_service.retriever.search(q, k=4)
    items = build_evidence(q, hits, fake_service.retriever.unit)
    cover = next(it for it in items if it.label == "函")
    assert "重庆市生态环境局" in cover.shown_text


def test_grounding_off_is_plain_rag(fake_index):
    from qa.service import build_service

    service = build_service(fake_index.replace(grounding=0))
    service.answerer.generator = FakeGenerator(reply="绵阳非化石能源消费比重达到41.5%[1][7]。")
    a = service.ask("绵阳到2025年非化石能源消费比重要达到多少？")
    assert not a.refused and not a.extractive  # no system refusal, no checking
    assert a.text == "绵阳非化石能源消费比重达到41.5%[1][7]。"
    assert [c.n for c in a.citations] == [1]


def test_who_question_answered_without_any_body_falls_back_to_quoting_the_departments(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"要推动能源绿色低碳转型[{n}]。"

    a = with_reply(fake_service, reply).ask("雅安推动能源绿色低碳转型由哪些部门负责？")
    assert a.extractive and "市经济和信息化局" in a.text


def test_model_copying_the_prompt_layout_is_cut_at_the_stop_string(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"回答：到2025年达到58%左右[{n}]。\n问题：由哪些部门负责？\n回答：市林业局[{n}]。"

    a = with_reply(fake_service, reply).ask(Q_YAAN)
    assert a.text.startswith("到2025年达到58%左右[1]。") and "问题：" not in a.text and not a.extractive
    # the bare figure says nothing of what it measures: the sentence it comes from follows it
    assert a.text.endswith("非化石能源消费比重达到58%左右。[1]")


@pytest.mark.parametrize("prev,question,expected", [
    ("四川到2025年行政村农村生活污水有效治理比例要达到多少？", "秸秆综合利用率呢？", "四川到2025年秸秆综合利用率要达到多少？"),
    ("四川减污降碳方案里到2025年要推广多少新能源汽车？", "2030年呢？", "四川减污降碳方案里到2030年要推广多少新能源汽车？"),
    # a follow-up with a subject and question word of its own is asked of the plan the conversation is about
    ("重庆的减污降碳实施方案是什么时候印发的？", "文号是多少？", "重庆的减污降碳实施方案文号是多少？"),
    ("四川节能减排方案对主要污染物减排有没有量化目标？", "氨氮具体是多少？", "四川节能减排方案氨氮具体是多少？"),
    ("雅安减污降碳的考核督察由谁牵头？", "资阳呢？", "资阳减污降碳的考核督察由谁牵头？"),
])
def test_rewrite_elliptic_follow_ups(prev, question, expected):
    regions = ["四川", "四川省", "雅安", "雅安市", "资阳", "资阳市", "重庆", "重庆市"]
    assert rewrite(question, [Turn("user", prev), Turn("assistant", "……")], regions) == expected


def test_figure_taken_from_a_sentence_about_something_else_is_caught(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"雅安市到2025年煤炭消费总量削减比例为58%左右[{n}]。"  # 58% is the non-fossil share

    a = with_reply(fake_service, reply).ask("雅安到2025年煤炭消费总量要怎么控制？")
    assert a.extractive and "说的是别的事" in " ".join(a.notes)


def test_incomplete_department_list_gets_the_clause_parenthesis(fake_service):
    def reply(messages):
        n = item_number(messages[-1]["content"], YAAN, "（五）")
        return f"由市经济和信息化局、市生态环境局负责[{n}]。"

    a = with_reply(fake_service, reply).ask("雅安推动能源绿色低碳转型由哪些部门负责？")
    assert not a.extractive and "市水利局按职责分工负责" in a.text and "条款原文" in a.text
    assert a.text.count("[1]") == 2


def test_missing_term_ignores_phrasing_but_catches_a_different_subject():
    from qa.answer.citations import _missing_term

    q = " 十四五节能减排方案规定单位地区生产总值二氧化碳排放下降多少？"
    assert _missing_term("单位地区生产总值二氧化碳排放下降14%", "全省单位地区生产总值能源消耗比2020年下降14%", q)
    assert _missing_term("森林覆盖率目标是57%以上", "森林覆盖率提高至57%以上", " 到2025年森林覆盖率目标是多少？") is None
    assert _missing_term("煤炭消费比重要降到25%以内", "煤炭消费比重降至25%以内", " 规划里煤炭消费比重最终要降到多少，有上限吗？") is None


def test_a_figure_of_the_neighbouring_listed_indicator_is_not_the_answer(fake_service):
    plan = "四川省“十四五”节能减排综合工作方案"

    def reply(messages):
        n = item_number(messages[-1]["content"], plan, "三、（六）")
        return f"公共机构人均综合能耗下降5%[{n}]。" if n else "无"

    q = "四川节能减排方案里公共机构单位建筑面积碳排放“十四五”要降多少？"
    a = with_reply(fake_service, reply).ask(q)
    assert a.extractive and "单位建筑面积碳排放下降7%" in a.text  # the sentence, with the figure asked for
    right = with_reply(fake_service, lambda m: reply(m).replace("人均综合能耗下降5%", "单位建筑面积碳排放下降7%")).ask(q)
    assert not right.extractive and right.text.startswith("公共机构单位建筑面积碳排放下降7%")
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="figure_relevance")
    try:
        assert not with_reply(fake_service, reply).ask(q).extractive  # without the check the 5% passes
    finally:
        fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="")


def test_a_phrase_of_the_documents_is_not_an_unknown_region(fake_service):
    hits, scope = fake_service.retriever.search("“亩均论英雄”评价要怎么做？", k=3)
    assert not scope.out_of_scope
    _, foreign = fake_service.retriever.search("绵阳的方案有什么要求", k=3)
    assert foreign.out_of_scope == ("绵阳",)


def test_a_document_number_in_the_question_scopes_to_that_document(fake_service):
    _, scope = fake_service.retriever.search("川府发〔2022〕20号文件的主要目标是什么", k=3)
    assert scope.doc_ids == ("sichuan_14th_fyp_energy_saving_2022",)
    _, cited = fake_service.retriever.search("环综合〔2022〕42号是什么文件", k=3)  # cited by others, owned by none
    assert cited.doc_ids == ()
