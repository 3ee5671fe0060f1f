"""Every piece of prompt and reply text lives here (pinned by tests/test_prompts.py).

The fixed part (the system message) comes first so llama.cpp reuses its KV cache across
questions; the evidence and the question follow in the user message.
"""

from __future__ import annotations

from collections.abc import Sequence

SYSTEM_PROMPT = (
    "你是政府政策文件问答助手。只根据用户给出的条款回答问题，用简洁的中文作答，不要编造。\n"
    "要求：\n"
    "1. 每句话末尾用方括号标注它所依据的条款编号，例如[1]或[2]。\n"
    "2. 数字、百分比、年份和部门名称必须照抄条款原文。\n"
    "3. 问题涉及哪个地区，就只用该地区文件的条款回答。\n"
    "示例：\n"
    "条款：\n"
    "[1]《某市行动方案》（三） 推动能源转型\n到2025年，某市非化石能源消费比重达到40%左右。（市发展改革委、市能源局按职责分工负责）\n"
    "[2]《某省行动方案》（三） 推动能源转型\n到2025年，全省非化石能源消费比重达到35%左右。\n"
    "问题：某市到2025年非化石能源消费比重要达到多少？由哪些部门负责？\n"
    "回答：到2025年，某市非化石能源消费比重要达到40%左右[1]。由市发展改革委、市能源局按职责分工负责[1]。"
)

EVIDENCE_ITEM = "[{n}]《{title}》{label} {heading}\n{text}"

USER_PROMPT = "条款：\n{evidence}\n\n问题：{question}\n回答："

#: The model sometimes continues by writing a new "问题：" or "条款：" block (copying the prompt's
#: layout); generation stops there.
STOP = ("\n问题：", "问题：", "\n条款：", "条款：\n")

