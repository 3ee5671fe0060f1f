"""Figures, named projects, departments and sentences of a clause, for comparing two clauses.

Units, qualifiers, years and baseline-year cues come from :mod:`qa.answer.cues` (one table of
language cues); the patterns below are only those the answer layer does not need: the verbs that
stand between a metric and its figure, the words that name a project, and the normalisation of
department names across levels (生态环境厅 ↔ 市生态环境局).
"""

from __future__ import annotations

import re

from qa.answer import cues
from qa.compare.model import Figure

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_PART = re.compile(r"[^，,；;。！？：:]+")
_Q_BEFORE = "|".join(sorted(map(re.escape, cues.QUALIFIERS_BEFORE), key=len, reverse=True))
_Q_AFTER = "|".join(sorted(map(re.escape, cues.QUALIFIERS_AFTER), key=len, reverse=True))
#: a figure: [qualifier] number unit [qualifier] — a unit is required (a bare number is a label or a code)
FIGURE = re.compile(rf"(?P<before>(?:(?:{_Q_BEFORE})\s*)*)(?P<value>(?<![\d.A-Za-z])\d+(?:\.\d+)?)\s*"
                    rf"(?P<unit>{cues.UNIT})(?P<after>(?:{_Q_AFTER})?)")
#: verbs and fillers between a metric and its figure ("比重达到58%", "消费量预计达到135万吨标准煤")
METRIC_TAIL = re.compile(r"(?:预计|力争|累计|要|将|应|基本|全面|均|分别)*(?:达到|达|降至|降到|下降|降低|提高到|提升到|提高|提升|"
                         r"增加|增长|减少|控制在|控制|保持在|保持|不低于|不高于|不少于|不超过|超过|低于|高于|为|在|至)*$")
METRIC_HEAD = re.compile(r"^(?:到|至|截至)?\s*(?:20\d\d\s*年(?:底|末)?)?\s*(?:前|，)?\s*(?:全省|全市|全区|全县|全国)?")
#: a named project: a quoted name, a document title, or a proper name before one of these words
PROJECT_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,14}?(?:抽水蓄能电站|水电站|电站|综合开发基地|实验室|研究院|研究所|"
                          r"技术创新中心|经济开发区|开发区|产业园区|高新区|新区|高铁|铁路|轨道交通[\u4e00-\u9fff]{1,4}线|"
                          r"有限公司|大学|示范区|试验区|城市群|走廊|试点城市)")
QUOTED = re.compile(r"[“\"]([^”\"]{2,24})[”\"]|《([^《》]{2,40})》")
#: words that make a "project" generic rather than named (重点实验室, 国家级开发区 …)
_GENERIC = re.compile(r"^(?:重点|相关|有关|各类|各级|绿色|低碳|示范|省级|国家|国家级|省市级|市级|具备条件的|新型|现有|区域|"
                      r"城市|工业|农村|乡村|大型|中小|一批|加快|推进|推动|支持|鼓励|建设|开展|积极|探索|争创|打造|"
                      r"[和与及、，等个项]|(?:着力|有序|优先|加快|积极|稳步|逐步|大力|重点)?(?:推动|推进|启动|建设|联合|支持|打造|"
                      r"争创|实施|参与|依托|开展|成立|配合|实现))+")
YEAR_TARGET = cues.YEAR


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _year_for(sentence: str, pos: int) -> str:
    """The target year the figure at ``pos`` is stated for: the last year before it in the sentence
    that is not a baseline ("比2020年下降" is not a target)."""
    year = ""
    for m in YEAR_TARGET.finditer(sentence, 0, pos):
        if not cues.BASELINE_YEAR.search(sentence[:m.start()]):
            year = m.group(1)
    return year


def figures(text: str) -> list[Figure]:
    """Every figure of ``text`` with its metric, qualifier and target year."""
    out: list[Figure] = []
    for sent in sentences(text):
        for m in FIGURE.finditer(sent):
            value, unit = m.group("value"), m.group("unit")
            if unit == "年" and re.fullmatch(r"20\d\d", value):
                continue  # a year, not a figure
            if unit in ("年", "月", "日") and len(value) <= 2 and re.match(r"\s*\d", sent[m.end():m.end() + 2] or " "):
                continue
            if value.startswith("20") and len(value) == 4 and unit not in ("%", "个", "家", "辆"):
                continue
            qualifiers = [q for q in re.findall(_Q_BEFORE, m.group("before") or "")]
            if m.group("after"):
                qualifiers.append(m.group("after"))
            start = m.start()
            part_start = max(sent.rfind(c, 0, start) for c in "，,；;：:") + 1
            metric = sent[part_start:start]
            metric = YEAR_TARGET.sub("", metric)
            metric = METRIC_HEAD.sub("", metric.strip())
            lead = re.match(rf"(?:{_Q_BEFORE})+", metric)  # "力争新增20辆": the qualifier opens the part
            if lead:
                qualifiers = re.findall(_Q_BEFORE, lead.group(0)) + qualifiers
                metric = metric[lead.end():]
            metric = METRIC_TAIL.sub("", metric).strip("，、 ")
            out.append(Figure(metric=metric, value=value, unit=unit, qualifier="、".join(qualifiers),
                              year=_year_for(sent, start), sentence=sent))
    return out


def projects(text: str) -> list[str]:
    """Named projects, programmes and bodies a clause names (in order, without repeats)."""
    found: list[str] = []
    for m in QUOTED.finditer(text):
        name = (m.group(1) or m.group(2) or "").strip()
        if name and not re.fullmatch(r"[\d\s.+%]+", name):
            found.append(name)
    for part in _PART.findall(text):
        for m in PROJECT_WORD.finditer(part):
            name = _GENERIC.sub("", m.group(0))
            if len(name) >= 4 and not QUOTED.search(name):
                found.append(name)
    seen: set[str] = set()
    return [n for n in found if not (n in seen or seen.add(n))]


_LEVEL = re.compile(r"^(?:省|市|区|县|自治州|州)(?=[\u4e00-\u9fff]{2,})")


def department_key(name: str) -> str:
    """A department's name without its level, so that 生态环境厅 (province) and 市生态环境局 (city)
    compare equal: level prefix removed, parentheses removed, 厅 → 局, 和 removed."""
    n = re.sub(r"[（(][^（）()]*[）)]", "", name).strip()
    n = _LEVEL.sub("", n)
    n = re.sub(r"厅$", "局", n)
    return n.replace("和", "")


def lead_department(text: str, departments: tuple[str, ...]) -> str:
    """The lead department: the one marked 牵头 in the clause's department parenthesis, else the first."""
    m = re.search(r"[（(]([^（）()]*?)牵头", text)
    if m:
        name = re.split(r"[、，,]", m.group(1))[-1].strip()
        if name:
            return name
    return departments[0] if departments else ""
