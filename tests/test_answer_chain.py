"""The answering chain's new steps, each alone and wired with the fakes: question analysis,
per-part answering, the refusal policy with reason codes, document cards, figures bound to their year
and qualifier, and the evaluation's own count of unsupported figures."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace

import pytest

from qa.answer import prompts
from qa.answer.analysis import QuestionAnalysis, QuestionAnalyzer, answer_type, mention_term, premise
from qa.answer.citations import check_answer
from qa.answer.evidence import build_evidence, select_sentences, split_sentences
from qa.answer.generators import FakeGenerator
from qa.evaluation.metrics import unsupported_figures
from qa.types import Scope, Turn

ALIASES = {"四川省": "四川省", "四川": "四川省", "雅安市": "雅安市", "雅安": "雅安市", "资阳市": "资阳市",
           "资阳": "资阳市", "重庆市": "重庆市", "重庆": "重庆市"}
YAAN = "雅安市减污降碳协同增效行动方案"
SICHUAN = "四川省减污降碳协同增效行动方案"


@pytest.fixture(scope="module")
def analyzer() -> QuestionAnalyzer:
    return QuestionAnalyzer(ALIASES)


@contextmanager
def switched_off(holder, ablate: str):
    """``holder`` (an answerer or a policy) with the mechanisms ``ablate`` switched off, its settings put back after."""
    settings = holder.settings
    holder.settings = settings.replace(ablate=ablate)
    try:
        yield holder
    finally:
        holder.settings = settings


# -- analysis ---------------------------------------------------------------------------------
def test_english_plan_period_is_the_chinese_period(analyzer):
    a = analyzer.analyse("How much NOx must Sichuan cut in the 14th Five-Year Plan period?")
    assert a.periods == ("十四五",) and a.years == ()


def test_traditional_full_width_and_pinyin_are_normalised(analyzer):
    a = analyzer.analyse("雅安市到２０２５年非化石能源消費比重要達到多少？")
    assert a.text == "雅安市到2025年非化石能源消费比重要达到多少？"  # Chinese punctuation kept
    assert a.regions == ("雅安市",) and a.years == ("2025",) and a.answer_type == "figure"
    e = analyzer.analyse("What is Ya'an's target for the non-fossil energy share in 2025?")
    assert e.regions == ("雅安市",) and "雅安" in e.text
    assert analyzer.analyse("Sichuan province 的节能减排方案").regions == ("四川省",)


def test_abbreviations_and_two_digit_years_only_where_they_stand_alone(analyzer):
    a = analyzer.analyse("川 减污降碳方案 煤炭消费比重25年降到多少")
    assert a.regions == ("四川省",) and a.years == ("2025",)
    assert analyzer.analyse("成渝地区双城经济圈有什么要求").regions == ()  # 渝 inside a word
    assert analyzer.analyse("新能源汽车推广多少辆").regions == ()  # 新 (新疆) is not indexed
    # abbreviations written together stand for each region: a two-part question
    run = analyzer.analyse("川渝两地的非化石能源消费比重目标谁更高")
    assert run.regions == ("四川省", "重庆市") and [p.label for p in run.parts] == ["四川", "重庆"]
    assert run.answer_type != "body"  # 谁更高 compares, it does not ask who
    assert analyzer.analyse("川黔两地有什么要求").regions == ()  # 黔 (贵州) is not indexed: no run


def test_preamble_is_separated_and_its_region_kept(analyzer):
    a = analyzer.analyse("我是市里管交通的，想核实一下：雅安到2025年非化石能源比重要达到多少？")
    assert a.preamble.startswith("我是市里管交通的") and a.text == "雅安到2025年非化石能源比重要达到多少？"
    b = analyzer.analyse("我是雅安的环保专员，想问下：森林覆盖率到2025年要达到多少？")
    assert b.text.startswith("雅安") and b.regions == ("雅安市",)
    assert analyzer.analyse("请问雅安的目标是多少？").text == "雅安的目标是多少？"


def test_a_statement_about_the_asker_after_the_question_is_no_part(analyzer):
    # a translation may give the statement a question mark; it says who asks, it asks nothing
    a = analyzer.analyse("四川的方案是否提到某项税费？我们是外贸企业？")
    assert a.parts == () and a.text == "四川的方案是否提到某项税费？" and a.preamble == "我们是外贸企业？"
    assert analyzer.analyse("四川的方案有没有提X？我查过别的文件").text == "四川的方案有没有提X？"
    # a region named only after the question belongs to the question; a second question stays a part
    assert analyzer.analyse("某项指标要达到多少？我们是雅安的").text == "某项指标要达到多少？我们是雅安的"
    assert len(analyzer.analyse("雅安的森林覆盖率是多少？我们县的是多少？").parts) == 2


def test_those_few_things_named_before_are_not_a_question(analyzer):
    # "那几个项目…以后" points back; only the segment that asks is the question
    a = analyzer.analyse("某市那几个项目建成以后，某项指标到2025年要提高多少？")
    assert a.parts == ()
    b = analyzer.analyse("某方案里，哪些单位做A，哪些单位做B？")
    assert len(b.parts) == 2


def test_parts_by_region_year_and_sub_question(analyzer):
    a = analyzer.analyse("四川和雅安到2025年非化石能源消费比重分别是多少？")
    assert [p.label for p in a.parts] == ["四川", "雅安"]
    assert a.parts[0].text == "四川到2025年非化石能源消费比重是多少？"
    c = analyzer.analyse("雅安和全省的非化石能源目标哪个高？")
    assert [p.text for p in c.parts] == ["雅安的非化石能源目标是多少？", "全省的非化石能源目标是多少？"]
    y = analyzer.analyse("重庆非化石能源比重在2025年和2030年的目标各是什么？")
    assert [p.label for p in y.parts] == ["2025年", "2030年"] and all("重庆" in p.text for p in y.parts)
    s = analyzer.analyse("重庆方案是哪个部门印发的？文号是多少？")
    assert len(s.parts) == 2 and s.parts[1].text.startswith("重庆")  # the region carries over
    assert analyzer.analyse("雅安到2025年非化石能源比重多少？").parts == ()
    # two subjects listed, each with its own region; a subject naming none takes the other's
    x = analyzer.analyse("雅安的森林覆盖率目标和资阳的建成区绿地率目标哪个高？")
    assert [p.text for p in x.parts] == ["雅安的森林覆盖率目标是多少？", "资阳的建成区绿地率目标是多少？"]
    w = analyzer.analyse("重庆2025年在工业能耗和建筑面积两方面分别有什么目标？")
    assert [p.text for p in w.parts] == ["重庆2025年在工业能耗有什么目标？", "重庆2025年建筑面积有什么目标？"]
    assert analyzer.analyse("雅安市经济和信息化局分别负责哪些？").parts == ()  # 和 inside a body's name
    than = analyzer.analyse("雅安的森林覆盖率比重庆高多少？")
    assert [p.text for p in than.parts] == ["雅安的森林覆盖率是多少？", "重庆的森林覆盖率是多少？"]
    assert analyzer.analyse("到2025年能耗比2020年下降多少？").parts == ()  # 比 + a year is a baseline
    commas = analyzer.analyse("重庆方案里，哪些区县搞页岩气，哪些区县搞石漠化治理？")
    assert [p.text for p in commas.parts] == ["重庆方案里，哪些区县搞页岩气？", "重庆方案里，哪些区县搞石漠化治理？"]
    assert analyzer.analyse("雅安到2025年，非化石能源比重是多少？").parts == ()
    three = analyzer.analyse("重庆、雅安、四川三地的非化石能源消费比重目标，哪个地方最高？")
    assert [p.label for p in three.parts] == ["重庆", "雅安", "四川"]
    assert all(p.text.endswith("是多少？") and "三地" not in p.text for p in three.parts)
    higher = analyzer.analyse("雅安的非化石能源目标是否高于四川的？")
    assert [p.label for p in higher.parts] == ["雅安", "四川"]
    assert analyzer.analyse("资阳方案不是要求占比达到80%吗？为什么各县还没动？").parts == ()  # built on a premise
    assert analyzer.analyse("渝方案里有木有提CCER").mention_term == "CCER"
    doc = analyzer.analyse("四川省减污降碳协同增效行动方案的文号是多少？由谁印发的？")
    assert doc.parts[1].text == "四川省减污降碳协同增效行动方案由谁印发的？"  # the document carries over
    assert analyzer.analyse("四川和雅安", split=False).parts == ()
    assert QuestionAnalyzer(ALIASES, off={"parts"}).analyse("四川和雅安分别是多少？").parts == ()


def test_answer_types_premise_and_mention_term():
    assert answer_type("文号是多少？") == "doc_number"
    assert answer_type("这个方案什么时候印发的？") == "date"
    assert answer_type("主送单位有哪些？") == "recipients"
    assert answer_type("由哪些部门负责？") == "body"
    assert answer_type("各是什么？") == "explanation"  # 什么 is not the 么 of a yes/no question
    assert answer_type("需要关停吗？") == "yesno"
    assert mention_term("资阳方案有没有提到氢能？") == "氢能"
    assert mention_term("资阳方案提到了氢能") == ""  # a statement, not a question
    assert premise("方案要求全部关停燃煤锅炉，名单怎么定的？") == "全部关停燃煤锅炉"
    assert premise("名单怎么定的？") == ""
    assert answer_type("公交线路会不会根据坐车的人多少来调整？") == "yesno"  # A-not-A, 多少 is inside
    assert answer_type("是不是要达到多少个百分点？") == "figure"
    assert answer_type("氢燃料发动机是哪家企业牵头研发的？") == "explanation"  # a company, not a department
    assert answer_type("“绿蓉融”在哪几个方案里出现过？") == "which_doc"
    assert mention_term("雅安方案是否规定了每年的碳排放总量上限？") == "每年的碳排放总量上限"
    assert mention_term("资阳方案里有没有提到发展氢能？") == "氢能"  # the action verb is not the term
    assert mention_term("资阳方案提到的研究院叫什么名字？") == ""  # 什么 is not a yes/no 么
    assert premise("资阳方案不是要求LED灯具占比达到80%吗？为什么还没动？") == "LED灯具占比达到80%"


# -- checking ---------------------------------------------------------------------------------
def _items(fake_service, question, labels):
    hits, _ = fake_service.retriever.search(question, k=20)
    chosen = [h for h in hits if (h.chunk.doc_title, h.chunk.label) in labels]
    assert chosen, "fixture: the clause is retrieved"
    return build_evidence(question, chosen, fake_service.retriever.unit, 120)


def _synthetic_item(text: str):
    from qa.answer.evidence import EvidenceItem, split_sentences
    from qa.types import Chunk, Hit

    chunk = Chunk("d-1", "d", "某省行动方案", "某省", "（三）", "clause", "", "推动能源转型", (), text, "", end=len(text))
    sents = tuple(split_sentences(text))
    return EvidenceItem(1, Hit(chunk, 1.0, 0.9), chunk.doc_title, chunk.label, chunk.heading, text, 0, sents, sents, ())


def test_figure_bound_to_another_year_is_not_accepted():
    item = _synthetic_item("到2025年，全省非化石能源消费比重达到40%左右；到2030年，全省非化石能源消费比重达到45%。")
    q = "某省到2030年非化石能源消费比重要达到多少？"
    wrong = "到2030年，全省非化石能源消费比重达到40%[1]。"
    assert not check_answer(wrong, [item], q, years=("2030",), bind_years=False).extractive  # the old check
    bound = check_answer(wrong, [item], q, years=("2030",))
    assert bound.refused_no_figure and not bound.citations
    # the year may come from the question only ("2030年呢？" rewritten): still bound
    elliptic = check_answer("全省非化石能源消费比重达到40%[1]。", [item], q, years=("2030",))
    assert elliptic.refused_no_figure
    # one side of a comparison (``misbound_quote``): the clause states a figure for the year asked, so its
    # sentence is quoted instead of the model's figure; where none does, the plan gives none
    quoted = check_answer(wrong, [item], q, years=("2030",), misbound_quote=True)
    assert quoted.extractive and "45%" in quoted.text and not quoted.refused_no_figure
    only_2025 = _synthetic_item("到2025年，全省非化石能源消费比重达到40%左右。到2030年，能源结构持续优化。")
    assert check_answer(wrong, [only_2025], q, years=("2030",), misbound_quote=True).refused_no_figure
    right = check_answer("到2030年，全省非化石能源消费比重达到45%[1]。", [item], q, years=("2030",))
    assert not right.extractive and right.citations and "45%" in right.text
    # a baseline year ("比2020年下降") is not the year a figure is set for
    base = _synthetic_item("到2025年，单位地区生产总值能耗比2020年下降14%。")
    ok = check_answer("到2025年单位地区生产总值能耗比2020年下降14%[1]。", [base], "到2025年能耗下降多少？", years=("2025",))
    assert ok.citations and not ok.extractive


def test_qualifier_is_put_back(fake_service):
    items = _items(fake_service, "雅安非化石能源消费比重", {(YAAN, "（五）")})
    assert "58%左右" in items[0].clause_text
    checked = check_answer("雅安非化石能源消费比重达到58%[1]。", items, "雅安非化石能源消费比重要达到多少？")
    assert "58%左右" in checked.text and any("限定词" in n for n in checked.notes)
    plain = check_answer("雅安非化石能源消费比重达到58%[1]。", items, "雅安非化石能源消费比重要达到多少？",
                         qualifiers=False)
    assert "58%左右" not in plain.text


# -- the chain with the fakes -------------------------------------------------------------------
def test_parts_are_answered_each_against_its_own_evidence(fake_service):
    prompts_seen: list[str] = []

    def reply(messages):
        prompt = messages[-1]["content"]
        prompts_seen.append(prompt)
        m = re.search(r"^\[(\d+)\]《(四川省|雅安市)减污降碳协同增效行动方案》（五）", prompt, re.M)
        if not m:
            return "文件中未找到。"
        figure = "41.5%左右" if m.group(2) == "四川省" else "58%左右"
        return f"到2025年，非化石能源消费比重达到{figure}[{m.group(1)}]。"

    fake_service.answerer.generator = FakeGenerator(reply=reply)
    a = fake_service.ask("四川和雅安到2025年非化石能源消费比重分别是多少？哪个高？")
    assert len(prompts_seen) == 2  # one generation per part
    assert "四川" in prompts_seen[0].split("问题：")[-1] and "雅安" in prompts_seen[1].split("问题：")[-1]
    assert "41.5%" in a.text and "58%" in a.text and not a.refused
    assert {(c.doc_title, c.clause) for c in a.citations} == {(SICHUAN, "（五）"), (YAAN, "（五）")}
    assert re.search(r"（1）四川：.*\[1\]", a.text) and re.search(r"（2）雅安：.*\[2\]", a.text)
    assert "比较：雅安（58%左右[2]）高于四川（41.5%左右[1]）。" in a.text  # each value cited
    assert "相差" not in a.text  # the gap is given only when it is asked
    gap = fake_service.ask("雅安的非化石能源消费比重目标比四川高多少个百分点？")
    assert "两者相差约16.5个百分点" in gap.text


def test_refusals_carry_a_reason_code(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="这是回答[1]。")
    out = fake_service.ask("绵阳到2025年非化石能源消费比重要达到多少？")
    assert out.refused and out.refusal_reason == "out_of_corpus" and "拒答原因" in out.text
    period = fake_service.ask("四川“十五五”节能减排有什么要求？")
    assert period.refused and period.refusal_reason == "period_not_covered"
    named = fake_service.ask("四川“十四五”节能减排综合工作方案对重点行业有什么要求？")
    assert named.refusal_reason != "period_not_covered"  # the period is in the document's title
    absent = fake_service.ask("资阳方案有没有提到核电站？")
    assert absent.refused and absent.refusal_reason == "not_mentioned"
    premise_q = fake_service.ask("雅安方案要求全部关停所有火电厂并在月底前拆除，名单怎么定的？")
    assert premise_q.refused and premise_q.refusal_reason == "false_premise"
    # the requirement exists but the question gives it another figure: what the plan says is quoted
    wrong_figure = fake_service.ask("方案要求雅安到2025年非化石能源消费比重达到65%，怎么落实？")
    assert wrong_figure.refused and wrong_figure.refusal_reason == "false_premise"
    assert "58%" in wrong_figure.text
    assert out.to_dict()["refusal_reason"] == "out_of_corpus"


def test_figure_question_answered_in_words(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="要大幅提升[1]。")
    # the clause gives the figure: the answer without it is replaced by the quote that has it
    a = fake_service.ask("雅安到2025年非化石能源消费比重要达到多少？")
    assert not a.refused and a.extractive and "58%" in a.text
    # asked as a number, stated only in words: refused, with what the plan does say
    q = "雅安在工业生产、交通运输等领域实施电能替代的比例要达到百分之多少？"
    b = fake_service.ask(q)
    assert b.refused and b.refusal_reason == "no_figure"
    with switched_off(fake_service.answerer, "figure_answer"):
        assert "58%" not in fake_service.ask("雅安到2025年非化石能源消费比重要达到多少？").text


def test_metadata_questions_are_answered_from_the_document_card(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="不应调用模型")
    a = fake_service.ask("四川节能减排方案的文号是多少？")
    assert "川府发〔2022〕20号" in a.text and "本文有删减" in a.text and not a.refused
    (c,) = a.citations
    assert c.clause == "通知" and "川府发" in c.quote
    who = fake_service.ask("重庆这个方案是哪个部门印发的？")
    assert "重庆市生态环境局" in who.text and "重庆市能源局" in who.text and who.citations[0].clause == "函"
    none = fake_service.ask("资阳方案的文号是多少？")
    assert none.refused and none.refusal_reason == "not_mentioned" and "文号" in none.text
    assert "不应调用模型" not in a.text + who.text + none.text
    approved = fake_service.ask("渝环〔2023〕71号是经谁批准印发的？")
    assert "已经市政府同意" in approved.text and approved.citations[0].clause == "函"
    whole = fake_service.ask("四川节能减排方案网上这份有没有删减？")
    assert "本文有删减" in whole.text and whole.text.count("本文有删减") == 1
    cited = fake_service.ask("雅安方案引用的上级文件的文号是什么？")
    assert "环综合〔2022〕42号" in cited.text  # the cited document's number, not the plan's own (it has none)
    unapproved = fake_service.ask("资阳方案经过谁批准？")
    assert unapproved.refused and unapproved.refusal_reason == "not_mentioned"
    released = fake_service.ask("重庆那份减污降碳方案可以公开吗？")
    assert "此件公开发布" in released.text and released.citations[0].clause == "函"
    unreleased = fake_service.ask("雅安方案的公开方式是什么？")  # its cover letter says nothing of it
    assert unreleased.refused and "公开方式" in unreleased.text


# -- the evaluation's own figure check ------------------------------------------------------------
def test_unsupported_figures_counted_by_the_evaluation():
    texts = {("A", "（五）"): "到2025年，非化石能源消费比重达到58%左右；到2030年，非化石能源消费比重达到65%。"}
    cite = [{"n": 1, "doc_title": "A", "clause": "（五）"}]
    assert unsupported_figures("到2025年比重达到58%左右[1]。", cite, texts) == []
    assert unsupported_figures("到2030年比重达到58%[1]。", cite, texts) == ["58%"]  # wrong year
    assert unsupported_figures("到2030年比重达到65%[1]。", cite, texts) == []
    assert unsupported_figures("比重达到70%[1]。", cite, texts) == ["70%"]  # in no cited clause
    assert unsupported_figures("比重达到58%。", [], texts) == ["58%"]  # not cited at all
    # a part's heading repeats what was asked: a question asserts nothing
    assert unsupported_figures("（1）比重是70%吗？：比重达到58%左右[1]。", cite, texts) == []
    assert unsupported_figures("（1）比重是多少？：比重达到70%[1]。", cite, texts) == ["70%"]
    quote = "以下为文件原文摘录：\n《A》（五）：到2025年，非化石能源消费比重达到58%左右。[1]"
    assert unsupported_figures(quote, cite, texts) == []  # a quote's marker follows its 。
    # a gap computed from two supported figures is derived, not invented; a wrong gap is not
    gap = "到2025年58%左右[1]，到2030年65%[1]。两者相差7个百分点。"
    assert unsupported_figures(gap, cite, texts) == []
    assert unsupported_figures(gap.replace("相差7", "相差9"), cite, texts) == ["9个百分点"]


def test_generation_cache_replays_identical_prompts_only(tmp_path):
    from qa.answer.generators import CachedGenerator

    inner = FakeGenerator(reply=lambda msgs: "回答" + msgs[-1]["content"][-2:])
    path = tmp_path / "gen.jsonl"
    gen = CachedGenerator(inner, str(path), "fake:x")
    a = [{"role": "user", "content": "问题一"}]
    b = [{"role": "user", "content": "问题二"}]
    assert "".join(gen.stream(a, max_tokens=8)) == "回答题一"
    assert "".join(gen.stream(a, max_tokens=8)) == "回答题一" and len(inner.calls) == 1  # replayed
    assert "".join(gen.stream(b, max_tokens=8)) == "回答题二" and len(inner.calls) == 2
    again = CachedGenerator(FakeGenerator(reply="不会被调用"), str(path), "fake:x")  # read back from the file
    assert "".join(again.stream(b, max_tokens=8)) == "回答题二"
    other_model = CachedGenerator(FakeGenerator(reply="新模型"), str(path), "fake:y")
    assert "".join(other_model.stream(b, max_tokens=8)) == "新模型"


def test_an_answer_that_only_restates_the_question_is_replaced_by_the_clause(fake_service):
    q = "资阳的工业园区污水要怎么处理？"
    fake_service.answerer.generator = FakeGenerator(reply="园区污水要处理[1]。")
    a = fake_service.ask(q)
    assert a.extractive and any("复述" in n for n in a.notes)
    with switched_off(fake_service.answerer, "restatement"):
        assert not fake_service.ask(q).extractive


def test_extractive_fallback_ranks_by_meaning_when_given(fake_service):
    from qa.answer.citations import extractive_answer

    items = _items(fake_service, "雅安非化石能源消费比重", {(YAAN, "（五）")})
    target = next(s.text for s in items[0].all_sentences if "58%" in s.text)

    def meaning(question, sentences):  # a stand-in embedder that finds the 58% sentence closest
        return [0.9 if s == target else 0.7 for s in sentences]

    out = extractive_answer(items, "煤电怎么办", [], meaning=meaning)
    assert target in out.text and out.citations
    assert target not in extractive_answer(items, "煤电怎么办", []).text


#: the system messages of the translation calls (with ``statement_translation`` on and off)
_TRANSLATING = (prompts.TRANSLATE_SYSTEM, prompts.TRANSLATE_SYSTEM_SENTENCES)


def test_english_question_is_translated_by_the_model_then_answered_as_chinese(fake_service):

    def reply(messages):
        if messages[0]["content"] in _TRANSLATING:
            return "雅安到2025年非化石能源消费比重要达到多少？\n"
        n = re.search(rf"^\[(\d+)\]《{YAAN}》（五）", messages[-1]["content"], re.M)
        return f"到2025年，雅安非化石能源消费比重达到58%左右[{n.group(1)}]。" if n else "文件中未找到。"

    fake_service.answerer.generator = FakeGenerator(reply=reply)
    a = fake_service.ask("What is the target for the non-fossil energy share of Ya'an in 2025?")
    assert a.rewritten_question == "雅安到2025年非化石能源消费比重要达到多少？"
    assert not a.refused and "58%" in a.text and a.citations[0].doc_title == YAAN
    calls = len(fake_service.answerer.generator.calls)
    fake_service.ask("雅安到2025年非化石能源消费比重要达到多少？")  # Chinese: no translation call
    assert len(fake_service.answerer.generator.calls) == calls + 1


def test_english_words_for_the_plans_terms_are_written_in_before_translation(fake_service):
    from qa.answer.pipeline import english_terms

    assert english_terms("What does Chongqing's pollution and carbon reduction plan say about sewage sludge?") == (
        "What does Chongqing's 减污降碳方案 say about 污水污泥?")
    assert english_terms("the 14th Five-Year energy conservation plan: which river basins?") == (
        "十四五节能减排方案: which 流域?")
    asked = []

    def reply(messages):
        if messages[0]["content"] in _TRANSLATING:
            asked.append(messages[-1]["content"])
            return "雅安到2025年非化石能源消费比重要达到多少？\n"
        return "文件中未找到。"

    fake_service.answerer.generator = FakeGenerator(reply=reply)
    fake_service.ask("Ya'an's pollution and carbon reduction plan: what non-fossil energy share by 2025?")
    assert "减污降碳方案" in asked[-1] and "非化石能源 share" in asked[-1]
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="glossary")
    fake_service.ask("Ya'an's pollution and carbon reduction plan: what non-fossil energy share by 2025?")
    assert "pollution and carbon reduction plan" in asked[-1] and "减污降碳" not in asked[-1]


def test_quotes_that_name_no_place_do_not_answer_which_county(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="建在某县，共35座[1]。")  # 35座: in no clause
    none = fake_service.ask("雅安的下沉式再生水厂建在哪个县？")
    assert none.refused and none.refusal_reason == "not_mentioned" and "区县名称" in none.text  # the kind of place asked
    named = fake_service.ask("雅安的水风光一体化基地建在哪条河流域？")  # the clause names 大渡河
    assert not named.refused and "大渡河" in named.text
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="entity_answer")
    assert not fake_service.ask("雅安的下沉式再生水厂建在哪个县？").refused


def test_which_cities_is_not_answered_by_the_regions_that_hold_them(fake_service):
    from qa.answer.pipeline import _asked_entity
    from qa.answer.support import word_bigrams

    assert _asked_entity("方案点名支持了哪几个试点城市？") == "城市"
    assert _asked_entity("在哪些重点区县推进？") == "区县" and _asked_entity("在哪些区域推进？") == "地点"
    assert _asked_entity("哪些重点行业园区要改造？") == ""  # a 园区 is not a county
    assert _asked_entity("在哪几个县推进？", admin=False) == "地点"  # switched off: any place, as before
    assert word_bigrams("公共图书馆藏书要达到多少") == {"公共", "共图", "图书", "书馆", "馆藏", "藏书"}
    answerer = fake_service.answerer
    q = "省里的方案在哪几个城市搞这个？"
    assert not answerer._names_kind("城市", "以成都平原经济区、川东北经济区为重点", q)  # regions, not cities
    assert answerer._names_kind("城市", "深化绵阳、乐山协同管控试点", q)  # short city names count
    assert answerer._names_kind("区县", "持续推动涪陵区、南川区页岩气发展", q)
    assert not answerer._names_kind("区县", "推动在高竹新区和安宁河谷探索", q)  # areas, and a city word inside one
    assert not answerer._names_kind("城市", "支持雅安市开展试点", "雅安哪几个城市？")  # the place the question names

    regions_only = "在高竹新区和安宁河谷[1]。"
    fake_service.answerer.generator = FakeGenerator(reply=regions_only)
    a = fake_service.ask("四川探索差异化路径放在哪几个城市？")
    assert regions_only.rstrip("。") not in a.text and (a.refused or a.extractive)
    if a.refused:
        assert a.refusal_reason == "not_mentioned" and "城市名称" in a.text
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="place_kind")
    off = fake_service.ask("四川探索差异化路径放在哪几个城市？")
    assert not off.refused and "高竹新区和安宁河谷" in off.text


def test_which_document_questions_quote_the_documents(fake_service):
    from qa.answer import prompts

    fake_service.answerer.generator = FakeGenerator(reply="不应调用模型")
    a = fake_service.ask("哪个文件提到了“无废城市”建设？")
    assert a.text.startswith(prompts.WHICH_DOC_PREFIX) and "无废城市" in a.text and a.citations
    assert all(f"《{c.doc_title}》" in a.text for c in a.citations)
    assert not fake_service.answerer.generator.calls


def test_card_fact_stated_by_a_citing_document(fake_service):
    # the provincial plan has no cover letter; the city's notice cites its number and issuer
    a = fake_service.ask("四川省减污降碳协同增效行动方案的文号是多少？")
    assert not a.refused and "川环发〔2023〕15号" in a.text
    assert a.citations and a.citations[0].doc_title == YAAN and "川环发〔2023〕15号" in a.citations[0].quote
    basis = fake_service.ask("雅安的行动方案所依据的省级文件文号是多少？")
    assert "川环发〔2023〕15号" in basis.text and not basis.refused


def test_quoted_term_is_looked_up_in_every_document(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="在某方案中出现过[1]。")
    a = fake_service.ask("“千村示范工程”出现在哪几个方案里？")
    titles = {c.doc_title for c in a.citations}
    assert {SICHUAN, YAAN} <= titles and all("千村示范工程" in c.quote for c in a.citations)
    assert a.extractive and not a.refused


def test_target_in_words_is_the_answer_to_a_follow_up_that_asked_no_number(fake_service):
    from qa.types import Turn

    fake_service.answerer.generator = FakeGenerator(reply="要大幅提升[1]。")
    history = [Turn("user", "雅安到2025年非化石能源消费比重要达到多少？"), Turn("assistant", "58%左右[1]。")]
    asked = fake_service.ask("雅安在工业生产、交通运输等领域实施电能替代的比例要达到百分之多少？")
    assert asked.refused and asked.refusal_reason == "no_figure"  # a number was asked: refused
    follow = fake_service.ask("那工业生产、交通运输等领域实施电能替代的比例呢？", history=history)
    assert not follow.refused and "定性表述" in follow.text and follow.citations
    assert "电能替代" in follow.citations[0].quote


def test_yes_no_answer_shows_the_sentence_that_decides_it(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="是的，要加快推广应用新能源汽车[1]。")
    a = fake_service.ask("雅安是否要求加快推广应用新能源汽车？")
    assert not a.refused and "\n原文：《" in a.text
    quoted = a.text.split("原文：", 1)[1]
    assert "新能源汽车" in quoted and "按职责分工负责" not in quoted
    with switched_off(fake_service.answerer, "source_sentence"):
        assert "原文：" not in fake_service.ask("雅安是否要求加快推广应用新能源汽车？").text


# -- session 3: checks fitted on the third round of dev questions ------------------------------------
def test_comparison_parts_ask_what_each_says_and_take_the_shared_topic(analyzer):
    same = analyzer.analyse("雅安和资阳对城镇新建建筑执行绿色建筑标准的要求一样吗？")
    assert [p.text for p in same.parts] == ["雅安对城镇新建建筑执行绿色建筑标准的要求是什么？",
                                            "资阳对城镇新建建筑执行绿色建筑标准的要求是什么？"]
    number = analyzer.analyse("雅安和资阳的非化石能源消费比重目标一样吗？")
    assert all(p.text.endswith("是多少？") for p in number.parts)  # a sameness of figures asks the figures
    docs = analyzer.analyse("四川的方案和资阳方案对园区循环化改造的时间要求一样吗？")
    assert [p.label for p in docs.parts] == ["四川的方案", "资阳方案"]
    assert docs.parts[0].text == "四川的方案对园区循环化改造的时间要求是什么？"
    target = analyzer.analyse("雅安方案里，森林覆盖率和城市绿地率哪个目标定得高？")
    assert [p.label for p in target.parts] == ["森林覆盖率", "城市绿地率"]


def test_opposite_polarity():
    from qa.answer.policy import opposite_polarity

    assert opposite_polarity("原料用能也要纳入能耗双控考核", "原料用能不纳入能耗双控考核。")
    assert opposite_polarity("新建燃煤锅炉", "原则上不再新建燃煤锅炉。")
    assert not opposite_polarity("原料用能不纳入能耗双控考核", "原料用能不纳入能耗双控考核。")
    assert not opposite_polarity("禁止新建燃煤锅炉", "原则上不再新建燃煤锅炉。")  # both negate
    assert not opposite_polarity("不断提升能效", "持续提升能效水平。")  # 不断 negates nothing


def test_premises_contradicted_by_polarity_year_or_an_unknown_figure(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="按方案执行[1]。")
    # the question states a figure that no document in scope states
    q = "雅安能效指标降到1.37以下的数据中心有哪些？"
    unknown = fake_service.ask(q)
    assert unknown.refused and unknown.refusal_reason == "false_premise"
    # the same figure where the plan states it is no false premise
    known = fake_service.ask("雅安非化石能源消费比重达到58%左右以后，还有哪些措施？")
    assert known.refusal_reason != "false_premise"
    policy = fake_service.answerer.policy
    with switched_off(policy, "question_figures"):
        assert fake_service.ask(q).refusal_reason != "false_premise"


def test_an_answer_that_only_names_a_clause_or_leaves_english_is_replaced(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply=f"《{YAAN}》（五）[1]。")
    heading = fake_service.ask("雅安在能源转型方面有什么要求？")
    assert heading.extractive and any("标题" in n for n in heading.notes)
    fake_service.answerer.generator = FakeGenerator(reply="每个 prefecture 都要推进能源转型[1]。")
    english = fake_service.ask("雅安在能源转型方面有什么要求？")
    assert english.extractive and any("英文" in n for n in english.notes)


def test_a_count_in_chinese_numerals_is_a_figure():
    from qa.answer.pipeline import _states_figure

    assert _states_figure("建立健全省、市、县三级节能监察体系")
    assert not _states_figure("推动形成一批可复制的经验")
    assert not _states_figure("到2025年大幅提升")


def test_a_figure_is_bound_to_the_listed_item_it_belongs_to():
    from qa.answer.citations import segment_binds

    s = ("到2025年，秸秆综合利用率稳定在90%以上，三大粮食作物化肥利用率达到43%以上，"
         "畜禽粪污综合利用率达到80%以上，绿色防控覆盖率、统防统治覆盖率分别达到55%、50%。")
    assert not segment_binds("90%", "畜禽粪污综合利用率稳定在90%以上", s)  # 90% belongs to 秸秆
    assert segment_binds("80%", "畜禽粪污综合利用率达到80%以上", s)
    assert segment_binds("50%", "统防统治覆盖率为50%", s)  # "A、B分别达到x、y": one item, both figures
    assert segment_binds("90%", "利用率90%", s)  # too little subject to tell the items apart


def test_a_figure_is_not_given_to_a_name_that_shares_only_its_head():
    from qa.answer.citations import check_answer, modifier_binds

    s = "到2027年，隧道灯节能率达到30%以上。"
    q = "路灯节能率要到多少？"
    assert not modifier_binds("30%", "路灯节能率要达到30%以上", s, q)  # 30% is the 隧道灯's
    assert modifier_binds("30%", "隧道灯节能率要达到30%以上", s, q)
    assert modifier_binds("30%", "全市隧道灯节能率达到30%以上", "到2027年，全县隧道灯节能率达到30%以上。", q)
    assert modifier_binds("30%", "路灯节能率达到30%以上", s, "节能率要到多少？")  # the claim's own wording
    items = [_synthetic_item(s + "路灯全部更换为节能灯具。")]
    out = check_answer("路灯节能率要达到30%以上[1]。", items, q, modifiers=True)
    assert out.extractive or out.refused_no_figure
    assert not check_answer("路灯节能率要达到30%以上[1]。", items, q).extractive  # switched off: it passes


def test_a_sentence_copied_with_another_year_is_not_accepted():
    from qa.answer.citations import check_answer as check

    items = [_synthetic_item("到2025年，协同推进的工作格局基本形成。到2030年，二氧化碳排放量达到峰值。")]
    out = check("到2030年，协同推进的工作格局基本形成[1]。", items, "2030年的主要目标是什么？")
    assert out.extractive and "达到峰值" in out.text
    kept = check("到2030年，二氧化碳排放量达到峰值[1]。", items, "2030年的主要目标是什么？")
    assert not kept.extractive


def test_a_figure_from_the_next_item_falls_back_to_the_sentence():
    from qa.answer.citations import check_answer as check

    text = "到2025年，秸秆综合利用率稳定在90%以上，畜禽粪污综合利用率达到80%以上。"
    items = [_synthetic_item(text)]
    out = check("畜禽粪污综合利用率稳定在90%以上[1]。", items, "畜禽粪污综合利用率是多少？")
    assert out.extractive and not out.refused_no_figure and "80%以上" in out.text
    off = check("畜禽粪污综合利用率稳定在90%以上[1]。", items, "畜禽粪污综合利用率是多少？", segments=False)
    assert not off.extractive  # without the binding, the misplaced figure passes


def test_a_true_figure_about_another_indicator_is_not_the_answer(fake_service):
    from qa.answer.generators import FakeGenerator as Fake

    q = "重庆化肥使用总量计划减少多少？"
    fake_service.answerer.generator = Fake(reply="到2025年，畜禽粪污综合利用率稳定在80%以上[1]。")
    off_topic = fake_service.ask(q)
    assert off_topic.extractive and any("别的指标" in n for n in off_topic.notes)
    assert "畜禽粪污综合利用率稳定在80%以上[1]" not in off_topic.text
    fake_service.answerer.generator = Fake(reply="到2025年，重庆畜禽粪污综合利用率稳定在80%以上[1]。")
    on_topic = fake_service.ask("重庆到2025年畜禽粪污综合利用率要达到多少？")
    assert not on_topic.extractive and "80%以上" in on_topic.text
    policy = fake_service.answerer.settings
    fake_service.answerer.settings = policy.replace(ablate="figure_relevance")
    try:
        fake_service.answerer.generator = Fake(reply="到2025年，畜禽粪污综合利用率稳定在80%以上[1]。")
        assert not fake_service.ask(q).extractive  # without the check the other indicator's figure passes
    finally:
        fake_service.answerer.settings = policy


def test_a_claim_that_restates_the_question_first_is_judged_by_the_piece_with_its_figure():
    from qa.answer.citations import check_answer as check

    items = [_synthetic_item("到2025年，全省行政村农村生活污水有效治理比例达到75%，秸秆综合利用率稳定在90%以上，"
                             "三大粮食作物化肥利用率达到43%以上，畜禽粪污综合利用率达到80%以上。")]
    q = "畜禽粪污综合利用率和化肥利用率，2025年哪个更高？"
    kept = check("畜禽粪污综合利用率和化肥利用率，2025年畜禽粪污综合利用率达到80%以上[1]。", items, q)
    assert not kept.extractive and not kept.refused_no_figure
    wrong = check("畜禽粪污综合利用率和化肥利用率，2025年化肥利用率达到90%以上[1]。", items, q)
    assert wrong.extractive or wrong.refused_no_figure  # the piece with the figure names another indicator


def test_quotes_that_name_no_entity_of_the_asked_kind_are_a_refusal(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="由资阳公交集团运营，共35辆[1]。")  # 35辆: in no clause
    none = fake_service.ask("资阳的氢能公交车由哪家公司生产？")
    assert none.refused and none.refusal_reason == "not_mentioned" and "公司" in none.text
    fake_service.answerer.generator = FakeGenerator(reply="由某企业牵头，共35家[1]。")
    named = fake_service.ask("资阳支持哪家企业联合高校成立创新联合体？")
    assert not named.refused and named.extractive and "中车资阳机车有限公司" in named.text
    fake_service.answerer.generator = FakeGenerator(reply="计划2027年投产，共35台[1]。")  # neither is in a clause
    when = fake_service.ask("资阳的大功率氢燃料发动机哪一年研制完成？")
    assert when.refused and "时间" in when.text
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="entity_answer")
    fake_service.answerer.generator = FakeGenerator(reply="由资阳公交集团运营，共35辆[1]。")
    assert not fake_service.ask("资阳的氢能公交车由哪家公司生产？").refused


def test_a_department_does_not_answer_which_company(fake_service):
    """``entity_kind_answer``: "由哪家企业生产" answered with a department (the clause's parenthesis names only
    departments) names no company: the clause is quoted, and quotes that name none are a refusal."""
    from qa.answer.pipeline import _asks_organisation

    assert _asks_organisation("资阳的氢能公交车由哪家企业生产？")
    assert not _asks_organisation("资阳支持哪些行业的企业参与夜市照明改造？")  # the industry is asked
    assert not _asks_organisation("资阳的夜市照明改造由哪个机构牵头？")  # a department is a 机构
    fake_service.answerer.generator = FakeGenerator(reply="由市经济和信息化局负责生产[1]。")
    answer = fake_service.ask("资阳的氢能公交车由哪家企业生产？")
    assert answer.refused and answer.refusal_reason == "not_mentioned" and "企业" in answer.text
    fake_service.answerer.settings = fake_service.answerer.settings.replace(ablate="entity_kind_answer")
    assert not fake_service.ask("资阳的氢能公交车由哪家企业生产？").refused


def test_quotes_without_a_number_do_not_give_a_telephone_number(fake_service):
    """``phone_kind``: "发现夜市乱扯电线该打哪个号" asks for a telephone number: quotes with no number of five or more
    digits do not give one (they are refused as "no such number"); a hotline's number does."""
    from qa.answer.pipeline import _asked_entity

    assert _asked_entity("发现夜市乱扯电线该打哪个号？") == "电话"
    assert _asked_entity("路灯坏了打哪个电话？") == "电话"
    assert _asked_entity("发现夜市乱扯电线该打哪个号？", phone=False) == ""
    answerer = fake_service.answerer
    assert answerer._names_kind("电话", "发挥12345路灯报修热线作用，畅通群众监督渠道。", "路灯坏了打哪个电话？")
    assert not answerer._names_kind("电话", "畅通群众参与路灯监督渠道。", "路灯坏了打哪个电话？")


