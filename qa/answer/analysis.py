"""Question analysis: the first step of answering, with one typed result.

What people type is normalised once, here: full-width forms (NFKC), traditional characters (OpenCC
``t2s``, a maintained converter, not a hand-made table), place names written in pinyin/English
("Ya'an", "Sichuan province") turned into the indexed regions' Chinese names (their pinyin comes from
pypinyin, so no table lists them), and a personal preamble ("我是市里管交通的，想核实一下：") separated
from the question while the names it mentions are kept. Then the analysis reads off what the later
steps need: regions, years and plan periods, the expected answer type, the parts of a multi-part
question ("A和B分别…", "2025年和2030年…", "…？…？"), a premise the question asserts, and the term of a
"有没有提到X" question.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from qa.answer import cues
from qa.answer.evidence import asks_who
from qa.index.scope import without_institution_names, without_quoted_names

_SEGMENT = re.compile(r"[^，,。：:；;！!]+[，,。：:；;！!]?")
_REQUEST_PREFIX = re.compile(r"^(?:请问|想问一下|想问下|问一下|问下|麻烦问一下|麻烦问下|请教一下|想了解一下|想知道)[，,：:\s]*")
#: full-width digits, Latin letters, %, . and the ideographic space (Chinese punctuation stays as typed)
_FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0e\u3000]")
_CN_DIGITS = "〇一二三四五六七八九"  # 十四五 = the 14th five-year plan
_converter = None
_converter_lock = threading.Lock()


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC (phrase-aware); other text unchanged. A character that OpenCC
    leaves as it is on its own is kept where a phrase rule would change it ("照明覆盖率" stays, not "照明复盖率")."""
    global _converter
    with _converter_lock:
        if _converter is None:
            import opencc

            _converter = opencc.OpenCC("t2s")
        out = _converter.convert(text)
        if len(out) != len(text):
            return out
        return "".join(new if new == old or _converter.convert(old) != old else old
                       for old, new in zip(text, out, strict=True))


def _part_ask(text: str) -> str:
    """What each part of a comparison asks: "是多少" for a figure, but "…一样吗" about a requirement in
    words ("对新建建筑的要求一样吗") asks what each says."""
    m = cues.COMPARE_ASK.search(text)
    if m and cues.SAMENESS.search(m.group(0)) and not cues.ASKS_NUMBER_WORD.search(text):
        return "是什么"
    return "是多少"


@dataclass(frozen=True)
class QuestionPart:
    """One part of a multi-part question, asked on its own."""

    text: str  # a standalone question for this part
    label: str  # what distinguishes the part: a region, a year, or the sub-question itself


@dataclass(frozen=True)
class QuestionAnalysis:
    original: str
    text: str  # normalised question, preamble removed (the names it held kept)
    preamble: str = ""
    answer_type: str = "explanation"  # figure|list|body|doc_number|date|recipients|cc|attachment|basis|approval|abridged|release|note|colophon|validity|directive|yesno|which_doc|explanation
    years: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # canonical region names of the indexed documents named in the question
    parts: tuple[QuestionPart, ...] = ()  # empty, or two or more parts
    premise: str = ""  # what the question asserts the document requires, if anything
    mention_term: str = ""  # X of "有没有提到X"
    #: the question without the statements that only give context ("…重庆方案定为N", "像A方案那样"), when it has
    #: any: the documents it names are the ones asked about (the scope); '' when there are none
    scope_text: str = ""
    #: (document title, clause label) of the clause a follow-up points at ("这一条由谁牵头？"), from the previous answer
    followed_clause: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    #: the user asked for a number in their own words ("百分之多少"), not only through a follow-up made
    #: standalone ("那X的比例呢？" → "…X的比例要达到多少？"): only then is a target stated in words refused
    figure_asked: bool = True
    #: a follow-up's own words, as the user wrote them, when ``text`` is the follow-up made standalone with the
    #: previous question before it; '' otherwise
    own_text: str = ""

    @property
    def asks_quantity(self) -> bool:
        return self.answer_type == "figure"

    def to_dict(self) -> dict:
        return asdict(self)


