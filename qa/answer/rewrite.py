"""Rewrite a follow-up question into a standalone one, from the conversation history.

Rule-based and instant (the small local model rewrites unreliably and slowly):
- "那雅安呢？" after "四川到2025年非化石能源消费比重要达到多少？" → the previous question with the
  region swapped: "雅安到2025年非化石能源消费比重要达到多少？";
- "这个由哪个部门负责？" → the previous question's topic plus the follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.answer.analysis import mention_term
from qa.answer.cues import (
    CITED_CLAUSE,
    CLAUSE_DEIXIS,
    PROVINCE_PLAN,
    PROVINCE_WORD,
    REGION_CITED_CLAUSE,
    RESPONSIBILITY,
    SAME_CLAUSE,
    STRONG_QUESTION,
)
from qa.answer.prompts import TURN_SOURCES
from qa.answer.support import cjk_bigrams, word_bigrams
from qa.index.scope import place_names
from qa.types import Answer, Turn

_FOLLOW_START = re.compile(r"^(那么?|那|还有|另外|再|此外|它|这个|这项|这些|这块|这一块|这部分|该|其|上述|同样|那边)")
_DEICTIC = re.compile(r"(?:^|(?<=[，,]))(?:这块|这部分)|这个|这项|这些|这一|这几[个项条类种]|那份|这件事|该项|该|其中|它们?|上述|前面|刚才|同样|那边|这方面|此项")
_ELLIPSIS_END = re.compile(r"(呢|的呢|怎么样|如何)[？?]?$")
_QUESTION_TAIL = re.compile(r"[？?。！!]+$")
#: a follow-up that asks with a subject and a question word of its own ("氨氮具体是多少？")
_OWN_QUESTION = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{2,}?(?:具体)?(?:是多少|有多少|是什么|有哪些|是哪些|由谁|由哪)")
#: what a previous question is about: its region and the document it names ("四川节能减排方案")
_CONTEXT = re.compile(r"^[^，,。？?]{0,12}?(?:方案|规划|计划|文件)")


def last_user_question(history: Sequence[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


def turn_text(answer: Answer) -> str:
    """The answer as the conversation keeps it: its text, and the clauses it cites where the text does not
    name them (a model answer marks them only as [n])."""
    cited = [c for c in dict.fromkeys(f"《{c.doc_title}》{c.clause}" for c in answer.citations) if c not in answer.text]
    return f"{answer.text}\n{TURN_SOURCES.format(clauses='、'.join(cited))}" if cited else answer.text


def followed_clause(question: str, history: Sequence[Turn], same: bool = True) -> tuple[str, str] | None:
    """(title, label) of the clause "这条 / 该项措施" (``same``: or "同一条") points at: the first clause the last
    answer cites, written "《title》label" (our answers and the turns the chat page keeps carry them); None when
    the question points at no clause or the last answer cites none."""
    return _pointed_clause(question, history, CITED_CLAUSE, same)


def region_cited_clause(question: str, history: Sequence[Turn], same: bool = True) -> tuple[str, str] | None:
    """(region word, label) of the clause "这条" points at when the last answer cites it by its region's name
    ("四川（二十一）：…") rather than by the document's title; None otherwise."""
    return _pointed_clause(question, history, REGION_CITED_CLAUSE, same)


def _pointed_clause(question: str, history: Sequence[Turn], cited: re.Pattern[str],
                    same: bool = True) -> tuple[str, str] | None:
    """The two groups of ``cited`` in the last answer, when the question points at a clause ("这条")."""
    if not CLAUSE_DEIXIS.search(question) and not (same and SAME_CLAUSE.search(question)):
        return None
    for turn in reversed(history):
        if turn.role == "assistant":
            m = cited.search(turn.content)
            return (m.group(1), m.group(2)) if m else None
    return None


#: "X呢？" followed by more words: one follow-up, not two questions
_ADD_ON = re.compile(r"呢[？?]\s*(?=\S)")
_YEAR_PHRASE = re.compile(r"(?:到|在|至)?20\d\d年")
_HOW_MUCH_TAIL = re.compile(r"((?:要|预计|应|需要|需|将)?(?:达到|下降|降低|提高|提升|降至|降到|控制在|增加|减少|是|为|有)多少)[？?]?$")


def is_follow_up(question: str, regions: Iterable[str] = ()) -> bool:
    """Cue words (那…呢, 这个, 该…), or a very short question that names no region ("文号是多少？")."""
    q = _ADD_ON.sub("呢，", question.strip())
    if len(q) > 30:
        return False
    if _FOLLOW_START.search(q) or _ELLIPSIS_END.search(q) or _DEICTIC.search(q) or "呢，" in q:
        return True
    return len(q) <= 10 and not any(r in q for r in regions)


#: the question phrase at the end of a question ("…针对哪些污染物？"): what is left before it is the topic
_ASK_TAIL = re.compile(r"(?:说了|提了|有|是|要|针对|包括|对|在|由|为|靠)?(?:哪些|哪个|哪几|哪|什么|多少|几|如何|怎么|怎样|谁)"
                       r"[^，,。？?]*[？?]?$")