def _assert_refused_before_generation(service, question: str, reply: str, reason: str, *, shown: str, switch: str,
                                      gone_when_off: str) -> None:
    """``question`` is refused with ``reason`` (its message showing ``shown``) without calling the generator, which
    would have replied ``reply``; with the policy's ``switch`` off, the answer no longer shows ``gone_when_off``."""
    service.answerer.generator = FakeGenerator(reply=reply)
    answer = service.ask(question)
    assert answer.refused and answer.refusal_reason == reason and shown in answer.text
    assert service.answerer.generator.calls == []
    with switched_off(service.answerer.policy, switch):
        assert gone_when_off not in service.ask(question).text


def test_an_amount_of_money_no_document_states_is_refused_before_generation(fake_service):
    """``money_asked``: "每辆补多少钱" / "罚多少" / "What is the fine" asks an amount of money; where no document in
    scope states any ("N元", "N万元"), it is refused as no figure, without generation."""
    _assert_refused_before_generation(fake_service, "资阳的氢能公交车每辆补多少钱？", "每辆补贴2万元[1]。", "no_figure",
                                      shown="金额", switch="money_asked", gone_when_off="金额")


def test_a_who_question_without_a_topic_of_its_own_is_not_a_part(analyzer):
    for q in ("雅安方案对城市照明有什么要求，由哪些部门负责？",
              "雅安方案对城市照明有什么要求？这些由哪些部门负责？"):
        assert analyzer.analyse(q).parts == ()
    two = analyzer.analyse("雅安方案对城市照明有什么要求？重庆的充电设施由哪些部门负责？")
    assert len(two.parts) == 2  # the second names a topic of its own


def test_a_mention_question_the_model_cannot_answer_is_answered_from_the_whole_documents(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="根据检索到的条款，文件中未找到相关内容。")
    yes = fake_service.ask("资阳方案里有没有提到柠檬？")
    assert not yes.refused and yes.text.startswith("有，文件中提到了“柠檬”")
    assert yes.citations and all("柠檬" in c.quote for c in yes.citations)
    no = fake_service.ask("资阳方案里有没有提到微电网？")
    assert no.refused and no.refusal_reason == "not_mentioned"


def test_departments_of_another_clause_do_not_answer_who_leads_a_topic_whose_clause_names_none(fake_service):
    from qa.answer.pipeline import Answerer

    fake_service.answerer.generator = FakeGenerator(reply="市发展改革委、市经济信息委按职责分工负责[1]。")
    a = fake_service.answerer
    q = "重庆助力实现碳达峰的总体目标由哪个部门牵头？"
    hits, _ = a.retriever.search(q, k=10)
    items = build_evidence(q, hits[:3], a.retriever.unit, 120)
    goal = next((it for it in items if "助力实现碳达峰" in it.clause_text and not it.departments), None)
    other = next((it for it in items if it.departments), None)
    assert goal is not None and other is not None  # the goals clause (no departments) and one that names some
    from qa.types import Citation

    cite = Citation(1, other.doc_title, other.label, "", other.hit.chunk.chunk_id, other.hit.chunk.doc_id, 0, 0)
    assert Answerer._topic_names_no_body(a, q, [cite], items) is goal
    cite_goal = Citation(1, goal.doc_title, goal.label, "", goal.hit.chunk.chunk_id, goal.hit.chunk.doc_id, 0, 0)
    assert Answerer._topic_names_no_body(a, q, [cite_goal], items) is None


def test_a_premise_after_an_opener_and_at_another_level():
    from qa.answer.policy import other_level

    assert premise("既然某方案把节水工作纳入省级考核，省里什么时候来检查？") == "节水工作纳入省级考核"
    assert other_level("节水工作纳入省级考核", "将节水工作纳入市级考核")
    assert not other_level("节水工作纳入市级考核", "将节水工作纳入市级考核")
    assert not other_level("节水工作纳入考核", "将节水工作纳入市级考核")  # the premise names no level


def test_what_follows_a_request_in_the_preamble_is_the_question(analyzer):
    a = analyzer.analyse("我在资阳做环保这块，想问下方案里说的那个柠檬研究院，是做什么的？")
    assert "柠檬研究院" in a.text and "资阳" in a.text and a.premise == ""
    b = analyzer.analyse("我是市里管交通的，想核实一下：四川到2025年要推广多少辆新能源汽车？")
    assert b.text == "四川到2025年要推广多少辆新能源汽车？"


def test_a_premise_count_in_chinese_numerals_must_be_stated():
    from qa.answer.cues import PREMISE_COUNT

    assert PREMISE_COUNT.findall("园区每季度开展三次巡查") == ["三次"]
    assert PREMISE_COUNT.findall("“十四五”期间全省推进节能改造") == []


def test_a_document_number_is_one_fact_checked_whole():
    from qa.answer.citations import check_answer as check
    from qa.answer.citations import figures

    assert figures("川府发〔2022〕20号的通知要求到2025年下降14%") == ["2025年", "14%"]
    items = [_synthetic_item("川府发〔2022〕20号\n现将方案印发给你们，请结合实际认真组织实施。")]
    ok = check("川府发〔2022〕20号通知要求结合实际认真组织实施[1]。", items, "川府发〔2022〕20号通知要求什么？")
    assert not ok.extractive
    wrong = check("川府发〔2021〕19号通知要求结合实际认真组织实施[1]。", items, "这份通知要求什么？")
    assert wrong.extractive  # a number the clause does not have


def test_a_figure_asked_of_a_place_no_document_is_about_is_refused(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="到2025年推广新能源汽车80万辆[1]。")
    a = fake_service.ask("全省新能源汽车推广目标里，绵阳市要完成多少辆？")
    assert a.refused and a.refusal_reason == "out_of_corpus" and "绵阳市" in a.text
    assert not fake_service.ask("全省到2025年新能源汽车要推广多少辆？").refused  # the province's own figure
    settings = fake_service.answerer.settings.replace(ablate="place_figure")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert not fake_service.ask("全省新能源汽车推广目标里，绵阳市要完成多少辆？").refused


def test_a_premise_that_makes_binding_what_the_plan_encourages_is_false():
    from qa.answer.policy import weaker_modality

    plan = "鼓励有条件的园区开展集中供热改造，有序推进燃煤小锅炉淘汰。"
    assert weaker_modality("所有园区必须完成集中供热改造", plan)
    assert not weaker_modality("园区要开展集中供热改造", plan)  # asserts nothing binding
    assert not weaker_modality("全部淘汰燃煤小锅炉", "35蒸吨/小时以下燃煤锅炉全部淘汰。")  # the plan says it too


def test_the_policy_refuses_a_binding_premise_the_evidence_only_encourages(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="按方案执行[1]。")
    a = fake_service.ask("雅安方案规定污水处理厂必须全部采用高效低能耗设备，没换的怎么处罚？")
    assert a.refused and a.refusal_reason == "false_premise"
    settings = fake_service.answerer.settings.replace(ablate="premise_modality")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert fake_service.ask("雅安方案规定污水处理厂必须全部采用高效低能耗设备，没换的怎么处罚？").refusal_reason != "false_premise"


def test_a_premise_that_extends_a_requirement_with_also_must_name_its_subject(fake_service):
    """``premise_also``: "X也要Y" extends Y to X; a sentence that gives Y for another subject does not support it."""
    from qa.answer.policy import extended_subject

    assert extended_subject("2025年起夜市摊点也要全部换成节能路灯") == {"夜市", "市摊", "摊点"}
    assert extended_subject("夜市摊点全部换成节能路灯") == set()
    fake_service.answerer.generator = FakeGenerator(reply="由住房城乡建设厅负责[1]。")
    q = "四川省减污降碳方案说2025年起工业厂房也要全面执行绿色建筑标准，那验收归哪个部门管？"
    a = fake_service.ask(q)
    assert a.refused and a.refusal_reason == "false_premise" and "城镇新建建筑" in a.text
    with switched_off(fake_service.answerer.policy, "premise_also"):
        assert fake_service.ask(q).refusal_reason != "false_premise"


def test_a_premise_figure_is_bound_across_the_supporting_sentences():
    from qa.answer.citations import segment_binds

    claim = "2025年危险废物安全处置率达到95%以上"
    own = "到2025年，危险废物安全处置率稳定在85%以上。"
    other = "推进垃圾分类，力争生活垃圾无害化处置率达到95%以上。"
    assert segment_binds("95%以上", claim, other)  # alone, the other indicator's sentence seems to state it
    assert not segment_binds("95%以上", claim, "，".join([own, other]))  # its own indicator has another figure


def test_a_comparison_with_the_province_level_has_a_part_for_each_side(analyzer):
    versus = analyzer.analyse("资阳对餐饮油烟治理有什么要求？和重庆相比呢")
    assert [(p.label, p.text) for p in versus.parts] == [("资阳", "资阳对餐饮油烟治理有什么要求？"),
                                                         ("重庆", "重庆对餐饮油烟治理有什么要求？")]
    province = analyzer.analyse("关于公共机构节能，重庆的做法和省里有什么不同")
    assert [p.label for p in province.parts] == ["重庆", "省里"]
    assert analyzer.analyse("资阳对餐饮油烟治理有什么要求？").parts == ()


def test_a_premise_frequency_must_be_the_one_the_plan_gives():
    from qa.answer.policy import unstated_frequencies

    plan = ["重点用能单位能源审计实行年度报告、三年复核。"]
    assert unstated_frequencies("重点用能单位每个季度报告一次能源审计", plan) == ["季度"]
    assert unstated_frequencies("重点用能单位要年度报告能源审计", plan) == []
    # the plan gives none: a frequency the question adds is a requirement the plan does not make
    assert unstated_frequencies("每个季度报告一次", ["重点用能单位开展能源审计。"]) == ["季度"]
    assert unstated_frequencies("每个季度报告一次", ["重点用能单位开展能源审计。"], anywhere=False) == []


def test_yes_no_questions_with_an_action_verb_have_a_mention_term():
    assert mention_term("重庆方案提没提氢能重卡？") == "氢能重卡"
    assert mention_term("这份方案是否提出建设零碳园区？") == "零碳园区"
    assert mention_term("这份方案有没有提出发展CNG公交车？") == "CNG公交车"
    assert mention_term("方案是否要求对超标的锅炉实施改造？") == "对超标的锅炉实施改造"
    assert answer_type("雅安方案提没提光伏？") == "yesno"


def test_acronyms_are_one_word_read_as_the_plans_write_them():
    from qa.answer.support import acronyms_in_words, missing_acronyms

    assert acronyms_in_words("PM2.5监测站点") == "细颗粒物监测站点"
    assert acronyms_in_words("单位GDP能耗") == "单位生产总值能耗"
    docs = "推进挥发性有机物综合治理。加快船舶液化天然气加注站建设。"
    assert missing_acronyms("VOCs治理", docs) == []  # written in Chinese
    assert missing_acronyms("LNG加注", docs) == []
    assert missing_acronyms("XYZ监测网", docs) == ["XYZ"]  # an acronym the plan has in no spelling


def test_a_yes_no_question_about_an_absent_acronym_term_is_not_mentioned(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="有，方案提出推广新能源汽车[1]。")
    a = fake_service.ask("资阳方案是否支持CNG汽车？")  # 汽车 is there, CNG (压缩天然气) is not
    assert a.refused and a.refusal_reason == "not_mentioned"
    settings = fake_service.answerer.settings.replace(ablate="acronyms")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert fake_service.ask("资阳方案是否支持CNG汽车？").refusal_reason != "not_mentioned"


def test_a_figure_listed_with_respectively_belongs_to_the_item_in_its_place():
    from qa.answer.citations import respective_binds

    s = "到2025年，一号指标、二号指标、三号指标和四号指标累计削减量分别达到1.5万吨、2.6万吨、3.7万吨和4.8万吨。"
    assert respective_binds("2.6万吨", "二号指标累计削减量达到2.6万吨", s)
    assert respective_binds("4.8万吨", "四号指标累计削减量为4.8万吨", s)  # the item that carries the shared head
    assert not respective_binds("1.5万吨", "五号污染物累计削减量要达到1.5万吨", s)  # an item the list lacks
    assert not respective_binds("3.7万吨", "二号指标累计削减量3.7万吨", s)  # another item's figure
    assert respective_binds("9%", "某指标下降9%", "到2025年，某指标下降9%。")  # no listing: nothing to judge


def test_a_figure_the_question_says_a_plan_set_is_a_premise():
    assert premise("省里方案定的2030年清洁取暖率是95%，那农村要到多少？") == "2030年清洁取暖率是95%"
    assert premise("文件里写的那个指标是多少？") == ""


def test_a_question_that_ends_asking_of_a_place_no_document_is_about_is_refused(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="到2025年推广新能源汽车80万辆[1]。")
    a = fake_service.ask("四川到2025年新能源汽车推广80万辆，那绵阳的呢？")
    assert a.refused and a.refusal_reason == "out_of_corpus" and "绵阳" in a.text
    settings = fake_service.answerer.settings.replace(ablate="place_figure")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert not fake_service.ask("四川到2025年新能源汽车推广80万辆，那绵阳的呢？").refused


def test_a_demonstrative_count_word_does_not_ask_for_a_number():
    assert answer_type("资阳也是这几项措施吗") == "yesno"
    assert answer_type("要建几个站？") == "figure"


def test_a_comparison_that_also_asks_whether_the_sides_match_asks_each_side_its_figure(analyzer):
    parts = analyzer.analyse("雅安和四川的方案，植被指标是不是一样的？各是多少").parts
    assert [p.label for p in parts] == ["雅安", "四川"]
    assert all("植被指标" in p.text and "一样" not in p.text for p in parts)


def test_a_figure_of_a_respectively_listing_that_lists_nothing_asked_is_no_figure():
    from qa.answer.citations import asks_unlisted_item

    class _Item:  # the one field asks_unlisted_item reads
        all_sentences = [type("S", (), {"text": "到2025年，秸秆、农膜和农药包装废弃物回收率分别达到90%、85%和80%。"})()]

    assert asks_unlisted_item(["90%"], "畜禽粪污回收率要达到多少？", [_Item()])
    assert not asks_unlisted_item(["85%"], "农膜回收率要达到多少？", [_Item()])


def test_a_comparison_of_two_phrases_joined_by_gen_bi_has_a_part_for_each(analyzer):
    parts = analyzer.analyse("全省的清洁取暖率目标，跟雅安的清洁取暖率目标比，相差多少？").parts
    assert len(parts) == 2 and parts[1].label.startswith("雅安")
    assert not parts[0].text.startswith("，") and "比" not in parts[1].text


def test_a_deictic_follow_up_asking_who_is_one_question(analyzer):
    assert analyzer.analyse("重庆方案里公交车要换多少辆，这块由哪些部门在管？").parts == ()


def test_a_premise_that_names_the_wrong_lead_body_is_false():
    from qa.answer.policy import another_lead

    assert premise("农村污水治理是市水利局牵头的，那市住建局管什么？") == "农村污水治理是市水利局牵头的"
    clause = "推进农村生活污水治理。（市生态环境局牵头，市水利局、市住房城乡建设局配合）"
    assert another_lead("农村污水治理是市水利局牵头的", clause)  # 市水利局 only assists
    assert not another_lead("农村污水治理是市生态环境局牵头的", clause)
    assert another_lead("农村污水治理是市农业农村局牵头的", clause)  # not among the bodies the clause lists
    assert not another_lead("农村污水治理是市农业农村局牵头的", "推进农村生活污水治理。")  # the clause lists none


def test_a_second_question_that_names_nothing_of_its_own_is_not_a_part(analyzer):
    a = analyzer.analyse("资阳方案里沱江出现在哪几处，分别说的什么？")
    assert a.parts == () and a.answer_type == "explanation"  # a mention verb with 哪 asks where, not yes/no


def test_a_follow_up_that_points_back_inside_is_asked_of_the_new_region_as_one_question(analyzer):
    from qa.answer.rewrite import rewrite
    from qa.types import Turn

    history = [Turn("user", "四川方案里哪些园区要搞循环化改造？"), Turn("assistant", "…")]
    q = rewrite("资阳那份里也是这几类园区吗", history, ["四川", "资阳"])
    assert q.startswith("资阳方案里哪些园区要搞循环化改造")
    assert analyzer.analyse(q).parts == ()