def _pinyin_pattern(name: str) -> re.Pattern[str] | None:
    """A regex for ``name`` written in pinyin: "Ya'an", "yaan", "Ya An", "Chongqing"."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    syllables = [s for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]
    if len(syllables) < 2:
        return None
    body = r"['’\s-]?".join(re.escape(s) for s in syllables)
    # (letters, not \b, mark its ends: a Chinese character right after it, "Ziyang的", is a word character too)
    return re.compile(rf"(?i)(?<![A-Za-z]){body}(?:['’]s)?(?:\s+(?:city|province|municipality|municipal))?(?![A-Za-z])")


#: The length of the title words a homophone typo is looked for in (set, not fitted: a two-character window of a
#: title is an everyday word too, "实施" / "事实"; a four-character one is the title's own, "减污降碳")
TITLE_WORD = 4


@lru_cache(maxsize=4096)
def _readings(char: str) -> frozenset[str]:
    """The toneless pinyin readings of one character (every reading of a polyphone: 重 is zhong and chong)."""
    try:
        from pypinyin import Style, pinyin
    except ImportError:  # pragma: no cover - a declared dependency
        return frozenset()
    return frozenset(r for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0] if r.isascii())


def title_words(title: str, aliases: Collection[str]) -> set[str]:
    """The four-character words of a document's title without its region ("减污降碳", "协同增效", "行动方案"),
    counted from the start of each run of characters."""
    for name in sorted({*aliases, *cues.PROVINCE_WORDS}, key=len, reverse=True):
        title = title.replace(name, " ")
    # (a title is a run of four-character words, "减污降碳|协同增效|行动方案": a window across two words,
    # "同增效实", would read the "示" of "增效示范" as a typo)
    return {run[i:i + TITLE_WORD] for run in re.findall(r"[\u4e00-\u9fff]+", title)
            for i in range(0, len(run) - TITLE_WORD + 1, TITLE_WORD)}


def _typo_vocabulary(aliases: Mapping[str, str], titles: Collection[str]) -> tuple[str, ...]:
    """The words whose homophone typos are read as written: the regions' names (two characters or more) and the
    :func:`title_words` of the titles."""
    regions = {a for a in aliases if len(a) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", a)}
    # (the shortest name of a region only: the "雅安是" of "雅安是不是…" is no typo of 雅安市)
    names = {a for a in regions if not any(b != a and b in a for b in regions)}
    for title in titles:
        names |= title_words(title, regions)
    return tuple(sorted(names, key=lambda w: (-len(w), w)))


def _homophone_corrected(text: str, words: Sequence[str]) -> str:
    """``text`` with each run of characters that differs from one of ``words`` in one character only, a character
    read the same (an input-method typo: "雅按" for 雅安, "减污降炭" for 减污降碳), written as the word."""
    chars = list(text)
    for word in words:
        n = len(word)
        for i in range(len(chars) - n + 1):
            window = "".join(chars[i:i + n])
            diff = [k for k in range(n) if window[k] != word[k]]
            if (len(diff) == 1 and "\u4e00" <= window[diff[0]] <= "\u9fff"
                    and _readings(window[diff[0]]) & _readings(word[diff[0]])):
                chars[i:i + n] = list(word)
    return "".join(chars)


#: The fewest Chinese characters a phrase carried from the previous turn into a follow-up has (set, not fitted:
#: a two-character word is shared by most clauses of a plan, a four-character one by few).
CARRIED_TERM_MIN = 4

#: The ``ablate`` names of the mechanisms the analyzer can switch off.
SWITCHES: tuple[str, ...] = ("script", "preamble", "numbered_sides", "rhetorical_only", "other_bodies", "parts",
                             "described_parts", "side_parts", "part_tails", "postscript",
                             "measure_basis", "mention_given", "said_tail", "part_years", "listed_asks",
                             "quoted_title", "part_scope", "value_part", "excluded_source", "premise_number",
                             "mention_deictic", "premise_then", "context_source", "likened_term", "stated_sides",
                             "hearsay_figures", "colon_head", "premise_comma", "side_tail", "whether_tail",
                             "premise_condition", "mention_bare", "conditional_tail",
                             "follow_abbreviation", "premise_stated",
                             "mention_end", "mention_listing",
                             "preamble_more", "part_province", "preamble_colon",
                             "whether_figure", "plan_acts", "quoted_phrase",
                             "part_clause_head", "spaced_each", "rate_asked", "premise_sentence",
                             "told_sentence", "written_claim", "action_basis", "casual_mention", "plan_placed",
                             "spaced_parts", "loose_number", "casual_verbs",
                             "signature_bodies", "part_letter",
                             "homophone_names", "spaced_items", "ranked_tail", "listed_documents",
                             "abbreviation_titles", "a_not_a_piece", "attachment_card",
                             "marked_mention", "share_words", "premise_run",
                             "ordinal_words", "conditional_value", "topic_premise", "purpose_preamble",
                             "all_documents", "mention_not_who", "self_listed", "note_card", "colophon_card",
                             "validity_card", "directive_card", "mention_adverb", "compared_aspect", "each_verb",
                             "province_side", "institution_region")


class QuestionAnalyzer:
    """Analyses questions against the indexed documents' regions (``alias → canonical region``)."""

    def __init__(self, region_aliases: Mapping[str, str], *, off: Collection[str] = (),
                 titles: Collection[str] = (), written: str | None = None) -> None:
        """``off``: names of mechanisms to switch off (ablation runs), from :data:`SWITCHES` — the names
        of the ``ablate`` setting, so the pipeline passes the ones the settings switch off. ``titles``: the
        indexed documents' titles, whose words (with the regions' names) are the words a homophone typo of
        is read as written ("雅按" → "雅安"). ``written``: the documents' text; a region's name is no region only inside the
        name of an institution it writes (any institution's name when None)."""
        unknown = set(off) - set(SWITCHES)
        if unknown:
            raise ValueError(f"unknown analysis switch(es) {sorted(unknown)}; known: {', '.join(SWITCHES)}")
        self.aliases = dict(region_aliases)
        self.written = written
        self.use_script, self.use_preamble, self.use_parts = ("script" not in off, "preamble" not in off,
                                                              "parts" not in off)
        self.use_described = "described_parts" not in off  # sides described one after the other; a which-document tail is no part
        self.use_sides = "side_parts" not in off  # two named sides asked of each in words no other split reads
        self.use_hearsay = "hearsay_figures" not in off  # "有人说A是B的两倍，各定的是多少": the figures asked, no premise
        self.use_stated = "stated_sides" not in off  # "X，A给了N，B给没给数？两边各咋写的": each side's statement a part
        self.use_premise_comma = "premise_comma" not in off  # "某方案规定，X，Y？" / "某方案规定X Y几年": X is asserted
        self.use_side_tail = "side_tail" not in off  # "A和B各怎么写的？B是不是比A多一项？": the comparison is no side's
        self.use_mention_bare = "mention_bare" not in off  # "某方案里有没有X？" asks whether X is there
        self.use_premise_condition = "premise_condition" not in off  # "规定X的，Y，…": Y is asserted with X
        self.use_whether_tail = "whether_tail" not in off  # "…要装多少盏？有没有分片区落实？": whether it is set so is no part
        # "有没有提到X？有的话在哪条": what is asked if X is there is asked of the sentences that write X, one question
        self.use_conditional_tail = "conditional_tail" not in off
        self.use_premise_stated = "premise_stated" not in off  # "某方案禁止X了 Y给多长": X is asserted
        self.use_mention_end = "mention_end" not in off  # "某方案 X 提没提": X is looked up
        self.use_mention_listing = "mention_listing" not in off  # "…几类灯具里，有没有Y": Y is looked up
        self.use_preamble_more = "preamble_more" not in off  # "我在…做X，想核对一下：" is a preamble
        self.use_part_province = "part_province" not in off  # a later part naming "省…方案" keeps its own scope
        # "甲地方案和省方案…分别": a side named "省…方案" is the province's, and takes no region of the other side
        self.use_province_side = "province_side" not in off
        self.use_institution_region = "institution_region" not in off  # "四川灯具大学" names no region
        self.use_follow_abbreviation = "follow_abbreviation" not in off  # "那渝方案里呢": 渝 after 那 is 重庆
        self.use_other_bodies = "other_bodies" not in off  # "市工会是否在内" after "哪些部门负责": a part of its own
        self.use_rhetorical_only = "rhetorical_only" not in off  # "是不是要求X？" asks, asserts nothing
        self.use_preamble_colon = "preamble_colon" not in off  # "我是X的，在做Y：…" — "在做Y：" is said too
        # "…每年要装多少盏？是不是分片区定的": the yes/no tail that is no part leaves a question for a number
        self.use_whether_figure = "whether_figure" not in off
        self.use_plan_acts = "plan_acts" not in off  # "某方案要在甲县新建X，…": asserted
        self.use_quoted_phrase = "quoted_phrase" not in off  # "有没有“X”管理台账": the ledger is looked up
        self.use_part_clause_head = "part_clause_head" not in off  # "某方案，X的条款：A？B？": B of X too
        self.use_spaced_each = "spaced_each" not in off  # "A、B、C 各降多少": a space or comma before 各
        self.use_rate_asked = "rate_asked" not in off  # "要达到什么亮灯率" asks a figure
        self.use_premise_sentence = "premise_sentence" not in off  # "某方案要求X。Y有哪些？": X is asserted
        self.use_told_sentence = "told_sentence" not in off  # "某方案设置了X。Y？": X is asserted
        self.use_written_claim = "written_claim" not in off  # "通知上写着X，…": X is asserted
        self.use_casual_mention = "casual_mention" not in off  # "有没提夜市啊" is read as "有没有提夜市"
        self.use_plan_placed = "plan_placed" not in off  # "某方案把甲县列为示范县，…": asserted
        self.use_spaced_parts = "spaced_parts" not in off  # "某方案路灯那条 A要装多少 B要换多少": a space parts questions too
        self.use_loose_number = "loose_number" not in off  # "甲发2021 9号" is read as "甲发〔2021〕9号"
        self.use_casual_verbs = "casual_verbs" not in off  # "有提X吗" / "写没写X" ask whether X is mentioned
        self.use_signature_bodies = "signature_bodies" not in off  # "落款的都是哪些局" asks the issuers, not the date
        self.use_part_letter = "part_letter" not in off  # "X方案那份印发通知，A？B？": B is asked of the letter too
        self.use_homophone_names = "homophone_names" not in off  # "雅按方案" / "减污降炭" typed for 雅安 / 减污降碳
        self.use_spaced_items = "spaced_items" not in off  # "某方案三个比例：A B C 分别多少": A, B and C in turn
        self.use_action_basis = "action_basis" not in off  # "摊位费依据啥定": the basis of an action, not the document's
        self.use_numbered_sides = "numbered_sides" not in off  # "甲号和乙号落款各是哪天": both ask for 落款
        self.use_colon_head = "colon_head" not in off  # "某方案两头各挑一个：A？B？": the words before the colon ask nothing
        self.use_tails = "part_tails" not in off  # a sentence after the question that only compares, or asks where, is no part
        self.use_ranked_tail = "ranked_tail" not in off  # "…各多少 按从低到高排个序" / "第二个比第一个低几个点": no part
        self.use_abbreviation_titles = "abbreviation_titles" not in off  # "渝实施方案": 渝 before a plan's kind
        self.use_a_not_a_piece = "a_not_a_piece" not in off  # "…？X提没提": a question with no ？ or question word
        self.use_attachment_card = "attachment_card" not in off  # "附件叫啥名": the cover letter's attachment line
        self.use_marked_mention = "marked_mention" not in off  # "标没标X" / "有没有注明X" ask whether X is written
        self.use_listed_documents = "listed_documents" not in off  # "X目标 A方案、B方案各多少": X of each
        self.use_colophon_card = "colophon_card" not in off  # "版记里印发日期咋写的" asks the colophon, no date
        self.use_validity_card = "validity_card" not in off  # "何日生效、管几年" asks what no card has
        self.use_each_verb = "each_verb" not in off  # "A和B各降多少？哪个降得多": each side asked, as with 各是多少
        self.use_directive_card = "directive_card" not in off  # "通知叫下面如何落实": the cover letter's directive
        self.use_mention_adverb = "mention_adverb" not in off  # "有没有也提X" asks as "有没有提X"
        self.use_compared_aspect = "compared_aspect" not in off  # "…各降多少 哪个多 统计口径一致吗": no part
        self.use_note_card = "note_card" not in off  # "文末括号里标了啥" asks the card's notes, not a date
        self.use_self_listed = "self_listed" not in off  # "听说某方案把我单位列入了，…": no requirement asserted
        self.use_mention_not_who = "mention_not_who" not in off  # "提没提编制发布X": 发布 is X's, no who asked
        self.use_all_documents = "all_documents" not in off  # "X 这几份方案里哪些提了 甲和乙有没有": of all
        self.use_ordinal_words = "ordinal_words" not in off  # "在第几条" asks where, as "在哪一条": no figure
        self.use_conditional_value = "conditional_value" not in off  # "有没有定数？定了的话要到多少": one question
        self.use_topic_premise = "topic_premise" not in off  # "听说某方案对X有要求，…": no requirement asserted
        self.use_purpose_preamble = "purpose_preamble" not in off  # "要给街道做展板找依据：…" is a preamble
        self.use_share_words = "share_words" not in off  # "亮灯率要提到几成" asks a figure, as "百分之几"
        self.use_premise_run = "premise_run" not in off  # "某方案要求X，Y，Z由谁…？": X and Y are asserted
        self.use_postscript = "postscript" not in off  # a statement about the asker after the question is no part
        self.use_measure_basis = "measure_basis" not in off  # "下达指标以什么为依据" asks the body, not the card
        self.use_mention_given = "mention_given" not in off  # "有没有对X给Y": Y is the term
        self.use_said_tail = "said_tail" not in off  # "…多少？方案有写吗？": the second question is no part
        self.use_part_years = "part_years" not in off  # years listed before the questions are the questions' in turn
        self.use_listed_asks = "listed_asks" not in off  # questions or items listed with 、 are asked one by one
        self.use_quoted_title = "quoted_title" not in off  # a quoted word of a plan's name is no mention term
        self.use_part_scope = "part_scope" not in off  # later questions are asked where the first one is (its document, its part)
        self.use_value_part = "value_part" not in off  # "有没有定X？是多少？": the value of what the first asks is no part
        self.use_excluded_source = "excluded_source" not in off  # "…别拿某市那份答": a document to leave out is no scope
        self.use_mention_deictic = "mention_deictic" not in off  # "有没有管这事的说法": 这事 is no term to look up
        self.use_premise_number = "premise_number" not in off  # a question on a premise that asks a number before its last ask
        self.use_context_source = "context_source" not in off  # a document named only in a fact given as context is not asked about
        self.use_likened_term = "likened_term" not in off  # "像A那样X，B有没有这个": X is looked up in B
        self.use_premise_then = "premise_then" not in off  # "某方案要X 那Y怎么办": what the plan is said to do before 那 is asserted
        self._ordered = sorted(self.aliases, key=lambda a: (-len(a), a))
        shorts: dict[str, str] = {}
        for alias, canon in self.aliases.items():  # the shortest alias is what people write
            if canon not in shorts or len(alias) < len(shorts[canon]):
                shorts[canon] = alias
        self._pinyin = [(p, short) for canon, short in sorted(shorts.items())
                        if (p := _pinyin_pattern(short)) is not None]
        # 川 / 渝 …: only abbreviations of regions the index holds
        self._abbrev_names = {c: name for c, name in cues.PROVINCE_ABBREVIATIONS.items()
                              if any(alias.startswith(name) for alias in self.aliases)}
        chars = "|".join(map(re.escape, sorted(self._abbrev_names)))
        openers = cues.FOLLOW_OPENERS if self.use_follow_abbreviation else ""
        titled = cues.ABBREVIATION_TITLES if self.use_abbreviation_titles else ""
        self._abbreviations = (re.compile(cues.ABBREVIATION_CONTEXT.format(chars=chars, openers=openers, titles=titled))
                               if chars else None)
        self._names = _typo_vocabulary(self.aliases, titles) if self.use_homophone_names else ()
        self._abbreviation_runs = (re.compile(cues.ABBREVIATION_RUN.format(chars="".join(sorted(self._abbrev_names))))
                                   if len(self._abbrev_names) >= 2 else None)

    # ------------------------------------------------------------------ normalisation
    def normalise(self, question: str) -> str:
        text = _FULLWIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), question).strip()
        if self.use_script:
            text = to_simplified(text)
        for pattern, chinese in self._pinyin:
            text = pattern.sub(chinese, text)
        if self._names:  # "雅按方案": an input-method typo of a region's or a title's word
            text = _homophone_corrected(text, self._names)
        if self._abbreviation_runs is not None:  # "川渝两地" → "四川和重庆两地"
            text = self._abbreviation_runs.sub(self._expand_run, text)
        if self._abbreviations is not None:
            text = self._abbreviations.sub(lambda m: self._abbrev_names[m.group(1)], text)
        if self.use_loose_number:
            text = cues.LOOSE_DOCUMENT_NUMBER.sub(r"〔\1〕\2号", text)
        for casual, standard in cues.CASUAL_SPELLINGS.items():
            text = text.replace(casual, standard)
        if self.use_casual_mention:  # "路灯那条有没提夜市啊" asks as "有没有提夜市"
            text = cues.CASUAL_PARTICLE.sub("", cues.CONTRACTED_ANOTA.sub("有没有", text))
        if self.use_casual_verbs:  # "有提X吗" / "写没写X" asks as "有没有提到X"
            text = cues.MENTION_VERB_CASUAL.sub("有没有提到", text)
        if self.use_marked_mention:  # "文末注没注联系人" asks as "有没有提到联系人"
            text = cues.MARK_VERB_CASUAL.sub("有没有提到", text)
        if self.use_ordinal_words:  # "在第几条" asks as "在哪一条"
            text = cues.ORDINAL_CLAUSE.sub("哪一", text)
        if self.use_share_words:  # "要提到几成" asks as "要提到百分之几"
            for pattern, written in cues.SHARE_IN_TENTHS:
                text = pattern.sub(written, text)
        text = cues.ENGLISH_PERIOD.sub(lambda m: f"“十{_CN_DIGITS[int(m.group(1)) - 10]}五”", text)
        text = cues.SHORT_YEAR.sub(lambda m: "20" + m.group(1), text)
        return re.sub(r"[ \t]+", " ", text)

    def _expand_run(self, m: re.Match[str]) -> str:
        names = [self._abbrev_names.get(c) for c in re.sub(r"[ 、/和与]", "", m.group(1))]
        if None in names or len(set(names)) < len(names):
            return m.group(0)
        return "和".join(names)  # type: ignore[arg-type]

    def region_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical region) of each region named in ``text``, longest alias first."""
        taken: list[tuple[int, int, str]] = []
        text = without_quoted_names(text)
        if self.use_institution_region:
            text = without_institution_names(text, self.aliases, self.written)
        for alias in self._ordered:
            for m in re.finditer(re.escape(alias), text):
                if not any(s < m.end() and m.start() < e for s, e, _ in taken):
                    taken.append((m.start(), m.end(), self.aliases[alias]))
        for word in cues.PROVINCE_WORDS:
            for m in re.finditer(word, text):
                if not any(s < m.end() and m.start() < e for s, e, _ in taken):
                    taken.append((m.start(), m.end(), word))
        return sorted(taken)

    def _without_context(self, text: str) -> str:
        """``text`` without the statements that only give context: a document named only in a
        fact given with a figure or number ("…重庆方案定为3万台以上") or in a likening ("像A方案那样，B方案有没有…",
        "B方案跟A的一样，…") while another document is named elsewhere is the asker's context, not asked about."""
        spans = []  # (start, end) of each context statement: a whole segment, or the likening inside one
        for m in re.finditer(r"[^，,。；;？?！!]+[，,。；;？?！!]*", text):
            seg = m.group(0)
            liken = cues.CONTEXT_LIKENED.search(seg)
            if liken and re.match(r"(?:的)?(?:吗|么|不|没|嘛|[？?])", seg[liken.end():]):
                liken = None  # ("A跟B一样吗": a comparison asked, both documents asked about)
            asks = cues.QUESTION_CUE.search(seg)
            if liken and liken.group(0).startswith("像"):
                spans.append((m.start() + liken.start(), m.start() + liken.end()))  # "有没有像A那样…"
            elif (liken or cues.CONTEXT_FACT.search(seg)) and not asks:
                spans.append((m.start(), m.end()))
        if not spans:
            return text

        def region(name: str) -> str:  # ("省里" is the province a document is about)
            return "省" if name in cues.PROVINCE_WORDS or name.endswith("省") else name

        inside = {region(r) for s, e, r in self.region_mentions(text) if any(a <= s and e <= b for a, b in spans)}
        outside = {region(r) for s, e, r in self.region_mentions(text) if not any(a <= s and e <= b for a, b in spans)}
        context = inside - outside
        if not context or not outside:
            return text
        moved = [(a, b) for a, b in spans
                 if {region(r) for s, e, r in self.region_mentions(text[a:b])} & context]
        kept, pos = [], 0
        for a, b in moved:
            kept.append(text[pos:a])
            pos = b
        kept.append(text[pos:])
        rest = re.sub(r"^[，,\s]+|(?<=[，,])[，,\s]+", "", "".join(kept)).strip()
        return rest if len(rest) >= 4 else text

    def _split_preamble(self, text: str) -> tuple[str, str]:
        segments = _SEGMENT.findall(text)
        end = -1
        for i, seg in enumerate(segments[:-1]):
            # who is asking and why, not what: no figure in it ("我们厂想新上一台30蒸吨的锅炉" is content)
            said = cues.PREAMBLE.search(seg) or (self.use_preamble_more and cues.PREAMBLE_MORE.search(seg))
            if (not said and self.use_purpose_preamble and i == 0 and seg[-1] in "：:" and cues.ASKER_PURPOSE.search(seg)
                    and not cues.NAMES_DOCUMENT.search(seg) and not self.region_mentions(seg)):
                said = True  # ("要给街道做个展板找依据：…": what the asker needs it for, no document named)
            if said and not cues.QUESTION_CUE.search(seg) and not re.search(r"\d", seg):
                end = i
        while (self.use_preamble_colon and 0 <= end < len(segments) - 2 and segments[end + 1][-1] in "：:"
               and not cues.QUESTION_CUE.search(segments[end + 1]) and not re.search(r"\d", segments[end + 1])):
            # "我是某局的，正在整理路灯台账：…": what the asker is doing, up to the colon that opens the question
            end += 1
        if end < 0:
            return "", _REQUEST_PREFIX.sub("", text)
        preamble = "".join(segments[: end + 1])
        rest = _REQUEST_PREFIX.sub("", "".join(segments[end + 1:]).strip())
        ask = cues.REQUEST.search(segments[end]) or (cues.REQUEST_MORE.search(segments[end])
                                                     if self.use_preamble_more else None)
        carried = segments[end][ask.end():].strip("：:，, ") if ask else ""
        if len(re.findall(r"[\u4e00-\u9fff]", carried)) >= 4:
            # "…，想问下文件里提到的X，具体怎么做？": what follows the request is what is asked about
            preamble = "".join(segments[:end]) + segments[end][:ask.end()]
            rest = carried + "，" + rest
        if not rest:
            return "", text
        named = self.region_mentions(preamble)
        if named and not self.region_mentions(rest):  # "我是雅安的…，想问：…" keeps 雅安
            start, end, _ = named[0]
            rest = preamble[start:end] + rest
        return preamble, rest

    # ------------------------------------------------------------------ the analysis
    def analyse(self, question: str, *, split: bool = True, spaced: bool = True) -> QuestionAnalysis:
        """``split=False``: do not look for parts (a part is answered as one question). ``spaced=False``: a space
        separates no questions (a follow-up in a conversation leans on the turn before: "那夜市那块 装多少 啥时候装完")."""
        normalised = self.normalise(question)
        preamble, text = self._split_preamble(normalised) if self.use_preamble else ("", normalised)
        if self.use_postscript:
            asked, postscript = _split_postscript(text)
            if postscript and (self.region_mentions(asked) or not self.region_mentions(postscript)):
                # (a region named only after the question is the question's: "…多少？我们是X市的" is kept whole)
                text, preamble = asked, f"{preamble}{postscript}"
        if self.use_excluded_source:
            excluded = cues.EXCLUDED_SOURCE.search(text)
            if excluded and excluded.start() > 0 and cues.QUESTION_CUE.search(text[:excluded.start()]):
                # (kept with the preamble: what the asker says, not what is asked nor where)
                text, preamble = text[:excluded.start()], f"{preamble}{excluded.group(0).strip(' ，,')}"
        # (the text without the statements that only give context: where the question asks, and its parts)
        scoped = self._without_context(text) if self.use_context_source else text
        regions = tuple(dict.fromkeys(r for _, _, r in self.region_mentions(scoped)))
        years = tuple(dict.fromkeys(cues.YEAR.findall(text)))
        periods = tuple(dict.fromkeys(cues.PERIOD.findall(text)))
        asserted = premise(text, then=self.use_premise_then, comma=self.use_premise_comma,
                           condition=self.use_premise_condition, stated=self.use_premise_stated,
                           rhetorical_only=self.use_rhetorical_only,
                           acts=self.use_plan_acts,
                           sentence=self.use_premise_sentence,
                           told_sentence=self.use_told_sentence,
                           written=self.use_written_claim,
                           placed=self.use_plan_placed, run=self.use_premise_run)  # a question built on a premise is answered (or refused) as a whole
        if asserted and self.use_topic_premise and cues.TOPIC_CLAIM.fullmatch(asserted):
            asserted = ""  # ("听说某方案对X有要求，…要做什么？": only that the plan addresses X, which the answer says)
        if asserted and self.use_self_listed and cues.SELF_LISTED.search(asserted):
            asserted = ""  # ("听说某方案把我单位列入了，牵头的是谁？": whether it does, the listing asked says)
        if asserted and self.use_hearsay and cues.FIGURES_RELATED.search(asserted) and cues.EACH_FIGURE.search(text):
            # "有人说雅安的X目标是重庆的两倍还多，两份各定的是多少？": a relation between figures someone claims,
            # and each figure asked to check it: the figures answer it (the claim is no requirement of a plan), and
            # the parts are those of what is asked after it
            claim = re.split(r"[：:]", asserted)[0]  # ("…都在14%上下：A的X、B的Y，各是多少": what is asked follows)
            at = text.find(claim)
            rest = text[at + len(claim):].lstrip(" ，,：:；;") if at >= 0 else ""
            if len({r for _, _, r in self.region_mentions(rest)}) >= 2:
                scoped = rest
            asserted = ""
        kind = answer_type(text, measure_basis=self.use_measure_basis, action_basis=self.use_action_basis,
                           attachment=self.use_attachment_card,
                           signature=self.use_signature_bodies)
        if kind == "explanation" and self.use_rate_asked and cues.RATE_ASKED.search(text):
            kind = "figure"  # ("要达到什么亮灯率": a rate is a number)
        last_asked = ([x for x in re.split(r"(?<=[？?])", text) if x.strip()] or [text])[-1]
        if (self.use_note_card and cues.ASKS_NOTE.search(last_asked)
                and not (asks_who(last_asked) or cues.BODY_WORD.search(last_asked))):
            # ("落款日期下面那行括号注释写的啥": the note under the date, a field of the card; "这条末尾括号里是哪些
            # 部门" asks the clause's department parenthesis)
            kind = "note"
        if self.use_colophon_card and cues.ASKS_COLOPHON.search(text) and kind != "cc":
            # ("版记里的印发日期": the colophon, which no card holds, not the date it is signed; its 抄送 line is
            # the card's cc)
            kind = "colophon"
        if (self.use_validity_card and cues.ASKS_VALIDITY.search(text) and cues.DOCUMENT_WORD.search(text)
                and kind in ("date", "figure", "yesno", "explanation")):
            # ("那份通知写没写何日生效、管几年": when the document takes effect, which no document here
            # states; not the date it is signed)
            kind = "validity"
        if (self.use_directive_card and kind in ("date", "explanation", "body") and cues.ASKS_DIRECTIVE.search(text)
                and cues.COVER_LETTER.search(text)):
            # ("印发通知叫下面各单位如何落实": what the cover letter tells its recipients, a line of the card)
            kind = "directive"
        if asserted and kind != "figure" and self.use_premise_number:
            # "某方案说要开展X，每年要开展多少场？要不要全覆盖？": answered as a whole, it asks for a number too; the
            # figure checks read it (the last question alone would make it a yes/no)
            asked = [x for x in re.split(r"(?<=[？?])", text) if x.strip()][:-1]
            if any(cues.ASKS_QUANTITY.search(x) and answer_type(x) == "figure" for x in asked):
                kind = "figure"
        elif kind == "yesno" and self.use_whether_figure and self.use_whether_tail:
            # "…每年要装多少盏？是不是分片区定的": the tail asks whether the number is set so, with nothing of its own
            # (no part); the figure checks read the number asked before it
            *asked, last = [x for x in re.split(r"(?<=[？?])", text) if x.strip()] or [""]
            if (asked and _asks_only_whether(last, self.use_other_bodies)
                    and any(cues.ASKS_QUANTITY.search(x) and answer_type(x) == "figure" for x in asked)):
                kind = "figure"
        conditional = self._conditional_head(text) if self.use_conditional_tail and not asserted else ""
        if conditional:  # ("有没有X？有的话在哪条、让干什么": the whole is a yes/no question about X)
            kind = "yesno"
        term = self._looked_up_term(conditional or text)
        if not term and self.use_mention_adverb and cues.MENTION_ADVERB.search(conditional or text):
            # ("有没有也提X": the adverb is not part of X, nor does it stop the verb; "是否也点名哪家灯厂…" asks
            # which, not whether)
            adverbless = self._looked_up_term(cues.MENTION_ADVERB.sub(r"\1", conditional or text))
            term = "" if cues.STRONG_QUESTION.search(adverbless) else adverbless
        if not term and self.use_likened_term and kind == "yesno":
            term = likened_term(text)
        if kind == "body" and term and self.use_mention_not_who and term in text:
            # ("提没提编制发布夜市地图": the word of issuing is the looked-up term's, not a question of who)
            kind = answer_type(text.replace(term, "这个"), measure_basis=self.use_measure_basis,
                               action_basis=self.use_action_basis, attachment=self.use_attachment_card,
                               signature=self.use_signature_bodies)
        among = self._among_all(text) if self.use_all_documents and not asserted else ""
        if among:  # ("X 这几份方案里哪些提了 甲和乙有没有": the documents that write X, all searched, answer both)
            scoped, regions, kind, split = among, (), "which_doc", False
        return QuestionAnalysis(
            original=question, text=text, preamble=preamble,
            answer_type=kind, years=years, periods=periods,
            regions=regions,
            parts=tuple(self.parts(scoped, spaced)) if split and self.use_parts and not asserted and not conditional else (),
            scope_text=scoped if scoped != text else "",
            premise=asserted,
            mention_term=term)

    def _among_all(self, text: str) -> str:
        """The question up to "这几份方案里哪些提了X" when all that follows it asks whether the documents it names are
        among them ("…甲和乙有没有", "…甲那份提了没"), and no region is named before it; '' otherwise."""
        every = cues.ALL_DOCUMENTS_ASKED.search(text)
        if not every or self.region_mentions(text[:every.start()]):
            return ""
        tail = text[every.end():]
        named = self.region_mentions(tail)
        if not named:
            return ""
        for start, end, _ in sorted(named, reverse=True):
            tail = tail[:start] + tail[end:]
        tail = cues.AMONG_THEM_FILLER.sub("", tail)
        return text[:every.end()] if cues.AMONG_THEM_TAIL.match(tail) else ""

    def _conditional_head(self, text: str) -> str:
        """The yes/no question about X before a tail that asks more only if X is there ("有的话在哪条", "如果有，哪个
        条款？", "有的话补的是哪类灯"); '' when there is no such tail or what comes before it looks up no term."""
        tail = cues.CONDITIONAL_TAIL.search(text)
        if not tail or not tail.start():
            return ""
        head = text[:tail.start()].strip(" ，,")
        found = self._looked_up_term(head)
        return head if found and answer_type(head) == "yesno" else ""

    def _looked_up_term(self, text: str) -> str:
        """:func:`mention_term` of ``text`` with this analyser's switches."""
        return mention_term(text, given=self.use_mention_given, titled=self.use_quoted_title,
                            deictic=self.use_mention_deictic, bare=self.use_mention_bare, anota=self.use_mention_end,
                            listing=self.use_mention_listing, phrase=self.use_quoted_phrase)

    def parts(self, text: str, spaced: bool = True) -> list[QuestionPart]:
        """The parts of a multi-part question (regions, then years, then sub-questions); [] if one."""
        if self.use_tails:  # ("…各是多少？二者相差多少？": the comparison after the question is no part)
            text = _without_comparison_tail(text, self.use_ranked_tail, self.use_compared_aspect)
        by_statement = self._stated_parts(text)
        if by_statement:
            return by_statement
        by_versus = self._versus_parts(text) or self._described_parts(text)
        if by_versus:
            return by_versus
        by_region = self._listed_parts(text, [(s, e, text[s:e]) for s, e, _ in self.region_mentions(text)],
                                       distinct=lambda label: self.aliases.get(label, label))
        if by_region:
            return self._own_sides(by_region)
        years = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"(?<!\d)20\d\d\s*年", text)]
        by_than = self._than_parts(text)
        if by_than:
            return by_than
        by_year = self._listed_parts(text, years, distinct=lambda label: label)
        if by_year:
            return by_year
        by_listed = self._enumerated_parts(text) if self.use_listed_asks else []
        if by_listed:
            return by_listed
        by_item = self._conjunct_parts(text)
        if by_item:
            return self._own_sides(by_item)
        return self._own_sides(self._side_parts(text)) or self._sub_questions(text, spaced)

    def _own_sides(self, parts: list[QuestionPart]) -> list[QuestionPart]:
        """"…，A方案和B方案各是怎么写的？B是不是比A多一项？": a later question in a side's part that names another
        side compares the sides; each side is asked (and retrieved) in its own scope, without it."""
        if not self.use_side_tail:
            return parts

        def regions(text: str) -> set[str]:
            return {self.aliases.get(name, name) for _, _, name in self.region_mentions(text)}

        out = []
        for part in parts:
            own = regions(part.label)
            asks = [x for x in re.split(r"(?<=[？?])", part.text) if x.strip()]
            # (a later question of its own side only, "…哪几份有？雅安提了没", is the side's question)
            kept = "".join(asks[:1] + [x for x in asks[1:] if not own or regions(x) <= own])
            out.append(QuestionPart(kept, part.label) if kept != part.text else part)
        return out

    def _stated_parts(self, text: str) -> list[QuestionPart]:
        """"X这块，A方案给了泊位数，B方案给没给数？两边各咋写的": two sides, each named in a statement or question of
        its own, then both asked how they write it: each part is the topic before the sides with that side's own
        question — the figure a side says it gives ("A泊位数是多少？"), for the side asked whether it gives one the
        figure the other gives ("B泊位数是多少？", answered "no figure" with what B says in words when it gives none),
        a question of its own as asked, else how it writes the topic."""
        tail = cues.EACH_WRITES.search(text) if self.use_stated else None
        if not tail:
            return []
        segments = [x for x in re.split(r"[，,；;？?\s]+", text[:tail.start()]) if x]
        sides = [k for k, x in enumerate(segments) if self.region_mentions(x) or cues.PROVINCE_PLAN.search(x)]
        if len(sides) != 2 or sides[0] == 0 and len(segments) == 2:
            return []
        topic = "，".join(segments[:sides[0]])
        states_of = {k: cues.STATES_FIGURE.search(segments[k]) for k in sides}
        stated = [m.group("what") for m in states_of.values() if m]
        parts = []
        for k in sides:
            side, states = segments[k], states_of[k]
            asks = cues.ASKS_IF_FIGURE.search(side)
            if asks:  # "B给没给数": the figure the other side gives, asked of B
                ask = f"{side[:asks.start()]}{stated[0] if stated else '给的数'}是多少？"
            elif states:  # "A给了泊位数": A's figure
                ask = f"{side[:states.start()]}{states.group('what')}是多少？"
            elif cues.QUESTION_CUE.search(side):
                ask = f"{side}？"
            else:
                ask = f"{side}，具体怎么写的？"
            parts.append(QuestionPart(f"{topic}，{ask}" if topic else ask, side))
        return parts

    def _side_parts(self, text: str) -> list[QuestionPart]:
        """"X这块，A方案和B方案各怎么说，都有比例吗": two sides named (a region, with its plan's name after
        it), asked of each in words no other split reads: each part is the question with the other side
        (and the word joining them) taken out."""
        if not self.use_sides or not cues.SIDES_CUE.search(text):
            return []
        sides: list[tuple[int, int]] = []
        seen: set[str] = set()
        for start, end, region in self.region_mentions(text):
            if region in seen:
                continue
            seen.add(region)
            named = cues.DOCUMENT_NAME.match(text[end:])
            sides.append((start, end + (named.end() if named and named.end() <= 12 else 0)))
        if len(sides) != 2 or not re.fullmatch(r"\s*" + cues.CONNECTOR + r"\s*", text[sides[0][1]:sides[1][0]]):
            return []  # (sides not side by side each have their own question: "A要…，B在哪些…")
        parts = []
        for k, (start, end) in enumerate(sides):
            o_start, o_end = sides[1 - k]
            if k == 0:
                rest = re.sub(cues.CONNECTOR + r"\s*$", "", text[:o_start]) + text[o_end:]
            else:
                rest = text[:o_start] + re.sub(r"^\s*" + cues.CONNECTOR, "", text[o_end:])
            rest = cues.SIDE_WHICH.sub("是否", cues.SIDES_WORDS.sub("", cues.PARTS_WORDS.sub("", rest)))
            parts.append(QuestionPart(rest.strip(" ，,"), text[start:end]))
        return parts

    def _versus_parts(self, text: str) -> list[QuestionPart]:
        """"资阳对餐饮油烟治理有什么要求？和重庆相比呢": the question before, and the same question of the other region."""
        m = cues.VERSUS_TAIL.search(text)
        if not m:
            return []
        other = self.region_mentions(m.group(1))
        first = text[:m.start()].strip(" ，,？?。")
        named = self.region_mentions(first)
        if not other or not named or other[0][2] == named[0][2]:
            return []
        s, e, _ = named[0]
        label = m.group(1)[other[0][0]:other[0][1]]
        return [QuestionPart(f"{first}？", first[s:e]), QuestionPart(f"{first[:s]}{label}{first[e:]}？", label)]

    def _described_parts(self, text: str) -> list[QuestionPart]:
        """"一个是A的X，一个是B的Y，各是多少": each described side asked on its own. What comes before the first
        side is kept only where it names a region or a document ("省方案里"); a comparison's "哪个大" or
        "一样吗" is asked of neither side."""
        m = cues.DESCRIBED_SIDES.search(text) if self.use_described else None
        if not m:
            return []
        head = text[:m.start()].strip(" ，,：:")
        if not (self.region_mentions(head) or cues.PROVINCE_WORD.search(head) or cues.DOCUMENT_NAME.search(head)):
            head = ""
        head = re.sub(r"(?:这)?(?:两|二|三)(?:份|个)(?=方案|文件)", "", head)  # "四川的两份方案": each side is one of them
        asks = [x for x in re.split(r"[，,；;？?\s]+", m.group("ask") or "") if x]
        asks = [x for x in asks if not (cues.COMPARE_ASK.search(x) or cues.WHICH_MORE.search(x)
                                        or cues.SAMENESS_ASK.search(x + "？ x")) or len(x) > 10]
        ask = cues.PARTS_WORDS.sub("", re.sub(r"各(?=[\u4e00-\u9fff]{0,2}(?:多少|几)|要|为|是)", "", "".join(asks)))
        ask = ask or _part_ask(text)
        return [QuestionPart(f"{head}{m.group(side)}{ask}？", m.group(side)) for side in ("a", "b")]

    def _listed_parts(self, text: str, mentions: Sequence[tuple[int, int, str]], distinct) -> list[QuestionPart]:
        """"A和B…分别": the span "A和B" replaced by each item in turn."""
        if len({distinct(m[2]) for m in mentions}) < 2:
            return []
        first, last = mentions[0], mentions[-1]
        span = text[first[0]:last[1]]
        between = span
        for _, _, label in mentions:
            between = between.replace(label, "", 1)
        between = re.sub(cues.CONNECTOR + r"|市|省|的|两地|两市|\s|" + cues.LISTED_FILLER.pattern, "", between)
        if between:  # the items are not listed side by side: not a "A和B" question
            return []
        if not (self._parts_cues(text) or re.search(r"和|与|及|、", span)):
            return []
        tail = text[last[1]:]
        tail = cues.PARTS_COUNT.sub("", tail)
        tail = cues.COMPARE_ASK.sub(_part_ask(text), tail)
        tail = re.sub(r"有(?:什么|何)(?:不同|区别|差别|差异)|不同之处|区别在哪", "是什么", tail)
        tail = cues.SAMENESS_ASK.sub("", tail)  # "…是不是同一个口径？各是多少": each side asks its own figure
        tail = cues.PARTS_WORDS.sub("", tail)
        head = re.sub(r"^(?:对比|比较)(?:一下)?", "", text[:first[0]])
        parts, seen = [], set()
        for _, _, label in mentions:
            key = distinct(label)
            if key in seen:
                continue
            seen.add(key)
            parts.append(QuestionPart(f"{head}{label}{tail}", label))
        return parts

    def _topic(self, text: str) -> str:
        """What ``text`` is about once its regions, years and generic words are taken out."""
        for start, end, _ in reversed(self.region_mentions(text)):
            text = text[:start] + text[end:]
        return cues.GENERIC_WORDS.sub("", cues.YEAR.sub("", text))

    def _than_parts(self, text: str) -> list[QuestionPart]:
        """"雅安的X比重庆高多少？": X of each region ("雅安的X是多少？", "重庆的X是多少？")."""
        mentions = self.region_mentions(text)
        for k, (start, end, _) in enumerate(mentions):
            word = cues.THAN_WORD.search(text[max(0, start - 2):start])
            own = None  # "A的X 比 B的Y 高多少": B's own subject Y, between its name and the comparison
            if word is not None and word.group(0) == "比" and not cues.THAN_ASK.match(text[end:]):
                compared = cues.THAN_OWN.search(text, end)
                own = text[end:compared.start()].strip(" ，,") if compared else ""
                if not own or not self._topic(own) or cues.QUESTION_WORD.search(own):
                    continue
            if k == 0 or word is None:
                continue
            first_s, first_e, _ = mentions[0]
            subject = text[first_s:start - len(word.group(0))].strip(" ，,")  # "雅安2025年非化石能源消费比重目标"
            subject = re.sub(r"(?:是否|是不是|会不会|要|的)+$", "", subject)
            other = text[start:end] + (own if own else subject[first_e - first_s:])
            return [QuestionPart(f"{subject}是多少？", text[first_s:first_e]),
                    QuestionPart(f"{other}是多少？", text[start:end])]
        return []

    def _conjunct_parts(self, text: str) -> list[QuestionPart]:
        """"A的X和B的Y分别/哪个高": two listed subjects, each asked on its own; a subject that names no
        region or year takes the other one's ("重庆在X和Y两方面分别…" → "重庆…X…", "重庆…Y…")."""
        # the cue after the listed subjects ("想对比一下…：A和B，各多少" is cued by 各多少, not by 对比)
        for cue in self._parts_cues(text):
            body, tail = text[:cue.start()], text[cue.start():]
            joins = [m for m in re.finditer(r"和|与|以及|跟", body)
                     if not cues.BODY_NAME_AFTER.match(body[m.end():]) and m.start() >= 3 and len(body) - m.end() >= 3]
            if joins:
                break
        else:
            return []
        join = joins[-1]
        # "A的目标，跟B的目标比，相差多少": the comma before the join and the 比 after B belong to neither side
        left = body[:join.start()].rstrip(" ，,")
        right = re.sub(r"(?<!占)(?:相)?比(?:较)?[，,]\s*$", "", body[join.end():])
        # what the two subjects share: the segments before the one that lists them ("…方案中，")
        head = ""
        if re.search(r"[，,：:\s]", left.strip()):  # ("光伏这块 A方案和B方案…": the topic before a space too)
            cut = max(left.strip().rfind(c) for c in "，,：: ") + 1
            head, left = left.strip()[:cut], left.strip()[cut:]
        right = cues.PARTS_COUNT.sub("", right).strip(" ，,")
        left = left.strip(" ，,")
        head = cues.PARTS_COUNT.sub("", re.sub(r"^(?:我?想)?(?:对比|比较)(?:一下)?", "", head))  # ("想对比一下…两个…：")
        if len(left) < 3 or len(right) < 3:
            return []
        named_left = self.region_mentions(left)
        named_right = self.region_mentions(right)
        # ("甲地方案和省方案": "省…方案" names the province's plan, a side that takes no region of the other)
        province_right = self.use_province_side and bool(cues.PROVINCE_PLAN.match(right))
        labels = (left, right)
        lead = cues.DOCUMENT_NAME.match(left)
        lead_right = cues.DOCUMENT_NAME.match(right)
        numbered, numbered_right = (cues.DOCUMENT_NUMBER_REF.match(x) for x in (left, right))
        if (self.use_numbered_sides and numbered and numbered.end() == len(left) and numbered_right
                and numbered_right.end() < len(right)):
            # "甲〔2023〕1号和乙〔2022〕2号落款各是哪天": the first names only its document; it asks the same thing
            left = left + right[numbered_right.end():]
        elif named_left and named_right and lead and lead.end() == len(left) and lead_right:
            # "四川的方案和资阳方案对X的要求一样吗": the first names only its document; it asks the same thing
            left = left + right[lead_right.end():]
            labels = (labels[0], lead_right.group(0))
        elif named_left and named_right and not self._topic(right):
            # "全省非化石能源占比目标和雅安的目标": the second names only its region; it asks the same thing
            right = right[:named_right[-1][1]] + left[named_left[-1][1]:]
        inherit = ""
        if named_left and not self.region_mentions(right) and not province_right and not self.region_mentions(head):
            inherit += left[named_left[0][0]:named_left[0][1]]
        year = cues.YEAR.search(left)
        if year and not cues.YEAR.search(right) and not cues.YEAR.search(head):
            inherit += year.group(0)
        ask = cues.COMPARE_ASK.sub(_part_ask(text), tail)
        verb = "|" + cues.CHANGE_VERB if self.use_each_verb else ""
        ask = re.sub(r"^(?:分别|各自|各)(?=[是为要有提定]" + verb + r"|多少|几)", "", ask)  # 各 only where it opens the ask
        ask = re.sub(r"分别|各自|相比|对比|比较", "", ask) or "是什么？"
        ask = re.sub(r"(是多少)[，,]\1", r"\1", ask)  # "分别是多少，差多少？" asks one figure of each
        asks = self._side_asks(ask, (left, inherit + right))
        return [QuestionPart(f"{head}{left}{asks[0]}", labels[0]), QuestionPart(f"{head}{inherit}{right}{asks[1]}", labels[1])]

    def _parts_cues(self, text: str) -> list[re.Match[str]]:
        """The words that ask each of two listed sides ("分别", "各是", "哪个高"; with ``each_verb`` also "各降多少",
        "哪个降得多"), in the order written."""
        found = list(cues.PARTS_CUE.finditer(text))
        if self.use_each_verb:
            found += cues.PARTS_CUE_VERB.finditer(text)
        return sorted(found, key=lambda m: m.start())

    def _side_asks(self, ask: str, sides: tuple[str, str]) -> tuple[str, str]:
        """The ask of each side: a later sentence of it that names the region of one side only ("…分别提了哪些？
        B有装机目标吗") is asked of that side alone."""
        sentences = [s for s in re.split(r"(?<=[？?])", ask) if s.strip()]
        if len(sentences) < 2:
            return ask, ask
        regions = [{self.aliases.get(r, r) for _, _, r in self.region_mentions(side)} for side in sides]
        out = [sentences[0], sentences[0]]
        for sentence in sentences[1:]:
            named = {self.aliases.get(r, r) for _, _, r in self.region_mentions(sentence)}
            own = [k for k in (0, 1) if named and named <= regions[k]]
            for k in own if len(own) == 1 else (0, 1):
                out[k] += sentence
        return out[0], out[1]

    @staticmethod
    def _comma_questions(text: str, spaced: bool = False) -> list[str]:
        """"重庆方案里，哪些区县搞A，哪些区县搞B？": two or more comma-separated segments that each ask with
        a question word; a leading segment that asks nothing ("重庆方案里，") is put before each. ``spaced``: a
        space between two words separates segments as a comma does (how people type without punctuation)."""
        separator = r"[，,；;]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])" if spaced else r"[，,；;]"
        segments = [x.strip() for x in re.split(separator, text.rstrip("？?。 ")) if x.strip()]
        asking = [i for i, x in enumerate(segments)
                  if cues.STRONG_QUESTION.search(x) and len(x) >= 5 and not _asks_only_who(x)]
        if len(asking) < 2 or asking != list(range(asking[0], len(segments))):
            return []
        head = "".join(x + "，" for x in segments[:asking[0]])
        return [f"{head}{segments[i]}？" for i in asking]

    def _sub_questions(self, text: str, spaced: bool = True) -> list[QuestionPart]:
        """"…？…？": each question on its own; a later one without a region takes the first one's."""
        pieces = [p.strip(" ，,") for p in re.split(r"(?<=[？?])", text) if p.strip(" ，,")]
        # (a_not_a_piece: "…？X提没提" asks whether the plan mentions X of its own, typed without its question mark)
        pieces = [p for p in pieces if (cues.QUESTION_CUE.search(p) or self.use_a_not_a_piece and cues.A_NOT_A.search(p)
                                        and mention_term(p)) and len(p) >= 4]
        if len(pieces) < 2:
            pieces = self._comma_questions(text, self.use_spaced_parts and spaced)
        if len(pieces) < 2 and self.use_listed_asks:
            listed = self._listed_asks(text)
            if listed:
                return listed
        if len(pieces) < 2 or any(cues.ANAPHOR.match(p) or cues.ANAPHOR_INSIDE.search(p) or _asks_only_who(p)
                                  or _names_nothing(p) or (self.use_described and _asks_only_which_doc(p))
                                  or (self.use_tails and cues.WHERE_ONLY.match(p.strip()))
                                  or (self.use_said_tail and cues.SAID_ONLY.match(p.strip()))
                                  or (self.use_value_part and _asks_only_value(p, pieces[0], self.use_conditional_value))
                                  or (self.use_whether_tail and not self.region_mentions(p)
                                      and _asks_only_whether(p, self.use_other_bodies))
                                  for p in pieces[1:]):
            return []  # "…？这个由哪个部门负责？" asks about the first question's answer: one question
        first_regions = self.region_mentions(pieces[0])
        lead = ""
        if first_regions:  # the region, with the document named right after it ("四川省…行动方案")
            start, end, _ = first_regions[0]
            named = cues.DOCUMENT_NAME.match(pieces[0][end:])
            lead = pieces[0][start:end + (named.end() if named else 0)]
        if self.use_part_scope:
            lead = self._part_scope(pieces[0], lead, self.use_part_clause_head, self.use_part_letter)
        listed = self._listed_years(pieces) if self.use_part_years else []
        if listed:  # (a later piece repeats the lead before its comma: "某方案，B多少？")
            asks = [(year, re.sub(rf"^{re.escape(lead)}[，,\s]*", "", ask) if lead else ask) for year, ask in listed]
            return [QuestionPart(f"{lead}{year}{ask}", f"{year}{ask}") for year, ask in asks]
        years = cues.YEAR.search(pieces[0])
        if self.use_part_years and len(set(cues.YEAR.findall(pieces[0]))) > 1:
            years = None  # (which of the first question's years a later one means is not said)
        out = []
        for i, piece in enumerate(pieces):
            q = label = piece
            if not i and self.use_colon_head and (head := self._colon_head(piece, lead)):
                # "某方案交通、建筑两头各挑一个2025年指标：A要建多少？B？": the words before the colon say how the
                # questions are chosen, not what A is; A is asked where the later questions are (the lead, the year)
                asked = piece[len(head):]
                year = years.group(0) if years and not cues.YEAR.search(asked) and answer_type(asked) == "figure" else ""
                q, label = f"{lead}{year}{asked}", asked
            if (i and lead and lead not in q and not self.region_mentions(q) and not cues.PROVINCE_WORD.search(q)
                    and not (self.use_part_province and cues.PROVINCE_PLAN.search(q))):
                if self.use_part_scope and not cues.DOCUMENT_NUMBER_REF.search(q):
                    q = cues.DOCUMENT_DEICTIC.sub("", q)  # "这份函主送谁" after "X号那份函…": of X号那份函
                q = f"{lead}{q}"
            if i and years and not cues.YEAR.search(q) and answer_type(q) == "figure":
                q = f"{years.group(0)}{q}" if not lead else q.replace(lead, f"{lead}{years.group(0)}", 1)
            out.append(QuestionPart(q, label))
        return out

    @staticmethod
    def _colon_head(first: str, lead: str) -> str:
        """The head of the first of several questions, up to its colon, when it asks nothing itself
        ("某方案交通、建筑两头各挑一个2025年指标："); "" when there is none or it names no document or region the
        later questions take (without one, what the head names is all that scopes the first question)."""
        colon = re.search(r"[：:]", first)
        if not colon or not lead or lead not in first[:colon.start()]:
            return ""
        head, asked = first[:colon.end()], first[colon.end():]
        if cues.QUESTION_CUE.search(head.replace(lead, "")) or not cues.STRONG_QUESTION.search(asked):
            return ""
        return head

    @staticmethod
    def _part_scope(first: str, lead: str, clause: bool = True, letter: bool = True) -> str:
        """Where the first of several questions is asked, for the later ones: its document and the part of it
        the first names before a comma ("某方案的X工程里，A？B？": B is asked of X工程 too); with no region named,
        a document named by its number ("川照〔2023〕9号那份函的…？…？"). ``clause``: the clause it names before
        its colon too ("某方案，X的条款：A？B？"). ``letter``: its cover letter, when the first names it right after the
        document ("X方案那份印发通知，A？B？")."""
        if not lead:
            numbered = cues.DOCUMENT_NUMBER_REF.search(first)
            return numbered.group(0) if numbered else ""
        at = first.find(lead) + len(lead)
        if letter and (sent := cues.PART_LETTER.match(first, at)):
            return first[first.find(lead):sent.end()]
        where = cues.PART_LOCATIVE.match(first, at) or (cues.PART_CLAUSE.match(first, at) if clause else None)
        return first[first.find(lead):where.end()] if where else lead

    def _listed_asks(self, text: str) -> list[QuestionPart]:
        """"路灯这件事对一下：省里改造多少盏、A市哪年启动、B市在哪些区搞": questions listed with 、, each with its
        own question word and at least two with their own region: each asked on its own, after the topic the
        question names before the colon (less the request to compare)."""
        body = text.rstrip("？?。 ")
        colon = re.search(r"[：:]", body)
        head, rest = (body[:colon.start()], body[colon.end():]) if colon else ("", body)
        segments = [x.strip(" ，,") for x in rest.split("、")]
        if (len(segments) < 2 or not all(cues.STRONG_QUESTION.search(x) and len(x) >= 5 for x in segments)
                or sum(bool(self.region_mentions(x)) for x in segments) < 2):
            return []
        topic = cues.COMPARE_REQUEST.sub("", head.strip(" ，,"))
        return [QuestionPart(f"{topic}，{x}？" if topic else f"{x}？", x) for x in segments]

    def _enumerated_parts(self, text: str) -> list[QuestionPart]:
        """"某方案里2025年…：A、B、C分别是多少": items listed with 、 (three or more, or two with no 和) right
        before 分别/各: each asked on its own, with the document the question opens with and its one year."""
        each = cues.EACH_ASKED_SPACED if self.use_spaced_each else cues.EACH_ASKED
        found = list(each.finditer(text))
        spaced = cues.EACH_ASKED_SPACED_ITEMS.search(text) if self.use_spaced_items else None
        if spaced and not (found and "、" in found[-1].group(1)):
            # "某方案三个比例：A B C 分别多少": the items are listed with spaces, as with 、
            text = text[:spaced.start(1)] + re.sub(r"\s+", "、", spaced.group(1)) + text[spaced.end(1):]
            found = [m for m in each.finditer(text) if "、" in m.group(1)][-1:]
        if not found:
            return []
        m = found[-1]
        listing = m.group(1)
        items = [x for x in re.split(r"、|和|以及|及", listing) if x]
        two_joined = len(items) == 2 and not re.fullmatch(r"[^、]+、[^、]+", listing)  # (two only as "A、B")
        if len(items) < 2 or "、" not in listing or two_joined or any(len(x) < 2 for x in items):
            return []
        # what the items share: the words before the first ("…夜市在照明、用水和垃圾方面")
        cut = max(items[0].rfind(w) for w in ("在", "的", "里", "中", "对"))
        head, items[0] = (items[0][:cut + 1], items[0][cut + 1:]) if cut >= 0 else ("", items[0])
        tail = re.search(r"(?:等)?(?:方面|领域|环节)$", items[-1])
        if tail:
            items[-1] = items[-1][:tail.start()]
        if any(len(x) < 2 for x in items):
            return []
        if not head and self.use_listed_documents and all(self._names_document(x) for x in items):
            # "X的2025年目标 A方案、B方案各多少": the items are documents; what is asked of each is what the question
            # says before them (less a request to compare)
            head = cues.COMPARE_REQUEST.sub("", text[:m.start(1)].strip(" ，,：:")).strip(" ，,：:")
            head = f"{head}，" if head else ""
        if not head:  # (after a colon: the document the question opens with, and its one year)
            named = cues.DOCUMENT_NAME.match(text)
            head = re.sub(r"(?:里|中)$", "", named.group(0)) if named and named.end() <= m.start() else ""
            years = list(dict.fromkeys(cues.YEAR.findall(text[:m.start()])))
            head += f"{years[0]}年" if len(years) == 1 and not cues.YEAR.search(listing) else ""
        ask = re.sub(r"^[，,\s]*(?:分别|各自|各)", "", text[m.end(1):]).strip() or "是什么？"
        more = tail.group(0) if tail else ""
        return [QuestionPart(f"{head}{item}{more}{ask}", item) for item in items]

    def _names_document(self, item: str) -> bool:
        """Does a listed item name a document ("雅安那份", "省里的节能方案", "重庆的")? A region counts."""
        return bool(self.region_mentions(item) or cues.PROVINCE_PLAN.search(item))

    @staticmethod
    def _listed_years(pieces: Sequence[str]) -> list[tuple[str, str]]:
        """"某方案2023年、2025年各一项：A多少，B多少": as many years as questions, all listed
        before the first question asks, and no question names its own: (year, ask) in turn."""
        years = list(dict.fromkeys(cues.YEAR.findall(pieces[0])))
        if len(years) != len(pieces) or any(cues.YEAR.search(p) for p in pieces[1:]):
            return []
        last_year = max(m.end() for m in cues.YEAR.finditer(pieces[0]))
        cut = max((pieces[0].rfind(c) for c in "：:，,"), default=-1)
        if cut < last_year:
            return []
        asks = [pieces[0][cut + 1:].strip(), *pieces[1:]]
        if any(len(ask) < 3 for ask in asks):
            return []
        return [(f"{year}年", ask if ask.endswith(("？", "?")) else f"{ask}？")
                for year, ask in zip(years, asks, strict=True)]