#: a question that names a document of its own ("…节能减排方案里…", "哪份文件…")
_NAMES_DOCUMENT = re.compile(r"方案|规划|计划|文件|通知|意见")
#: question words, left out when counting what a question names of its own
_ASK_WORDS = re.compile(r"哪些|哪个|哪几|哪|什么|多少|几|如何|怎么|怎样|谁|重点|主要|具体|都|有|是|要|吗|呢|[？?，,]")
#: the plan a follow-up names right after its region: "(那份|的) 减污降碳 方案" (two title characters at least)
_PLAN_AFTER_REGION = re.compile(r"(?:那份|这份|那个|的)?([\u4e00-\u9fff“”]{2,12}?)(方案|规划|文件)")
#: a follow-up naming fewer content bigrams than this has no topic of its own
_OWN_TOPIC_MIN = 3
#: a scope of its own that no document is named by ("全国的…", "国家层面…")
_OWN_SCOPE = re.compile(r"全国|国家(?:层面|级)?的")


def inherits_context(question: str, prev: str, regions: Sequence[str]) -> bool:
    """In a conversation, a question that names no region, place or document, after one that named a region,
    is asked of that region ("用什么办法鼓励市民多坐公交车？" after a question about 资阳's plan)."""
    return (not any(r in question for r in regions) and not _NAMES_DOCUMENT.search(question)
            and not _OWN_SCOPE.search(question) and not place_names(question)
            and any(r in prev for r in regions))


def _topic(prev: str) -> str:
    """The previous question without its question phrase ("重庆的塑料污染治理有哪些要求？" → "重庆的塑料污染治理")."""
    m = _ASK_TAIL.search(prev)
    return prev[:m.start()].rstrip("，, 的") if m else ""