def test_a_premise_that_makes_universal_what_the_plan_restricts_is_false():
    from qa.answer.policy import wider_scope

    claim = premise("成都已经全市禁止新建燃煤锅炉了，那在建的怎么办？")
    assert claim == "成都已经全市禁止新建燃煤锅炉了"
    assert wider_scope(claim, "禁止在城市建成区外新建燃煤锅炉。")
    assert wider_scope(claim, "禁止新建不符合能效标准的燃煤锅炉。")
    assert not wider_scope(claim, "全市禁止新建燃煤锅炉。")  # the plan says it too


def test_a_which_document_question_asking_a_figure_none_of_the_quotes_gives_is_refused(fake_service):
    a = fake_service.ask("哪份方案给出了地热供暖面积的具体目标？")
    assert a.refused and a.refusal_reason == "no_figure"
    assert not fake_service.ask("哪份方案提到了地热？").refused  # no figure asked: the quotes answer
    settings = fake_service.answerer.settings.replace(ablate="which_doc_figure")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert not fake_service.ask("哪份方案给出了地热供暖面积的具体目标？").refused


def test_a_which_document_figure_is_given_in_the_segment_that_names_what_is_asked(fake_service, analyzer):
    """``which_doc_segment``: "哪个方案给了X的具体数" is answered by a figure in X's own segment, not by a sentence that
    names X in one segment and gives another indicator's figure in the next."""
    policy = fake_service.answerer.policy
    texts = ["（三）推动甲市路灯节能改造，夜市摊位亮灯率达到80%以上。"]
    asked = analyzer.analyse("路灯节能改造率 哪个方案给了具体数")
    refusal = policy.which_doc_figure(asked, texts)
    assert refusal is not None and refusal.code == "no_figure"
    assert policy.which_doc_figure(analyzer.analyse("夜市摊位亮灯率 哪个方案给了具体数"), texts) is None
    with switched_off(policy, "which_doc_segment"):
        assert policy.which_doc_figure(asked, texts) is None


def test_a_breakdown_by_items_no_clause_names_is_no_figure(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="各占三分之一[1]。")
    a = fake_service.ask("全省新能源汽车那80万辆里，私家车、网约车、环卫车各占多少？")
    assert a.refused and a.refusal_reason == "no_figure" and a.raw_text == ""  # decided before generating
    # (asked_subject off too: the item asked of, "环卫车", is not named by the evidence either)
    settings = fake_service.answerer.settings.replace(ablate="listed_items,asked_subject")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert fake_service.ask("全省新能源汽车那80万辆里，私家车、网约车、环卫车各占多少？").raw_text != ""


def test_a_when_question_answered_with_a_year_its_clause_does_not_have_is_refused(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="最晚2025年完成[1]。")
    a = fake_service.ask("资阳的水泥、砖瓦等重点行业节能降碳改造要在哪一年前完成？")
    assert a.refused and a.refusal_reason == "not_mentioned" and "时间" in a.text
    from qa.answer.policy import unstated_year
    from qa.answer.support import content_bigrams

    items = _items(fake_service, "资阳水泥砖瓦节能降碳改造", {("资阳市减污降碳协同增效实施方案", "（七）")})
    wanted = content_bigrams("资阳的水泥、砖瓦等重点行业节能降碳改造要在哪一年前完成？", ["资阳"])
    assert unstated_year("2025年", wanted, [it.clause_text for it in items])
    assert not unstated_year("尽快", wanted, [it.clause_text for it in items])


def test_a_named_area_answers_a_where_question():
    from qa.answer.cues import PLACE_AREA

    assert PLACE_AREA.search("推动在川南经济区探索差异化路径").group(0).endswith("经济区")
    assert PLACE_AREA.search("在高速公路服务区建设换电站") is not None


def _translating_to(translation: str) -> FakeGenerator:
    """A generator that translates every English question to ``translation`` and finds nothing in the clauses."""
    def reply(messages):
        return translation if messages[0]["content"] in _TRANSLATING else "文件中未找到。"

    return FakeGenerator(reply=reply)


def test_a_statement_before_an_english_question_is_translated_as_a_statement(fake_service):
    """``statement_translation``: the model is told that a statement stays a statement and a gloss is the term, and
    is shown a statement followed by a question; switched off, it gets the plain question prompt."""
    on = prompts.build_translation_messages("It sets X. What is Y?", sentences=True)
    assert on[0]["content"] == prompts.TRANSLATE_SYSTEM_SENTENCES and "陈述句" in on[0]["content"]
    assert any("。" in m["content"].rstrip("？") and m["role"] == "assistant" for m in on)  # (a statement, then a question)
    off = prompts.build_translation_messages("It sets X. What is Y?")
    assert off[0]["content"] == prompts.TRANSLATE_SYSTEM and len(off) == len(on) - 2
    fake_service.answerer.generator = _translating_to("某市方案设定路灯亮灯率为60%。夜市照明的目标是多少？\n")
    fake_service.ask("The city's plan sets 60% for street lamps. What is the target for night markets?")
    assert fake_service.answerer.generator.calls[0][0]["content"] == prompts.TRANSLATE_SYSTEM_SENTENCES
    before = len(fake_service.answerer.generator.calls)
    with switched_off(fake_service.answerer, "statement_translation"):
        fake_service.ask("The city's plan sets 60% for street lamps. What is the target for night markets?")
    assert fake_service.answerer.generator.calls[before][0]["content"] == prompts.TRANSLATE_SYSTEM
    before = len(fake_service.answerer.generator.calls)  # one question with no statement or gloss: the plain prompt
    fake_service.ask("What is the target for night markets in No. 5 district?")
    assert fake_service.answerer.generator.calls[before][0]["content"] == prompts.TRANSLATE_SYSTEM
    before = len(fake_service.answerer.generator.calls)  # a gloss: the user's own Chinese is the term
    fake_service.ask("What is the target for night-market lighting (夜市照明率)?")
    assert fake_service.answerer.generator.calls[before][0]["content"] == prompts.TRANSLATE_SYSTEM_SENTENCES


def test_a_follow_up_that_names_the_same_region_and_another_year_asks_for_that_year():
    """``follow_year``: "那2030年甲市的要到多少" after a question about 甲市's 2025 target asks it for 2030 (the year
    is no Chinese word: without the switch the follow-up was read as asking nothing new)."""
    from qa.answer.rewrite import rewrite

    history = [Turn("user", "甲市方案里2025年夜市亮灯率要到多少？"), Turn("assistant", "到2025年，夜市亮灯率达到90%[1]。")]
    q = rewrite("那2030年甲市的要到多少", history, ["甲市"])
    assert "2030年" in q and "2025" not in q
    assert rewrite("那2030年甲市的要到多少", history, ["甲市"], year=False) == history[0].content


def test_a_statement_ending_in_a_full_stop_before_the_question_is_a_premise(analyzer):
    """``premise_sentence``: "某方案要求X。Y？" (as "The plan requires X. What …?" is translated) asserts X."""
    asked = "甲市方案要求夜市摊位全部更换节能灯具。更换补贴标准是多少？"
    assert analyzer.analyse(asked).premise == "夜市摊位全部更换节能灯具"
    assert QuestionAnalyzer(ALIASES, off={"premise_sentence"}).analyse(asked).premise == ""


def test_the_basis_of_an_action_is_not_the_basis_of_the_document(analyzer):
    """``action_basis``: "夜市摊位费依据啥定？" asks what the plan bases an action on (the body answers), not which
    document it is based on ("依据哪些上级文件制定的" still asks that)."""
    assert analyzer.analyse("甲市夜市摊位费依据啥定？").answer_type != "basis"
    assert analyzer.analyse("甲市夜市方案是依据哪些上级文件制定的？").answer_type == "basis"
    off = QuestionAnalyzer(ALIASES, off={"action_basis"})
    assert off.analyse("甲市夜市摊位费依据啥定？").answer_type == "basis"


def test_what_a_letter_is_said_to_have_written_on_it_is_asserted(analyzer):
    """``written_claim``: "通知里载明X，是哪天…" asserts X; "通知里载明了哪些单位？" asks it."""
    asked = "甲市夜市方案的通知里载明已经市议事会表决，是哪天表决的？"
    assert analyzer.analyse(asked).premise == "已经市议事会表决"
    assert analyzer.analyse("甲市夜市方案的通知里载明了哪些单位？").premise == ""
    assert QuestionAnalyzer(ALIASES, off={"written_claim"}).analyse(asked).premise == ""


def test_a_whole_sentence_about_a_plan_before_a_question_of_its_own_is_asserted(analyzer):
    """``told_sentence``: "某方案设置了X。Y由谁负责？" asserts X whatever its verb; "某方案点了一个X。是哪个？" asks about X."""
    asked = "甲市方案设置了三级夜市巡查体系。乡镇一级由哪个部门巡查？"
    assert analyzer.analyse(asked).premise == "设置了三级夜市巡查体系"
    assert analyzer.analyse("甲市方案点了一个夜市照明示范项目。是哪个？").premise == ""
    assert QuestionAnalyzer(ALIASES, off={"told_sentence"}).analyse(asked).premise == ""


def test_a_translation_that_lost_the_question_is_made_again_with_the_plain_prompt(fake_service):
    """Told to keep statements, the model may turn the question into one too: the plain prompt translates again."""
    def reply(messages):
        if messages[0]["content"] == prompts.TRANSLATE_SYSTEM_SENTENCES:
            return "某市方案要求夜市配管理员。没有配的将面临罚款。\n"
        if messages[0]["content"] == prompts.TRANSLATE_SYSTEM:
            return "某市方案要求夜市配管理员，没有配的罚款多少？\n"
        return "文件中未找到。"

    fake_service.answerer.generator = FakeGenerator(reply=reply)
    a = fake_service.ask("The city's plan requires night markets to hire a manager. What is the fine if one doesn't?")
    assert a.rewritten_question.endswith("罚款多少？")


def test_a_region_the_english_question_names_in_chinese_survives_translation(fake_service):
    fake_service.answerer.generator = _translating_to("绵阳方案对小锅炉怎么说？\n")  # the model swapped the city
    a = fake_service.ask("What does Ziyang's plan say about coal-fired small boilers?")
    assert a.rewritten_question.startswith("资阳") and "绵阳" not in a.rewritten_question


def test_sides_described_one_after_the_other_are_parts(analyzer):
    a = analyzer.analyse("一个是雅安的单位产值能耗，一个是重庆的单位产值水耗，各降多少 哪个降得多")
    assert [p.text for p in a.parts] == ["雅安的单位产值能耗降多少？", "重庆的单位产值水耗降多少？"]
    a = analyzer.analyse("省方案里，一项讲垃圾焚烧，一项讲污泥处置，提法一样吗？")
    assert [p.label for p in a.parts] == ["垃圾焚烧", "污泥处置"]
    assert all(p.text.startswith("省方案里") for p in a.parts)  # the context that names a document is kept
    off = QuestionAnalyzer(ALIASES, off={"described_parts", "side_parts"})
    assert off.analyse("一个是雅安的单位产值能耗，一个是重庆的单位产值水耗，各降多少 哪个降得多").parts == ()


def test_a_which_document_question_about_the_question_before_it_is_not_a_part(analyzer):
    a = analyzer.analyse("光伏装机要提高多少，哪份文件给了数？")
    assert a.parts == () and a.answer_type == "which_doc"
    assert len(analyzer.analyse("光伏装机要提高多少？哪份文件写了风电场的选址？").parts) == 2


def test_a_question_whether_the_plan_says_anything_about_x_has_a_mention_term():
    assert mention_term("雅安的文件对印染企业有没有什么规定？") == "印染企业"
    assert mention_term("这份方案里有没有安排地下水监测？") == "地下水监测"
    assert answer_type("这份文件对印染企业有没有什么规定？") == "yesno"


def test_a_figure_asked_of_an_item_the_evidence_does_not_name_is_no_figure(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="占一半[1]。")
    a = fake_service.ask("全省那80万辆新能源汽车里 皮卡车要占多少？")
    assert a.refused and a.refusal_reason == "no_figure" and a.raw_text == ""  # decided before generating
    from qa.answer.policy import asked_subject

    assert asked_subject("那5000个停车位里，新能源车位占多少") == "新能源车位占"
    assert asked_subject("雨水收集：这份文件有数量要求没？多少") == ""  # nothing of its own before 多少
    assert asked_subject("到2025年全省新能源汽车要达到多少辆？") == ""  # one segment: the whole question
    settings = fake_service.answerer.settings.replace(ablate="asked_subject")
    fake_service.answerer.settings = fake_service.answerer.policy.settings = settings
    assert fake_service.ask("全省那80万辆新能源汽车里 皮卡车要占多少？").raw_text != ""


def test_what_is_asked_of_a_name_no_document_has_is_out_of_corpus(fake_service):
    fake_service.answerer.generator = FakeGenerator(reply="负责技术研发[1]。")
    a = fake_service.ask("资阳方案里说氢能机车是和厦大合作的，厦大具体负责哪块？")
    assert a.refused and a.refusal_reason == "out_of_corpus" and "厦大" in a.text


def test_a_follow_up_about_the_province_is_asked_of_the_province():
    from qa.answer.rewrite import rewrite

    names = ["四川省", "四川", "川", "雅安市", "雅安"]
    history = [Turn("user", "雅安方案对农村户用沼气有什么要求"), Turn("assistant", "…")]
    assert rewrite("省里那份呢", history, names).startswith("四川省方案")
    history = [Turn("user", "四川方案对农村户用沼气有什么要求"), Turn("assistant", "…")]
    assert "雅安" not in rewrite("省里那份呢", history, names)


def test_a_follow_up_about_another_region_after_the_province_word_replaces_it():
    from qa.answer.rewrite import rewrite

    names = ["雅安市", "雅安", "四川省", "四川"]
    history = [Turn("user", "省里的方案对餐饮油烟有哪些要求"), Turn("assistant", "…")]
    assert rewrite("那雅安呢", history, names).startswith("雅安的方案")


def test_a_term_is_not_mentioned_where_only_its_common_words_are(fake_service):
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport
    from qa.types import Scope

    own = ["推进垃圾收运体系建设工作。"] + [f"第{n}项其他任务按计划推进。" for n in range(10)]
    other = ["推进危废收运体系建设工作。"] + [f"第{n}条另一份文件的内容。" for n in range(10)]
    texts = {"a": own, "b": other}

    def policy(ablate: str) -> RefusalPolicy:
        settings = fake_service.answerer.settings.replace(ablate=ablate)
        return RefusalPolicy(settings, lambda: FigureSupport(own + other), lambda: [],
                             lambda ids: [t for d in ids for t in texts[d]])

    scope = Scope(doc_ids=("a",), regions=(), out_of_scope=(), explicit=True)
    # 7 of the term's 9 word pairs are in the plan: enough by count, but the two it lacks are the ones
    # that tell this term apart (another plan has them)
    assert policy("").not_mentioned("危废收运体系建设工作", scope).code == "not_mentioned"
    assert policy("mention_weight").not_mentioned("危废收运体系建设工作", scope) is None
    assert policy("").not_mentioned("垃圾收运体系建设", scope) is None


def test_a_follow_up_pointing_at_the_clause_is_answered_from_the_clause_the_last_answer_cited(fake_service):
    cited = "《雅安市减污降碳协同增效行动方案》（十一）"
    history = [Turn("user", "雅安在生态建设上要做哪些事？"), Turn("assistant", f"……[1]\n（依据：{cited}）")]
    a = fake_service.answerer.analyse("该条由哪几个单位牵头？", history)
    assert a.followed_clause == (YAAN, "（十一）") and a.parts == ()
    answer = fake_service.ask("该条由哪几个单位牵头？", history=history)
    assert (answer.hits[0].chunk.doc_title, answer.hits[0].chunk.label) == (YAAN, "（十一）")
    assert answer.citations and {(c.doc_title, c.clause) for c in answer.citations} == {(YAAN, "（十一）")}
    off = fake_service.answerer.settings.replace(ablate="follow_clause")
    from qa.service import build_service

    assert build_service(off).answerer.analyse("该条由哪几个单位牵头？", history).followed_clause == ()
    # no pointing word, or no clause cited: an ordinary follow-up
    assert fake_service.answerer.analyse("那资阳呢？", history).followed_clause == ()
    bare = [Turn("user", "雅安在生态建设上要做哪些事？"), Turn("assistant", "……")]
    assert fake_service.answerer.analyse("该条由哪几个单位牵头？", bare).followed_clause == ()


def test_the_conversation_keeps_the_clauses_an_answer_cites():
    from qa.answer.rewrite import turn_text
    from qa.types import Answer, Citation

    c = Citation(1, SICHUAN, "（九）", "…", "x", "d", 0, 1)
    assert turn_text(Answer(question="q", text="要推广绿色建材[1]。", citations=(c,))).endswith(f"《{SICHUAN}》（九））")
    quoted = f"《{SICHUAN}》（九）：推广绿色建材。[1]"
    assert turn_text(Answer(question="q", text=quoted, citations=(c,))) == quoted  # named already


def test_whether_a_plan_talks_about_x_stops_x_at_the_question_about_it():
    assert mention_term("省里的方案有没有讲废旧轮胎怎么回收？") == "废旧轮胎"
    assert mention_term("方案是否说了餐厨垃圾如何处理") == "餐厨垃圾"


def test_either_of_two_alternatives_mentioned_is_a_mention(fake_service):
    from qa.types import Scope

    policy = fake_service.answerer.policy
    scope = Scope(doc_ids=(), regions=(), out_of_scope=(), explicit=False)
    assert policy.not_mentioned("光伏还是量子计算机", scope) is None  # 光伏 is in the plans
    assert policy.not_mentioned("量子计算机还是核聚变装置", scope).code == "not_mentioned"
    off = fake_service.answerer.settings.replace(ablate="mention_alternatives")
    from qa.service import build_service

    assert build_service(off).answerer.policy.not_mentioned("光伏还是量子计算机", scope) is not None


def test_a_premise_at_another_benchmark_level_or_dated_by_a_later_sentence_is_false():
    from qa.answer.policy import other_level, sentence_years

    said = "推动一批重点企业达到国内先进水平。"
    assert other_level("推动重点企业达到国际领先水平", said)
    assert not other_level("推动重点企业达到国际领先水平", said, benchmark=False)
    assert not other_level("推动重点企业达到国内先进水平", said)
    clause = "推动某新区打造低碳示范区。到2025年，某类新建建筑占比达到30%。"
    assert sentence_years("推动某新区打造低碳示范区。", clause) == set()  # the year is in a later sentence
    assert sentence_years("某类新建建筑占比达到30%。", clause) == {"2025"}
    listed = "到2030年，完成以下任务。推广节水器具。"
    assert sentence_years("推广节水器具。", listed) == {"2030"}  # the year before governs it


def test_a_statement_put_as_a_tag_question_is_a_premise():
    assert premise("污水处理那条是市水务局牵头的吧？要找哪个处室？") == "污水处理那条是市水务局牵头的"


def test_sheng_before_a_plan_name_is_the_province():
    from qa.answer.cues import PROVINCE_PLAN

    assert PROVINCE_PLAN.search("省减污降碳方案里有哪些试点")
    assert PROVINCE_PLAN.search("和省“十四五”节能减排方案比")
    assert not PROVINCE_PLAN.search("四川省减污降碳方案里有哪些试点")
    assert not PROVINCE_PLAN.search("节省能源的方案有哪些")


def test_the_sentence_that_answers_is_shown_even_when_longer_than_the_budget():
    from qa.answer.evidence import Sentence, select_sentences

    texts = ["推动运输转型。", "到2025年，淘汰老旧车辆。", "引导中长距离大宗散货及集装箱转向铁路和水路运输，"
             "推进港口集疏运铁路、物流园区专用线建设，提高大宗货物铁路水路运输比重。", "推广新能源车辆。"]
    sentences, pos = [], 0
    for t in texts:
        sentences.append(Sentence(t, pos, pos + len(t)))
        pos += len(t)
    question = "大宗散货运输结构怎么调整？"
    kept = [s.text for s in select_sentences(question, sentences, "推动运输转型", 40)]
    assert texts[2] in kept
    assert texts[2] not in [s.text for s in select_sentences(question, sentences, "推动运输转型", 40, keep_best=False)]


def test_two_named_sides_asked_of_each_in_loose_words_are_parts(analyzer):
    a = analyzer.analyse("垃圾分类这块 雅安方案和资阳方案各咋写的 都有目标吗")
    assert [p.label for p in a.parts] == ["雅安方案", "资阳方案"]
    assert a.parts[0].text == "垃圾分类这块 雅安方案怎么写的 有目标吗"
    assert "雅安" not in a.parts[1].text and "各" not in a.parts[1].text
    which = analyzer.analyse("光伏 四川方案与重庆方案谁定了装机数？具体怎么写")
    assert [p.text for p in which.parts][1] == "光伏 重庆方案是否定了装机数？具体怎么写"
    off = QuestionAnalyzer(ALIASES, off={"side_parts"}).analyse("垃圾分类这块 雅安方案和资阳方案各咋写的 都有目标吗")
    assert off.parts == ()


def test_filler_after_the_mentioned_term_is_not_part_of_it():
    assert mention_term("重庆方案里提没提湿地保护这块？") == "湿地保护"


def test_a_quoted_term_no_document_has_is_not_in_any_document(fake_service):
    a = fake_service.ask("“量子计算机”是哪份方案提出的？")
    assert a.refused and a.refusal_reason == "not_mentioned"
    off = fake_service.answerer.settings.replace(ablate="which_doc_absent")
    from qa.service import build_service

    assert not build_service(off).ask("“量子计算机”是哪份方案提出的？").refused


def test_an_abbreviation_before_dao_and_a_year_is_the_region(analyzer):
    assert analyzer.analyse("渝到2025年公交车要换多少辆").regions == ("重庆市",)


def test_who_is_read_in_the_sentence_that_asks():
    from qa.answer.evidence import asks_who

    # a premise may name who leads; the sentence that asks asks for something else
    assert not asks_who("这项试点不是说由区里牵头吗？第一批名单有哪些？")
    assert asks_who("这项试点不是说由区里牵头吗？那实际是谁牵头？")
    assert asks_who("对该项工作负责的部门是哪些？")
    assert not asks_who("对完不成任务的单位会怎么处理？")  # the body is the object of 对
    # a choice of how to act is not a who-question; a choice between bodies is
    assert not asks_who("这件事是自己组织开展，还是配合上级开展？")
    assert asks_who("这个通知是市政府单独印发的还是几个部门联合印发的？")


def test_whether_x_is_included_or_has_a_rule_names_x():
    assert mention_term("重点行业名单里有没有把陶瓷算进去？") == "陶瓷"
    assert mention_term("方案对超标企业有没有限期整改的规定？") == "限期整改"
    assert mention_term("方案有没有什么具体的规定？") != "什么具体"


def test_an_abbreviation_before_a_conjunction_and_another_region_is_the_region(analyzer):
    a = analyzer.analyse("渝和雅安两个方案对光伏的说法一样吗")
    assert set(a.regions) == {"重庆市", "雅安市"}


def test_sides_share_the_topic_before_them_and_a_later_question_goes_to_the_side_it_names(analyzer):
    a = analyzer.analyse("光伏这块 重庆方案和雅安方案分别提了哪些要求？雅安有装机目标吗")
    assert [p.text for p in a.parts] == ["光伏这块 重庆方案提了哪些要求？", "光伏这块 雅安方案提了哪些要求？雅安有装机目标吗"]


def test_a_figure_in_another_unit_than_the_one_asked_is_not_the_answer():
    from qa.answer.citations import asked_unit, other_unit, unit_fit

    assert asked_unit("用水总量上限是多少亿立方米") == "立方米" and asked_unit("占比是百分之几") == "%"
    assert asked_unit("差几个点") == "%" and asked_unit("要降多少") == ""
    assert other_unit("用水总量上限是多少亿立方米", "用水效率提高到65%[1]。")
    assert not other_unit("要新增多少公里管网", "新增1.3万公里[1]。")  # magnitude is not the unit
    assert not other_unit("占比要到百分之几", "消费量达到135万吨标准煤，煤炭下降5%。")
    assert unit_fit("要降多少", "下降5%") is None  # no unit asked: no check


def _replying(fake_service, reply: str, ablate: str = ""):
    """The fake service, or one with the mechanisms ``ablate`` names switched off, whose model replies ``reply``."""
    from qa.service import build_service

    service = build_service(fake_service.answerer.settings.replace(ablate=ablate)) if ablate else fake_service
    service.answerer.generator = FakeGenerator(reply=reply)
    return service


def test_a_figure_in_another_unit_is_refused_when_no_evidence_sentence_gives_one(fake_service):
    question = "雅安的非化石能源到2025年要用到多少万吨标准煤？"
    reply = "到2025年，非化石能源消费比重达到58%左右[1]。"
    a = _replying(fake_service, reply).ask(question)
    assert a.refused or "58%" not in a.text
    b = _replying(fake_service, reply, ablate="unit_binding,figure_relevance").ask(question)
    assert not b.refused and "58%" in b.text


def test_a_premise_that_has_someone_lead_where_the_plan_has_them_assist_is_false():
    from qa.answer.policy import assists_only

    said = "配合省级开展清洁生产审核创新试点。"
    assert assists_only("市里牵头开展清洁生产审核创新试点", said)
    assert assists_only("由各县自行开展清洁生产审核创新试点", said)
    assert not assists_only("配合省里开展清洁生产审核创新试点", said)
    assert not assists_only("市里牵头开展清洁生产审核创新试点", "由市经济和信息化局牵头开展试点。")


def test_a_yes_no_answer_that_cites_a_clause_not_writing_x_is_replaced_by_the_sentences_that_do(fake_service):
    question = "雅安方案是否提到了制氢？"
    reply = "有，雅安方案提到了[2]。"
    a = _replying(fake_service, reply).ask(question)
    assert not a.refused and a.citations and all("制氢" in c.quote for c in a.citations)
    off = _replying(fake_service, reply, ablate="mention_cited").ask(question)
    assert not any("制氢" in c.quote for c in off.citations)


def test_abbreviation_after_bi_quoted_names_described_plans_and_mention_forms(analyzer):
    # an abbreviation after 比 is the region
    assert "四川省" in analyzer.analyse("雅安的光伏目标比川十四五方案里的高吗").regions
    # a region inside a quoted name is not a region the question is about
    assert analyzer.analyse("资阳的方案是否提出了“美丽四川”建设？").regions == ("资阳市",)
    # "一份给了A 一份给了B": each described side on its own, the count of plans dropped
    a = analyzer.analyse("雅安的两份方案 一份给了光伏装机目标 一份给了水电装机目标 分别是多少")
    assert [p.label for p in a.parts] == ["光伏装机目标", "水电装机目标"]
    assert all("两份" not in p.text for p in a.parts)
    # "定个数" asks for a figure; "有没有包括X" and "X 有提没" name X
    assert analyzer.analyse("资阳方案给没给光伏装机定个数").answer_type == "figure"
    assert mention_term("重点区域有没有包括攀西地区？") == "攀西地区"
    m = analyzer.analyse("资阳方案里 屋顶光伏 有提没")
    assert m.answer_type == "yesno" and m.mention_term == "屋顶光伏"


def test_a_comparison_whose_other_side_has_its_own_subject_asks_each_its_own(analyzer):
    a = analyzer.analyse("雅安的光伏装机目标 比重庆的风电装机目标 高多少")
    assert [p.text for p in a.parts] == ["雅安的光伏装机目标是多少？", "重庆的风电装机目标是多少？"]
    b = analyzer.analyse("想对比一下节能减排方案里两个比例：公交车新能源占比和出租车新能源占比，各多少？")
    assert [p.label for p in b.parts] == ["公交车新能源占比", "出租车新能源占比"]
    assert all("对比" not in p.text and "各" not in p.text for p in b.parts)


def test_a_term_written_with_its_acronym_or_a_gloss_is_either_one():
    assert mention_term("资阳方案 ETS 碳排放权交易 有提没") == "ETS或者碳排放权交易"
    assert mention_term("方案有没有提到光伏治沙（光伏治沙）？") == "光伏治沙"
    assert mention_term("有没有提到CCUS技术？") == "CCUS技术"


def test_the_year_asked_is_the_last_one_named_and_not_a_base_year():
    from qa.answer.policy import asked_subject, asked_year

    assert asked_year("某市2025年目标是40%，那到2030年要达到多少？") == "2030"
    assert asked_year("某市2025年单位能耗比2020年下降多少") == "2025"
    assert asked_year("每年要降多少") == ""
    # a last segment of only how a figure changes names no item of its own
    assert asked_subject("某方案 单位能耗 累计降多少") == ""
    assert asked_subject("那5000个停车位里，新能源车位占多少") != ""