def _split_postscript(text: str) -> tuple[str, str]:
    """("…有没有提到X？", "我们是做外贸的"): a last sentence that says who is asking, after a question, asks
    nothing (no question word, no figure: a translation may have given it a question mark) and is no part."""
    sentences = [x for x in re.split(r"(?<=[？?。！!])", text) if x.strip()]
    if len(sentences) < 2:
        return text, ""
    last = sentences[-1].strip()
    asked = "".join(sentences[:-1])
    if (cues.POSTSCRIPT.match(last) and not cues.ASKING_WORD.search(last) and not re.search(r"\d", last)
            and cues.QUESTION_CUE.search(asked)):
        return asked, last
    return text, ""


def _without_comparison_tail(text: str, ranked: bool = True, aspect: bool = False) -> str:
    """``text`` less the sentences after its first that only compare what it asked (:data:`cues.COMPARISON_ONLY`).
    ``ranked``: also those that only order the answers or compare them by their place (:data:`cues.RANKED_ONLY`),
    and such a last piece after a space, as people type without punctuation ("…各多少 由低到高排列"). ``aspect``:
    also those that ask whether the answers are set on the same footing (:data:`cues.ASPECT_COMPARED`), and every
    such last piece after a space ("…各降多少 哪个多 统计口径一致吗")."""
    def compares(x: str) -> bool:
        x = x.strip(" ，,")
        return bool(cues.COMPARISON_ONLY.fullmatch(x) or ranked and cues.RANKED_ONLY.fullmatch(x)
                    or aspect and cues.ASPECT_COMPARED.fullmatch(x))

    sentences = [x for x in re.split(r"(?<=[？?])", text) if x.strip()]
    while ranked and sentences:
        spaced = re.split(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", sentences[-1].rstrip())
        if not (len(spaced) >= 2 and compares(spaced[-1])):
            break
        sentences[-1] = sentences[-1].rstrip()[:-len(spaced[-1])].rstrip()
        text = "".join(sentences)
        if not aspect:
            break
    if len(sentences) < 2:
        return text
    kept = [sentences[0]] + [x for x in sentences[1:] if not compares(x)]
    return "".join(kept)


def _names_nothing(segment: str) -> bool:
    """"分别说的什么？" after "X在哪几处出现？": a question word and a verb, nothing of its own to ask about."""
    return len(re.findall(r"[\u4e00-\u9fff]", cues.WHO_PHRASING.sub("", segment))) <= 1


def _asks_only_which_doc(segment: str) -> bool:
    """"哪个文件里有这个数？" after "X要提高多少": which document gives what the question before it asks, with
    nothing of its own to ask about."""
    if not cues.ASKS_WHICH_DOC.search(segment):
        return False
    rest = cues.WHICH_DOC_FIGURE.sub("", cues.ASKS_WHICH_DOC.sub("", segment))
    return _names_nothing(re.sub(r"方案|文件|给|写|提|说|有|定|了|出|到|过|里|中", "", rest))


def _asks_only_value(segment: str, first: str, conditional: bool = True) -> bool:
    """"到某年要达到多少？" after "某方案对X有没有定目标？", "是不是那个N%？" after "…定的是多少？": the value of
    what the first question asks whether it is set, or asks the value of, with no subject of its own and no year
    the first does not give ("…2025年是多少？2030年要达到多少？" are two questions). Answered as one question,
    so that the figure check reads the first question's subject: asked alone, "是多少？" binds any figure of the
    document. After "X的目标是什么？" it asks more than the first (a target in words, then its number)."""
    years = set(cues.YEAR.findall(segment))
    first_years = set(cues.YEAR.findall(first))
    if conditional:  # ("定了的话要到多少": asked only if the question before it finds the value set)
        segment = cues.CONDITIONAL_VALUE_HEAD.sub("", segment.strip(" ，,"))
    return (bool(cues.VALUE_ONLY.match(segment.strip(" ，,"))) and (not first_years or years <= first_years)
            and answer_type(first) in ("yesno", "figure"))


#: the most characters of its own a yes/no question after another may have and still ask only how what the one before
#: it asks about is set ("有没有分片区落实": 分片区落实, five; fitted on dev)
WHETHER_OWN_MAX = 5


def _asks_only_whether(segment: str, other_bodies: bool = True) -> bool:
    """"有没有分片区落实？" after "…2024年当年要装多少盏？", "有没有提前定？" after "…十五五要装多少": a yes/no question whether
    what the question before it asks about is set in some way, with no subject of its own (no year, no term looked
    up, no body named, a few characters of its own). Answered as one question, so that the first question's year or period is
    checked for it too: asked alone, it is answered from whatever its few words retrieve."""
    text = segment.strip(" ，,？?。")
    if (not cues.ASKS_YESNO.search(text) or cues.YEAR.search(text) or mention_term(text) or cues.BODY_WORD.search(text)
            or other_bodies and cues.OTHER_BODY.search(text)):
        return False  # ("里面有没有财政厅？", "市工会是否在内": whether a body is named is a question of its own)
    own = cues.GENERIC_WORDS.sub("", cues.WHO_PHRASING.sub("", cues.A_NOT_A.sub("", cues.ASKS_YESNO.sub("", text))))
    return len(re.findall(r"[\u4e00-\u9fff]", own)) <= WHETHER_OWN_MAX


def _asks_only_who(segment: str) -> bool:
    """"由哪些部门负责？" with no topic of its own: it asks who is responsible for what the question before
    it asks about, so it is not a part of its own."""
    return not cues.WHO_PHRASING.sub("", segment) and bool(cues.RESPONSIBILITY.search(segment))


def answer_type(text: str, *, measure_basis: bool = True, action_basis: bool = True, signature: bool = True,
                attachment: bool = True) -> str:
    """The kind of answer the question expects, read first from the last clause of the question (where
    a Chinese question puts its question word: "…是什么时候印发的，文号是多少？" asks for the number)."""
    segments = [x for x in re.split(r"[，,；;]", text) if x.strip()]
    if len(segments) > 1:
        last = _answer_type(segments[-1], measure_basis, text, action_basis, signature, attachment)
        if last != "explanation":
            return last
    return _answer_type(text, measure_basis, action_basis=action_basis, signature=signature, attachment=attachment)


def _answer_type(text: str, measure_basis: bool = True, whole: str = "", action_basis: bool = True,
                 signature: bool = True, attachment: bool = True) -> str:
    if cues.ASKS_DOCNUMBER.search(text):
        return "doc_number"
    if signature and cues.SIGNATURE_BODIES.search(text) and not cues.ASKS_DATE.search(cues.SIGNATURE_BODIES.sub("", text)):
        return "body"  # ("落款的都是哪些局": the issuers; "落款的都是哪些局、哪天" asks the date too)
    if cues.ASKS_DATE.search(text) and not cues.ASKS_QUANTITY.search(text):
        return "date"
    if cues.ASKS_CC.search(text):
        return "cc"
    if cues.ASKS_RECIPIENTS.search(text):
        return "recipients"
    if attachment and cues.ASKS_ATTACHMENT.search(text):
        return "attachment"  # ("附件叫啥名": the attachment line of the cover letter)
    if cues.ASKS_APPROVAL.search(text):
        return "approval"
    if cues.ASKS_ABRIDGED.search(text):
        return "abridged"
    if cues.ASKS_RELEASE.search(text):
        return "release"
    if (cues.ASKS_BASIS.search(text) and not cues.ASKS_QUANTITY.search(text)
            and not (measure_basis and cues.MEASURE_BASIS.search(whole or text))
            and not (action_basis and cues.ACTION_BASIS.search(text))):
        return "basis"
    if cues.ASKS_WHICH_DOC.search(text):
        return "which_doc"
    if cues.ASKS_ENTITY.search(text):
        return "explanation"
    if asks_who(text):
        return "body"
    a_not_a = cues.A_NOT_A.search(text)
    quantity = cues.ASKS_QUANTITY.search(text)
    if a_not_a and a_not_a.group(1) != "有没有" and not re.search(r"(?:多少|几)(?:个百分点|个|项|%|呢|啊)?[？?。]?\s*$", text):
        return "yesno"
    if quantity:
        return "figure"
    if cues.ASKS_YESNO.search(text) or cues.MENTION_VERB.search(text) and not cues.STRONG_QUESTION.search(text):
        return "yesno"  # (not "X在哪几处出现": a mention verb with a question word asks where)
    if cues.ASKS_LIST.search(text):
        return "list"
    return "explanation"


def mention_term(text: str, *, given: bool = True, titled: bool = True, deictic: bool = True,
                 bare: bool = True, saying: bool = False, anota: bool = True, listing: bool = True,
                 phrase: bool = True) -> str:
    """X of "有没有提到X" / "是否涉及X"; '' when the question is not of that kind. ``given``: also Y of
    "有没有对X给Y". ``titled``: a quoted word that begins a plan's name ("“十四五”节能方案有没有提到Y") is not X.
    ``deictic``: an X that points back ("管这事") is no term, and "X方面" of "有没有X方面的要求" is X. ``bare``: X of
    "某方案里有没有X？" / "某方案有X吗" too. ``saying``: X of "X有没有说法" too (for a
    follow-up that asks of a term of its own: ``qa.answer.rewrite``). ``anota``: X of "某方案 X 提没提" too. ``listing``: Y of "某方案…的几类灯具里，有没有Y" too. ``phrase``: a quoted
    word that begins a noun phrase ("有没有“X”管理台账") is looked up with the rest of the phrase."""
    term = _mention_term(text, given=given, titled=titled, deictic=deictic, bare=bare, saying=saying, anota=anota,
                         listing=listing, phrase=phrase)
    return "" if deictic and cues.MENTION_DEICTIC.search(term) else term


def _mention_term(text: str, *, given: bool, titled: bool, deictic: bool, bare: bool = True,
                  saying: bool = False, anota: bool = True, listing: bool = True, phrase: bool = True) -> str:
    offered = cues.MENTION_GIVEN.search(text) if given else None
    if offered and not cues.MENTION_VAGUE.fullmatch(offered.group(2)):
        return offered.group(2).strip(" “”\"'")
    about = cues.MENTION_ABOUT.search(text)
    if about:  # "对印染企业有没有什么规定": X is what the plan would have to say something about
        return re.sub(r"^(?:于|关于)", "", about.group(1)).strip(" “”\"'")
    listed = cues.MENTION_INCLUDED.search(text) or cues.MENTION_OF.search(text)
    x = next((g for g in listed.groups() if g), "") if listed else ""
    if x and deictic:
        x = cues.MENTION_FILLER.sub("", x)  # "有没有节能方面的要求": 节能
    if x and not cues.MENTION_VAGUE.fullmatch(x) and not cues.STRONG_QUESTION.search(x):
        return x.strip(" “”\"'")  # "有没有把陶瓷算进去" / "有没有限期整改的规定" / "有没有包括X"
    before = cues.MENTION_BEFORE.search(text) or (cues.MENTION_BEFORE_ANOTA.search(text) if anota else None)
    if before:  # "某方案里 X 有提没": X after the document's name
        x = cues.DOCUMENT_NAME.sub("", before.group(1)).strip(" “”\"'")
        x = re.sub(r"^(?:里|中|上)\s*", "", x).strip()
        if len(x) >= 2 and not cues.STRONG_QUESTION.search(x):
            return _glossed(cues.MENTION_FILLER.sub("", x))
    said = cues.MENTION_SAYING.search(text) if saying else None
    if said and not cues.STRONG_QUESTION.search(said.group(1)):
        x = cues.DOCUMENT_NAME.sub("", said.group(1)).strip(" “”\"'")
        if len(x) >= 2 and not cues.MENTION_DEICTIC.search(x):
            return x
    m = cues.MENTION_VERB.search(text)
    quoted = next((q for q in cues.QUOTED_TERM.finditer(text)
                   if not (titled and cues.TITLE_AFTER_QUOTE.match(text, q.end()))), None)
    if quoted and re.search(r"有没有|是否|有无", text):
        more = cues.QUOTED_CONTINUATION.match(text, quoted.end()) if phrase else None
        if more and not cues.QUOTED_NAMING.search(more.group(1)) and not cues.QUESTION_CUE.search(more.group(1)):
            return quoted.group(1) + more.group(1)  # ("有没有“X”管理台账": the ledger, not X, is looked up)
        return quoted.group(1)  # "有没有要求对“X”…": a term the user quotes must be found as written
    if not m or not re.search(r"有没有|是否|有无|提没提|吗|(?<![什怎这那多])么|没有?[？?]*\s*$", text):
        return _bare_term(text, listing) if bare else ""
    term = text[m.end():]
    # (X ends at the question asked about it, "X怎么处置", as at 吗 or a comma)
    term = re.split(cues.MENTION_TERM_END.pattern + r"|吗|么|了?没有?(?=[？?]*\s*$)|没有|[？?。，,]|的(?:内容|要求|规定|事)|这(?:件事|一点|方面)|相关",
                    term)[0]
    term = re.sub(r"^(?:过|了|关于|有关)", "", term).strip(" “”\"'")
    term = cues.MENTION_FILLER.sub("", cues.MENTION_LEAD_VERB.sub("", term))
    return _glossed(term) if len(term) >= 2 else ""


def _bare_term(text: str, listing: bool = True) -> str:
    """X of "某方案里有没有X？" / "某方案有X吗": whether the document has X at all, as "有没有提到X"; '' where X is a
    year or a number ("有没有2030年的目标"), asks something of its own ("有多少个X", "有哪些X"), is a kind of answer
    ("有没有名单"), points back ("有这个规定没"), names a body ("里面有没有市城管局": who is among them), or
    begins with what the plan would do with something else ("有没有给X定Y", "有没有也建个X"). ``listing``: Y of
    "某方案X那条的几类灯具里，有没有Y" too."""
    had = cues.MENTION_BARE.search(text)
    if not had and listing and (had := cues.MENTION_IN_LISTING.search(text)) and "的" in had.group(1):
        return ""  # ("责任单位里，有没有铁路系统的企业": a description of what may be listed, not a name it writes)
    if not had:
        return ""
    x = cues.MENTION_FILLER.sub("", had.group(1)).strip(" “”\"'")
    if (len(x) < 2 or cues.STRONG_QUESTION.search(x) or cues.YEAR.search(x) or re.search(r"\d", x)
            or cues.MENTION_VAGUE.fullmatch(x) or cues.BARE_ANSWER_KIND.fullmatch(x) or cues.BODY_WORD.search(x)
            or cues.BARE_NOT_TERM.match(x) or re.search(r"[吗么没呢]$|像|那样|这样", x)):
        return ""
    return _glossed(x)


def _glossed(term: str) -> str:
    """A term written twice, as an acronym and in Chinese ("ETS 碳排放权交易") or with a gloss in brackets
    ("X（Y）"), is either one: "ETS或者碳排放权交易" (a mention of either is a mention); a gloss that repeats
    the term is dropped."""
    m = re.fullmatch(r"([A-Za-z][A-Za-z0-9./-]*)\s+([\u4e00-\u9fff].+)", term)
    if m:
        return f"{m.group(1)}或者{m.group(2)}"
    m = re.fullmatch(r"(.+?)\s*[（(]([^（）()]+)[）)]", term)
    if m:
        return m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)}或者{m.group(2)}"
    return term