REFUSAL_OUT_OF_SCOPE = "已索引的文件中没有关于{names}的规定，无法回答这个问题。"
#: a figure asked of a place no document is about, where the documents in scope give only their own figures
REFUSAL_PLACE_FIGURE = "已索引的文件没有给出{names}的具体数字（相关文件只给出本级的目标），无法据此作答。"
REFUSAL_LOW_EVIDENCE = "已索引的文件中未找到与这个问题直接相关的内容，无法据此作答。"
REFUSAL_MISSING_FIGURE = "已索引的文件中未找到关于{names}的内容，无法据此作答。"
REFUSAL_NO_FIGURE = "已索引的文件中没有给出这个问题所问的具体数字，无法据此作答。"
#: an amount of money (a subsidy, a fine, an investment) asked of documents that give none
ABBREVIATED_NOTE = "问题中的“{short}”按文件中的全称“{full}”查找"
REFUSAL_NOT_BOTH = "{region}的文件中没有给出“{what}”的具体数字，问题说两份方案都给了，前提与文件不符，无法比较。"
REFUSAL_NO_PERSON = "所查文件中没有写“{post}”这一职务，也没有点名任何个人，无法据此作答。"
REFUSAL_NO_MONEY = "所查文件中没有给出任何金额（补贴、罚款、投资等的具体数额），无法据此作答。"
#: a part of a multi-part question whose answer, beside a part the documents do not answer, is about something else
REFUSAL_PART_UNANSWERED = "检索到的条款没有回答这一问（找到的原文说的是别的内容），无法据此作答。"
REFUSAL_BY_MODEL = "根据检索到的条款，文件中未找到这个问题的答案。"
REFUSAL_FALSE_PREMISE = "文件中没有找到“{premise}”这一要求，问题的前提与文件不符。"
REFUSAL_NOT_MENTIONED = "{where}文件中没有提到“{term}”。"
REFUSAL_NOT_MENTIONED_IN = "{titles}中没有提到“{term}”。"
REFUSAL_NO_BODY = "《{title}》{label}没有写明由哪个部门负责或牵头，无法据此作答。"
REFUSAL_UNNAMED = "文件只笼统地提到这类{kind}，没有点名具体是哪些，无法据此作答。"
#: a rate asked for whose figure the plan does not give, while the clause gives a neighbouring indicator's
REFUSAL_OTHER_INDICATOR = "文件没有给出所问这项指标的具体数字；下面原文中的数字属于另一项指标，不能当作答案。"
#: an answer that only repeats the figures the question itself states ("X那个N%我知道了，Y呢")
REFUSAL_ECHOED_FIGURE = "文件给出的只是问题中已经提到的数字，没有给出所问这一项的具体数字。"
REFUSAL_NO_ENTITY = "检索到的条款没有给出所问的{kind}，无法据此作答。"
REFUSAL_NO_FIGURE_QUALITATIVE = "文件没有给出这一目标的具体数字，只作了定性表述。"
#: a figure the documents give only for another time than the one asked ("到2030年" / "每年")
REFUSAL_OTHER_TIME = "文件没有给出{when}的这一数字，下面是文件给出的另一时间的目标，不能当作所问的数字。"
REFUSAL_OTHER_TIME_WORDS = "文件没有给出{when}的这一要求，下面是文件给出的另一时间的表述，不能当作所问年份的要求。"
ANNUAL = "每年（分年度）"
#: What the document does say (after a false-premise or a no-figure refusal).
DOCUMENT_SAYS = "文件的相关表述：《{title}》{label}：{quote}"
#: The reason code shown with every refusal.
REFUSAL_REASON = {
    "out_of_corpus": "文件库中没有该地区或文件",
    "weak_evidence": "没有足够相关的条款",
    "period_not_covered": "文件未涉及该规划期",
    "year_not_covered": "文件未涉及该年份",
    "not_mentioned": "文件未提及",
    "false_premise": "问题前提与文件不符",
    "no_figure": "文件未给出具体数字",
    "model_refused": "条款不能回答该问题",
}
REASON_LINE = "（拒答原因：{reason}）"
#: Translating an English or half-English question into Chinese with the same local model, so that
#: retrieval, scope and the checks work on it as on any Chinese question.
TRANSLATE_SYSTEM = "把问题逐字翻译成简体中文问句。只输出译文，不要回答问题，不要补充内容。"
TRANSLATE_SHOTS = (
    ("What is Sichuan's 2030 target for the share of electric buses?", "四川到2030年电动公交车占比的目标是多少？"),
    ("成都的 air quality 有什么要求", "成都的空气质量有什么要求？"),
    ("Which departments are responsible for green buildings in Mianyang?", "绵阳的绿色建筑由哪些部门负责？"),
)
TRANSLATED_NOTE = "英文问题已译为：{text}"
#: the clauses an answer cites, kept with it in the conversation (a follow-up "这一条由谁牵头？" points at them)
TURN_SOURCES = "（依据：{clauses}）"
#: Prefix of a which-document answer (the documents' own sentences, quoted)
WHICH_DOC_PREFIX = "以下文件的条款说到了这一内容："
#: A yes to "有没有提到X", with the sentences that write X
MENTIONED_PREFIX = "有，文件中提到了“{term}”："
#: "有没有提到X" where the plan says X in its own words
REWORDED_ANSWER = "有。文件没有用“{term}”这个说法，相关表述是：\n《{title}》{label}：{quote}[1]"
REWORDED_NOTE = "问题的说法在文件中没有原文，据意思相近且用词吻合的句子作答"
#: "X出现在哪几处": every clause that names X, one sentence each (the count is of clauses)
OCCURRENCES_HEADER = "“{term}”在以下{n}条中出现（每条引一句原文）："
#: the answer to "某方案里那个N%讲的是哪项指标": every sentence in scope that writes the figure, quoted
FIGURE_LOOKUP_HEADER = "文件中写到“{figure}”的句子有以下{n}句（原文照录，所指指标见句中）："


#: ``statement_translation``: a statement before the question stays a statement ("X's plan sets Y. What is Z?" is
#: one fact the user states and one question, not two questions), and the Chinese the user wrote, in a gloss too,
#: is the term the translation uses
TRANSLATE_SYSTEM_SENTENCES = ("把用户的话逐句翻译成简体中文：陈述句仍译成陈述句，问句译成问句，句子数不变。"
                              "原文里的中文词语原样照抄；英文后面括号里的中文是这段英文的原词，译文直接用这个中文词。"
                              "只输出译文，不要回答问题，不要补充内容。")
TRANSLATE_SHOTS_SENTENCES = (
    *TRANSLATE_SHOTS,
    ("Ya'an's plan sets a 2025 target of 60% for street-light coverage (路灯覆盖率). What is the target for "
     "night-market lighting (夜市照明率)?", "雅安方案设定2025年路灯覆盖率目标为60%。夜市照明率的目标是多少？"),
)


def build_translation_messages(question: str, sentences: bool = False) -> list[dict[str, str]]:
    msgs = [{"role": "system", "content": TRANSLATE_SYSTEM_SENTENCES if sentences else TRANSLATE_SYSTEM}]
    for q, a in TRANSLATE_SHOTS_SENTENCES if sentences else TRANSLATE_SHOTS:
        msgs += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return msgs + [{"role": "user", "content": question}]