def test_a_yearly_figure_answered_with_a_total_for_another_time_is_refused(fake_service):
    question = "雅安非化石能源消费比重平均每年要提高多少？"
    reply = "到2025年，非化石能源消费比重达到58%左右[1]。"
    a = _replying(fake_service, reply).ask(question)
    assert a.refused and a.refusal_reason == "no_figure" and "58%" in a.text  # quoted as what the plan gives
    assert not _replying(fake_service, reply, ablate="asked_year").ask(question).refused


def test_years_offered_as_alternatives_need_only_one_covered(fake_service):
    policy = fake_service.answerer.policy
    a = fake_service.answerer.analyse("雅安非化石能源消费比重58%左右是2025年的目标还是2035年的？")
    hits, scope = fake_service.answerer.retriever.search(a.text, k=3)
    texts = [fake_service.answerer._unit_text(h) for h in hits]
    refusal = policy.before_generation(a, scope, hits, texts)
    assert refusal is None or refusal.code != "year_not_covered"
    b = fake_service.answerer.analyse("雅安的森林覆盖率2035年定了多少？")
    hits, scope = fake_service.answerer.retriever.search(b.text, k=3)
    texts = [fake_service.answerer._unit_text(h) for h in hits]
    assert policy.before_generation(b, scope, hits, texts).code == "year_not_covered"


def test_a_term_written_as_two_words_close_together_is_written():
    from qa.answer.support import writes_apart

    assert writes_apart("污泥焚烧", "推进城镇污泥集中焚烧处置。")
    assert not writes_apart("污泥焚烧", "推进城镇污泥资源化利用。垃圾焚烧设施建设")  # (another sentence)
    assert not writes_apart("污泥焚烧", "污泥处置要加快推进，并且鼓励各地有序建设一批生活垃圾焚烧设施")  # too far
    assert not writes_apart("焚烧污泥", "推进城镇污泥集中焚烧处置。")  # (in order)


def test_a_casual_mention_question_names_what_it_asks_about():
    assert mention_term("某方案有没有点名玻璃行业要做超低排放改造？") == "玻璃"
    assert mention_term("方案里有没有推共享储能这种模式？") == "共享储能"


def test_the_two_words_of_a_term_close_together_count_as_a_mention(fake_service):
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport
    from qa.types import Scope

    own = ["加快秸秆和畜禽粪污还田利用。", "推进光伏建设。"]

    def policy(ablate: str) -> RefusalPolicy:
        settings = fake_service.answerer.settings.replace(ablate=ablate)
        return RefusalPolicy(settings, lambda: FigureSupport(own + ["秸秆还田率达到90%。"]), lambda: [],
                             lambda ids: own)

    scope = Scope(doc_ids=("a",), regions=(), out_of_scope=(), explicit=True)
    assert policy("").not_mentioned("秸秆还田", scope) is None
    assert policy("mention_apart").not_mentioned("秸秆还田", scope).code == "not_mentioned"


def test_a_tail_asking_only_where_or_comparing_is_no_part_of_its_own(fake_service):
    analyse = fake_service.answerer.analyse
    assert analyse("雅安方案是否提到光伏治沙？在哪一条？").parts == ()
    parts = analyse("雅安和资阳的森林覆盖率分别是多少？哪个更高？").parts
    assert [p.label for p in parts] == ["雅安", "资阳"] and not any("高" in p.text for p in parts)
    assert analyse("省里的X是40%，雅安方案定的X是多少？哪个更高？").parts == ()
    from qa.service import build_service

    off = build_service(fake_service.answerer.settings.replace(ablate="part_tails")).answerer.analyse
    assert len(off("雅安方案是否提到光伏治沙？在哪一条？").parts) == 2


def test_a_premise_that_has_the_plan_forbid_what_it_does_not_forbid_is_false():
    from qa.answer.policy import unstated_ban

    said = "建立重点项目审批清单，助推清洁能源产业发展。"
    assert unstated_ban("清单外的项目一律不批", said)
    assert unstated_ban("不在清单上的项目不得开工", said)
    assert not unstated_ban("清单外的项目一律不批", "清单外的项目不予审批。")
    assert not unstated_ban("清单上的项目优先审批", said)


def test_a_follow_up_naming_the_other_plan_asks_the_previous_question_of_it():
    from qa.answer.rewrite import rewrite

    names = ["雅安市", "雅安", "四川省", "四川"]
    history = [Turn("user", "省“十四五”方案 2030年X比例要达到多少"), Turn("assistant", "…")]
    assert rewrite("那雅安这边呢，给的是几", history, names) == "雅安“十四五”方案 2030年X比例要达到多少"


def test_quoted_figures_about_other_indicators_do_not_answer_a_how_much_question(fake_service):
    answerer = fake_service.answerer
    quotes = (f"{prompts.EXTRACTIVE_PREFIX}《某市方案》（一）：加强农村公路养护，逐年增加农村公路养护里程。[1]\n"
              "《某市方案》（一）：到2025年，城市公交站点覆盖率达到95%以上。[1]")
    # the sentence about what is asked states no figure; the figure quoted measures something else
    about = answerer._unquantified_subject("某市农村公路养护里程打算增加多少公里？", quotes)
    assert about == "加强农村公路养护，逐年增加农村公路养护里程。"
    # asked about the indicator the figure measures: the quotes answer
    assert answerer._unquantified_subject("某市城市公交站点覆盖率定了多少？", quotes) == ""
    # no quoted sentence states a figure: nothing to weigh
    assert answerer._unquantified_subject("农村公路养护里程要增加多少？", quotes.split("\n")[0]) == ""


def test_a_follow_up_glued_to_the_previous_question_is_not_split_back(fake_service):
    # "…？" then "X用什么办法？": made standalone as "<previous question>，X用什么办法？"; the previous question
    # was answered already: it is the context of this one, asked as one question, and no part of its own
    history = [Turn("user", "重庆方案在工业上要发展哪些产业？"), Turn("assistant", "某答案[1]。")]
    a = fake_service.answerer.analyse("林业用什么办法？", history)
    assert a.parts == () and a.text == "重庆方案在工业上要发展哪些产业，林业用什么办法？"
    # two new parts stay two parts
    two = fake_service.answerer.analyse("林业用什么办法，牧业用什么办法？", history)
    assert len(two.parts) == 2 and all("工业" not in p.text for p in two.parts)
    off = replace(fake_service.answerer.settings, ablate="follow_parts")
    fake_service.answerer.settings = off
    b = fake_service.answerer.analyse("林业用什么办法？", history)
    assert [p.text for p in b.parts] == ["重庆方案在工业上要发展哪些产业？", "重庆方案林业用什么办法？"]


def test_the_year_an_english_question_asks_for_survives_translation(fake_service):
    fake_service.answerer.generator = _translating_to("资阳方案对某项指标的下降目标是多少？\n")  # the year dropped
    a = fake_service.ask("Ziyang: what reduction target does the plan set for some indicator in 2030?")
    assert a.rewritten_question.startswith("2030年，资阳")
    # a year the figure is measured against is not the year asked for
    b = fake_service.ask("Ziyang: how much should some indicator fall compared with 2020?")
    assert "2020" not in b.rewritten_question


def test_a_rate_is_named_by_its_own_words_and_rate_word():
    from qa.answer.citations import asked_rates, names_rate

    assert asked_rates("某市到2025年城市道路照明节能率要达到多少？", ["某市"]) == [("城市道路照明节能", "率")]
    assert asked_rates("某市光伏发电的占比是多少") == [("某市光伏发电", "占比")]
    core, kind = asked_rates("城市道路照明节能率要达到多少")[0]
    assert names_rate(core, kind, "到2025年城市道路照明节能率达到60%")
    # a neighbouring rate of the same subject: another character before 率
    assert not names_rate(core, kind, "到2025年城市道路照明覆盖率达到60%")
    core, kind = asked_rates("某市光伏发电占比要到多少", ["某市"])[0]
    assert names_rate(core, kind, "光伏发电消费比重达到20%")  # a share named by another share word
    assert names_rate(core, kind, "光伏发电量达到用电量的20%")  # a percentage of a whole is a share
    assert not names_rate(core, kind, "光伏发电装机容量达到20万千瓦")  # an amount, not a share
    assert not names_rate(core, kind, "风电消费比重达到20%")  # another subject's share