def rewrite(question: str, history: Sequence[Turn], regions: Iterable[str], inherit: bool = True,
            document: bool = True, own_term: bool = True, year: bool = True) -> str:
    """Standalone form of `question` (unchanged when it is not a follow-up or there is no history).
    ``inherit``: a question that names no region or document inherits the previous question's
    (switch ``follow_context``). ``document``: "那B的X方案呢" asks the previous question of B's X plan, in
    place of the plan the previous question named (switch ``follow_document``). ``own_term``: "那夜市这块呢 夜市路灯
    有没有说法" asks whether the previous plan says something of its own about a term of its own, not the previous
    question again (switch ``follow_term``). ``year``: "那2030年甲市的要到多少" after a question about 甲市's 2025 target
    asks the previous question for 2030 (switch ``follow_year``; a year is no Chinese word, so it is compared apart)."""
    q = _ADD_ON.sub("呢，", question.strip())  # "X呢？有数字吗" asks one thing
    prev = last_user_question(history)
    names = sorted(set(regions), key=len, reverse=True)
    if not prev:
        return q
    if not is_follow_up(q, names):
        return _inherited(q, prev, names) if inherit and inherits_context(q, prev, names) else q
    new_regions = [r for r in names if r in q]
    old_regions = [r for r in names if r in prev]
    provinces = [r for r in names if r.endswith("省")]
    if (inherit and not new_regions and old_regions and len(provinces) == 1 and PROVINCE_WORD.search(q)
            and not PROVINCE_WORD.search(prev) and not any(r in provinces[0] for r in old_regions)):
        new_regions = provinces  # "省里的也这样吗" after a question about a city's plan: the province's
    word = PROVINCE_WORD.search(prev) or PROVINCE_PLAN.search(prev)
    if inherit and new_regions and not old_regions and word and len(provinces) == 1 and not any(
            r in provinces[0] for r in new_regions):
        old_regions = [word.group(0)]  # "那资阳呢" after a question about "省里的方案": the province word is its region
    core = re.sub(r"^(那么?|那|还有|另外|再)", "", q)
    core = _ELLIPSIS_END.sub("", re.sub(r"呢(?=[，,])", "", core)).strip("，, ")
    named = _named_plan(q, new_regions[0]) if document and new_regions else ""
    context = _CONTEXT.match(prev) if named else None
    if new_regions and (old_regions or context):
        # "那雅安呢？": the previous question, asked of the new region
        out = prev
        if context:  # "B那份路灯节能方案里呢": of that plan, in place of the plan the previous question named
            out, old_regions = named + prev[context.end():], []
        for old in old_regions:
            if not any(old in n for n in new_regions):
                # (the bare 省 of "省…方案" is replaced once, where it stands first; a region's name everywhere)
                out = out.replace(old, new_regions[0], 1 if old == "省" else -1)
        # (what names only the other side's plan, or asks only again, asks nothing new: "那B这边呢 给的是几")
        rest = re.sub(r"[吗嘛呢吧啊么，,？?\s]|有没有|是否|[那这](?:份|个|边)(?:方案|文件)?|定了|定的|给了|给的", "", core)
        for r in new_regions:
            rest = rest.replace(r, "")
        asked = word_bigrams(rest)
        old_year = _YEAR_PHRASE.search(out)
        years = [y for y in re.findall(r"20\d\d年", q) if y not in prev]
        if year and old_year and len(years) == 1:
            out = out.replace(old_year.group(0).lstrip("到在至"), years[0], 1)
        if core in new_regions or not (asked - cjk_bigrams(prev)):
            return out  # "那X呢？" / "X呢，有数字吗": nothing asked beyond the previous question
        return f"{_QUESTION_TAIL.sub('', out)}，{_QUESTION_TAIL.sub('', core)}？" if core not in out else out
    if new_regions and not old_regions and core in new_regions:
        return f"{new_regions[0]}{prev}"
    if _ELLIPSIS_END.search(q) and core and not new_regions:
        old_year = _YEAR_PHRASE.search(prev)
        if re.fullmatch(r"(?:到|在)?20\d\d年", core) and old_year:  # "2030年呢？"
            return prev.replace(old_year.group(0).lstrip("到在至"), core.lstrip("到在"), 1)
        how_much = _HOW_MUCH_TAIL.search(prev)
        if how_much:  # "秸秆综合利用率呢？" after "四川到2025年…比例要达到多少？"
            region = next((r for t in reversed(history) if t.role == "user" for r in names if r in t.content), "")
            year = old_year.group(0) if old_year else ""
            return f"{region}{year}{core}{how_much.group(1)}？"
    if not _DEICTIC.search(q) and not _ELLIPSIS_END.search(q) and _OWN_QUESTION.search(q):
        # "氨氮具体是多少？" after a question about a plan: a question of its own, asked of that plan
        context = _CONTEXT.match(prev)
        if context and context.group(0) not in q:
            return f"{context.group(0)}{q}"
    if inherit and "呢，" in q and not new_regions and not _DEICTIC.search(q):
        # "农村污水的处理率呢，覆盖哪些县？" after a question about the plan's power grid: a topic of
        # its own with a question of its own, asked of the previous plan (not glued to the previous question)
        topic, ask = q.split("呢，", 1)
        own = word_bigrams(topic) - cjk_bigrams(prev)
        context = _previous_context(prev, names)
        if len(own) >= _OWN_TOPIC_MIN and STRONG_QUESTION.search(ask) and context:
            return f"{context}{re.sub(r'^(?:那么?|还有|另外)', '', topic)}{_QUESTION_TAIL.sub('', ask)}？"
    if inherit and own_term and not new_regions and not _DEICTIC.search(q) and not _ELLIPSIS_END.search(q):
        body = re.sub(r"^(?:那么?|还有|另外|再)", "", q)
        body = re.sub(r"呢[，,\s]+", " ", body).strip()
        context = _previous_context(prev, names)
        if context and mention_term(body, saying=True) and context not in body:
            return f"{context}{_QUESTION_TAIL.sub('', body)}？"
    tail = _QUESTION_TAIL.sub("", core if _ELLIPSIS_END.search(q) and core else q)
    if inherit and not _DEICTIC.search(q) and not _ELLIPSIS_END.search(q) and not RESPONSIBILITY.search(q):
        # "主要针对哪些产品？" after "重庆的塑料污染治理有哪些要求？": a new question about the same topic,
        # not the previous question asked again
        on_topic = _on_previous_topic(q, prev)
        if on_topic:
            return on_topic
    return f"{_QUESTION_TAIL.sub('', prev)}，{tail}？"


def _named_plan(q: str, region: str) -> str:
    """The plan a follow-up names after its region with words of a title ("B那份路灯节能方案里呢" → "B路灯节能方案");
    '' when it names the region alone ("那B呢", "B那份呢")."""
    at = q.find(region)
    m = _PLAN_AFTER_REGION.match(q, at + len(region)) if at >= 0 else None
    return f"{region}{m.group(1)}{m.group(2)}" if m else ""


def _on_previous_topic(q: str, prev: str) -> str:
    """``q`` asked of the previous question's topic, when it asks something (a strong question word) but names
    fewer than ``_OWN_TOPIC_MIN`` content bigrams of its own; '' otherwise."""
    own = word_bigrams(_ASK_WORDS.sub(" ", q))
    topic = _topic(prev)
    return f"{topic}{q}" if len(own) < _OWN_TOPIC_MIN and STRONG_QUESTION.search(q) and len(topic) >= 4 else ""


def _inherited(q: str, prev: str, names: Sequence[str]) -> str:
    """A question with no region or document of its own, asked of the previous question's: with the
    previous topic when it names little of its own ("主要针对哪些产品？" → "重庆的塑料污染治理主要针对哪些产品？"),
    else with the previous region or plan ("用什么办法鼓励市民多坐公交车？" → "资阳方案用什么办法…")."""
    return _on_previous_topic(q, prev) or f"{_previous_context(prev, names)}{q}"


def _previous_context(prev: str, names: Sequence[str]) -> str:
    """The plan the previous question names ("四川节能减排方案"), else its region; '' when it names neither."""
    context = _CONTEXT.match(prev)
    return context.group(0) if context else next((r for r in names if r in prev), "")