#: the fewest Chinese characters (question words aside) the question after a stated sentence has for that sentence to
#: be a premise, not what is asked about ("是哪个？" has none; set, not fitted: two words)
TOLD_ASKS_MIN = 4


def premise(text: str, then: bool = True, comma: bool = True, condition: bool = True, stated: bool = True,
            rhetorical_only: bool = True, acts: bool = True, sentence: bool = True, told_sentence: bool = True,
            written: bool = True, placed: bool = True, run: bool = True) -> str:
    """The requirement a question asserts before asking about it ("方案要求全部关停X，名单怎么定的？",
    "方案不是要求X吗？为什么…"). ``then``: a statement about a plan that a question beginning with 那 follows
    ("某方案要在X开展Y，那…", "某方案规定X 那…", a space standing for the comma) is asserted. ``comma``: the statement
    after a verb that ends its segment ("某方案规定，X，Y？") is asserted, and a space before the last question
    stands for a comma ("某方案规定X Y几年"). ``condition``: a claim that ends in 的 names whom a rule is for ("完不成目标的"):
    the rule is the segment after it ("…的，夜市路灯一律停用"), asserted with it. ``stated``: a first segment that
    says what a plan does ("某方案禁止X了 Y给多长", "某方案要求X，Y？") and asks nothing is asserted without 那 too.
    ``rhetorical_only``: "方案不是要求X吗" asserts X, "方案是不是要求X？" asks it. ``acts``: what a plan is said to do at a
    place ("某方案要在甲县新建X，…") is stated as a requirement is. ``sentence``: a statement that ends in 。 before the
    question ("某方案要求X。Y有哪些？", as an English "The plan requires X. What …?" is translated) is a segment too.
    ``told_sentence``: such a sentence that names a plan is asserted whatever its verb ("某方案设置了X。…"). ``written``:
    what a letter or plan is said to have written on it is asserted ("印发通知上写着X，是哪天…"). ``placed``: where a
    plan (or a clause of it) is said to put something is asserted ("某方案路灯那条把甲县列为示范县，…"). ``run``: the
    statements that follow a requirement, up to the question, are asserted with it ("某方案要求X，每季度通报，…由谁…？")."""
    rhetorical = (cues.RHETORICAL_ONLY if rhetorical_only else cues.RHETORICAL_PREMISE).search(text)
    if rhetorical:
        return rhetorical.group(1).strip(" ，,")
    # ("X是市林业局牵头的吧？…": a statement put as a tag question is asserted, like one before a comma)
    split = r"[，,；;]|—+|(?<=吧)[？?]" + (r"|。" if sentence else "") + (r"|\s+(?=那)" if then else "") + (r"|\s+(?=\S)" if comma else "")
    segments = [re.sub(r"(?<=的)吧$", "", s) for s in re.split(split, text) if s.strip()]
    if len(segments) < 2:
        return ""
    for i, seg in enumerate(segments[:-1]):
        if then and i == 0 and segments[1].lstrip().startswith("那") and not cues.QUESTION_WORD.search(seg):
            says = cues.PLAN_STATES.match(seg.strip())
            if says and len(claim := seg.strip()[says.end():].strip()) >= 4:
                return claim
        opener = cues.PREMISE_OPENER.match(seg.strip())
        if opener and opener.group(0) and not cues.QUESTION_WORD.search(seg):
            claim = seg.strip()[opener.end():].strip()
            if len(claim) >= 4:
                return claim
        if cues.PREMISE_SOURCE.fullmatch(seg.strip()) and i + 1 < len(segments) - 1:
            # "按照某方案，X要全部换成Y，那…？": the statement after the attribution is the premise
            claim = segments[i + 1].strip()
            if len(claim) >= 4 and not cues.QUESTION_WORD.search(claim):
                return claim
        if i == 0 and cues.SETTLED.search(seg.strip()) and not cues.QUESTION_WORD.search(seg):
            return seg.strip()  # "X已经全市禁止Y了，那…": asserted as settled
        if cues.LEAD_CLAIM.search(seg.strip()) and not cues.QUESTION_WORD.search(seg):
            return seg.strip()  # "X是市水利局牵头的，那…": who leads X is asserted
        m = cues.PREMISE_VERB.search(seg) or (cues.WRITTEN_CLAIM.search(seg) if written else None)
        if m and not cues.QUESTION_WORD.search(seg):
            claim = seg[m.end():].strip()
            if comma and not claim and i + 1 < len(segments) - 1 and not cues.QUESTION_WORD.search(segments[i + 1]):
                claim = segments[i + 1].strip()  # ("某方案规定，没完成任务的要被限批，一般限批多久")
            if comma and cues.QUESTION_CUE.search(claim):
                continue  # ("各要求淘汰到国几": a claim that asks is no claim)
            if (condition and claim.endswith("的") and i + 1 < len(segments) - 1
                    and not cues.QUESTION_WORD.search(segments[i + 1])):
                claim = f"{claim}，{segments[i + 1].strip()}"  # ("规定完不成目标的，负责人一律免职，…"): what follows
            if len(claim) >= 4 and not claim.startswith("的"):  # "文件里说的那个X" names X, asserts nothing
                if run and not claim.endswith("的"):
                    # ("某方案要求建立路灯台账，每月巡查一次并张榜公布，不达标的摊区由谁处理？"): the statements after it, up
                    # to the question, are asserted with it
                    more = list(itertools.takewhile(lambda x: not cues.QUESTION_CUE.search(x),
                                                    (x.strip() for x in segments[i + 1:-1])))
                    at = text.find(claim)
                    end = text.find(more[-1], at + len(claim)) if more and at >= 0 else -1
                    if end >= 0:
                        claim = text[at:end + len(more[-1])]
                return claim
    told = cues.STATED_SENTENCE.match(text) if told_sentence else None
    if (told and not cues.QUESTION_CUE.search(told.group(1))  # (QUESTION_CUE holds every QUESTION_WORD)
            and len(re.findall(r"[\u4e00-\u9fff]", cues.QUESTION_CUE.sub("", text[told.end():]))) >= TOLD_ASKS_MIN):
        # ("某方案设置了X体系。Y由谁负责？"): a whole sentence about a plan, ended before a question that asks
        # something of its own, is what the user states of it, whatever its verb ("某方案点了一个X。是哪个？" asks
        # what the sentence describes: it is the subject, not a premise)
        return told.group(2).strip(" ，,")
    first = segments[0].strip()
    if stated and not cues.QUESTION_WORD.search(first) and not cues.QUESTION_CUE.search(first):
        # ("某方案禁止X了 Y给多长"): what the plan is said to require or ban, the verb kept with it
        says = cues.PLAN_CLAIMS.match(first) or (cues.PLAN_ACTS.match(first) if acts else None)
        if says and len(claim := re.sub(r"了$", "", first[says.start(1):]).strip()) >= 6:
            return claim
        put = cues.PLAN_PLACES.match(first) if placed else None
        if put and len(segments) >= 2:
            return first[put.start(1):].strip()
    return ""