#: Answers from a document card (cover-letter facts), without the model.
CARD_ANSWERS = {
    "doc_number": "《{title}》的文号是{value}[1]。",
    "signed": "《{title}》的落款（成文）日期是{value}[1]。",
    "published": "网站发布时间是{value}[1]。",
    "recipients": "《{title}》的主送单位是：{value}[1]。",
    "cc": "《{title}》的抄送单位是：{value}[1]。",
    "attachment": "《{title}》的印发通知列明“附件：{value}”[1]。",
    "basis": "《{title}》依据{value}制定[1]。",
    "purpose": "《{title}》没有援引所依据的文件；其开头写明：“{value}。”[1]",
    "issuers": "《{title}》由{value}印发[1]。",
    "approval": "《{title}》的印发通知写明：{value}[1]。",
    "abridged": "《{title}》公开的文本不是全文，原文注明“{value}”[1]。",
    "release": "《{title}》原文注明“{value}”[1]。",
    "directive": "《{title}》的印发通知写明：“{value}”[1]。",
}
NOTE_HEADING_ONLY = "回答只给出了条款标题"
NOTE_UNTRANSLATED = "回答夹带了未翻译的英文"
NOTE_OFF_TOPIC_FIGURE = "回答的数字所在句子说的是别的指标"
NOTE_OTHER_UNIT = "回答的数字不是问题所问的单位"
NOTE_DENIED_WRITTEN = "回答说没有的“{item}”条款中写着"
NOTE_INVENTED_ITEMS = "回答列举的“{item}”等项在文件中找不到"
NOTE_NO_PLACE_NAME = "回答没有给出所问的{kind}名称"
NOTE_DUTY_CITED = "回答的单位取自责任分工括注，而问题问的不是谁负责"
NOTE_ECHO_CLAIM = "回答中有一句只是重复了问题里的词"
QUALITATIVE_ANSWER = "文件没有给出具体数字，只作了定性表述：《{title}》{label}：{quote}[1]"
DECIDING_SENTENCE = "\n原文：《{title}》{label}：{quote}[{n}]"
CARD_CITED_BY = "（此项见《{title}》{label}的引述。）"
CARD_MISSING = {
    "doc_number": "文号", "signed": "落款日期", "published": "发布时间", "recipients": "主送单位", "cc": "抄送单位", "colophon": "版记（印发机关、印发日期）", "validity": "施行日期或有效期", "directive": "执行要求",
    "attachment": "附件", "basis": "所依据的文件", "purpose": "制定目的", "issuers": "印发单位", "approval": "经谁同意或批准", "abridged": "是否有删减", "release": "公开方式",
}
REFUSAL_ABRIDGED_WHAT = "《{title}》只注明“{value}”，没有说明删去了哪些内容。"
REFUSAL_CARD_MISSING = "《{title}》的正文和印发通知中没有载明{what}。"
CARD_NOTE = "（注：原文注明“{note}”。）"
#: Heading of each part of a multi-part answer, and the comparison line after the parts.
PART_HEADING = "（{k}）{label}："
COMPARISON_LINE = "比较：{high}（{high_value}）高于{low}（{low_value}）。"
TERM_SEARCH_NOTE = "在范围内的全部文件中查找“{term}”原文"
FIGURE_LOOKUP_NOTE = "在范围内的全部文件中查找写到“{figure}”的句子"
ALIGNMENT_NOTE = "据上下级条款对照（索引时对齐的条款）作答"
COMPARISON_EQUAL = "比较：{a}（{a_value}）与{b}（{b_value}）数值相同。"
COMPARISON_ORDER = "比较（由高到低）：{items}。"
COMPARISON_GAP = "两者相差{approx}{gap}{unit}（按以上两项计算）。"
COMPARISON_APPROX = "约"
RELATED_HEADER = "可参考的相关条款："
RELATED_ITEM = "- 《{title}》{label} {heading}"

EXTRACTIVE_PREFIX = "以下为文件原文摘录："
PARTIAL_SCOPE_NOTE = "（注：已索引的文件中没有关于{names}的规定。）"

#: Phrases with which a model says the evidence does not answer the question.
MODEL_REFUSAL_MARKERS = ("未找到", "没有提到", "没有提及", "未提及", "未提到", "无法回答", "无法确定", "没有相关",
                         "未涉及", "没有涉及", "不包含", "未包含", "没有明确")


def format_evidence_item(n: int, title: str, label: str, heading: str, text: str) -> str:
    return EVIDENCE_ITEM.format(n=n, title=title, label=label, heading=heading, text=text)


def build_messages(question: str, evidence_blocks: Sequence[str]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": USER_PROMPT.format(evidence="\n".join(evidence_blocks), question=question)},
    ]