def test_figures_whose_segments_name_another_rate_do_not_answer_a_rate_question(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    quotes = SimpleNamespace(extractive=True, citations=(), text=(
        f"{prompts.EXTRACTIVE_PREFIX}《某市方案》（一）：推进城市道路照明改造，提高节能水平。[1]\n"
        "《某市方案》（一）：到2025年，城市道路照明覆盖率达到95%以上。[1]"))
    assert answerer._rate_unnamed("某市城市道路照明节能率要达到多少？", quotes, [])
    assert not answerer._rate_unnamed("某市城市道路照明覆盖率要达到多少？", quotes, [])
    assert not answerer._rate_unnamed("某市道路照明要改造多少公里？", quotes, [])  # no rate asked: no check


def test_members_the_plan_leaves_unnamed_are_not_named_by_an_answer(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    unnamed = [SimpleNamespace(clause_text="加强城市照明管理。推进一批条件成熟、示范性强的智慧路灯项目建设。")]
    named = [SimpleNamespace(clause_text="推进东城智慧路灯项目、西城智慧路灯项目等一批项目建设。")]
    kind, sentence = answerer._unnamed_members("某市智慧路灯项目是哪几个？", unnamed)
    assert kind == "项目" and sentence == "推进一批条件成熟、示范性强的智慧路灯项目建设。"
    assert answerer._unnamed_members("某市智慧路灯项目是哪几个？", named) == ("", "")  # listed before 等
    assert answerer._unnamed_members("智慧路灯项目有哪些措施？", unnamed) == ("", "")  # asks measures, not names
    kind, _ = answerer._unnamed_members("哪些企业被列为标杆？", [SimpleNamespace(clause_text="支持具备条件的企业打造标杆。")])
    assert kind == "企业"


def test_an_unnamed_set_that_lists_kinds_answers_which_kinds(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    kinds = [SimpleNamespace(clause_text="建设一批路灯检测中心和夜市照明研究中心。")]
    assert answerer._unnamed_members("还要建设哪些中心？", kinds) == ("", "")  # the kinds it lists answer
    kind, _ = answerer._unnamed_members("说要建一批路灯检测中心，是哪些中心？", kinds)  # one kind's members: none named
    assert kind == "中心"
    with switched_off(answerer, "listed_kinds"):
        assert answerer._unnamed_members("还要建设哪些中心？", kinds)[0] == "中心"


def test_the_previous_question_put_to_another_region_is_no_part_of_its_own(fake_service):
    # "A方案…X列了哪几条" then "那B呢 列了哪几条X": made standalone as "B方案…X列了哪几条，B呢 列了哪几条X？";
    # the first piece is the previous question put to B, the second the follow-up: one question, not two
    history = [Turn("user", "重庆方案 智慧路灯示范街区 列了哪几条"), Turn("assistant", "某答案[1]。")]
    a = fake_service.answerer.analyse("那雅安呢 列了哪几条街区", history)
    assert a.parts == () and "雅安" in a.text and "重庆" not in a.text
    fake_service.answerer.settings = replace(fake_service.answerer.settings, ablate="follow_region")
    b = fake_service.answerer.analyse("那雅安呢 列了哪几条街区", history)
    assert len(b.parts) == 2


def test_which_of_a_kind_no_document_in_scope_writes_is_not_mentioned(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    items = [SimpleNamespace(clause_text="推进农村生活污水治理。")]
    _, scope = answerer.retriever.search("资阳方案里农村污水")
    absent = answerer._members_absent("资阳方案 量子计算平台 要建哪个？", items, scope)
    assert absent is not None and absent.code == "not_mentioned" and "量子计算平台" in absent.message
    # a bare kind is no name: every plan writes 项目 somewhere
    assert answerer._members_absent("资阳方案要上哪些项目？", items, scope) is None
    # the evidence has the kind: the unnamed-members check decides instead
    assert answerer._members_absent("资阳方案 污水处理厂 要建哪几个？",
                                    [SimpleNamespace(clause_text="新建污水处理厂。")], scope) is None


def test_copies_are_not_recipients_and_an_abridged_note_does_not_say_what_was_left_out(fake_service):
    from qa.answer.cards import build_card

    assert answer_type("这个函抄送给了谁") == "cc" and answer_type("这个函主送给了谁") == "recipients"
    from qa.types import IndexedDocument, IndexedUnit

    cover = IndexedUnit("函", "某市某局\n某字〔2024〕1号\n各区县：\n现印发给你们。\n抄送：市委办公厅。\n2024年1月2日", kind="cover")
    card = build_card(IndexedDocument("d", "某市方案", "", (cover,)), head="")
    assert card.cc.value == "市委办公厅" and card.recipients.value == "各区县"
    # no 抄送 line in the corpus's cover letters: not stated, rather than the recipients given as copies
    a = fake_service.ask("重庆市的印发函有没有抄送，抄送给谁？")
    assert a.refused and a.refusal_reason == "not_mentioned" and "抄送" in a.text
    b = fake_service.ask("四川节能减排工作方案印发时删去了什么内容？")
    assert b.refused and "删减" in b.text
    assert not fake_service.ask("四川节能减排工作方案公开的是不是完整版？").refused


def test_an_answer_that_only_repeats_the_figure_the_question_states_is_no_answer(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    quote = "到2025年，城市道路照明覆盖率达到60%以上。"
    checked = SimpleNamespace(extractive=False, text="覆盖率要达到60%以上[1]。", citations=(SimpleNamespace(quote=quote),))
    assert answerer._echoed_figure("某市道路照明覆盖率那个60%我知道了，节能率要到多少？", checked) == quote
    assert answerer._echoed_figure("某市道路照明节能率要到多少？", checked) == ""  # the question states no figure
    other = SimpleNamespace(extractive=False, text="节能率要达到30%[1]。", citations=(SimpleNamespace(quote=quote),))
    assert answerer._echoed_figure("覆盖率那个60%我知道了，节能率要到多少？", other) == ""  # a figure of its own


def test_a_which_question_about_a_set_the_plan_leaves_unnamed_in_other_words_or_among_listed_kinds(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    centres = [SimpleNamespace(clause_text="培育建设一批智慧照明创新中心和工程研究中心。")]
    kind, _ = answerer._unnamed_members("某市方案说要建一批智慧照明创新中心，具体是哪几家单位？", centres)
    assert kind == "单位"
    listing = [SimpleNamespace(clause_text="实施一批路灯节能改造项目、隧道照明提升项目、景观照明整治项目。")]
    kind, _ = answerer._unnamed_members("某市隧道照明提升项目都是哪些项目？", listing)
    assert kind == "项目"
    # asked which kinds: the kinds are the answer
    assert answerer._unnamed_members("某市要实施哪些照明项目？", listing) == ("", "")
    off = replace(answerer.settings, ablate="members_any_kind")
    answerer.settings = off
    assert answerer._unnamed_members("某市方案说要建一批智慧照明创新中心，具体是哪几家单位？", centres) == ("", "")



# -- session 17: the basis of a measure, headed sentences, role holders,
# shares in words, clauses cited by region, every item of a list
def test_the_basis_of_a_measure_is_not_the_basis_of_the_document():
    assert answer_type("某市方案给各区下达路灯改造指标，以什么为依据？") != "basis"
    assert answer_type("某市方案给各区下达路灯改造指标，以什么为依据？", measure_basis=False) == "basis"
    assert answer_type("某市这份方案的制定依据是哪些文件？") == "basis"
    assert answer_type("某市方案引用的上位文件编号是多少？") == "doc_number"


def _policy(fake_service, ablate: str, texts: list[str]):
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport

    settings = fake_service.answerer.settings.replace(ablate=ablate)
    return RefusalPolicy(settings, lambda: FigureSupport(texts), lambda: [], lambda ids: texts)


def test_a_sentence_is_read_with_its_clause_heading_for_a_mention(fake_service):
    from qa.types import Scope

    texts = ["（三）街区照明工程。推行照明定额管理，全面开展节约型单位创建。", "（四）其他工作。按计划推进各项任务。"]
    scope = Scope(doc_ids=(), regions=(), out_of_scope=(), explicit=False)
    assert _policy(fake_service, "", texts).not_mentioned("街区照明推行照明定额管理", scope) is None
    refused = _policy(fake_service, "mention_heading", texts).not_mentioned("街区照明推行照明定额管理", scope)
    assert refused is not None and refused.code == "not_mentioned"
    # a heading is a short first sentence: a long one is a sentence like the others
    long_first = ["街区推进各类路灯改造并同步完善配套的管理制度和长效运维机制建设工作。推行照明定额管理。"]
    assert _policy(fake_service, "", long_first).not_mentioned("路灯单位推行照明定额管理", scope) is not None


def test_a_premise_that_puts_another_body_in_charge_is_false():
    from qa.answer.policy import another_holder

    plan = "各级人民政府对本辖区路灯工作负总责，主要领导为第一责任人，要加强统筹。"
    assert another_holder("由各级住建部门对本辖区路灯工作负总责", plan)
    assert another_holder("各级人民政府对本辖区路灯工作负总责、分管主任为第一责任人", plan)
    assert not another_holder("各级人民政府对本辖区路灯工作负总责", plan)
    assert not another_holder("由各级住建部门对本辖区路灯工作负总责", "推进路灯节能改造。")  # no role given there


def test_a_share_in_words_in_a_premise_must_be_stated():
    from qa.answer.cues import PREMISE_SHARE

    assert PREMISE_SHARE.findall("新增路灯用电有一半可不计入考核") == ["一半"]
    assert PREMISE_SHARE.findall("三分之一的街区完成改造") == ["三分之一"]
    assert PREMISE_SHARE.findall("路灯改造率定了百分之几") == []


def test_a_follow_up_points_at_a_clause_the_last_answer_cites_by_region(fake_service):
    history = [Turn("user", "雅安在生态建设上要做哪些事？"), Turn("assistant", "雅安（十一）：……")]
    a = fake_service.answerer.analyse("这条由哪几个单位牵头？", history)
    assert a.followed_clause == (YAAN, "（十一）")
    from qa.service import build_service

    off = build_service(fake_service.answerer.settings.replace(ablate="region_cited"))
    assert off.answerer.analyse("这条由哪几个单位牵头？", history).followed_clause == ()
    unknown = [Turn("user", "…"), Turn("assistant", "某市（十一）：……")]  # no indexed region
    assert fake_service.answerer.analyse("这条由哪几个单位牵头？", unknown).followed_clause == ()


def test_a_question_for_every_item_gets_the_first_clause_whole():
    from qa.answer.cues import ASKS_EVERY_ITEM, LONG_LIST_CHARS

    sentences = "".join(f"第{n}项，推进路灯改造任务{n}并完善管理。" for n in range(1, 13))
    item = _synthetic_item("（二）开展街区行动。" + sentences)
    hits = [item.hit]
    unit = {"text": item.clause_text, "start": 0}
    short = build_evidence("街区行动有哪些做法", hits, lambda d, label: unit, 120)
    whole = build_evidence("街区行动有哪些做法", hits, lambda d, label: unit, 120, first_budget=LONG_LIST_CHARS)
    assert sum(map(len, (s.text for s in whole[0].sentences))) > sum(map(len, (s.text for s in short[0].sentences)))
    assert ASKS_EVERY_ITEM.search("请逐条列全") and not ASKS_EVERY_ITEM.search("有哪些做法")


def test_the_fallback_quotes_every_sentence_of_the_clause_when_every_item_is_asked():
    from qa.answer.citations import extractive_answer
    from qa.answer.cues import EVERY_ITEM_QUOTES

    text = "（二）开展街区行动。" + "".join(f"推进第{n}类路灯改造。" for n in range(1, 7))
    items = [_synthetic_item(text)]
    two = extractive_answer(items, "街区行动有哪些做法", [])
    every = extractive_answer(items, "街区行动有哪些做法", [], n_quotes=EVERY_ITEM_QUOTES)
    assert len(two.text.splitlines()) == 3  # the prefix and two quotes
    assert len(every.text.splitlines()) > 3 and all(f"第{n}类" in every.text for n in range(1, 7))


def test_a_which_grew_more_tail_is_the_comparison_not_part_of_each_ask(analyzer):
    a = analyzer.analyse("某市方案里 路灯改造数量 和 街区绿化面积 各要求增多少 哪个增得多")
    assert len(a.parts) == 2 and not any("哪个" in p.text for p in a.parts)


def test_the_year_of_the_english_sentence_that_asks_survives_translation(fake_service):
    fake_service.answerer.generator = _translating_to("某市方案：到2025年路灯改造率达到80%，之后定了多少？\n")
    q = "Some city plan: street-light retrofit reaches 80% by 2025 — what's the 2035 target?"
    assert fake_service.answerer.analyse(q).text.startswith("2035年")
    from qa.service import build_service

    off = build_service(fake_service.answerer.settings.replace(ablate="asked_sentence_year"))
    off.answerer.generator = _translating_to("某市方案：到2025年路灯改造率达到80%，之后定了多少？\n")
    assert "2035" not in off.answerer.analyse(q).text


def test_what_the_plan_would_give_is_the_mention_term():
    assert mention_term("某市的计划是否对路灯改造给予补助或者电价优惠？") == "补助或者电价优惠"
    assert mention_term("某市的计划是否对路灯改造给予补助或者电价优惠？", given=False) != "补助或者电价优惠"
    assert mention_term("某市的计划是否对路灯改造给予什么？") != "什么"


def test_a_count_with_its_classifier_asks_for_a_number():
    assert answer_type("某市路灯改造分几档 每档怎么补") == "figure"
    assert answer_type("街区方案是第几次会议通过的？") == "figure"
    assert answer_type("路灯改造分哪几类？") != "figure"  # which kinds, not how many


def test_a_question_whether_the_plan_says_it_is_no_part_of_its_own(analyzer):
    q = "某市方案里路灯改造率到2025年是80%，那2035年要到多少？方案有写吗？"
    assert analyzer.analyse(q).parts == ()
    # (whether_tail, a wider rule, also reads "方案有写吗" as no part of its own: both are switched off)
    assert len(QuestionAnalyzer(ALIASES, off={"said_tail", "whether_tail"}).analyse(q).parts) == 2
    assert len(analyzer.analyse("路灯改造率要到多少？绿化面积要到多少？").parts) == 2


def test_a_date_asked_of_another_event_is_not_the_documents_date(fake_service):
    answerer = fake_service.answerer
    q = "某市方案说将出台路灯管理条例，条例哪天提交审议？"
    assert not answerer._asks_document_date(q)
    assert answerer._asks_document_date("某市这份计划哪天印发？")
    assert answerer._asks_document_date("两份计划谁先印发？各是哪天")  # the date of the event asked before
    off = answerer.settings.replace(ablate="date_segment")
    from qa.service import build_service

    assert build_service(off).answerer._asks_document_date(q)


def test_the_words_that_name_a_document():
    from qa.answer.support import document_mentions

    titles = ["某省减污降碳协同增效行动方案", "某市“十四五”节能减排综合工作方案"]
    assert document_mentions("省减污降碳方案里路灯节电率的上限是多少", titles) == ["省减污降碳方案"]
    assert document_mentions("某市十四五节能方案里", titles) == ["某市十四五节能方案"]
    assert document_mentions("各街区要编制改造计划", titles) == []  # no 方案/文件 named
    assert document_mentions("请把文件发我", titles) == []  # 方案/文件 with no title word before it


def _one_strong_hit(fake_service) -> list:
    """One retrieved hit, scored as a strong match: the evidence a policy test hands the premise checks."""
    hits, _ = fake_service.retriever.search("绿色低碳示范", k=1)
    return [replace(hits[0], dense_score=0.99)]


def test_a_premise_that_puts_another_place_in_the_requirement_is_false(fake_service):
    from qa.types import Scope

    policy = fake_service.answerer.policy
    text = "打造德阳高新区等绿色照明示范街区。支持绵阳高新区开展路灯节能试点。"
    hits = _one_strong_hit(fake_service)
    q = "方案要求绵阳高新区打造绿色照明示范街区，申报材料交给谁？"
    analysis = QuestionAnalysis(original=q, text=q, answer_type="body", premise="绵阳高新区打造绿色照明示范街区")
    refusal = policy.before_generation(analysis, Scope(), hits, [text])
    assert refusal is not None and refusal.code == "false_premise" and "德阳" in refusal.quote
    right = replace(analysis, premise="德阳高新区打造绿色照明示范街区")
    assert policy.before_generation(right, Scope(), hits, [text]) is None
    with switched_off(policy, "premise_places"):
        assert policy.before_generation(analysis, Scope(), hits, [text]) is None


def test_the_deciding_sentence_is_weighed_by_meaning_and_not_by_the_plans_name(fake_service):
    from qa.types import Citation

    first, second = "将减污方案纳入夜市考核，鼓励路灯企业参与。", "鼓励夜市活动使用节能灯具，支持开展节能活动。"
    text = f"（五）街区照明。{first}{second}"
    item = _synthetic_item(text)
    cite = Citation(1, "某省行动方案", "（三）", "", "d-1", "d", 0, len(text))
    answerer = fake_service.answerer
    original = answerer._meaning
    answerer._meaning = lambda q, sentences: [{first: 0.80, second: 0.93}.get(x, 0.5) for x in sentences]
    try:
        words = "某省减污方案对夜市灯具更新鼓励吗？鼓励[1]。"
        assert answerer._deciding_sentence(words, cite, [item], "想换节能灯，方案鼓励这么做吗？") == second
        # by words alone, the plan's name (减污方案) decides for the other sentence
        with switched_off(answerer, "deciding_meaning"):
            assert answerer._deciding_sentence(words, cite, [item], "想换节能灯…") == first
    finally:
        answerer._meaning = original


def test_a_mention_question_ending_at_its_term():
    from qa.answer.analysis import mention_term

    assert mention_term("某方案街区那条也写了智慧灯杆吗") == "智慧灯杆"
    assert mention_term("某方案里讲了路灯改造没有？") == "路灯改造"
    assert mention_term("某方案提到路灯改造了没？") == "路灯改造"
    assert mention_term("某方案写了哪些措施？") == ""  # asks what, not whether


# -- session 19 ------------------------------------------------------------------------------------------
def test_years_listed_before_the_questions_are_theirs_in_turn(analyzer):
    a = analyzer.analyse("雅安方案，先问2023年的、再问2025年的：路灯改造多少盏，夜市建成多少个？")
    assert [p.text for p in a.parts] == ["雅安方案2023年路灯改造多少盏？", "雅安方案2025年夜市建成多少个？"]
    # one year before the questions is each one's; two years and no order to read: none is given a year
    one = analyzer.analyse("雅安方案2025年：路灯改造多少盏？夜市建成多少个？")
    assert [p.text for p in one.parts][1].startswith("雅安方案2025年")
    off = QuestionAnalyzer(ALIASES, off={"part_years"}).analyse("雅安方案，先问2023年的、再问2025年的：路灯改造多少盏，夜市建成多少个？")
    assert "2023年" in off.parts[1].text  # the first year for every later question


def test_words_that_join_a_mention_term_are_no_part_of_it(fake_service):
    from qa.service import build_service
    from qa.types import Scope

    scope = Scope(doc_ids=(), regions=(), out_of_scope=(), explicit=False)
    # the plans write "光伏组件、…等新型废弃物回收利用"
    assert fake_service.answerer.policy.not_mentioned("光伏组件这种废弃物要回收", scope) is None
    assert fake_service.answerer.policy.not_mentioned("光伏组件这种核废料要深埋", scope) is not None
    off = build_service(fake_service.answerer.settings.replace(ablate="mention_glue")).answerer.policy
    assert off.not_mentioned("光伏组件这种废弃物要回收", scope) is not None


def test_who_leads_asserted_as_a_tag_question_is_a_premise():
    assert premise("路灯这事是城管委牵头负责的，那名单啥时候下") == "路灯这事是城管委牵头负责的"
    assert premise("这项工作是市城管局牵头的吧？路灯名单啥时候下") == "这项工作是市城管局牵头的"


def test_a_figure_restated_in_other_words_is_shown_with_its_sentence(fake_service):
    from qa.answer.citations import restated_figure

    assert restated_figure("路灯改造率目标是38%", "到2025年，路灯改造率达到38%。")
    assert not restated_figure("到2025年路灯改造率达到38%左右", "到2025年，路灯改造率达到38%左右。")
    assert not restated_figure("路灯改造率达到38%", "到2025年，夜市数量达到12个。")  # not its figure
    fake_service.answerer.generator = FakeGenerator(reply="雅安定的是58%左右[1]。")
    a = fake_service.ask("雅安那个非化石能源，到2025年比例定成百分之几？")
    assert not a.refused and "\n原文：《雅安市" in a.text and "达到58%左右" in a.text.split("原文：")[1]
    with switched_off(fake_service.answerer, "figure_wording"):
        assert "原文：" not in fake_service.ask("雅安那个非化石能源，到2025年比例定成百分之几？").text


def test_an_echoed_figure_is_read_in_the_unit_the_question_names(fake_service):
    from types import SimpleNamespace

    answerer = fake_service.answerer
    quote = "到2025年，全省新建夜市垃圾管道1.3万公里，新增夜市垃圾处理能力30万吨/日。"
    checked = SimpleNamespace(extractive=False, text="全省新建管道1.3万公里，新增处理能力30万吨/日[1]。",
                              citations=(SimpleNamespace(quote=quote),))
    question = "夜市垃圾这块，新增处理能力给了多少万吨/日？省里定的30万已经查到了"
    assert answerer._echoed_figure(question, checked) == quote  # 1.3万公里 answers nothing asked
    with switched_off(answerer, "echoed_unit"):
        assert answerer._echoed_figure(question, checked) == ""


def test_questions_or_items_listed_with_a_pause_mark_are_asked_one_by_one(analyzer):
    a = analyzer.analyse("路灯改造对照比较一下：四川改造多少盏、雅安哪一年完成改造、资阳安排在哪些县？")
    assert [p.text for p in a.parts] == ["路灯改造，四川改造多少盏？", "路灯改造，雅安哪一年完成改造？", "路灯改造，资阳安排在哪些县？"]
    b = analyzer.analyse("雅安方案里2025年挑三个：路灯覆盖率、夜市个数、灯杆总数各是多少？")
    assert [p.text for p in b.parts] == ["雅安方案2025年路灯覆盖率是多少？", "雅安方案2025年夜市个数是多少？",
                                         "雅安方案2025年灯杆总数是多少？"]
    c = analyzer.analyse("雅安夜市在照明、用水和垃圾方面各自减少多少？")  # the words before and after the items
    assert [p.text for p in c.parts] == ["雅安夜市在照明方面减少多少？", "雅安夜市在用水方面减少多少？",
                                         "雅安夜市在垃圾方面减少多少？"]
    off = QuestionAnalyzer(ALIASES, off={"listed_asks"})
    assert off.analyse("路灯改造对照比较一下：四川改造多少盏、雅安哪一年完成改造、资阳安排在哪些县？").parts == ()



def test_a_quoted_word_that_begins_a_plans_name_is_no_mention_term():
    assert mention_term("某省「十四五」路灯节能方案有没有提到「智慧灯杆」？") == "智慧灯杆"
    assert mention_term("某省“十四五”路灯节能方案有没有提到夜市照明？") == "夜市照明"
    assert mention_term("某省「十四五」路灯节能方案有没有提到「智慧灯杆」？", titled=False) == "十四五"
    assert mention_term("方案有没有提到“智慧灯杆”的方案？") == "智慧灯杆"  # "“X”的方案" names no plan


def test_simplified_characters_are_kept_as_written():
    from qa.answer.analysis import to_simplified

    assert to_simplified("夜市照明覆盖率") == "夜市照明覆盖率"  # OpenCC's phrase rule would write 复盖
    assert to_simplified("夜市照明覆蓋率要到幾成") == "夜市照明覆盖率要到几成"


def test_a_follow_up_that_names_another_plan_is_asked_of_that_plan():
    from qa.answer.rewrite import rewrite

    regions = ["四川", "四川省", "资阳", "资阳市"]
    history = [Turn("user", "川十四五夜市照明方案 路灯25年要改造多少盏"), Turn("assistant", "某答案[1]。")]
    out = rewrite("资阳那份路灯节能方案里呢 给盏数没", history, regions)
    assert out.startswith("资阳路灯节能方案 路灯25年要改造多少盏") and "十四五夜市照明" not in out
    assert "十四五夜市照明" in rewrite("资阳那份路灯节能方案里呢 给盏数没", history, regions, document=False)
    assert answer_type("资阳方案里呢 路灯给盏数没") == "figure"  # "给X数没" asks for a number


def test_later_questions_are_asked_where_the_first_one_is(analyzer):
    a = analyzer.analyse("四川省夜市照明方案的路灯改造工程里，鼓励哪两类灯具？广告牌亮化主要管哪些时段？")
    assert len(a.parts) == 2 and a.parts[1].text.startswith("四川省夜市照明方案的路灯改造工程里，")
    # a document named by its number, and "这份函" pointing back at it
    b = analyzer.analyse("川照〔2023〕9号那份函主送谁？除了市政府，还点了哪些部门？这份函公开发布了吗？")
    assert [p.text.startswith("川照〔2023〕9号那份函") for p in b.parts] == [True, True, True]
    assert "这份函" not in b.parts[2].text
    plain = QuestionAnalyzer(analyzer.aliases, off={"part_scope"})
    assert not plain.analyse("川照〔2023〕9号那份函主送谁？除了市政府，还点了哪些部门？").parts[1].text.startswith("川照")


def test_the_value_of_what_the_first_question_asks_is_no_part(analyzer):
    # "有没有定X？到某年要达到多少？" asks one thing: the figure is X's, not any figure of the document
    a = analyzer.analyse("资阳夜市照明方案对路灯节能率有没有定目标？到2025年要达到多少？")
    assert a.parts == () and a.answer_type == "figure"
    b = analyzer.analyse("四川省路灯方案给2025年路灯改造定的是多少？是不是那个12.5%？")
    assert b.parts == ()
    # a later question with a year of its own, or a subject of its own, stays a part
    c = analyzer.analyse("四川省路灯方案2025年路灯节能率是多少？2030年要达到多少？")
    assert len(c.parts) == 2
    d = analyzer.analyse("资阳路灯方案有没有提夜市？广告牌亮化时段是多少？")
    assert len(d.parts) == 2
    plain = QuestionAnalyzer(analyzer.aliases, off={"value_part"})
    assert len(plain.analyse("资阳夜市照明方案对路灯节能率有没有定目标？到2025年要达到多少？").parts) == 2
    # after "X的目标是什么？" the number is asked besides the target in words: two parts
    assert len(analyzer.analyse("资阳路灯方案路灯节能的目标是什么？具体是多少？").parts) == 2


def test_a_yes_no_tail_without_a_subject_of_its_own_is_no_part(analyzer):
    # "…2023年要改造多少盏？有没有按年度分解？": whether what the first asks is set so; the first one's year is its too
    a = analyzer.analyse("资阳路灯方案里路灯改造那个，2023年当年要改造多少盏？有没有按年度分解？")
    assert a.parts == () and a.years == ("2023",)
    # a yes/no question with a term, a body or a year of its own stays a part
    assert len(analyzer.analyse("资阳路灯方案路灯改造要多少盏？有没有提到夜市？").parts) == 2
    assert len(analyzer.analyse("资阳路灯方案路灯改造由哪些部门负责？里面有没有市城管局？").parts) == 2
    assert len(analyzer.analyse("资阳路灯方案2025年路灯改造要多少盏？2030年有没有目标？").parts) == 2
    plain = QuestionAnalyzer(analyzer.aliases, off={"whether_tail"})
    assert len(plain.analyse("资阳路灯方案里路灯改造那个，2023年当年要改造多少盏？有没有按年度分解？").parts) == 2


def test_a_document_to_leave_out_is_no_scope(analyzer):
    a = analyzer.analyse("四川省夜市照明方案 路灯那条 后面还跟了个啥研究 别拿资阳那份答")
    assert "资阳" not in a.text and a.regions == ("四川省",) and "别拿资阳那份答" in a.preamble
    b = analyzer.analyse("资阳路灯节能率目标多少来着 别跟省里的60%搞混")
    assert b.text.endswith("目标多少来着") and "60%" not in b.text
    # a question that only says what not to mix up asks nothing else: kept whole
    assert analyzer.analyse("别拿资阳那份答").text == "别拿资阳那份答"
    plain = QuestionAnalyzer(analyzer.aliases, off={"excluded_source"})
    assert "资阳市" in plain.analyse("四川省夜市照明方案 路灯那条 后面还跟了个啥研究 别拿资阳那份答").regions


def test_a_follow_up_naming_the_same_clause_is_answered_from_the_clause_the_last_answer_cited(fake_service):
    from qa.service import build_service

    history = [Turn("user", "夜市照明要做哪些事？"), Turn("assistant", f"……[1]\n（依据：《{YAAN}》（十一））")]
    a = fake_service.answerer.analyse("同一条里 还有啥要求", history)
    assert a.followed_clause == (YAAN, "（十一）")
    off = build_service(fake_service.answerer.settings.replace(ablate="same_clause"))
    assert off.answerer.analyse("同一条里 还有啥要求", history).followed_clause == ()


def test_a_question_on_a_premise_that_asks_a_number_before_its_last_question_asks_a_figure(analyzer):
    q = "资阳路灯方案说要开展路灯节能培训，每年要培训多少人次？区县要不要全覆盖？"
    a = analyzer.analyse(q)
    assert a.premise and a.parts == () and a.answer_type == "figure"
    assert QuestionAnalyzer(analyzer.aliases, off={"premise_number"}).analyse(q).answer_type == "yesno"
    # with no premise, the last question decides as before
    assert analyzer.analyse("资阳路灯方案要不要全覆盖？").answer_type == "yesno"


def test_who_a_measure_serves_is_no_question_about_a_department():
    from qa.answer.evidence import asks_who

    # "优先保障谁" asks who is served first (households), not which department: the department parenthesis
    # answers nothing and is not quoted
    assert not asks_who("那路灯用电这块呢 优先保障谁")
    assert not asks_who("夜市照明补贴支持谁")
    assert asks_who("路灯改造由谁牵头？") and asks_who("谁负责？")


def test_only_the_parts_of_a_question_replace_a_misbound_figure_by_quotes(fake_service, monkeypatch):
    import qa.answer.pipeline as pipeline

    seen: list[bool] = []
    real = pipeline.check_answer

    def spy(*args, **kwargs):
        seen.append(kwargs.get("misbound_quote", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "check_answer", spy)
    fake_service.ask("2025年的非化石能源消费比重，四川和雅安分别定的多少？")
    assert seen == [True, True]  # each side of the comparison
    seen.clear()
    fake_service.ask("2025年雅安的非化石能源消费比重定的多少？")
    assert seen == [False]  # a single question: a misbound figure still means the plan gives none
    seen.clear()
    with switched_off(fake_service.answerer, "part_quote"):
        fake_service.ask("2025年的非化石能源消费比重，四川和雅安分别定的多少？")
    assert seen == [False, False]


def test_analysis_switches_are_ablate_names_and_typos_are_refused():
    """The analyzer is switched by the ``ablate`` setting's names; a name it does not know is an error, not a no-op."""
    from qa.answer.analysis import SWITCHES
    from qa.settings import Settings

    documented = Settings.field_docs(Settings())["ablate"]
    assert all(f"{name}," in documented for name in SWITCHES)
    with pytest.raises(ValueError, match="partz"):
        QuestionAnalyzer(ALIASES, off={"partz"})


def test_a_mention_term_that_points_back_is_no_term_and_aspect_words_are_dropped():
    """``mention_deictic``: "有没有管这事的说法" looks up nothing as written; "有没有照明方面的要求" looks up 照明."""
    assert mention_term("夜市摊点老被占道 某市方案里有没有管这事的说法") == ""
    assert mention_term("某市方案里有没有管这事的说法", deictic=False) == "管这事"
    assert mention_term("某市方案对夜市摊点有没有照明方面的要求？") == "照明"
    assert mention_term("某市方案对夜市摊点有没有照明方面的要求？", deictic=False) == "照明方面"
    assert mention_term("某市方案有没有提到路灯改造？") == "路灯改造"  # an ordinary term is kept
    off = QuestionAnalyzer(ALIASES, off={"mention_deictic"})
    assert off.analyse("雅安方案里有没有管这事的说法").mention_term == "管这事"


def test_quotes_that_replace_an_answer_prefer_the_sentence_it_copied():
    """``quote_hint``: the model's rejected answer copies a phrase of one sentence; the quotes that replace it
    start from that sentence rather than from the one sharing most words with the question."""
    from qa.answer.citations import copied_chars

    item = _synthetic_item("坚持夜市特色化发展导向，培育一批夜市街区。到2025年，夜市街区全部完成改造。"
                           "引导摊点向街区集聚，鼓励摊点优先使用节能路灯。")
    q = "夜市有没有这个导向？照明上还鼓励啥？"
    raw = "是的，有这个导向。照明上鼓励优先使用节能路灯。"  # no [n]: replaced by quotes
    plain = check_answer(raw, [item], q, n_quotes=1)
    hinted = check_answer(raw, [item], q, n_quotes=1, quote_hint=True)
    assert plain.extractive and "节能路灯" not in plain.text
    assert hinted.extractive and "优先使用节能路灯" in hinted.text
    assert copied_chars("鼓励优先使用节能路灯。", "鼓励摊点优先使用节能路灯。") == 8


def test_the_word_enterprise_in_quotes_names_no_enterprise(fake_service):
    """``entity_word``: "哪家企业搞" is not answered by quotes that only say 企业 ("引导企业…"); a company's name
    ends in 公司 / 集团 / 厂."""
    answerer = fake_service.answerer
    q = "夜市照明改造试点放在哪家企业搞？"
    assert not answerer._names_kind("企业", "引导企业实施照明改造，支持开展试点。", q)
    assert answerer._names_kind("企业", "由某某照明器材有限公司牵头开展试点。", q)
    with switched_off(answerer, "entity_word"):
        assert answerer._names_kind("企业", "引导企业实施照明改造，支持开展试点。", q)


def test_a_follow_up_asking_whether_another_plan_also_has_it_carries_the_phrase_found(fake_service):
    """``carried_term``: "资阳那份也有这样的安排吗" after a question about 雅安 asks whether 资阳's plan has what the
    last turn found (the phrase the previous question and answer share), looked up as for "有没有提到X"."""
    from qa.answer.analysis import carried_term

    asked = "雅安方案 利用旧路灯杆装夜市摊点照明 在哪些街区试点"
    answered = "《雅安市减路灯方案》（三）：在老城街区试点利用旧路灯杆、废弃灯箱装摊点照明。[1]"
    assert carried_term(asked, answered, ["雅安"]) == "利用旧路灯杆"
    assert carried_term("雅安方案夜市几点关灯", "《雅安市减路灯方案》（三）：夜市晚上十点熄灯。", ["雅安"]) == ""  # too short
    answerer = fake_service.answerer
    history = [Turn("user", asked), Turn("assistant", answered)]
    a = answerer.analyse("资阳那份也有这样的安排吗", history)
    assert a.answer_type == "yesno" and a.mention_term == "利用旧路灯杆"
    answer = fake_service.ask("资阳那份也有这样的安排吗", history=history)
    assert answer.refusal_reason == "not_mentioned" and "利用旧路灯杆" in answer.text
    # the same plan asked again, or the switch off: nothing carried
    assert answerer.analyse("雅安那份还有这样的安排吗", history).mention_term == ""
    with switched_off(answerer, "carried_term"):
        assert answerer.analyse("资阳那份也有这样的安排吗", history).mention_term == ""


def test_what_a_plan_is_said_to_do_before_a_question_beginning_with_na_is_a_premise():
    """``premise_then``: "某方案要X，那…" and "某方案规定X 那…" (a space for the comma) assert X."""
    assert premise("某市方案要在老城区开展夜市亮化试点，那试点摊位怎么申请？") == "在老城区开展夜市亮化试点"
    assert premise("某市方案规定夜市路灯一律晚上十点关闭 那延时营业的摊点咋办") == "夜市路灯一律晚上十点关闭"
    assert premise("某市方案规定夜市路灯一律晚上十点关闭 那延时营业的摊点咋办", then=False, comma=False) == ""
    assert premise("某市方案 夜市路灯改造 那哪几个街区先改") == ""  # the plan is said to do nothing
    assert premise("某市方案要改造多少盏路灯，那夜市呢") == ""  # a question, not a statement
    off = QuestionAnalyzer(ALIASES, off={"premise_then", "plan_acts"})  # (plan_acts reads "要在…" without 那)
    assert off.analyse("雅安方案要在老城区开展夜市亮化试点，那试点摊位怎么申请？").premise == ""


def test_a_premise_joining_two_parallel_segments_of_a_sentence_is_false():
    """``premise_crossed``: "在A街区开展X试点，在B街区开展Y试点" does not state "在A街区开展Y试点"."""
    from qa.answer.policy import crossed_slots

    s = "在老城、新区等街区开展路灯节能改造试点，在夜市、商圈等街区开展夜间亮化改造试点。"
    assert crossed_slots("在老城街区开展夜间亮化改造试点", s)
    assert not crossed_slots("在老城街区开展路灯节能改造试点", s)
    assert not crossed_slots("在夜市街区开展夜间亮化改造试点", s)
    # segments that share no frame are not parallel; a segment that has both words states them together
    assert not crossed_slots("推广节能路灯并建设智慧灯杆", "推广节能路灯，建设智慧灯杆。")
    assert not crossed_slots("完善夜市照明网络", "完善夜市照明网络，提高老城照明设施连接度，形成完整的夜市照明设施。")


def test_a_document_named_only_in_a_fact_given_as_context_is_not_asked_about(analyzer):
    """``context_source``: "…？重庆方案定为N" and "像A方案那样，B方案有没有…" ask about the other document only; "A跟B一样吗"
    asks about both."""
    a = analyzer.analyse("资阳方案里夜市路灯要改造多少盏？重庆方案定为3万盏以上。")
    assert a.regions == ("资阳市",) and a.scope_text == "资阳方案里夜市路灯要改造多少盏？"
    assert "重庆" in a.text  # (the question as asked is kept; only where it asks changes)
    a = analyzer.analyse("雅安方案里，有没有像四川方案那样给夜市摊点配节能路灯的提法？")
    assert a.regions == ("雅安市",) and "四川" not in a.scope_text
    a = analyzer.analyse("资阳方案跟雅安的一样，也是按街区分批改造路灯的吧？那资阳先改哪个街区？")
    assert a.regions == ("资阳市",)
    # a comparison asked keeps both; a fact about the only document named is no context
    assert analyzer.analyse("雅安方案和四川方案对夜市路灯的要求一样吗？").regions == ("雅安市", "四川省")
    assert analyzer.analyse("雅安方案定了3万盏路灯，要在哪年前改完？").scope_text == ""
    off = QuestionAnalyzer(ALIASES, off={"context_source"})
    assert off.analyse("资阳方案里夜市路灯要改造多少盏？重庆方案定为3万盏以上。").regions == ("资阳市", "重庆市")


def test_the_scope_of_a_question_leaves_out_a_document_named_only_as_context(fake_service):
    answer = fake_service.ask("资阳方案里夜市路灯要改造多少盏？重庆方案定为3万盏以上。")
    assert answer.scope.doc_ids == ("ziyang_jianwu_jiangtan_2023",)
    assert answer.hits and all("资阳" in h.chunk.doc_title for h in answer.hits)
    from qa.service import build_service

    off = build_service(fake_service.answerer.settings.replace(ablate="context_source"))
    assert len(off.ask("资阳方案里夜市路灯要改造多少盏？重庆方案定为3万盏以上。").scope.doc_ids) == 2


def test_what_a_question_likens_to_another_plan_is_looked_up_in_the_plan_asked(analyzer):
    """``likened_term``: "像A方案那样X，B方案有没有这个" looks X up in B; "有X没" asks yes or no."""
    from qa.answer.analysis import likened_term

    assert likened_term("像四川方案那样给夜市摊点配节能路灯，雅安方案里有没有这个？") == "给夜市摊点配节能路灯"
    assert likened_term("雅安方案有没有像四川那样，给夜市摊点配节能路灯的提法？") == "给夜市摊点配节能路灯"
    assert likened_term("雅安方案有没有给夜市摊点配节能路灯的提法？") == ""  # nothing likened
    assert likened_term("像四川那样 哪些街区要配节能路灯 雅安有没有") == ""  # X asks something itself
    a = analyzer.analyse("像资阳那样 夜市摊点统一配节能路灯 雅安方案有这个要求没")
    assert a.answer_type == "yesno" and a.mention_term == "夜市摊点统一配节能路灯" and a.regions == ("雅安市",)
    off = QuestionAnalyzer(ALIASES, off={"likened_term"})
    assert off.analyse("像资阳那样 夜市摊点统一配节能路灯 雅安方案有这个要求没").mention_term == ""


def test_an_indicator_made_of_one_listed_items_head_and_anothers_modifier_is_not_listed():
    """``crossed_indicator``: "…街区路灯能耗下降4%、人均照明用电量下降7%、街区路灯故障率下降5%" lists no 街区路灯用电量."""
    from qa.answer.policy import indicator_fit

    s = "到2025年，全市街区路灯能耗下降4%、人均照明用电量下降7%、街区路灯故障率下降5%。"
    assert indicator_fit("那夜市街区路灯用电量要降多少？", s) == "crossed"
    assert indicator_fit("夜市人均照明用电量要降多少？", s) == "named"
    assert indicator_fit("人均用电量降多少", s) == "named"  # (the item's own modifier, not next to its head)
    assert indicator_fit("某市街区路灯能耗降多少", s) == "named"  # (the list's area, 全市, is no modifier)
    assert indicator_fit("夜市用电量降多少", s) == ""  # a modifier no item has: not this check's to say
    # two items of one head: the modifier of the other is not crossed
    assert indicator_fit("夜市新建路灯节能灯应用比例要到多少", "到2025年，智慧灯杆占新建路灯比例达到30%，节能灯在新建路灯中的应用比例达到70%。") != "crossed"



def test_a_premise_with_a_quoted_name_is_checked_against_the_sentence_that_names_it(fake_service):
    """``premise_quoted``: "要求各街区2025年前全部建成“智慧灯街”" is checked against the sentence naming 智慧灯街 (which only
    encourages it), not the one sharing most of its other words."""
    from qa.types import Scope

    policy = fake_service.answerer.policy
    text = "到2025年，各街区全部建成节能路灯。鼓励有条件的街区创建“智慧灯街”。"
    hits = _one_strong_hit(fake_service)
    q = "方案要求各街区2025年前全部建成“智慧灯街”，验收由谁组织？"
    analysis = QuestionAnalysis(original=q, text=q, answer_type="body", premise="各街区2025年前全部建成“智慧灯街”")
    refusal = policy.before_generation(analysis, Scope(), hits, [text])
    assert refusal is not None and refusal.code == "false_premise" and "智慧灯街" in refusal.quote
    with switched_off(policy, "premise_quoted"):
        assert policy.before_generation(analysis, Scope(), hits, [text]) is None


def test_where_a_term_occurs_is_answered_by_every_clause_that_names_it(fake_service):
    """``occurrences``: "X出现在哪几处" / "X被点了几次名" quotes one sentence of each clause in scope that writes X,
    with their count; "X在哪些地方试点" asks no such thing."""
    from qa.answer.analysis import occurrence_term

    assert occurrence_term("某市方案里夜市前前后后被点了几次名 各在哪条") == "夜市"
    assert occurrence_term("某市方案里“亮化”出现了两回，各是啥") == "亮化"
    assert occurrence_term("某市方案里路灯一共在哪几处提到？") == "路灯"
    assert occurrence_term("某市在哪些地方试点建设路灯？") == ""
    answer = fake_service.ask("雅安方案里大渡河出现在哪两处？")
    named = [c for c in answer.citations if "大渡河" in c.quote]
    assert answer.citations and len(named) == len(answer.citations) >= 2
    assert answer.text.startswith(f"“大渡河”在以下{len(answer.citations)}条中出现")
    assert all("雅安" in c.doc_title for c in answer.citations)
    with switched_off(fake_service.answerer, "occurrences"):
        assert not fake_service.ask("雅安方案里大渡河出现在哪两处？").text.startswith("“大渡河”")


def test_two_sides_stated_apart_then_asked_how_each_writes_it_are_asked_one_by_one(analyzer):
    """``stated_sides``: "X这块，A方案给了N，B方案给没给数？两边各咋写的": a part per side, each with the topic; the
    side that asks whether it gives a figure is asked for the figure the other side gives."""
    a = analyzer.analyse("夜市路灯这块，雅安方案给了改造盏数，资阳方案给没给数？两边各咋写的")
    assert [p.text for p in a.parts] == ["夜市路灯这块，雅安方案改造盏数是多少？", "夜市路灯这块，资阳方案改造盏数是多少？"]
    assert [p.label for p in a.parts] == ["雅安方案给了改造盏数", "资阳方案给没给数"]
    a = analyzer.analyse("夜市路灯 省里的方案一共要改造几批 雅安自己是哪年启动 两份方案各咋写的")
    assert [p.text for p in a.parts] == ["夜市路灯，省里的方案一共要改造几批？", "夜市路灯，雅安自己是哪年启动？"]
    # no tail asking each side how it writes it: not this split
    assert [p.label for p in analyzer.analyse("夜市路灯这块，雅安方案给了改造盏数，资阳方案给没给数？").parts] != [
        "雅安方案给了改造盏数", "资阳方案给没给数"]
    off = QuestionAnalyzer(ALIASES, off={"stated_sides"})
    assert [p.label for p in off.analyse("夜市路灯这块，雅安方案给了改造盏数，资阳方案给没给数？两边各咋写的").parts] != [
        "雅安方案给了改造盏数", "资阳方案给没给数"]


def test_a_plans_name_is_no_word_of_the_item_asked(fake_service):
    """``plan_words``: "夜市路灯，省…行动方案一共要分批改造多少条街道？" asks 分批改造…街道 of the plan; the plan's name
    is not a word the evidence must share. ``subject_quote``: the item asked is not in the evidence: the refusal
    quotes what the plan says, in words, of the rest of the question."""
    from qa.types import Scope

    policy = fake_service.answerer.policy
    hits = _one_strong_hit(fake_service)
    text = "分批分期改造成都市、自贡市等15条夜市路灯街道。"
    q = "夜市路灯，省城市绿色照明与夜间经济节能行动方案一共要分批改造多少条街道？"
    analysis = QuestionAnalysis(original=q, text=q, answer_type="figure", figure_asked=True)
    assert policy.before_generation(analysis, Scope(), hits, [text]) is None
    with switched_off(policy, "plan_words"):
        refusal = policy.before_generation(analysis, Scope(), hits, [text])
        assert refusal is not None and refusal.code == "no_figure"
    text = "推动夜市街道更换节能路灯，促进夜市路灯智能控制。"
    q = "夜市路灯智能控制这块，省路灯节能方案灯杆数是多少？"
    analysis = QuestionAnalysis(original=q, text=q, answer_type="figure", figure_asked=True)
    refusal = policy.before_generation(analysis, Scope(), hits, [text])
    assert refusal is not None and refusal.code == "no_figure" and "智能控制" in refusal.quote
    with switched_off(policy, "subject_quote"):
        assert policy.before_generation(analysis, Scope(), hits, [text]).quote == ""


def test_an_abbreviation_before_what_its_plan_gives_or_after_a_list_comma_is_the_region(analyzer):
    """"渝给了降幅", "川那边", "、渝方案": the character stands alone as the region; inside a word it does not."""
    assert analyzer.normalise("夜市路灯 渝给了改造盏数 资阳有没有") == "夜市路灯 重庆给了改造盏数 资阳有没有"
    assert analyzer.normalise("川那边好像是16%") == "四川那边好像是16%"
    assert analyzer.normalise("省、渝、资阳三份方案") == "省、重庆、资阳三份方案"
    assert analyzer.normalise("成渝给了什么") == "成渝给了什么"


def test_a_claimed_relation_between_figures_with_each_figure_asked_is_no_premise(analyzer):
    """``hearsay_figures``: "有人说雅安的X目标是四川的两倍还多，两份各定的是多少？" asks the two figures to check a
    claim; it is no requirement of a plan to refute. A claim of a requirement stays a premise."""
    a = analyzer.analyse("有人说雅安的路灯节能率目标是四川的两倍还多，两份方案各定的是多少？")
    assert a.premise == "" and set(a.regions) == {"雅安市", "四川省"}
    a = analyzer.analyse("有人说两地路灯节能率都在14%上下：雅安的夜市路灯节能率、四川的全省路灯节能率，各是多少？")
    assert a.premise == "" and [p.label for p in a.parts][:1] != ["有人说两地路灯节能率"]
    assert analyzer.analyse("有人说雅安方案要求夜市路灯全部换成LED，那各街区分别要换多少盏？").premise != ""
    off = QuestionAnalyzer(ALIASES, off={"hearsay_figures"})
    assert off.analyse("有人说雅安的路灯节能率目标是四川的两倍还多，两份方案各定的是多少？").premise != ""


def test_the_words_before_a_colon_that_ask_nothing_are_no_part_of_the_first_question(analyzer):
    # "某方案两头各挑一个2025年指标：A要建多少？B要到多少？": the head says how the questions were picked; the
    # first question is asked like the second, of the head's plan and year, not with the head's topic words
    a = analyzer.analyse("四川省夜市照明方案路灯、广告牌两头各挑一个2025年硬指标：路灯要改造多少盏？广告牌亮化率要到多少？")
    assert [p.text for p in a.parts] == ["四川省夜市照明方案2025年路灯要改造多少盏？",
                                         "四川省夜市照明方案2025年广告牌亮化率要到多少？"]
    assert a.parts[0].label == "路灯要改造多少盏？"
    # a head that asks a question itself stays with the first question
    b = analyzer.analyse("四川省夜市照明方案路灯改造有哪些要求：要改造多少盏？广告牌亮化率要到多少？")
    assert b.parts[0].text.startswith("四川省夜市照明方案路灯改造有哪些要求")
    plain = QuestionAnalyzer(analyzer.aliases, off={"colon_head"})
    c = plain.analyse("四川省夜市照明方案路灯、广告牌两头各挑一个2025年硬指标：路灯要改造多少盏？广告牌亮化率要到多少？")
    assert "两头各挑一个" in c.parts[0].text


def test_a_yes_no_question_about_a_requirement_asserts_nothing(analyzer):
    # "方案是不是要求X？Y是什么": asked, not asserted ("方案不是要求X吗" asserts X); nor read past the question mark
    from qa.answer.analysis import premise

    assert premise("某市方案不是要求路灯全部换成LED吗？为什么还有钠灯") == "路灯全部换成LED"
    assert premise("某市方案是不是要求夜市路灯全部换完？换完要达到什么效果") == ""
    plain = QuestionAnalyzer(analyzer.aliases, off={"rhetorical_only"})
    assert plain.analyse("某市方案是不是要求夜市路灯全部换完？换完要达到什么效果").premise.endswith("什")


def test_whether_a_body_named_otherwise_than_as_a_department_is_among_them_is_a_part_of_its_own(analyzer):
    # "哪些部门负责？市工会是否在内？": a body such as a 工会, 中心 or 海关 is asked about on its own, as a 局 is
    q = "甲市夜市照明方案路灯那条哪些部门负责？市工会是否在内？"
    assert [p.label for p in analyzer.analyse(q).parts][1] == "市工会是否在内？"
    plain = QuestionAnalyzer(analyzer.aliases, off={"other_bodies"})
    assert plain.analyse(q).parts == ()


def test_two_documents_named_by_their_numbers_both_ask_what_follows_the_second(analyzer):
    # "甲号和乙号落款各是哪天": the first side names only its document; it asks for the 落款 too
    a = analyzer.analyse("路办〔2021〕3号和灯函〔2020〕15号落款各是哪天？")
    assert [p.text for p in a.parts] == ["路办〔2021〕3号落款是哪天？", "灯函〔2020〕15号落款是哪天？"]
    plain = QuestionAnalyzer(analyzer.aliases, off={"numbered_sides"})
    assert plain.analyse("路办〔2021〕3号和灯函〔2020〕15号落款各是哪天？").parts[0].text == "路办〔2021〕3号是哪天？"


def test_a_term_said_in_the_plans_own_words_is_mentioned_when_it_means_the_same(fake_service):
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport

    texts = ["推进夜市街区照明改造，加快推广路灯节能灯具替换，开展照明定额管理。", "加强广告牌亮化时段管理。"] + [
        f"第{n}项其他任务按计划推进。" for n in range(10)]

    def meaning(term, sentences):  # (a made-up embedder: 换灯 and 灯具替换 mean the same)
        return [0.93 if "灯具替换" in x else 0.80 for x in sentences]

    def policy(ablate: str, similar=meaning) -> RefusalPolicy:
        settings = fake_service.answerer.settings.replace(ablate=ablate)
        return RefusalPolicy(settings, lambda: FigureSupport(texts), lambda: [], lambda ids: texts, meaning=similar)

    # "路灯换灯": 换灯 is the user's word (no document has it); 路灯, the plan's word, is in the sentence that means it
    assert "灯具替换" in policy("").reworded("给路灯换灯", texts)
    assert policy("mention_meaning").reworded("给路灯换灯", texts) == ""
    # a sentence that does not hold every plan word of the term, or does not mean it, says nothing of it
    assert policy("").reworded("给广告牌路灯换灯", texts) == ""
    assert policy("", similar=lambda t, ss: [0.80 for _ in ss]).reworded("给路灯换灯", texts) == ""
    assert policy("").reworded("给PUE路灯换灯", texts) == ""  # (an acronym no sentence has)
    # ``reworded_share``: a sentence that holds most of the term's plan words by weight (not 亮化) says it, when it
    # means it more closely than a sentence with all of them must
    assert "灯具替换" in policy("").reworded("给路灯做节能灯具更换和亮化", texts)
    assert policy("reworded_share").reworded("给路灯做节能灯具更换和亮化", texts) == ""
    closer = policy("", similar=lambda t, ss: [0.90 if "灯具替换" in x else 0.80 for x in ss])
    assert closer.reworded("给路灯做节能灯具更换和亮化", texts) == ""
    assert "灯具替换" in closer.reworded("给路灯换灯", texts)  # (every plan word held: the usual threshold)


def test_the_statement_after_a_verb_that_ends_its_segment_is_a_premise():
    """``premise_comma``: "某方案规定，X，Y？" and "某方案规定X Y几年" (a space for the comma) assert X."""
    assert premise("某市方案规定，没完成亮灯任务的街区要被通报批评，一般通报几次？") == "没完成亮灯任务的街区要被通报批评"
    assert premise("某市方案规定夜市路灯改造财政全额补贴 补贴期限几年") == "夜市路灯改造财政全额补贴"
    assert premise("夜市照明 某市方案和某县方案 各要求改到几级 有没有年份") == ""  # (a claim that asks is none)
    assert premise("某市方案规定，没完成亮灯任务的街区要被通报批评，一般通报几次？", comma=False) == ""
    off = QuestionAnalyzer(ALIASES, off={"premise_comma"})
    assert off.analyse("雅安方案规定夜市路灯改造财政全额补贴 补贴期限几年").premise == ""


def test_a_rule_for_whom_a_claim_names_is_part_of_the_premise():
    """``premise_condition``: "规定X的，Y，…？" asserts Y for X (a claim ending in 的 names whom the rule is for)."""
    q = "某市路灯方案规定街区完不成亮灯任务的，街道主任一律免职，这个程序由谁启动？"
    assert premise(q) == "街区完不成亮灯任务的，街道主任一律免职"
    assert premise(q, condition=False) == "街区完不成亮灯任务的"
    # a claim ending in 的 followed by the question only is kept as it is
    assert premise("某市路灯方案要求夜市路灯全部换成太阳能的 换一盏补多少钱") == "夜市路灯全部换成太阳能的"


def test_a_bare_has_it_question_after_a_document_asks_whether_it_is_mentioned(analyzer):
    """``mention_bare``: "某方案里有没有X？" / "某方案有X吗" ask whether the document has X at all, as "有没有提到X";
    not when X is a year, a number, a kind of answer ("名单"), a pointer back ("这个要求") or a body."""
    from qa.answer.analysis import mention_term

    assert analyzer.analyse("资阳路灯方案里有没有夜市照明？").mention_term == "夜市照明"
    assert analyzer.analyse("雅安方案有太阳能路灯吗").mention_term == "太阳能路灯"
    for q in ("雅安方案里有没有2030年的目标？", "资阳方案里有没有具体数字？", "资阳那份有没有名单",
              "雅安方案有这个要求没", "里面有没有市城管局？", "资阳方案里有多少盏路灯？"):
        assert mention_term(q) == "", q
    plain = QuestionAnalyzer(analyzer.aliases, off={"mention_bare"})
    assert plain.analyse("资阳路灯方案里有没有夜市照明？").mention_term == ""


def test_a_later_question_that_names_a_side_is_no_part_of_either_side(analyzer):
    # "X，A方案和B方案各是怎么写的？B是不是比A多一项？": each side is asked in its own scope; the comparison, which
    # names both, would put the other side's document in each side's scope
    q = "夜市路灯要纳入哪些考核，雅安方案和资阳方案各是怎么写的？资阳是不是比雅安多一项？"
    a = analyzer.analyse(q)
    assert [p.text for p in a.parts] == ["夜市路灯要纳入哪些考核，雅安方案是怎么写的？", "夜市路灯要纳入哪些考核，资阳方案是怎么写的？"]
    plain = QuestionAnalyzer(analyzer.aliases, off={"side_tail"})
    assert all("多一项" in p.text for p in plain.analyse(q).parts)


def test_quoted_figures_must_cover_what_the_last_segment_asks_not_only_the_context(fake_service, monkeypatch):
    # "…路灯、广告牌的改造量都给了 那景观灯要改多少盏": the quoted sentence's figures are the context's items
    from qa.answer.support import FigureSupport

    texts = ["到2025年，全市路灯改造1.2万盏、广告牌改造3000块。", "推进景观灯节能管理。"] + [
        f"第{n}项其他任务按计划推进。" for n in range(10)]
    answerer = fake_service.answerer
    monkeypatch.setattr(answerer, "_support", lambda: FigureSupport(texts))
    quoted = "以下为文件原文摘录：\n《某方案》（一）：到2025年，全市路灯改造1.2万盏、广告牌改造3000块。[1]"
    q = "某方案路灯改造、广告牌改造的数都给了 那景观灯节能管理要覆盖多少处"
    with switched_off(answerer, "asked_coverage"):
        plain = answerer._quoted_coverage(q, quoted)
    assert answerer._quoted_coverage(q, quoted) < answerer.settings.figure_support_threshold <= plain
    # a last segment that names only a side ("…，雅安定了多少") asks no item of its own: the whole question counts
    side = "路灯改造，雅安定了多少"
    with switched_off(answerer, "asked_coverage"):
        plain = answerer._quoted_coverage(side, quoted)
    assert answerer._quoted_coverage(side, quoted) == pytest.approx(plain)



def test_a_term_missing_from_a_document_named_by_its_title_names_that_document(fake_service):
    # "某方案有没有提到X" scoped to one document by its title (no region): the refusal says which document was
    # searched, not that no indexed document has X
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport
    from qa.types import Scope

    texts = ["推进夜市街区照明改造。"] + [f"第{n}项其他任务按计划推进。" for n in range(10)]
    policy = RefusalPolicy(fake_service.answerer.settings, lambda: FigureSupport(texts), lambda: [], lambda ids: texts,
                           titles=lambda ids: ["某市夜市照明方案" for _ in ids])
    titled = Scope(doc_ids=("a",), regions=(), out_of_scope=(), explicit=True)
    assert policy.not_mentioned("广告牌亮化", titled).message == "《某市夜市照明方案》中没有提到“广告牌亮化”。"
    regional = Scope(doc_ids=("a",), regions=("雅安",), out_of_scope=(), explicit=True)
    assert policy.not_mentioned("广告牌亮化", regional).message.startswith("雅安文件中没有提到")


def test_the_chinese_an_english_question_writes_is_kept_in_its_translation():
    from qa.answer.pipeline import kept_chinese, lost_gloss
    from qa.answer.support import cjk_bigrams

    known = cjk_bigrams("推进夜市路灯节能改造。规模以上夜市摊位全部安装节能灯具。")
    # the model changed one character into words the documents do not use: the user's own words are put back
    assert kept_chinese("Does the 夜市路灯节能改造 part cover LEDs?", "夜市路等节能改造部分包括LED吗？", known) == (
        "夜市路灯节能改造部分包括LED吗？")
    # the model's wording is the documents' own ("规模以上" for "规上"): it stays
    assert kept_chinese("How many 规上夜市摊位?", "以上夜市摊位有多少？", known) == "以上夜市摊位有多少？"
    # two characters apart, or a span of other than Chinese: not taken for the user's words
    assert kept_chinese("Does the 夜市路灯节能改造 part cover LEDs?", "夜间路等节能改造部分包括LED吗？", known) == (
        "夜间路等节能改造部分包括LED吗？")
    # a gloss the translation lost is found; one it kept is not
    assert lost_gloss("Does it mention night-market lamps (夜市路灯)?", "是否提到夜间市场灯？") == "夜市路灯"
    assert lost_gloss("Does it mention night-market lamps (夜市路灯)?", "是否提到夜市路灯？") == ""


@pytest.mark.parametrize("question, translation, term, switch, term_off", [
    # the gloss an English question gives is the term looked up, not the translation's words for it
    ("Does Ziyang's plan mention night-market street lamps (夜市路灯)?", "资阳方案是否提到夜间市场的路灯？\n",
     "夜市路灯", "kept_chinese", "夜间市场的路灯"),
    # the Chinese an English question writes is looked up without the word the translation adds to it
    ("Does Ziyang's plan mention the 夜市·灯光 campaign?", "资阳方案是否提到夜市·灯光活动？\n",
     "夜市·灯光", "own_term", "夜市·灯光活动"),
])
def test_the_chinese_an_english_question_gives_is_the_term_looked_up(fake_service, question, translation, term,
                                                                      switch, term_off):
    fake_service.answerer.generator = _translating_to(translation)
    assert fake_service.answerer.analyse(question).mention_term == term
    with switched_off(fake_service.answerer, switch) as answerer:
        assert answerer.analyse(question).mention_term == term_off


def test_a_yes_no_answer_set_aside_for_the_fallback_is_replaced_by_the_sentences_that_write_x(fake_service):
    question = "雅安方案是否提到了制氢？"
    reply = "是的，雅安方案提到了。"  # no citation: the model's answer is set aside for quotes
    a = _replying(fake_service, reply).ask(question)
    assert not a.refused and a.citations and all("制氢" in c.quote for c in a.citations)
    off = _replying(fake_service, reply, ablate="mention_fallback").ask(question)
    assert off.extractive and not all("制氢" in c.quote for c in off.citations)
    # a term that is a clause's heading names the clause: its heading line is not quoted as the answer
    b = _replying(fake_service, reply).ask("雅安方案是否提到了“加强组织领导”？")
    assert not any(c.quote.rstrip("。").endswith("加强组织领导") for c in b.citations)


def test_a_tail_asked_only_if_x_is_there_is_one_question_with_the_yes_no_before_it(analyzer):
    for question in ("雅安方案里有没有提到夜市路灯？有的话在哪条", "雅安方案是否提到夜市路灯？如果有，哪个条款？",
                     "雅安方案有没有夜市路灯 有的话怎么说的"):
        a = analyzer.analyse(question)
        assert (a.parts, a.mention_term, a.answer_type) == ((), "夜市路灯", "yesno"), question
    # a later question that does not hang on the first is still a part of its own
    assert len(analyzer.analyse("雅安方案里有没有提到夜市路灯？资阳方案的路灯改造目标是多少？").parts) == 2
    off = QuestionAnalyzer(ALIASES, off={"conditional_tail"})
    assert len(off.analyse("雅安方案里有没有提到夜市路灯？有的话在哪条").parts) == 2


def test_a_personal_post_no_document_writes_is_refused_before_generation(fake_service):
    """``person_asked``: "路灯工作小组的组长是谁" asks for a person in a post; where no document in scope writes the
    post, it is refused as not mentioned, without generation."""
    _assert_refused_before_generation(fake_service, "雅安夜市路灯工作领导小组的组长、副组长是谁？", "组长是市长[1]。",
                                      "not_mentioned", shown="组长", switch="person_asked", gone_when_off="职务")


def test_a_plan_said_to_ban_something_before_a_question_asserts_the_ban(analyzer):
    a = analyzer.analyse("雅安方案禁止夜市用高压钠灯了 过渡期给多长")
    assert a.premise == "禁止夜市用高压钠灯"
    assert analyzer.analyse("雅安方案要求夜市路灯全部改造，资金从哪来？").premise  # (a requirement too)
    assert not analyzer.analyse("雅安方案禁止哪些夜市灯具？").premise  # a question asserts nothing
    off = QuestionAnalyzer(ALIASES, off={"premise_stated"})
    assert not off.analyse("雅安方案禁止夜市用高压钠灯了 过渡期给多长").premise


def test_a_follow_up_opened_with_na_names_a_region_by_its_abbreviation(analyzer):
    assert analyzer.analyse("那渝方案里有没有夜市路灯？").regions == ("重庆市",)
    off = QuestionAnalyzer(ALIASES, off={"follow_abbreviation"})
    assert off.analyse("那渝方案里有没有夜市路灯？").regions == ()


def test_a_follow_up_with_a_term_of_its_own_is_asked_of_the_previous_plan():
    from qa.answer.rewrite import rewrite

    names = ["雅安市", "雅安", "资阳市", "资阳"]
    history = [Turn("user", "雅安方案2025年路灯节能改造要完成多少盏？"), Turn("assistant", "…")]
    assert rewrite("那夜市这块呢 夜市路灯有没有说法", history, names) == "雅安方案夜市这块 夜市路灯有没有说法？"
    assert rewrite("那夜市这块呢 夜市路灯有没有说法", history, names, own_term=False).startswith(
        "雅安方案2025年路灯节能改造要完成多少盏")


def test_a_region_in_pinyin_right_before_chinese_is_found(analyzer):
    assert analyzer.analyse("Ziyang的夜市路灯改造有什么要求？").regions == ("资阳市",)
    assert analyzer.analyse("Ya'an方案里有没有夜市路灯？").regions == ("雅安市",)


def test_an_institution_the_question_shortens_is_looked_up_by_the_name_the_plans_write(fake_service):
    from qa.answer.pipeline import abbreviated_name

    texts = ["支持夜市灯具工程大学、路灯研究院开展研究。"]
    assert abbreviated_name("夜灯大", texts) == "夜市灯具工程大学"
    assert abbreviated_name("路研院", texts) == "路灯研究院"
    assert abbreviated_name("灯大", texts) == ""  # (two characters shorten too many names)
    assert abbreviated_name("路灯研究院", texts) == ""  # (written as such: nothing to expand)
    assert abbreviated_name("夜灯大", texts + ["夜市灯光大学"]) == ""  # (two names it could shorten)
    question = "雅安方案有没有提到雅安职院？"
    assert fake_service.answerer.analyse(question).mention_term == "雅安职业技术学院"
    with switched_off(fake_service.answerer, "abbreviated_name") as answerer:
        assert answerer.analyse(question).mention_term == "雅安职院"


def test_a_term_before_an_a_not_a_at_the_end_is_looked_up(analyzer):
    assert analyzer.analyse("雅安方案 夜市路灯改造 提没提").mention_term == "夜市路灯改造"
    assert analyzer.analyse("资阳方案里夜市路灯说没说").mention_term == "夜市路灯"
    off = QuestionAnalyzer(ALIASES, off={"mention_end"})
    assert off.analyse("雅安方案 夜市路灯改造 提没提").mention_term == ""


def test_two_plans_said_both_to_give_a_figure_one_does_not_give_is_a_false_premise(fake_service):
    """``both_given``: "A方案和B方案都给了X，B比A低多少" where one region's documents have no figure sentence about X:
    refused as a false premise, naming that region; where both give it, no refusal."""
    question = "重庆方案和雅安方案都给了2025年夜市路灯节能改造的比例，雅安比重庆低多少？"
    a = fake_service.ask(question)
    assert a.refused and a.refusal_reason == "false_premise" and "前提" in a.text
    both = fake_service.ask("四川方案和雅安方案都给了2025年非化石能源消费比重，雅安比四川高多少？")
    assert both.refusal_reason != "false_premise"
    with switched_off(fake_service.answerer.policy, "both_given"):
        assert fake_service.ask(question).refusal_reason != "false_premise"


def test_whether_a_listing_of_the_plan_has_y_looks_y_up_in_the_whole_plan(analyzer):
    assert analyzer.analyse("雅安方案照明那条要改造的几类灯具里，有没有夜市霓虹灯？").mention_term == "夜市霓虹灯"
    # a description of what may be listed is not a name the plan would write
    assert analyzer.analyse("雅安方案照明那条的责任单位里，有没有管夜市的企业？").mention_term == ""
    off = QuestionAnalyzer(ALIASES, off={"mention_listing"})
    assert off.analyse("雅安方案照明那条要改造的几类灯具里，有没有夜市霓虹灯？").mention_term == ""


def test_which_document_gives_a_figure_for_a_quoted_term_none_of_whose_sentences_has_one(fake_service):
    """``which_doc_term_figure``: "哪份文件规定了“X”要建多少个" where the sentences that write X state no figure."""
    question = "哪份文件规定了“碳大脑”要建多少个？"
    a = fake_service.ask(question)
    assert a.refused and a.refusal_reason == "no_figure"
    with switched_off(fake_service.answerer, "which_doc_term_figure"):
        assert not fake_service.ask(question).refused  # (the sentences that write it, quoted)
    assert not fake_service.ask("哪份文件提到了“碳大脑”？").refused  # (no figure asked)


def test_more_ways_of_saying_who_asks_are_a_preamble(analyzer):
    a = analyzer.analyse("我在一家灯具厂做夜市项目，想核对一下：雅安方案夜市路灯改造要完成多少盏？")
    assert a.preamble.startswith("我在一家灯具厂") and a.text.startswith("雅安方案")
    # what follows the request in its segment is what is asked about
    b = analyzer.analyse("我在县里管照明，想核对雅安方案里夜市路灯的两个数，改造多少盏？哪年完成？")
    assert "雅安方案" in b.text
    off = QuestionAnalyzer(ALIASES, off={"preamble_more"})
    assert off.analyse("我在一家灯具厂做夜市项目，想核对一下：雅安方案夜市路灯改造要完成多少盏？").preamble == ""


def test_a_later_part_that_names_the_province_plan_is_not_asked_of_the_first_parts_plan(analyzer):
    a = analyzer.analyse("对一下：雅安方案夜市路灯2025年改造多少盏，省减污降碳方案夜市灯具2025年要换多少？")
    assert ["雅安" in p.text for p in a.parts] == [True, False]
    off = QuestionAnalyzer(ALIASES, off={"part_province"})
    assert "雅安" in off.analyse("对一下：雅安方案夜市路灯2025年改造多少盏，省减污降碳方案夜市灯具2025年要换多少？").parts[1].text


def test_an_answer_that_restates_the_plans_name_is_judged_without_the_names_words(fake_service, monkeypatch):
    """"某市夜市行动方案要新建15个" restates how the question names the plan: the name's words are not a
    term the figure's sentence must write."""
    import qa.answer.pipeline as pipeline
    from qa.answer.citations import _missing_term, _strip

    question, claim = "某市夜市行动方案要新建几个摊位区？", "某市夜市行动方案要新建15个摊位区"
    sentence = "分批新建15个摊位区。"
    assert _missing_term(claim, sentence, question) == "某市夜市"
    names = pipeline._plan_references(question)
    assert names == ["某市夜市行动方案"]
    assert _missing_term(claim, sentence, _strip(question, names)) is None
    assert pipeline._plan_references("推广路灯的夜市方案里有几条？") == ["夜市方案"]  # cut after 的/里/中

    seen: list[list[str]] = []
    real = pipeline.check_answer

    def spy(*args, **kwargs):
        seen.append(list(args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "check_answer", spy)
    fake_service.ask("雅安市减污降碳行动方案里，2025年非化石能源消费比重定了多少？")
    assert "雅安市减污降碳行动方案" in seen[-1]
    with switched_off(fake_service.answerer, "plan_name_claim"):
        fake_service.ask("雅安市减污降碳行动方案里，2025年非化石能源消费比重定了多少？")
    assert not any(n.endswith("方案") for n in seen[-1])


def test_a_clause_followed_up_about_places_it_names_is_answered_not_refused(fake_service):
    """"这一条提到甲市的是什么" after an answer citing a clause that writes 甲市: 甲市 is what the clause is asked
    about, not a region no document covers; a place the clause does not write is still refused."""
    history = [Turn("user", "省减污降碳方案城市那条讲了什么"),
               Turn("assistant", f"《{SICHUAN}》（十七）：统筹污染治理、生态保护、温室气体减排要求。")]
    named = fake_service.ask("这一条提到攀枝花市的是什么", history)
    assert not named.refused
    assert "没有关于攀枝花" not in named.text  # the quoted clause writes the place: no "not covered" note
    assert fake_service.ask("这一条提到绵阳市的是什么", history).refusal_reason == "out_of_corpus"
    with switched_off(fake_service.answerer.policy, "followed_place"):
        assert fake_service.ask("这一条提到攀枝花市的是什么", history).refusal_reason == "out_of_corpus"


def test_places_a_clause_lists_together_are_asked_about_not_refused_as_uncovered_regions(fake_service):
    """"哪份文件点了甲、乙、丙的名": places one clause writes together (as "甲区、乙区、丙区") are what is
    asked about; places no clause writes together are still regions no document covers."""
    listed = fake_service.ask("哪份文件里同时点了合川、永川、璧山的名？")
    assert listed.refusal_reason != "out_of_corpus"
    assert fake_service.ask("合川、绵阳、德格各要建几个站？").refusal_reason == "out_of_corpus"
    with switched_off(fake_service.answerer.policy, "listed_places"):
        assert fake_service.ask("哪份文件里同时点了合川、永川、璧山的名？").refusal_reason == "out_of_corpus"


@pytest.mark.parametrize(("pointer", "switch"), [("同一条", "part_clause"), ("这条", "part_deixis")])
def test_a_later_part_asking_of_the_same_clause_is_asked_of_the_clause_the_previous_part_cites(fake_service,
                                                                                                  monkeypatch, pointer,
                                                                                                  switch):
    """"哪份方案写了X？同一条还要求Y什么": the second part is asked of the clause that answered the first; so is
    "…？这条还要求Y什么" (``part_deixis``)."""
    import qa.answer.pipeline as pipeline

    question = f"哪份方案写了“近零碳村庄”？{pointer}还要求推行什么生产方式"
    assert len(fake_service.answerer.analyse(question).parts) == 2
    followed: list[tuple[str, ...]] = []
    real = pipeline.Answerer._answer_one

    def spy(self, q, analysis, *args, **kwargs):
        followed.append(analysis.followed_clause)
        return real(self, q, analysis, *args, **kwargs)

    monkeypatch.setattr(pipeline.Answerer, "_answer_one", spy)
    answer = fake_service.ask(question)
    first = next(c for c in answer.citations if "近零碳村庄" in c.quote)
    assert followed == [(), (first.doc_title, first.clause)]
    followed.clear()
    with switched_off(fake_service.answerer, switch):
        fake_service.ask(question)
    assert followed == [(), ()]


def test_a_which_document_question_is_answered_by_the_documents_that_write_its_longest_phrase(fake_service):
    """"哪个方案讲到要探索资源型工业城市减污降碳路径": the documents that write the question's own longest phrase
    (eight characters or more, no part of a title) as it stands are the answer, each with that sentence."""
    question = "哪个方案讲到要探索资源型工业城市减污降碳路径"
    answer = fake_service.ask(question)
    assert answer.citations and all("资源型工业城市减污降碳路径" in c.quote for c in answer.citations)
    assert fake_service.answerer._verbatim_term("哪份文件写了减污降碳协同增效", Scope()) == ""  # a title's words
    with switched_off(fake_service.answerer, "which_doc_verbatim"):
        off = fake_service.ask(question)
    assert off.text != answer.text


def test_a_clause_followed_up_in_another_regions_plan_is_that_plans_aligned_clause(fake_service):
    """"资阳方案里这一条怎么写" after an answer citing a clause of the province's plan: asked of the clause of 资阳's plan
    that the clause alignment pairs with it, not of the province's clause."""
    history = [Turn("user", "省减污降碳方案企业协同创新那条讲了啥"),
               Turn("assistant", f"《{SICHUAN}》（十九）：通过政策激励、提升标准、鼓励先进等手段开展试点。")]
    answerer = fake_service.answerer
    followed = answerer.analyse("资阳方案里这一条怎么写", history).followed_clause
    expected = answerer._counterpart((SICHUAN, "（十九）"), "资阳市", "资阳方案里这一条怎么写")
    assert expected is not None and expected[0] == "资阳市减污降碳协同增效实施方案"
    assert followed == expected
    assert answerer.analyse("这一条怎么写", history).followed_clause == (SICHUAN, "（十九）")  # no region of its own
    with switched_off(answerer, "followed_counterpart"):
        assert answerer.analyse("资阳方案里这一条怎么写", history).followed_clause == (SICHUAN, "（十九）")


def test_a_figure_asked_of_a_piece_stated_in_words_is_refused_though_its_sentence_has_another_figure(fake_service):
    """"…绿色低碳发展要取得多大成效，百分比是多少": the sentence's piece about it says "取得明显成效" while another piece
    of the same sentence gives a figure for another indicator: the plan states it only in words."""
    gen = FakeGenerator(reply="绿色低碳发展取得明显成效[1]。")
    fake_service.answerer.generator = gen
    question = "资阳实施方案里2025年绿色低碳发展要取得多大成效，具体百分比是多少？"
    answer = fake_service.ask(question)
    assert answer.refused and answer.refusal_reason == "no_figure"
    with switched_off(fake_service.answerer, "segment_figure"):
        assert not fake_service.ask(question).refused


def test_what_the_asker_is_doing_up_to_the_colon_is_part_of_the_preamble(analyzer):
    q = "我是街道办的，正在整理夜市路灯台账：雅安方案夜市路灯改造要完成多少盏？"
    a = analyzer.analyse(q)
    assert a.preamble.endswith("台账：") and a.text.startswith("雅安方案")
    # a colon segment that asks something, or gives a figure, is not said about the asker
    assert analyzer.analyse("我是街道办的，路灯改造要完成多少：雅安方案怎么定的？").text.startswith("路灯改造")
    plain = QuestionAnalyzer(analyzer.aliases, off={"preamble_colon"})
    assert plain.analyse(q).text.startswith("正在整理")


def test_a_yes_no_tail_about_the_number_asked_leaves_a_question_for_a_number(analyzer):
    # "…每年要改造多少盏？是不是分片区定的": whether the number is set so is no part, and the number is asked
    q = "雅安方案夜市路灯每年要改造多少盏？是不是分片区定的"
    a = analyzer.analyse(q)
    assert a.parts == () and a.answer_type == "figure"
    assert analyzer.analyse("雅安方案夜市路灯要改造吗？是不是分片区定的").answer_type == "yesno"
    plain = QuestionAnalyzer(analyzer.aliases, off={"whether_figure"})
    assert plain.analyse(q).answer_type == "yesno"


def test_what_a_plan_is_said_to_do_at_a_place_is_asserted(analyzer):
    from qa.answer.analysis import premise

    assert premise("甲市方案要在乙县新建夜市路灯示范街，建成后由哪个单位管？") == "要在乙县新建夜市路灯示范街"
    assert premise("甲市方案点名在乙县开展路灯改造试点，试点要改多少盏？") == "点名在乙县开展路灯改造试点"
    assert premise("甲市方案要在哪些县开展路灯改造，各改多少盏？") == ""  # (a question, not a claim)
    assert premise("甲市方案要在乙县新建夜市路灯示范街，建成后由哪个单位管？", acts=False) == ""


def test_a_quoted_word_that_begins_a_noun_phrase_is_looked_up_with_the_phrase():
    from qa.answer.analysis import mention_term

    assert mention_term("甲市方案有没有建立“夜市”管理台账？") == "夜市管理台账"
    assert mention_term("甲市方案有没有“夜市”这个说法？") == "夜市"  # (what only names the word)
    assert mention_term("甲市方案有没有提到“夜市”？") == "夜市"
    assert mention_term("甲市方案有没有建立“夜市”管理台账？", phrase=False) == "夜市"


def test_a_requirement_copied_from_another_years_sentence_is_refused_with_that_sentence(fake_service):
    """"到2030年对X有啥要求" answered by the clause's 2025 sentence with its year changed: the clause states nothing
    for 2030, so the plan's sentence is quoted and the question is not answered."""
    fake_service.answerer.generator = FakeGenerator(reply="到2030年，城镇新建建筑全面执行绿色建筑标准[1]。")
    question = "四川省减污降碳行动方案里城镇新建建筑到2030年要执行什么建筑标准？"
    answer = fake_service.ask(question)
    assert answer.refused and answer.refusal_reason == "year_not_covered"
    assert "到2025年，城镇新建建筑全面执行绿色建筑标准" in answer.text.replace(" ", "")
    with switched_off(fake_service.answerer, "misdated_refusal"):
        assert not fake_service.ask(question).refused  # (the sentences quoted instead)


def test_the_sentence_a_misdated_answer_copies_is_kept():
    item = _synthetic_item("到2025年，路灯全部完成节能改造。力争2030年前实现碳达峰。")
    checked = check_answer("到2030年，路灯全部完成节能改造[1]。", [item], "某省到2030年对路灯有什么要求？",
                           years=("2030",))
    assert checked.extractive and checked.misdated == "到2025年，路灯全部完成节能改造。"


def test_a_metadata_question_naming_several_documents_is_answered_from_each_card(fake_service):
    question = "成文日期帮我列一下（渝环〔2023〕71号函、雅安印发的通知）"
    answer = fake_service.ask(question)
    lines = answer.text.split("\n")
    assert len(lines) == 2 and "2023年8月18日[1]" in lines[0] and "2023年9月26日[2]" in lines[1]
    assert [c.n for c in answer.citations] == [1, 2]
    # a document number given as a fact is not a document asked about
    said = fake_service.ask("渝环〔2023〕71号是重庆那份的文号，雅安那份印发通知的落款是哪天？")
    assert len(said.citations) == 1 and "2023年9月26日" in said.text
    with switched_off(fake_service.answerer, "named_cards"):
        assert len(fake_service.ask(question).citations) == 1


def test_how_many_places_write_a_quoted_word_is_asked_of_every_place():
    from qa.answer.analysis import occurrence_term

    assert occurrence_term("甲市方案里带“确保”的要求有几处？") == "确保"
    assert occurrence_term("甲市有几处夜市？") == ""  # (places of another kind, no word quoted)
    assert occurrence_term("甲市方案里带“确保”的要求有几处？", counted=False) == ""


def test_the_clause_named_before_the_colon_is_where_every_part_is_asked(analyzer):
    q = "雅安方案，夜市照明的条款：哪些部门负责？要改造多少盏？"
    parts = analyzer.analyse(q).parts
    assert len(parts) == 2 and all("夜市照明的条款" in p.text for p in parts)
    plain = QuestionAnalyzer(analyzer.aliases, off={"part_clause_head"})
    assert "夜市照明" not in plain.analyse(q).parts[1].text
    # (the clause named with its heading in brackets, as an English "lighting clause (推进夜市照明改造)" is translated)
    q = "雅安方案，夜市照明条款（推进夜市照明改造）：哪些部门负责？市城管局在名单上吗？"
    parts = analyzer.analyse(q).parts
    assert len(parts) == 2 and all("（推进夜市照明改造）" in p.text for p in parts)


def test_items_listed_before_a_space_and_each_are_asked_one_by_one(analyzer):
    q = "夜市照明对一下：雅安方案路灯改造、雅安方案灯箱更换、雅安方案广告牌亮化 各降多少"
    parts = analyzer.analyse(q).parts
    assert [p.label for p in parts] == ["雅安方案路灯改造", "雅安方案灯箱更换", "雅安方案广告牌亮化"]
    assert parts[0].text.endswith("降多少")
    plain = QuestionAnalyzer(analyzer.aliases, off={"spaced_each"})
    assert [p.label for p in plain.analyse(q).parts] != [p.label for p in parts]


def test_this_thing_in_a_follow_up_is_the_answers_phrase_that_ends_in_its_noun(fake_service):
    history = [Turn("user", "雅安方案路灯要搞个啥示范"),
               Turn("assistant", "《雅安市减污降碳协同增效行动方案》（八）：加快打造智慧照明改造示范，逐步推广。")]
    answerer = fake_service.answerer
    assert answerer.analyse("那资阳方案也要搞这个示范吗", history).mention_term == "智慧照明改造示范"
    with switched_off(answerer, "deictic_head"):
        assert answerer.analyse("那资阳方案也要搞这个示范吗", history).mention_term == ""


def test_members_of_a_kind_the_plan_writes_only_as_a_kind_are_not_named(fake_service):
    answerer = fake_service.answerer
    generic = _synthetic_item("加强兄弟城市在夜市照明等领域的经验交流。")
    assert answerer._generic_kind("某省方案具体是跟哪几个兄弟城市？", [generic]) == (
        "兄弟城市", "加强兄弟城市在夜市照明等领域的经验交流。")
    listed = _synthetic_item("加强与甲市、乙市等兄弟城市的经验交流。")
    assert answerer._generic_kind("某省方案具体是跟哪几个兄弟城市？", [listed]) == ("", "")
    assert answerer._generic_kind("某省方案点了哪些行业？", [generic]) == ("", "")  # (a word too short to tell)


def test_a_rate_asked_with_what_is_a_figure_asked(analyzer):
    assert analyzer.analyse("雅安方案夜市路灯要达到什么亮灯率？").answer_type == "figure"
    assert analyzer.analyse("雅安方案夜市路灯要达到什么标准？").answer_type != "figure"
    plain = QuestionAnalyzer(analyzer.aliases, off={"rate_asked"})
    assert plain.analyse("雅安方案夜市路灯要达到什么亮灯率？").answer_type != "figure"


def test_a_short_form_of_a_term_is_written_by_its_full_form():
    """``abbreviation``: "夜修摊位" is the short form of "夜市维修摊位" (its characters in order, the same first and
    last); a term whose characters stand too far apart, or a two-character one, abbreviates nothing."""
    from qa.answer.citations import unit_fit
    from qa.answer.support import abbreviates, writes_abbreviated

    assert abbreviates("夜修摊位", "夜市维修摊位") and abbreviates("吨标煤", "吨标准煤")
    assert not abbreviates("夜修", "夜市维修") and not abbreviates("夜修摊位", "夜里市场的维修摊位")
    assert writes_abbreviated("夜修摊位", "规范夜市维修摊位经营。") and not writes_abbreviated("夜修摊位", "夜修摊位。")
    assert unit_fit("路灯年耗电折合多少万吨标煤", "折合1.2万吨标准煤", abbreviated=True) is True
    assert unit_fit("路灯年耗电折合多少万吨标煤", "折合1.2万吨标准煤") is False


def test_a_term_asked_in_its_short_form_is_mentioned_where_its_full_form_is(fake_service):
    """``abbreviation``: "有没有提夜修摊位" is answered from "夜市维修摊位", not refused as not mentioned."""
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport
    from qa.types import Scope

    own = ["规范夜市维修摊位经营。"] + [f"第{n}项其他任务按计划推进。" for n in range(10)]

    def policy(ablate: str) -> RefusalPolicy:
        settings = fake_service.answerer.settings.replace(ablate=ablate)
        return RefusalPolicy(settings, lambda: FigureSupport(own), lambda: [], lambda ids: own)

    scope = Scope(doc_ids=("a",), regions=(), out_of_scope=(), explicit=True)
    assert policy("").not_mentioned("夜修摊位", scope) is None
    assert policy("abbreviation").not_mentioned("夜修摊位", scope).code == "not_mentioned"


def test_a_follow_up_naming_its_own_subject_has_its_figure_support_measured_on_its_own_words(fake_service):
    """``own_coverage``: "那B方案里X给没给数 多少辆" after a question about A is not refused for want of a figure
    sentence that also has the previous question's words; "那2030年呢" has too few words of its own."""
    from qa.answer.policy import RefusalPolicy
    from qa.answer.support import FigureSupport

    sentences = ["推动夜市照明改造，2026年新增节能路灯20盏。"] + [f"第{n}项其他任务按计划推进。" for n in range(10)]
    text = "甲市方案里灯杆那条跟照明有关的管理内容有哪些，那乙市方案里夜市节能路灯给没给数 新增多少盏？"
    own = "那乙市方案里夜市节能路灯给没给数 新增多少盏"

    policy = RefusalPolicy(fake_service.answerer.settings, lambda: FigureSupport(sentences), lambda: ["甲市", "乙市"],
                           lambda ids: sentences)

    def coverage(own_text: str) -> float:
        analysis = QuestionAnalysis(original=text, text=text, answer_type="figure", own_text=own_text)
        return policy.figure_coverage(analysis, sentences[:1])

    threshold = fake_service.answerer.settings.figure_support_threshold
    assert coverage("") < threshold <= coverage(own)  # ('' is what the analysis holds with the switch off)
    assert coverage("那2030年呢") < threshold


def test_a_casual_yes_no_question_is_read_as_the_written_one(analyzer):
    """``casual_mention``: "有没提夜市啊" asks as "有没有提夜市": the term is 夜市, without the particle."""
    assert analyzer.analyse("甲市方案有没提夜市照明啊").mention_term == "夜市照明"
    assert analyzer.analyse("甲市方案有没提夜市照明啊").answer_type == "yesno"
    off = QuestionAnalyzer(ALIASES, off={"casual_mention"}).analyse("甲市方案有没提夜市照明啊")
    assert off.mention_term != "夜市照明"


def test_a_question_asking_the_wording_has_each_claims_own_sentence_quoted(fake_service):
    """``wording_asked``: "那句原话咋写的": a clause cited for two claims has each claim's sentence quoted, not only
    the one its citation quotes."""
    def reply(messages):  # the first two sentences of the clause of evidence item [1], each cited [1]
        title, label = re.search(r"\[1\]《(.+?)》(\S+)", messages[-1]["content"]).groups()
        clause = fake_service.answerer.retriever.clause_chunk(title, label).text
        sentences = [x for x in re.split(r"(?<=。)", clause) if len(x) >= 8 and "负责" not in x][1:3]
        return "".join(f"{x.rstrip('。')}[1]。" for x in sentences)

    q = "光伏发电那条原话咋写的"
    on = _replying(fake_service, reply).ask(q)
    off = _replying(fake_service, reply, ablate="wording_asked").ask(q)
    assert not on.refused and not on.extractive
    assert on.text.count("原文：") > off.text.count("原文：")


def test_where_a_plan_is_said_to_put_something_is_asserted(analyzer):
    """``plan_placed``: "某方案路灯那条把乙县列为示范县，…" asserts it; "某方案把路灯改造纳入哪一级考核？" asks it."""
    asked = "甲市方案路灯那条把乙县列为示范县，乙县要装多少盏？"
    assert analyzer.analyse(asked).premise == "把乙县列为示范县"
    assert analyzer.analyse("甲市方案把路灯改造纳入哪一级考核？").premise == ""
    assert QuestionAnalyzer(ALIASES, off={"plan_placed"}).analyse(asked).premise == ""


def test_a_part_answered_with_none_of_its_words_beside_a_refused_part_is_refused(fake_service):
    # the fake quotes the first sentence of evidence item [1]: an answer about whatever that clause says
    fake_service.answerer.generator = FakeGenerator()
    question = "资阳方案有没有提到核电站？核电站旁边要不要配应急柴油发电机？"
    a = fake_service.ask(question)
    assert a.refused and a.text.count("拒答原因") == 2 and prompts.REFUSAL_PART_UNANSWERED in a.text
    with switched_off(fake_service.answerer, "sibling_refusal"):
        kept = fake_service.ask(question)
    assert not kept.refused and prompts.REFUSAL_PART_UNANSWERED not in kept.text
    # a part whose answer has its own words keeps it, refused sibling or not
    policy = fake_service.answerer.policy
    asked, other = "甲方案路灯那条，要不要换成节能灯？", "甲方案路灯那条，有没有提夜市？"
    assert policy.part_unanswered("要不要换成节能灯？", asked, [other], "路灯逐步换成节能灯[1]。") is None
    assert policy.part_unanswered("要不要换成节能灯？", asked, [other], "推进污水处理设施建设[1]。") is not None
    # the sides of a comparison ask the same words: nothing of their own to find in the answer
    sides = ["雅安减污降碳方案对路灯节能怎么说？", "四川减污降碳方案对路灯节能怎么说？"]
    assert policy.part_unanswered("雅安", sides[0], sides[1:], "推进污水处理设施建设[1]。") is None
    # a part asked for the case that the other part's thing is not there
    assert policy.part_unanswered("要是没有，哪几份提了", "甲方案要是没有，哪几份提了", [other], "无关[1]。") is None


def test_questions_separated_by_spaces_are_parts(analyzer):
    """``spaced_parts``: "甲市方案路灯那条 夜市要装多少盏 路灯要换多少盏" is two questions, each asked of the words before
    them; a space inside a question ("甲市方案 路灯") parts nothing."""
    parts = analyzer.analyse("雅安方案路灯那条 夜市要装多少盏 路灯要换多少盏").parts
    assert [p.text for p in parts] == ["雅安方案路灯那条，夜市要装多少盏？", "雅安方案路灯那条，路灯要换多少盏？"]
    assert analyzer.analyse("雅安方案 夜市路灯 要装多少盏").parts == ()
    # (in a conversation a spaced follow-up is asked whole: "那夜市那块 装多少 啥时候装完" leans on the last turn)
    assert analyzer.analyse("雅安方案路灯那条 夜市要装多少盏 路灯要换多少盏", spaced=False).parts == ()
    off = QuestionAnalyzer(ALIASES, off={"spaced_parts"})
    assert off.analyse("雅安方案路灯那条 夜市要装多少盏 路灯要换多少盏").parts == ()


def test_the_document_a_later_question_is_asked_of_is_not_named_twice(analyzer):
    parts = analyzer.analyse("甲发〔2021〕9号那份函 夜市路灯哪年装完 路灯改造由哪个部门牵头").parts
    assert [p.text for p in parts] == ["甲发〔2021〕9号那份函，夜市路灯哪年装完？", "甲发〔2021〕9号那份函，路灯改造由哪个部门牵头？"]


def test_a_document_number_typed_loosely_is_read_as_written(analyzer):
    """``loose_number``: "甲发2021 9号", "甲发(2021)9号", "甲发2021年第9号" are 甲发〔2021〕9号 (not a figure 20219)."""
    for typed in ("甲发2021 9号", "甲发(2021)9号", "甲发2021年第9号", "甲发 2021 9号", "甲发[2021]9号"):
        assert "甲发〔2021〕9号那份函" in analyzer.analyse(f"{typed}那份函是哪天发的？").text, typed
    assert "2025年9号" in analyzer.analyse("雅安2025年9号出台了什么？").text  # (no issuer's abbreviation before it)
    off = QuestionAnalyzer(ALIASES, off={"loose_number"})
    assert "〔2021〕" not in off.analyse("甲发2021 9号那份函是哪天发的？").text


def test_a_casual_mention_verb_asks_whether_the_plan_mentions(analyzer):
    """``casual_verbs``: "有提夜市路灯吗" / "写没写夜市路灯" ask as "有没有提到夜市路灯"; "没有提…", "有提出…" and "某方案
    夜市路灯 写没写" (the term before it) are read as before."""
    assert analyzer.analyse("甲市方案照明那块 有提夜市路灯吗").mention_term == "夜市路灯"
    assert analyzer.analyse("甲市方案写没写夜市路灯？").mention_term == "夜市路灯"
    assert analyzer.analyse("甲市方案 夜市路灯 写没写").mention_term == "夜市路灯"
    assert analyzer.analyse("甲市方案有提出夜市路灯改造的目标吗").mention_term != "出夜市路灯改造的目标"
    assert "没有提到" in analyzer.analyse("甲市方案没有提到夜市路灯吗").text
    off = QuestionAnalyzer(ALIASES, off={"casual_verbs"})
    assert off.analyse("甲市方案写没写夜市路灯？").mention_term != "夜市路灯"


def test_the_bodies_that_sign_a_document_are_its_issuers_not_its_date(analyzer):
    """``signature_bodies``: "落款的都是哪些局" asks who signs (body → the card's issuers); "落款是哪天" and "落款的都是哪些局、
    哪天" still ask the date."""
    assert analyzer.analyse("甲市方案那份印发通知，落款的都是哪些局？").answer_type == "body"
    assert analyzer.analyse("甲市方案那份印发通知，哪几家单位落款？").answer_type == "body"
    assert analyzer.analyse("甲市方案那份印发通知落款是哪天？").answer_type == "date"
    assert analyzer.analyse("甲市方案那份印发通知落款是哪天 谁先谁后").answer_type == "date"  # (谁 asks no body here)
    assert analyzer.analyse("甲市方案那份印发通知落款的都是哪些局、签的哪天？").answer_type == "date"
    off = QuestionAnalyzer(ALIASES, off={"signature_bodies"})
    assert off.analyse("甲市方案那份印发通知，落款的都是哪些局？").answer_type == "date"


def test_a_later_question_is_asked_of_the_cover_letter_the_first_names(analyzer):
    """``part_letter``: "雅安方案那份印发通知，A？B？": B is asked of that letter too (its date is the letter's)."""
    parts = analyzer.analyse("雅安路灯方案那份印发通知，抄给了谁？哪天签发的？").parts
    assert parts[1].text == "雅安路灯方案那份印发通知哪天签发的？"
    off = QuestionAnalyzer(ALIASES, off={"part_letter"})
    assert off.analyse("雅安路灯方案那份印发通知，抄给了谁？哪天签发的？").parts[1].text == "雅安路灯方案哪天签发的？"


def test_a_signature_question_is_answered_from_the_document_card(fake_service):
    a = fake_service.ask("雅安减污降碳行动方案那份印发通知，落款的都是哪些局？")
    assert "雅安市生态环境局" in a.text and "雅安市农业农村局" in a.text and not a.refused
    assert any("信息卡" in n for n in a.notes)  # (the card's issuers, no generation)
    with switched_off(fake_service.answerer, "signature_bodies"):
        quoted = fake_service.ask("雅安减污降碳行动方案那份印发通知，落款的都是哪些局？")
    assert not any("信息卡" in n for n in quoted.notes)


def test_a_list_asked_with_none_left_out_asks_for_every_item(fake_service):
    """``nothing_left_out``: "一个不漏" / "一个也别漏" ask for every item, as "全部列出来" does (the first clause
    quoted at length, every sentence quoted if the answer falls back to quotes)."""
    answerer = fake_service.answerer
    for asked in ("雅安方案路灯那条要改哪些灯具？一个不漏", "雅安方案路灯那条要改哪些灯具？一个也别漏"):
        assert answerer._every_item(answerer.analyse(asked)), asked
    assert not answerer._every_item(answerer.analyse("雅安方案路灯那条要改哪几类灯具？"))
    with switched_off(answerer, "nothing_left_out"):
        assert not answerer._every_item(answerer.analyse("雅安方案路灯那条要改哪些灯具？一个不漏"))


def test_a_homophone_typo_of_a_region_or_a_title_word_is_read_as_written():
    """``homophone_names``: "雅按方案" is 雅安's plan and "减污降炭" is 减污降碳 (one character read the same, as an
    input method mistypes it); words that differ otherwise, or in a character read differently, stay as typed."""
    typed = QuestionAnalyzer(ALIASES, titles=[YAAN, SICHUAN])
    assert typed.analyse("雅按方案路灯那条 夜市要装多少盏").regions == ("雅安市",)
    assert "甲市减污降碳的夜市路灯" in typed.analyse("甲市减污降炭的夜市路灯咋说").text
    assert "雅岸" not in typed.analyse("雅岸方案夜市路灯咋说").text  # (岸 is read àn too)
    for kept in ("事实上夜市路灯要装多少盏", "雅丹方案夜市路灯要装多少盏", "减污增效方案里夜市路灯要装多少盏"):
        assert typed.analyse(kept).text == kept
    off = QuestionAnalyzer(ALIASES, titles=[YAAN, SICHUAN], off={"homophone_names"})
    assert off.analyse("雅按方案路灯那条 夜市要装多少盏").regions == ()
    assert QuestionAnalyzer(ALIASES).analyse("雅按方案路灯那条 夜市要装多少盏").regions == ("雅安市",)


def test_a_follow_up_naming_its_own_region_replaces_the_abbreviated_region_of_the_last_question(fake_service):
    """``follow_own_region``: "那换资阳 资阳夜市路灯放哪几个县" after "渝方案…" is asked of 资阳 alone (渝 in the
    last question is 重庆, replaced), not glued to the last question with both regions; not so when the last
    question names a plan 资阳 has none of (四川's 节能减排 plan), nor for a follow-up naming no region."""
    history = [Turn("user", "渝方案夜市路灯点了哪几个区"), Turn("assistant", "……")]
    follow = "那换资阳 资阳夜市路灯放哪几个县"
    assert fake_service.answerer.analyse(follow, history).regions == ("资阳市",)
    with switched_off(fake_service.answerer, "follow_own_region"):
        assert set(fake_service.answerer.analyse(follow, history).regions) == {"重庆市", "资阳市"}
    for earlier, asked in ((history, "那夜市呢"),
                           ([Turn("user", "川的节能减排夜市路灯装多少盏"), Turn("assistant", "……")], follow)):
        on = fake_service.answerer.analyse(asked, earlier)
        with switched_off(fake_service.answerer, "follow_own_region"):
            assert fake_service.answerer.analyse(asked, earlier) == on


def test_items_listed_with_spaces_before_each_are_asked_one_by_one(analyzer):
    """``spaced_items``: "雅安方案三个比例：夜市路灯亮灯率 公园路灯更换率 主干道节能率 分别多少" asks each item in turn,
    as the same items listed with 、 are asked (the document and year before the colon go with each)."""
    question = "雅安方案里三个2025年的比例：夜市路灯亮灯率 公园路灯更换率 主干道节能率 分别多少"
    parts = analyzer.analyse(question).parts
    assert [p.label for p in parts] == ["夜市路灯亮灯率", "公园路灯更换率", "主干道节能率"]
    assert all(p.text.startswith("雅安方案2025年") for p in parts)
    assert analyzer.analyse("雅安方案：夜市路灯 亮灯率多少").parts == ()  # (no 分别: one question)
    assert QuestionAnalyzer(ALIASES, off={"spaced_items"}).analyse(question).parts == ()


def test_a_last_piece_that_only_orders_the_answers_or_compares_them_by_place_is_no_part(analyzer):
    """``ranked_tail``: "…各装多少盏 从低到高排个序" and "…？后者比前者低几个百分点" only order or compare what the
    parts answer: no part carries them (a part that did would be asked of its own order)."""
    spaced = analyzer.analyse("雅安和资阳夜市路灯各装多少盏 从低到高排个序")
    assert [p.label for p in spaced.parts] == ["雅安", "资阳"] and not any("排" in p.text for p in spaced.parts)
    question = "雅安方案两个2025年夜市指标：路灯亮灯率、摊位覆盖率，分别是多少？后者比前者低几个百分点"
    assert not any("后者" in p.text for p in analyzer.analyse(question).parts)
    off = QuestionAnalyzer(ALIASES, off={"ranked_tail"})
    assert all("后者" in p.text for p in off.analyse(question).parts)
    assert all("排" in p.text for p in off.analyse("雅安和资阳夜市路灯各装多少盏 从低到高排个序").parts)


def test_a_topic_before_a_listing_of_documents_is_asked_of_each(analyzer):
    """``listed_documents``: "夜市路灯亮灯率2025年目标 四川方案、雅安方案、重庆方案各多少" asks that target of each
    plan; the words before the listing are what is asked, not dropped."""
    question = "夜市路灯亮灯率2025年目标 四川方案、雅安方案、重庆方案各多少"
    parts = analyzer.analyse(question).parts
    assert [p.label for p in parts] == ["四川方案", "雅安方案", "重庆方案"]
    assert all(p.text.startswith("夜市路灯亮灯率2025年目标") for p in parts)
    off = QuestionAnalyzer(ALIASES, off={"listed_documents"}).analyse(question).parts
    assert off and not any("亮灯率" in p.text for p in off)


def test_an_abbreviation_before_the_kind_of_plan_is_the_region(analyzer):
    """``abbreviation_titles``: "渝实施方案" / "川行动方案" name 重庆's and 四川's plans (渝 right before 实施方案)."""
    assert analyzer.analyse("渝实施方案夜市路灯装多少盏").regions == ("重庆市",)
    assert analyzer.analyse("川行动方案夜市路灯装多少盏").regions == ("四川省",)
    assert QuestionAnalyzer(ALIASES, off={"abbreviation_titles"}).analyse("渝实施方案夜市路灯装多少盏").regions == ()


def test_a_last_whether_mentioned_question_without_a_question_mark_is_a_part(analyzer):
    """``a_not_a_piece``: "…说没说夜市要装路灯？摊位遮阳棚提没提" asks two things, the second typed without its
    question mark; a last piece with no term of its own ("要不要做") stays with the first question."""
    parts = analyzer.analyse("雅安那份说没说夜市要装路灯？摊位遮阳棚提没提").parts
    assert len(parts) == 2 and "摊位遮阳棚" in parts[1].text
    assert QuestionAnalyzer(ALIASES, off={"a_not_a_piece"}).analyse("雅安那份说没说夜市要装路灯？摊位遮阳棚提没提").parts == ()


def test_the_attachment_of_a_cover_letter_is_answered_from_the_card(fake_service):
    """``attachment_card``: "附件是哪份" is answered from the cover letter's "附件：…" line, cited; a document whose
    letter lists none says so."""
    attached = fake_service.ask("雅安发的那个通知附件是哪份？")
    assert "附件：雅安市减污降碳协同增效行动方案" in attached.text and attached.citations[0].clause == "通知"
    none = fake_service.ask("重庆方案的附件是哪份？")
    assert none.refused and "附件" in none.text
    assert QuestionAnalyzer(ALIASES, off={"attachment_card"}).analyse("雅安发的那个通知附件是哪份？").answer_type != "attachment"


def test_whether_a_document_marks_something_asks_whether_it_is_written(analyzer):
    """``marked_mention``: "通知文末标没标联系人" asks whether 联系人 is written there, as "有没有提到联系人"."""
    assert analyzer.analyse("甲市夜市通知文末标没标联系人").mention_term == "联系人"
    assert QuestionAnalyzer(ALIASES, off={"marked_mention"}).analyse("甲市夜市通知文末标没标联系人").mention_term != "联系人"


def test_which_kind_of_is_written_in_as_asking_for_a_kind():
    """``kind_words``: "which kind of X" is written in as 哪类 before translation (a kind, not the names of Xs)."""
    from qa.answer.pipeline import english_terms

    assert english_terms("Which kind of night-market stalls get lamps?").startswith("哪类")
    assert "哪类" not in english_terms("Which kind of night-market stalls get lamps?", kinds=False)


def test_a_provincial_plan_named_by_its_title_word_is_one_of_the_documents_a_metadata_question_names(fake_service):
    """``province_card``: "省减污降碳的文件和重庆那份各依据什么" names two documents, the province's by 省 and a
    word of its title (the province has two plans): each is answered from its own card."""
    asked = "省减污降碳的文件和重庆那份各依据什么？"
    both = fake_service.ask(asked)
    assert {c.doc_title[:3] for c in both.citations} == {"四川省", "重庆市"}
    with switched_off(fake_service.answerer, "province_card"):
        assert len({c.doc_title for c in fake_service.ask(asked).citations}) == 1


def test_a_question_about_what_the_attached_plan_says_is_not_asked_of_the_attachment_line():
    """``attachment_card`` reads only a question that asks what is attached: "附件的方案里夜市路灯装多少盏" asks a figure
    of the plan, answered from its clauses."""
    assert answer_type("附件的方案里夜市路灯装多少盏") == "figure"
    assert answer_type("通知附件里夜市路灯怎么说") != "attachment"
    assert answer_type("那个通知附了哪些材料") == "attachment"


def test_a_share_asked_in_tenths_asks_a_figure(analyzer):
    """``share_words``: "亮灯率要搞到几成" asks a figure, as "百分之几" does (not "这几成了"-style words of other kinds)."""
    assert analyzer.analyse("甲市夜市路灯那条 亮灯率明年要提到几成呢").answer_type == "figure"
    assert analyzer.analyse("夜市摊位遮阳棚要做到多少成").answer_type == "figure"
    off = QuestionAnalyzer(ALIASES, off={"share_words"})
    assert off.analyse("甲市夜市路灯那条 亮灯率明年要提到几成呢").answer_type != "figure"


def test_the_statements_after_a_requirement_up_to_the_question_are_asserted_with_it(analyzer):
    """``premise_run``: "方案要求建立路灯台账，每季度通报一次并公开排名，排名靠后的由谁约谈？" asserts the reporting and
    the ranking as well as the ledger (the check looks for all of it); the question itself is no claim."""
    asked = "甲市方案要求建立夜市路灯台账，每季度通报一次并公开排名，排名靠后的摊区由谁来约谈？"
    claim = analyzer.analyse(asked).premise
    assert "夜市路灯台账" in claim and "每季度通报一次并公开排名" in claim and "约谈" not in claim
    assert QuestionAnalyzer(ALIASES, off={"premise_run"}).analyse(asked).premise == "建立夜市路灯台账"


def test_what_a_document_was_made_for_answers_a_basis_question_when_it_cites_no_document(fake_service):
    """``purpose_card``: a document whose preamble cites no other by title ("为贯彻落实X，…，制定本方案") answers "为贯彻
    落实什么制定的" with that sentence, cited; asked which document it is based on, it still says none is given."""
    asked = "四川的节能减排工作方案当初是为了贯彻落实啥部署才制定的？"
    made = fake_service.ask(asked)
    assert not made.refused and "党中央、国务院重大决策部署" in made.text and made.citations[0].clause == "序言"
    assert fake_service.ask("四川的节能减排工作方案依据的上级文件是哪份？").refused
    with switched_off(fake_service.answerer, "purpose_card"):
        assert fake_service.ask(asked).refused


def test_one_of_each_kind_not_left_out_asks_for_every_item(fake_service):
    """``left_out_words``: "一条不落" / "一样不漏" ask for every item of a list, as "一个不落" does (the evidence then
    holds the whole clause)."""
    answerer = fake_service.answerer
    listed = answerer.analyse("甲市夜市整治那条要做的事有哪些 一条不落写出来")
    assert listed.answer_type == "list" and answerer._every_item(listed)
    with switched_off(answerer, "left_out_words"):
        assert not answerer._every_item(listed)


def test_where_a_sentence_stands_is_no_figure_asked(analyzer):
    """``ordinal_words``: "原文在第几条" asks where the sentence stands, as "在哪一条" does (every answer cites it), not
    a figure."""
    asked = "甲市方案里说夜市路灯要换成节能灯，这句原话咋写？在第几条？"
    assert analyzer.analyse(asked).answer_type != "figure"
    assert "第几" not in analyzer.analyse(asked).text
    assert QuestionAnalyzer(ALIASES, off={"ordinal_words"}).analyse(asked).answer_type == "figure"


def test_a_value_asked_only_if_it_is_set_is_no_part_of_its_own(analyzer):
    """``conditional_value``: "…有没有定目标？定了的话是多少" is one question for the figure (asked alone, "是多少" binds
    any figure of the document)."""
    asked = "资阳方案讲夜市路灯的时候，亮灯率有没有定具体目标？定了的话是多少"
    assert analyzer.analyse(asked).parts == ()
    assert len(QuestionAnalyzer(ALIASES, off={"conditional_value"}).analyse(asked).parts) == 2


def test_a_claim_only_that_a_plan_addresses_a_topic_asserts_nothing(analyzer):
    """``topic_premise``: "听说某方案对X有要求，…要做什么" says only that the plan addresses X, which the answer shows:
    no requirement to check (a claim of what it requires still is one)."""
    asked = "听说资阳那份对夜市摊位遮阳棚有要求，要用什么材料？"
    assert analyzer.analyse(asked).premise == ""
    assert QuestionAnalyzer(ALIASES, off={"topic_premise"}).analyse(asked).premise.endswith("对夜市摊位遮阳棚有要求")
    assert analyzer.analyse("听说资阳那份要求夜市摊位遮阳棚全部换成帆布，要换多少个？").premise


def test_what_the_asker_needs_it_for_before_a_colon_is_a_preamble(analyzer):
    """``purpose_preamble``: "要给街道做个展板找依据：" says what the asker is doing (its 依据 asks no basis); a first
    segment that names a document is content."""
    asked = "要给街道做个展板找依据：资阳方案里夜市路灯要装多少盏？"
    analysed = analyzer.analyse(asked)
    assert analysed.preamble == "要给街道做个展板找依据：" and analysed.answer_type == "figure"
    assert QuestionAnalyzer(ALIASES, off={"purpose_preamble"}).analyse(asked).preamble == ""
    assert analyzer.analyse("给夜市做台账用的资阳方案：路灯要装多少盏？").preamble == ""


def test_a_figure_given_in_the_question_is_looked_up_where_it_is_written(fake_service):
    """``figure_lookup``: "某方案那份里冒出个N% 讲的是哪项指标" is answered with every sentence of the named document that writes
    N%, quoted with its clause (of the years asked, when the question gives some)."""
    asked = "四川省那份行动方案里冒出个41.5% 讲的是哪项指标"
    found = fake_service.ask(asked)
    assert not found.refused and "比重达到41.5%左右" in found.text
    assert "（五）" in [c.clause for c in found.citations]
    with switched_off(fake_service.answerer, "figure_lookup"):
        assert "41.5%”的句子" not in fake_service.ask(asked).text


def test_a_term_whose_words_the_documents_use_are_said_of_everything_is_not_reworded(fake_service):
    """``reworded_specific``: "有没有涉及路灯光污染治理" is not said in other words by a sentence about 大气污染治理: the
    term's words the documents use (污染, 治理) are in a great many of their sentences, and the word that names what is
    asked about in none (the embedder may still find the two close)."""
    policy = fake_service.answerer.policy
    meaning = policy._meaning
    policy._meaning = lambda term, sentences: [1.0] * len(sentences)
    try:
        said = ["（十二）推进大气污染治理设备节能降耗，提高设备自动化智能化运行水平。"]
        assert policy._find_reworded("路灯光污染治理", said) == ""
        with switched_off(policy, "reworded_specific"):
            assert policy._find_reworded("路灯光污染治理", said) == said[0]
    finally:
        policy._meaning = meaning


def test_the_sentence_that_writes_the_term_asked_about_is_shown():
    """``mention_sentence``: "提没提灯市河" is decided by the sentence that writes 灯市河, shown whatever the budget, even
    when other sentences share more of the question's words."""
    sentences = split_sentences("（七）夜市治理。以甲区、乙区、丙区夜市为重点区域推进夜市治理工程，实施夜市路灯改造工程和摊位遮阳棚整治工程。"
                                "同时加强灯市河沿岸照明管理，夜间按时关灯。")
    asked = "夜市治理那条 提没提灯市河 要搞哪些工程"
    assert any("灯市河" in s.text for s in select_sentences(asked, sentences, "夜市治理", 50, term="灯市河"))
    assert not any("灯市河" in s.text for s in select_sentences(asked, sentences, "夜市治理", 50))


def test_which_of_all_the_documents_with_named_ones_asked_among_them_searches_all(analyzer):
    """``all_documents``: "X 这几份方案里哪些提了 雅安和资阳提了没" asks which documents write X, every one searched (the
    named ones are among them or not), not one part per named region; a tail that asks something else is a part."""
    asked = "“夜市路灯”这个说法 这几份方案里哪些提了 雅安和资阳提了没"
    analysed = analyzer.analyse(asked)
    assert analysed.answer_type == "which_doc" and analysed.parts == () and analysed.regions == ()
    assert len(QuestionAnalyzer(ALIASES, off={"all_documents"}).analyse(asked).parts) == 2
    assert analyzer.analyse("“夜市路灯”这个说法，这几份方案里哪些提了？雅安那份对夜市是怎么写的？").parts


def test_a_word_of_issuing_inside_the_term_looked_up_asks_no_body(analyzer):
    """``mention_not_who``: "提没提编制发布夜市地图" asks whether the plan mentions the term (its 发布 is the term's), not
    who issues it; "夜市地图由谁发布" still asks who."""
    asked = "雅安那份里提没提编制发布夜市路灯地图？"
    assert analyzer.analyse(asked).answer_type == "yesno"
    assert QuestionAnalyzer(ALIASES, off={"mention_not_who"}).analyse(asked).answer_type == "body"
    assert analyzer.analyse("雅安那份里夜市路灯地图由谁发布？").answer_type == "body"


def test_a_claim_that_a_plan_lists_the_asker_asserts_no_requirement(analyzer):
    """``self_listed``: "听说某方案那条把咱们列上了，牵头配合的都有谁" claims only that the asker is listed, which the
    listing asked shows; a requirement laid on the asker is still a premise."""
    asked = "我在甲市路灯所上班，听说资阳那份夜市照明一条把咱们列上了，牵头配合的都有谁？"
    assert analyzer.analyse(asked).premise == ""
    assert "列上" in QuestionAnalyzer(ALIASES, off={"self_listed"}).analyse(asked).premise
    assert analyzer.analyse("听说资阳那份要求我们单位的夜市路灯全部关停，名单怎么定的？").premise


def test_a_choice_between_a_yearly_figure_and_a_total_does_not_ask_a_yearly_one(fake_service):
    """``annual_choice``: "是逐年降低还是五年合计降低 降低多少" asks which, so the five-year figure answers it; "年均降低多少"
    alone is still refused with that figure quoted."""
    asked = "节能减排综合方案中公共机构人均综合能耗是逐年降低还是五年合计降低 降低多少"
    found = fake_service.ask(asked)
    assert not found.refused and "人均综合能耗下降5%" in found.text
    with switched_off(fake_service.answerer, "annual_choice"):
        assert fake_service.ask(asked).refused
    assert fake_service.ask("节能减排综合方案中公共机构人均综合能耗年均降低多少").refused


def test_those_several_things_pointed_at_ask_no_count(fake_service):
    """``deictic_count``: "那几个降幅各多少" points at the figures; it asks no count in 个 (the unit check would set a
    percentage aside)."""
    from qa.answer.citations import asked_unit

    answerer = fake_service.answerer
    assert asked_unit(answerer._unit_question("夜市那几个降幅各多少")) == ""
    assert asked_unit(answerer._unit_question("夜市有几个摊位")) == "个"
    with switched_off(answerer, "deictic_count"):
        assert asked_unit(answerer._unit_question("夜市那几个降幅各多少")) == "个"


def test_a_figure_asked_where_it_is_written_is_looked_up(fake_service):
    """``figure_source``: "N%这个数字到底是谁家定的" / "有两个都是N% …各是啥" are answered like FIGURE_LOOKUP, with every
    sentence that writes N%; "分别是什么时候的" asks something else."""
    from qa.answer.cues import FIGURE_EACH, FIGURE_SOURCE

    asked = "41.5%这个数字到底是谁家定的"
    found = fake_service.ask(asked)
    assert not found.refused and "比重达到41.5%左右" in found.text and "（五）" in [c.clause for c in found.citations]
    with switched_off(fake_service.answerer, "figure_source"):
        assert "41.5%”的句子" not in fake_service.ask(asked).text
    assert FIGURE_SOURCE.search("灯市河夜市12%这个数的出处")
    assert FIGURE_EACH.search("甲市那份有两个都是12% 一个在夜市那条一个在路灯那条 各是啥")
    assert not FIGURE_EACH.search("甲市12%、乙市30%，分别是什么时候的目标")


def test_the_bracketed_note_at_the_end_of_a_cover_letter_is_a_card_field(analyzer, fake_service):
    """``note_card``: "结尾括号中那句话是啥" asks the note under the letter's date (本文有删减 / 此件公开发布), which the
    card keeps, not the date; a department parenthesis ("括号里写了哪些部门") is not asked so."""
    asked = "甲市夜市那份通知结尾括号中那句话是啥"
    assert analyzer.analyse(asked).answer_type == "note"
    assert QuestionAnalyzer(ALIASES, off={"note_card"}).analyse(asked).answer_type != "note"
    assert analyzer.analyse("夜市路灯那条括号里写了哪些部门").answer_type != "note"
    assert analyzer.analyse("夜市路灯那条末尾括号里是哪些部门").answer_type != "note"
    found = fake_service.ask("川府发〔2022〕20号通知结尾括号中那句话是啥")
    assert not found.refused and "本文有删减" in found.text and [c.clause for c in found.citations] == ["通知"]


def test_a_colophon_no_document_prints_is_refused_from_the_card(analyzer, fake_service):
    """``colophon_card``: "版记上是谁印发、哪天印发" asks the colophon, which no document here prints: refused as not
    stated, not answered with the date the letter is signed."""
    assert analyzer.analyse("甲市那份函的版记上写的谁印发").answer_type == "colophon"
    assert QuestionAnalyzer(ALIASES, off={"colophon_card"}).analyse("甲市那份函的版记上写的谁印发").answer_type != "colophon"
    assert analyzer.analyse("甲市那份函的版记里抄送了哪些单位").answer_type == "cc"
    found = fake_service.ask("渝环〔2023〕71号那份函版记上哪天印发")
    assert found.refused and "版记" in found.text


def test_every_card_field_a_metadata_question_asks_is_answered(fake_service):
    """``every_field``: "某号文 谁签发的 发给谁 哪天签的" asks three fields of the card; each is answered, in the
    order asked, from the cover letter (not only the date the last segment asks)."""
    asked = "川府发〔2022〕20号 哪个机关签发的 主送谁 哪天签的"
    found = fake_service.ask(asked)
    assert not found.refused and [c.clause for c in found.citations] == ["通知"]
    assert found.text.index("由四川省人民政府印发") < found.text.index("主送单位") < found.text.index("2022年7月21日")
    with switched_off(fake_service.answerer, "every_field"):
        alone = fake_service.ask(asked).text
    assert "2022年7月21日" in alone and "主送单位" not in alone


def test_when_a_document_takes_effect_is_refused_from_the_card(analyzer, fake_service):
    """``validity_card``: "那份通知写没写何日生效、管几年" asks when the document takes effect, which no document
    here states: refused as not stated, not answered with the date the letter is signed."""
    asked = "甲市夜市那份通知写没写从哪天开始施行"
    assert analyzer.analyse(asked).answer_type == "validity"
    assert QuestionAnalyzer(ALIASES, off={"validity_card"}).analyse(asked).answer_type != "validity"
    assert analyzer.analyse("夜市路灯哪天开始实施改造").answer_type != "validity"  # (a measure's 实施, no document named)
    found = fake_service.ask("川府发〔2022〕20号那份通知有效期是几年")
    assert found.refused and "施行日期或有效期" in found.text and "2022年7月21日" not in found.text


def test_what_the_cover_letter_tells_its_recipients_is_a_card_field(analyzer, fake_service):
    """``directive_card``: "印发通知让下面怎么执行" asks the cover letter's directive ("现予以印发，请遵照执行"), a
    line of the card, not the date it is signed."""
    asked = "甲市夜市方案的印发通知让各摊位怎么执行"
    assert analyzer.analyse(asked).answer_type == "directive"
    assert QuestionAnalyzer(ALIASES, off={"directive_card"}).analyse(asked).answer_type != "directive"
    assert analyzer.analyse("夜市方案要求摊位怎么执行垃圾分类").answer_type != "directive"  # (no cover letter named)
    found = fake_service.ask("川府发〔2022〕20号那份通知让各地怎么执行")
    assert not found.refused and "请结合实际认真组织实施" in found.text
    assert [c.clause for c in found.citations] == ["通知"]


def test_an_adverb_before_the_mention_verb_keeps_the_term(analyzer):
    """``mention_adverb``: "有没有也提X" / "是否还提到X" ask as "有没有提X": X is the term looked up."""
    asked = "甲市夜市方案讲了路灯改造 有没有也提摊位遮阳棚"
    assert analyzer.analyse(asked).mention_term == "摊位遮阳棚"
    assert QuestionAnalyzer(ALIASES, off={"mention_adverb"}).analyse(asked).mention_term != "摊位遮阳棚"


def test_a_list_whose_items_no_document_writes_is_replaced_by_quotes(fake_service):
    """``invented_items``: an enumeration whose inner items the documents write nowhere (or one item repeated) is made
    up; the answer falls back to quoting the clause."""
    from qa.answer.citations import invented_items

    written = "重点支持甲灯厂联合乙大学、丙大学、丁研究院等成立联合体"
    assert invented_items("成员有甲灯厂、戊灯厂、己灯厂、庚灯厂、辛灯厂[1]。", written) == ["戊灯厂", "己灯厂", "庚灯厂"]
    assert invented_items("成员有甲灯厂、乙大学、丙大学、丁研究院[1]。", written) == []
    assert invented_items("有乙大学、丙大学、乙大学、丙大学、乙大学、丙大学[1]。", written) == ["丙大学"]  # (repeated)
    fake_service.answerer.generator = FakeGenerator(
        reply="在造纸、纺织、印染、皮革、制鞋等行业开展试点[1]。")
    asked = "重庆实施方案把碳排放监测试点安排在什么行业"
    found = fake_service.ask(asked)
    assert "皮革" not in found.text and found.extractive
    with switched_off(fake_service.answerer, "invented_items"):
        assert "皮革" in fake_service.ask(asked).text


def test_an_answer_that_denies_what_its_clause_writes_is_replaced_by_quotes(fake_service):
    """``denied_written``: "有没有A和B" answered "没有A和B" where the cited clause writes both contradicts its
    evidence; the clause is quoted instead. A kind of answer ("没有具体数字") is no named thing."""
    from qa.answer.citations import denied_written

    evidence = "（灯市局、夜市办、甲市气象局等按职责分工负责）"
    assert denied_written("没有夜市办和气象局[1]。", evidence) == ["夜市办", "气象局"]
    assert denied_written("没有具体数字[1]。", evidence + "具体数字") == []
    assert denied_written("没有乙市园林局[1]。", evidence) == []
    fake_service.answerer.generator = FakeGenerator(reply="没有生态环境厅和四川气象局[1]。")
    asked = "川减污降碳方案拓展对外合作的牵头单位里 生态环境厅和四川气象局在列吗"
    found = fake_service.ask(asked)
    assert not found.text.startswith("没有") and found.extractive
    assert "四川气象局" in found.text and "生态环境厅" in found.text  # (the sentence that writes them is quoted)
    with switched_off(fake_service.answerer, "denied_written"):
        assert fake_service.ask(asked).text.startswith("没有")


def test_a_question_whether_answers_share_a_footing_is_no_part(analyzer):
    """``compared_aspect``: "…各要求到多少 哪个高 统计口径一致吗" ends with comparisons of what was asked; no part
    carries them (their words would dilute what each side is matched with)."""
    asked = "夜市亮灯率 雅安的和资阳的各要求到多少 哪个高 统计口径一致吗"
    parts = analyzer.analyse(asked).parts
    assert len(parts) == 2 and not any("口径" in p.text for p in parts)
    off = QuestionAnalyzer(ALIASES, off={"compared_aspect"}).analyse(asked).parts
    assert any("口径" in p.text for p in off)



def test_each_side_asked_with_a_verb_of_change(analyzer):
    """``each_verb``: "A和B 各降多少？哪个降得多" asks each side's figure, as "各是多少" does."""
    asked = "甲市方案里 路灯单位能耗和夜市照明能耗 各降多少？哪个降得多"
    parts = analyzer.analyse(asked).parts
    assert [p.label for p in parts] == ["路灯单位能耗", "夜市照明能耗"]
    assert all(p.text.endswith("降多少？") for p in parts)  # (各 is gone; the comparison is no part's)
    assert QuestionAnalyzer(ALIASES, off={"each_verb"}).analyse(asked).parts == ()


def test_a_means_asked_of_enterprises_is_no_company_name():
    """``means_asked``: "用什么办法促企业…" asks a means; "哪家企业" asks a company's name."""
    from qa.answer.pipeline import _asked_entity, _asks_organisation

    asked = "还靠什么办法引导企业做灯具改造"
    assert _asked_entity(asked) == "" and not _asks_organisation(asked)
    assert _asked_entity(asked, means=False) == "企业" and _asks_organisation(asked, means=False)
    assert _asked_entity("灯具改造由哪家企业来做") == "企业"


def test_listed_items_each_written_are_mentioned(fake_service):
    """``mention_items``: "有没有提到A和B" where the plan writes "A、B": each item is looked up on its own."""
    from qa.types import Scope

    policy = fake_service.answerer.policy
    assert policy.not_mentioned("綦江区和梁平区", Scope()) is None
    assert policy.not_mentioned("綦江区和夜市区", Scope()) is not None  # (one of them is written nowhere)
    with switched_off(policy, "mention_items"):
        assert policy.not_mentioned("綦江区和梁平区", Scope()) is not None


def test_no_note_denies_a_place_the_cited_clause_writes(fake_service):
    """``written_places``: a place name the cited clause writes is not listed as one no document covers."""
    fake_service.answerer.generator = FakeGenerator(reply="提到了，要推动綦江区、梁平区的工作[1]。")
    asked = "渝方案提没提綦江区和梁平区？让它们干啥"
    found = fake_service.ask(asked)
    assert "綦江区" in "".join(c.quote for c in found.citations) or found.extractive
    assert "没有关于" not in found.text
    with switched_off(fake_service.answerer, "written_places"):
        assert "（注：已索引的文件中没有关于" in fake_service.ask(asked).text


def test_a_side_named_as_the_province_plan_takes_no_other_region(analyzer):
    """``province_side``: "甲地方案和省方案…分别" names the province's plan as its second side; it is not
    read as 甲地's."""
    asked = "路灯这块 雅安方案和省方案30年亮灯率分别是多少"
    parts = analyzer.analyse(asked).parts
    assert [p.label for p in parts] == ["雅安方案", "省方案2030年亮灯率"]
    assert "雅安省" not in parts[1].text and parts[1].text.startswith("路灯这块 省方案")
    off = QuestionAnalyzer(ALIASES, off={"province_side"}).analyse(asked).parts
    assert "雅安省方案" in off[1].text


def test_the_subject_named_after_the_unit_is_what_is_asked():
    """``subject_after``: "还得添多少万盏的夜市路灯" asks the figure of 夜市路灯, named after the unit."""
    from qa.answer.policy import asked_subject

    asked = "甲市方案里，到2030年全市还得添多少万盏的夜市路灯？"
    assert asked_subject(asked, after=True) == "全市还得添夜市路灯"
    assert asked_subject("到2030年再铺多少公里的灯带", after=True) == "再铺灯带"  # (one segment too)
    assert asked_subject(asked) == "全市还得添"
    assert asked_subject("甲市方案里，夜市路灯要装多少盏", after=True) == "夜市路灯装"


def test_units_taken_from_the_duty_parenthesis_are_replaced_by_the_sentence(fake_service):
    """``duty_cited``: "鼓励哪些单位申报X" answered with the departments of "（…按职责分工负责）" quotes the
    sentence that names the units instead; "哪些单位负责" still asks who is responsible."""
    fake_service.answerer.generator = FakeGenerator(
        reply="由市科技局、市交通运输局等单位申报[1]。")
    asked = "资阳方案 省市级重点实验室这事 鼓励哪些单位去申报"
    found = fake_service.ask(asked)
    assert found.extractive and prompts.NOTE_DUTY_CITED in found.notes
    assert "柠檬" in found.text and "市科技局" not in found.text
    with switched_off(fake_service.answerer, "duty_cited"):
        assert not fake_service.ask(asked).extractive


def test_a_sentence_that_only_repeats_the_question_is_no_answer():
    """``echo_claim``: a sentence of the answer made of a few words the question has together says nothing."""
    from qa.answer.pipeline import _echo_claim

    asked = "那夜市路灯呢 有没有具体盏数"
    assert _echo_claim("要加快改造灯杆[1]。夜市路灯[1]。", asked) == "夜市路灯"
    assert _echo_claim("夜市路灯要新增300盏[1]。", asked) == ""
    assert _echo_claim("要加快改造灯杆，提升照明效率[1]。", asked) == ""


def test_part_of_a_listed_run_gets_the_whole_list(fake_service):
    """``full_list``: an answer naming some of the items a cited sentence lists ("如钢铁、化工等") is given the
    sentence with all of them."""
    from qa.answer.pipeline import _part_of_list

    sentence = "在路灯、灯带、景观灯、广告灯等设施中推广节能灯具。"
    assert _part_of_list("如路灯、广告灯等[1]。", sentence)
    assert not _part_of_list("路灯、灯带、景观灯、广告灯[1]。", sentence)  # (all of them)
    assert not _part_of_list("推广节能灯具[1]。", sentence)
    fake_service.answerer.generator = FakeGenerator(reply="重点行业如钢铁、化工等[1]。")
    asked = "渝实施方案 规划环评做碳评 要覆盖哪些行业"
    found = fake_service.ask(asked)
    assert "建材、有色金属" in found.text
    with switched_off(fake_service.answerer, "full_list"):
        assert "建材、有色金属" not in fake_service.ask(asked).text


def test_a_region_inside_an_institution_name_is_no_region():
    """``institution_region``: "四川灯具大学" or "中车甲地雅安照明有限公司" names an institution; its region word
    does not scope the question (the analysis' regions and the retriever's scope both skip it)."""
    from qa.index.scope import without_institution_names

    aliases = list(ALIASES)
    assert without_institution_names("四川灯具大学的课题", aliases) == "  灯具大学的课题"
    assert without_institution_names("重庆有关公司和四川的夜市", aliases) == "重庆有关公司和四川的夜市"
    # (with the documents' text, only a name they write: "我在甲地照明集团上班" says where the asker is)
    assert without_institution_names("我在雅安照明集团上班", aliases, "四川灯具大学") == "我在雅安照明集团上班"
    asked = "四川灯具大学的夜市课题 有没有写进雅安方案"
    written = "支持四川灯具大学开展夜市照明研究"
    assert QuestionAnalyzer(ALIASES, written=written).analyse(asked).regions == ("雅安市",)
    assert "四川省" in QuestionAnalyzer(ALIASES, written="").analyse(asked).regions
    assert "四川省" in QuestionAnalyzer(ALIASES, off={"institution_region"}, written=written).analyse(asked).regions


def test_which_document_names_an_institution(fake_service):
    """``which_doc_institution``: "哪份方案写了X大学" is answered by the sentences that write the institution's name."""
    asked = "天津大学被哪个文件提到了？"
    found = fake_service.ask(asked)
    assert "天津大学" in found.text and "资阳" in found.text
    with switched_off(fake_service.answerer, "which_doc_institution"):
        assert "天津大学" not in "".join(c.quote for c in fake_service.ask(asked).citations)