def occurrence_term(text: str, counted: bool = True) -> str:
    """X of "某方案里X出现在哪几处" / "X被点了几次名" / "“X”前后出现了几处" ('' when the question asks no such thing):
    the term it quotes, else the words before the asking phrase, the document's name taken out. ``counted``: the
    quoted X of "带“X”的目标有几处" too."""
    m = cues.OCCURRENCES.search(text)
    if not m and counted and (n := cues.OCCURRENCES_COUNTED.search(text)):
        quoted = cues.QUOTED_TERM.search(text[:n.start()])
        return quoted.group(1) if quoted else ""
    if not m:
        return ""
    quoted = cues.QUOTED_TERM.search(text[:m.start()])
    if quoted:
        return quoted.group(1)
    before = re.split(r"[，,。；;？?！!\s]", text[:m.start()])[-1]
    before = re.sub(r"^(?:里|中|上)", "", cues.DOCUMENT_NAME.sub("", before))
    return before if 2 <= len(before) <= 12 else ""


def likened_term(text: str) -> str:
    """X of "像A方案那样X，B方案有没有这个？" (what the question likens to another plan, then asks of this one); ''
    when the question likens nothing, or X asks something itself."""
    m = cues.LIKENED_TERM.search(text)
    if not m:
        return ""
    x = cues.MENTION_OF_TAIL.sub("", m.group(1).strip(" “”\"'"))
    return x if 4 <= len(x) <= 30 and not cues.QUESTION_CUE.search(x) else ""


def carried_term(asked: str, answered: str, names: Sequence[str] = ()) -> str:
    """What a follow-up such as "B那份也有这样的安排吗" asks B about: the longest phrase the previous question
    and the previous answer share (``CARRIED_TERM_MIN`` Chinese characters at least), once document titles,
    clause labels and ``names`` (regions, the documents' short names) are taken out; '' when none is that long.
    ("A方案 利用旧厂房建X 在哪些地方研究" answered "…利用旧厂房、…建X…" carries 利用旧厂房.)"""
    def bare(text: str, sep: str) -> str:
        text = cues.CITED_TITLE.sub(sep, text)
        text = cues.DOCUMENT_NAME.sub(sep, text)
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, sep)
        # (only Chinese characters match: a phrase does not run across punctuation, figures or years)
        return re.sub(r"[^\u4e00-\u9fff]", sep, text)

    a, b = bare(asked, "\x00"), bare(answered, "\x01")
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[m.a:m.a + m.size] if m.size >= CARRIED_TERM_MIN else ""
