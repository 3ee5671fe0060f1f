"""Every refusal is decided here, with a reason code shown to the user.

Before generation (from the question analysis, the scope and the retrieved evidence):

- ``out_of_corpus``: the question names a region or document the index does not hold, or asks a figure
  of such a place, or ends by asking of one ("…，那绵阳的呢？"), or its last segment opens with such a name
  ("…，某学院分工是什么？");
- ``weak_evidence``: no retrieved clause is close enough (``refusal_threshold``, fitted on dev);
- ``period_not_covered`` / ``year_not_covered``: a plan period or year that neither the evidence nor
  the title of a document in scope mentions (a period named in a title counts as covered);
- ``not_mentioned``: "有没有提到X" / "是否提出X" / "提没提X" where X occurs nowhere in the documents in
  scope (the whole documents are searched, not only the retrieved clauses; an acronym such as LNG must be
  there as such or as the plans write it, 液化天然气; a word pair weighs by how rare it is in the corpus);
- ``false_premise``: the question asserts a requirement ("方案要求全部关停X，…") that no evidence
  sentence states (``premise_support_threshold``, fitted on dev), with another figure, frequency,
  polarity, level or modality, or with another lead body ("X是市水利局牵头的" where the clause has it
  only assist);
- ``no_figure``: a how-much question whose subject no figure-bearing evidence sentence is about
  (``figure_support_threshold``, fitted on dev), or whose last segment asks of an item no evidence sentence
  names ("那N个X里，Y占多少").

After generation (from the checker): ``model_refused`` (the model said the clauses do not answer and
gave no figure) and ``no_figure`` (the figure it gave is about something else, or a figure question
answered with no figure at all: the plan states the target only in words), and ``not_mentioned`` when a
question that asks for a name ("哪家公司…") is left with quotes that name nothing of that kind.

After the parts of a multi-part question are answered: ``weak_evidence`` for a part answered beside a refused part
with an answer that has almost none of the part's own words (:meth:`RefusalPolicy.part_unanswered`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.answer import prompts
from qa.answer.analysis import QuestionAnalysis
from qa.answer.citations import (
    copied_chars,
    governing_years,
    normalize_answer,
    segment_binds,
    stated_figures,
    target_years,
)
from qa.answer.cues import (
    ALSO_EXTENDS,
    ALTERNATIVES,
    ASKS_MONEY,
    ASKS_PERSON,
    ASKS_QUANTITY,
    ASKS_WHEN,
    ASSISTS,
    BAN,
    BASE_YEAR,
    BENCHMARK_LEVEL,
    BOTH_GIVEN,
    CHANGE_WORDS,
    CHOICE_OF_YEARS,
    CONTRAST_TAIL,
    DEPARTMENT_NAME,
    DOCUMENT_NUMBER_REF,
    FIGURE_VERB,
    FREQUENCY,
    GENERIC_WORDS,
    IF_NOT_THERE,
    LEAD_CLAIM,
    LEADS_ON_OWN,
    LEVEL,
    LISTED_ASK,
    LISTED_JOIN,
    MENTION_GLUE,
    MONEY_AMOUNT,
    NEGATION,
    PLAN_NAMED,
    PREMISE_COUNT,
    PREMISE_SHARE,
    QUESTION_CUE,
    QUESTION_NOISE,
    QUOTED_TERM,
    RESTRICTED,
    ROLE_CLAIM,
    ROLE_WORDS,
    SOFT_MODAL,
    STRONG_MODAL,
    SUBJECT_AFTER_UNIT,
    UNIVERSAL,
    WHICH_DOC_FIGURE,
    YEAR,
    YEAR_DIGITS,
)
from qa.answer.evidence import split_sentences
from qa.answer.support import (
    FigureSupport,
    acronyms_in_words,
    cjk_bigrams,
    content_bigrams,
    missing_acronyms,
    word_bigrams,
    writes_abbreviated,
    writes_apart,
)
from qa.index.scope import place_names
from qa.settings import Settings
from qa.types import Hit, Scope

#: a no-figure refusal quotes the evidence sentence (without a figure) that has this share of the question's
#: content words: what the plan says in words instead of a number (fitted on eval/dev.jsonl)
WORDS_QUOTE_MIN = 0.5
#: the item a how-much question's last segment asks of must share this much with some evidence sentence
ASKED_SUBJECT_MIN = 0.25

REASONS = ("out_of_corpus", "weak_evidence", "period_not_covered", "year_not_covered", "not_mentioned",
           "false_premise", "no_figure", "model_refused")


@dataclass(frozen=True)
class Refusal:
    code: str  # one of REASONS
    message: str  # what the user reads (Chinese)
    quote: str = ""  # what the document does say, when that helps (false premise, qualitative target)


#: the fewest character pairs without a phrasing character (regions left out) a follow-up's own text has for its
#: figure support to be measured on it alone (set, not fitted: "那2030年呢" has none, "那路灯呢" two, "那夜市路灯的
#: 亮灯率呢" six)
OWN_WORDS_MIN = 5
#: a part of a multi-part question answered beside a part the documents do not answer keeps its answer only when
#: the answer has this IDF-weighted share of the content words only that part asks (fitted on eval/dev.jsonl, the 88
#: rows measured in s33: parts wrongly answered had 0.12 or less, parts rightly answered 0.22 or more)
SIBLING_SHARE_MIN = 0.15
#: the fewest content character pairs a part's own words have for that share to be measured ("甲市方案" has none)
SIBLING_WORDS_MIN = 2
#: a sentence that says a term in other words holds this IDF-weighted share of the term's words the documents use
#: (``reworded_share``; set, not fitted: the user's own verb or general noun, 装上 or 摊主, is a third of the weight at most)
REWORDED_SHARE_MIN = 0.6
#: ... and means the same to the embedder at least this much (fitted on eval/dev.jsonl: the terms so said had 0.92 or
#: more, those the documents do not say 0.911 or less; a sentence with every word needs ``mention_meaning_threshold``)
REWORDED_MEANING_MIN = 0.92
#: ... and the term has a word the documents use in fewer than this many of their sentences (``reworded_specific``: a
#: noise-control term, "噪声…治理", has only 污染, 治理 and 染治, the rarest in 25 of the 1024 sentences, and none of what
#: it asks about, 噪声; fitted on eval/dev.jsonl, the 15 rows answered so in s38: the terms rightly said in other words
#: had a word in 22 or fewer). A count, not a share: in a small document set a word of one sentence is as specific
REWORDED_COMMON_DF = 24


def asked_subject(text: str, after: bool = False) -> str:
    """What a how-much question's last segment asks the figure of, when earlier segments set the context
    ("那5000个停车位里，新能源车位占多少" → 新能源车位); '' for a question of one segment (its whole text is
    the subject) or a last segment without the quantity word. With ``after``, a last segment that names what it
    measures after the figure's unit ("全市还得添多少万盏的夜市路灯") asks the figure of the words before the
    quantity word and those after it (全市还得添夜市路灯), in a question of one segment too."""
    segments = [x for x in re.split(r"[，,；;：:？?\s]+", text.strip(" ？?。")) if x]
    m = ASKS_QUANTITY.search(segments[-1]) if segments else None
    if not m:
        return ""
    subject = QUESTION_NOISE.sub("", GENERIC_WORDS.sub("", YEAR.sub("", segments[-1][:m.start()])))
    # ("…单位GDP能耗 累计降多少": a last segment of only how it changes names no item of its own)
    named = SUBJECT_AFTER_UNIT.match(segments[-1][m.end():]) if after else None
    what = QUESTION_NOISE.sub("", GENERIC_WORDS.sub("", named.group("what"))) if named else ""
    if len(what) >= 2:
        return subject + what
    return subject if len(CHANGE_WORDS.sub("", subject)) >= 2 and len(segments) >= 2 else ""


def asked_year(text: str) -> str:
    """The year a question asks a figure for: the one in its last segment that names a year ("2025年…41.5%，那
    到2030年要达到多少" asks for 2030); '' when none does."""
    for segment in reversed([x for x in re.split(r"[，,；;。？?\s]+", text) if x]):
        found = [m.group(0) for m in YEAR_DIGITS.finditer(segment)
                 if not BASE_YEAR.search(segment[:m.start()])]  # ("比2020年下降多少": 2020 is the base)
        if found:
            return found[-1]
    return ""


def best_sentence(wanted: set[str], texts: Sequence[str]) -> tuple[float, str]:
    """(share of ``wanted`` covered, sentence) for the sentence of ``texts`` that covers most."""
    best = (0.0, "")
    if not wanted:
        return (1.0, "")
    for text in texts:
        for s in split_sentences(text):
            share = len(cjk_bigrams(s.text) & wanted) / len(wanted)
            if share > best[0]:
                best = (share, s.text)
    return best


#: the longest first sentence of a clause read as its heading ("（二）街区照明改造工程。")
HEADING_MAX = 30


def sentence_words(texts: Sequence[str], *, headed: bool = False) -> list[set[str]]:
    """The CJK bigrams of each sentence of ``texts``; ``headed``: with those of its clause's heading (a short
    first sentence) added."""
    out = []
    for text in texts:
        sentences = split_sentences(text)
        heading = cjk_bigrams(sentences[0].text) if headed and sentences and len(sentences[0].text) <= HEADING_MAX else set()
        out.extend(cjk_bigrams(s.text) | heading for s in sentences)
    return out


def supporting_sentences(wanted: set[str], texts: Sequence[str], threshold: float) -> list[str]:
    """The sentences of ``texts`` that cover at least ``threshold`` of ``wanted``."""
    return [s.text for text in texts for s in split_sentences(text)
            if wanted and len(cjk_bigrams(s.text) & wanted) / len(wanted) >= threshold]


def sentence_years(sentence: str, clause: str) -> set[str]:
    """The target years ``sentence`` of ``clause`` speaks of: its own, else those of the nearest sentence before it
    ("到2025年，…。…" governs what follows it; a year in a later sentence does not)."""
    sents = [x.text for x in split_sentences(clause)]
    at = next((i for i, x in enumerate(sents) if sentence and (sentence in x or x in sentence)), None)
    return target_years(sentence) if at is None else governing_years(sents, at)


def other_level(claim: str, sentence: str, benchmark: bool = True) -> bool:
    """Does ``sentence`` put at another administrative level what ``claim`` puts at one ("纳入省级督察" against
    "纳入市级督察")?"""
    # administrative level; the standard a target is measured against (``benchmark``)
    for level in (LEVEL, BENCHMARK_LEVEL) if benchmark else (LEVEL,):
        wanted, found = set(level.findall(claim)), set(level.findall(sentence))
        if wanted and found and not wanted & found:
            return True
    return False


def opposite_polarity(claim: str, sentence: str) -> bool:
    """Does ``sentence`` negate what ``claim`` asserts, or assert what it negates? ("原料用能也要纳入考核"
    against "原料用能不纳入考核"): a negation word stands before a content bigram of the claim in one of
    the two and not in the other."""
    if not claim or not sentence:
        return False
    wanted = content_bigrams(claim)
    for a, b in ((sentence, claim), (claim, sentence)):
        for m in NEGATION.finditer(a):
            nxt = a[m.end():m.end() + 2]
            if nxt in wanted and nxt in b and not re.search(NEGATION.pattern + r"\s*" + re.escape(nxt), b):
                return True
    return False


def another_lead(claim: str, clause: str) -> bool:
    """Does ``claim`` say a body leads ("…是市水利局牵头的") where ``clause`` names that body but another one
    as the lead ("（市生态环境局牵头，市水利局配合）")?"""
    m = LEAD_CLAIM.search(claim)
    if not m:
        return False
    body = m.group(1)
    if body not in clause:
        # a department the clause's own list of responsible bodies leaves out ("（市农业农村局、…按职责分工负责）")
        from qa.corpus.structure import trailing_parenthesis

        named = trailing_parenthesis(clause)
        return bool(named) and bool(DEPARTMENT_NAME.search(body))
    leads = re.findall(r"([^（(，,、；;。]{2,20}?)牵头", clause)
    return bool(leads) and not any(body in lead for lead in leads)


def another_holder(claim: str, sentence: str) -> bool:
    """Does ``claim`` put a body in charge ("由X对…负总责", "X为第一责任人") where ``sentence`` gives that role to
    someone it names instead ("各级政府…负总责，主要领导为第一责任人")?"""
    for m in ROLE_CLAIM.finditer(claim):
        holder = re.sub(r"^(?:由|是|规定|要求)", "", m.group(1))
        role = next(w for k, w in ROLE_WORDS.items() if k in m.group(0))
        if role in sentence and holder not in sentence:
            return True
    return False


def assists_only(claim: str, sentence: str) -> bool:
    """Does ``claim`` have someone lead or act on their own ("由区里牵头开展X") where ``sentence`` has them only
    assist ("配合上级开展X")?"""
    return (bool(LEADS_ON_OWN.search(claim)) and not LEADS_ON_OWN.search(sentence)
            and bool(ASSISTS.search(sentence)) and not ASSISTS.search(claim))


def unstated_year(answer: str, wanted: set[str], clauses: Sequence[str]) -> bool:
    """Does ``answer`` give years (a "哪年" answer) that the clause of the sentence most about the question (its
    content words ``wanted``) does not have, that sentence being clearly about it (half of ``wanted``)?"""
    years = set(re.findall(r"20\d\d", answer))
    share, sentence = best_sentence(wanted, clauses) if years and wanted else (0.0, "")
    clause = next((c for c in clauses if sentence and sentence in c), "")
    return share >= 0.5 and bool(clause) and not any(y in clause for y in years)


def unstated_frequencies(claim: str, sentences: Sequence[str], anywhere: bool = True) -> list[str]:
    """How often ``claim`` says something is done ("每个季度考核") where the sentences that give the requirement
    give another frequency ("实行年度评价") or none ("出现问题及时报告" does not require a report each quarter);
    ``anywhere=False``: only where they give another one."""
    if not anywhere and not any(FREQUENCY.search(x) for x in sentences):
        return []
    return [f for f in FREQUENCY.findall(claim) if not any(f in x for x in sentences)]


def weaker_modality(claim: str, sentence: str) -> bool:
    """Does ``claim`` make binding ("必须", "全部", "禁止") what ``sentence`` only encourages or phases in?"""
    return bool(STRONG_MODAL.search(claim) and not STRONG_MODAL.search(sentence) and SOFT_MODAL.search(sentence))


def unstated_ban(claim: str, sentence: str) -> bool:
    """Does ``claim`` have the plan forbid or refuse something ("…一律不得开工", "不得新建") where ``sentence``, the one
    that states the requirement, forbids nothing ("建立…清单，支持…发展")?"""
    return bool(BAN.search(claim)) and not NEGATION.search(sentence)


#: The fewest characters in a row two segments of a sentence share to be parallel, one frame with other slots
#: ("在A行业开展X排放监测试点" and "在B行业开展Y排放监测试点"; set, not fitted: two characters are one word, 达到)
PARALLEL_FRAME_MIN = 4


def crossed_slots(claim: str, sentence: str) -> bool:
    """Does ``claim`` join what two parallel segments of ``sentence`` keep apart, a word only the one has and a word
    only the other has ("在A行业开展Y试点" where the sentence says "在A行业开展X试点，在B行业开展Y试点")?"""
    words = word_bigrams(claim)
    segments = [x for x in re.split(r"[，,；;。]", sentence) if len(x) >= PARALLEL_FRAME_MIN]
    for i, one in enumerate(segments):
        for other in segments[i + 1:]:
            if copied_chars(one, other) < PARALLEL_FRAME_MIN:
                continue
            a, b = cjk_bigrams(one), cjk_bigrams(other)
            mine, theirs = words & (a - b), words & (b - a)
            if mine and theirs and not any(mine & (c := cjk_bigrams(x)) and theirs & c for x in segments):
                return True  # (no segment of the sentence has the two together)
    return False


#: how near the end of another item's indicator ("单位建筑面积碳排放") the word a question puts before an item's head
#: must stand to be that other item's modifier, not the subject the list shares ("全省公共机构…"; set, not fitted)
MODIFIER_REACH = 6


def indicator_fit(question: str, sentence: str) -> str:
    """'crossed' when the how-much segment of ``question`` asks for an indicator that a sentence listing figures ("A能耗下降4%、
    B用水量下降7%、C碳排放下降7%") does not list, made of one item's head and another item's modifier ("C用水量"):
    an item's head (its last two characters) is asked with a modifier its own indicator lacks and another item's
    indicator has near its end; 'named' when an item is asked by its whole indicator; '' otherwise."""
    asking = next((x for x in re.split(r"[，,。；;？?！!\s]+", question) if ASKS_QUANTITY.search(x)), "")
    indicators = []
    for seg in re.split(r"[，,；;、]", sentence):
        verb = FIGURE_VERB.search(seg)
        if verb and stated_figures(seg[verb.start():]) and verb.start() >= 2:
            # (without the year and the area the whole list is about: "到2025年，全省…")
            indicators.append(re.sub(r"^[^\u4e00-\u9fff]*(?:到\d{4}年|“十[一二三四五]五”时期)?(?:全省|全市|全区|全县|全国)?", "",
                                     seg[:verb.start()]))
    if len(indicators) < 2 or not asking:
        return ""
    crossed = ""
    for i, own in enumerate(indicators):
        if len(own) < 2 or own[-2:] not in asking:
            continue
        at = asking.find(own[-2:]) + 2
        k = next((n for n in range(min(len(own), at), 0, -1) if asking[at - n:at] == own[-n:]), 0)
        if k == len(own):
            return "named"  # the item is asked by its whole indicator
        before = asking[max(0, at - k - 2):at - k]
        if len(before) == 2 and before in own:
            return "named"  # ("人均能耗" of 人均综合能耗: the item's own modifier, not next to its head)
        if len(before) == 2 and any(  # (another item's modifier, of another head: "B用水量" is not "C用水量")
                before in other[-MODIFIER_REACH - 2:] and other[-2:] != own[-2:]
                for j, other in enumerate(indicators) if j != i):
            crossed = "crossed"
    return crossed


def extended_subject(claim: str, regions: Sequence[str] = ()) -> set[str]:
    """The words of the subject ``claim`` extends a requirement to with 也 ("2025年起夜市摊位也要执行X" → 夜市摊位's
    words), without the time it starts from; an empty set when it extends none."""
    m = ALSO_EXTENDS.search(claim)
    if not m:
        return set()
    subject = re.sub(r"^.*?(?:\d{2,4}年|今年|明年)(?:起|开始|以后|后|前|底前|之前)?", "", m.group(1))
    return word_bigrams(subject, regions)


def wider_scope(claim: str, sentence: str) -> bool:
    """Does ``claim`` make universal ("全市禁止新建X") what ``sentence`` restricts ("禁止在城市建成区外新建X")?"""
    return bool(UNIVERSAL.search(claim) and not UNIVERSAL.search(sentence) and RESTRICTED.search(sentence))


#: the least coverage of X (``FigureSupport.coverage``) by a region's figure sentences for "A和B都给了X" to hold
#: of that region (fitted on dev: the plans that give X reach 1.0, those that do not 0.06–0.36)
BOTH_GIVEN_COVERAGE = 0.5


class RefusalPolicy:
    def __init__(self, settings: Settings, support: Callable[[], FigureSupport], regions: Callable[[], list[str]],
                 document_texts: Callable[[Sequence[str]], list[str]],
                 meaning: Callable[[str, Sequence[str]], list[float]] | None = None,
                 titles: Callable[[Sequence[str]], list[str]] | None = None) -> None:
        self.settings = settings
        self._support = support
        self._regions = regions
        self._document_texts = document_texts  # doc ids (empty = all) -> their clause texts
        self._meaning = meaning  # (text, sentences) -> each sentence's similarity to it (the retrieval embedder)
        self._titles = titles  # doc ids -> their titles
        self._reworded: tuple[tuple[str, tuple[str, ...]], str] | None = None  # (the last one looked up)

    def _written_together(self, places: Sequence[str]) -> bool:
        """Does one clause of the documents write every one of ``places`` (as it stands, or as the start of a
        longer name: "甲" in "甲区")?"""
        if any(p.startswith("《") for p in places):
            return False
        return any(all(p in text for p in places) for text in self._document_texts(()))

    def before_generation(self, analysis: QuestionAnalysis, scope: Scope, hits: Sequence[Hit],
                          texts: Sequence[str]) -> Refusal | None:
        """``texts``: the whole clause text of each evidence hit."""
        if (analysis.followed_clause and scope.out_of_scope and texts and self.settings.enabled("followed_place")
                and all(n in texts[0] for n in scope.out_of_scope)):
            # "这一条对甲地怎么说": asked of the clause the last answer cited, which names that place;
            # they are what that clause is asked about, not regions no document covers
            scope = replace(scope, out_of_scope=())
        if (len(scope.out_of_scope) >= 2 and self.settings.enabled("listed_places")
                and self._written_together(scope.out_of_scope)):
            # "哪份方案点名甲、乙、丙搞X": places the documents list together in one clause (as "甲区、乙区、丙区")
            # are what the question asks about, not regions no document covers
            scope = replace(scope, out_of_scope=())
        if scope.is_out_of_scope:
            return Refusal("out_of_corpus", prompts.REFUSAL_OUT_OF_SCOPE.format(names="、".join(scope.out_of_scope)))
        places = [n for n in scope.out_of_scope if not n.startswith("《")]
        if places and self.settings.enabled("place_figure"):
            tail = CONTRAST_TAIL.search(analysis.text)
            segments = [x for x in re.split(r"[，,；;]", analysis.text.rstrip("？?。 ")) if x.strip()]
            asking = segments[-1] if len(segments) >= 2 else ""
            subject = re.sub(r"^(?:那么|那|而|但是?|可是?)", "", asking.strip())
            if subject and any(subject.startswith(p) for p in places) and not any(r in asking for r in self._regions()):
                # "A方案说X是和某学院合作的，那学院分工是什么？": what is asked is asked of a name no
                # document in scope has; the plan it names is only the context
                return Refusal("out_of_corpus", prompts.REFUSAL_OUT_OF_SCOPE.format(names="、".join(places)))
            if tail and any(p in tail.group(1) for p in places):
                # "全省…是80万辆，那绵阳的呢": asked of a place no document is about; the figures in scope are
                # another region's
                return Refusal("out_of_corpus", prompts.REFUSAL_OUT_OF_SCOPE.format(names="、".join(places)))
            if analysis.asks_quantity and analysis.figure_asked or ASKS_WHEN.search(analysis.text):
                # "全省要建N座，绵阳要建几座？": the documents in scope give their own region's figure, not
                # that of a place no document is about
                return Refusal("out_of_corpus", prompts.REFUSAL_PLACE_FIGURE.format(names="、".join(places)))
        if not hits:
            return Refusal("weak_evidence", prompts.REFUSAL_LOW_EVIDENCE)
        best = max((h.dense_score or 0.0) for h in hits)
        if best < self.settings.refusal_threshold:
            return Refusal("weak_evidence", prompts.REFUSAL_LOW_EVIDENCE)
        # a plan period or year that neither the evidence nor a title in scope mentions
        titles = {h.chunk.doc_title for h in hits}
        covered = normalize_answer("".join(texts)) + "".join(titles)
        periods = [f"“{p}”" for p in analysis.periods if p not in covered]
        if periods:
            return Refusal("period_not_covered", prompts.REFUSAL_MISSING_FIGURE.format(names="、".join(periods)))
        years = [f"{y}年" for y in analysis.years if y not in covered]
        # ("是2025年的目标还是2030年的": years put as alternatives ask which one; one covered is enough)
        offered = {y for m in CHOICE_OF_YEARS.finditer(analysis.text) for y in YEAR_DIGITS.findall(m.group(0))}
        if years and offered and {y[:-1] for y in years} <= offered and offered - {y[:-1] for y in years}:
            years = []
        if years:
            return Refusal("year_not_covered", prompts.REFUSAL_MISSING_FIGURE.format(names="、".join(years)))
        if analysis.mention_term and self.settings.enabled("mention"):
            refusal = self.not_mentioned(analysis.mention_term, scope)
            if refusal is not None and not self.reworded(analysis.mention_term, texts):
                return refusal
        if analysis.premise and self.settings.enabled("premise"):
            wanted = content_bigrams(analysis.premise, self._regions())
            share, sentence = best_sentence(wanted, texts)
            quoted = [m.group(1) for m in QUOTED_TERM.finditer(analysis.premise)]
            if self.settings.enabled("premise_quoted") and quoted and not all(q in normalize_answer(sentence) for q in quoted):
                # "…全部建成“X”" is about the sentence that names X, not one sharing its other words
                naming = [x.text for t in texts for x in split_sentences(t)
                          if all(q in normalize_answer(x.text) for q in quoted)]
                if naming:
                    sentence = max(naming, key=lambda x: len(wanted & content_bigrams(x)))
            if wanted and share < self.settings.premise_support_threshold:
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            # the requirement is there but with another figure ("要求达到60%" where the plan says 57%)
            # (stated in a sentence that supports the requirement, not anywhere in the evidence)
            # (and bound to the requirement's own item of a listing sentence: "…A达到75%，B稳定在90%以上" does not
            # state "A达到90%")
            supporting = [normalize_answer(x) for x in
                          supporting_sentences(wanted, texts, self.settings.premise_support_threshold)]
            bind = self.settings.enabled("segment_binding")
            # (bound across the supporting sentences: "…生活垃圾无害化处置率达到95%以上" does not state "危险废物处置率达到
            # 95%" when another sentence gives 危险废物处置率 its own figure)
            joined = "，".join(supporting)
            wrong = [f for f in stated_figures(analysis.premise)
                     if not any(f in x for x in supporting) or (bind and not segment_binds(f, analysis.premise, joined))]
            wrong += [c for c in PREMISE_COUNT.findall(analysis.premise) if not any(c in x for x in supporting)]
            if self.settings.enabled("premise_share"):
                wrong += [c for c in PREMISE_SHARE.findall(analysis.premise) if not any(c in x for x in supporting)]
            wrong += unstated_frequencies(analysis.premise, supporting, self.settings.enabled("premise_frequency"))
            if self.settings.enabled("premise_places") and sentence:
                # "要求甲区X打造Y" where the sentence on Y names another place ("打造乙区X等Y"): a place the
                # premise puts in it that the sentence supporting it does not name
                wrong += [p for p in place_names(analysis.premise)
                          if p not in normalize_answer(sentence) and not any(p in r or r in p for r in self._regions())]
            if wrong and self.settings.enabled("premise_figures"):
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            # the requirement is there, but the plan says the opposite ("不纳入" for "也要纳入"), or dates it
            # to another year ("2025年前建成X" where the clause gives X no year)
            clause = next((t for t in texts if sentence and sentence in t), "")
            if self.settings.enabled("premise_polarity") and (
                    opposite_polarity(analysis.premise, sentence)
                    or other_level(analysis.premise, sentence, self.settings.enabled("benchmark_level"))
                    or any(y not in normalize_answer(clause) for y in target_years(analysis.premise))
                    or (self.settings.enabled("premise_year_sentence")
                        and not target_years(analysis.premise) <= sentence_years(sentence, clause))):
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            if self.settings.enabled("premise_roles") and (
                    any(another_lead(analysis.premise, t) for t in texts if sentence and sentence in t)
                    or (self.settings.enabled("premise_assist") and assists_only(analysis.premise, sentence))
                    or (self.settings.enabled("premise_holder") and another_holder(analysis.premise, sentence))):
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            if self.settings.enabled("premise_also") and (also := extended_subject(analysis.premise, self._regions())) \
                    and not also <= content_bigrams(normalize_answer(sentence)):
                # "夜市摊位也要全部换节能灯" where the sentence has the requirement for 主干道路灯 only:
                # 也 extends it to a subject the sentence does not name
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            if self.settings.enabled("premise_crossed") and crossed_slots(analysis.premise, normalize_answer(sentence)):
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
            if self.settings.enabled("premise_modality") and (
                    weaker_modality(analysis.premise, sentence) or wider_scope(analysis.premise, sentence)
                    or (self.settings.enabled("premise_ban") and unstated_ban(analysis.premise, sentence))):
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=analysis.premise),
                               quote=sentence)
        if self.settings.enabled("question_figures") and analysis.answer_type != "yesno" and not analysis.asks_quantity:
            # a figure the question states as a fact ("PUE降到1.3以下的数据中心有哪些") that no document in
            # scope states at all: the question rests on a requirement the plan does not make
            asserted = stated_figures(analysis.text)  # most questions state none: no document is read then
            flat = self._scoped_text(scope).replace(" ", "") if asserted else ""
            unknown = [f for f in asserted if f not in flat]
            if unknown:
                premise = analysis.premise or unknown[0]
                return Refusal("false_premise", prompts.REFUSAL_FALSE_PREMISE.format(premise=premise))
        if (self.settings.enabled("money_asked") and ASKS_MONEY.search(analysis.text)
                and not MONEY_AMOUNT.search(self._scoped_text(scope))):
            # "每盏补多少钱" / "罚款多少": an amount of money where no document in scope states any
            return Refusal("no_figure", prompts.REFUSAL_NO_MONEY)
        person = ASKS_PERSON.search(analysis.text) if self.settings.enabled("person_asked") else None
        if person and (post := person.group(1) or person.group(2)) not in self._scoped_text(scope):
            # "领导小组的组长是谁": a personal post no document in scope writes (the plans name bodies, not people)
            return Refusal("not_mentioned", prompts.REFUSAL_NO_PERSON.format(post=post))
        if analysis.asks_quantity and self.settings.enabled("listed_items"):
            listed = LISTED_ASK.search(analysis.text)
            items = [x for x in re.split(r"[、/]", listed.group(1))
                     if len(x) >= 2 and not any(r in x or x in r for r in self._regions())] if listed else []
            if len(items) >= 2 and 2 * sum(x in normalize_answer("".join(texts)) for x in items) < len(items):
                # "…那80万辆，私家车、网约车、环卫车各占多少？": a breakdown no evidence clause names
                return Refusal("no_figure", prompts.REFUSAL_NO_FIGURE)
        if analysis.asks_quantity and self.settings.enabled("crossed_indicator"):
            # "…单位建筑面积用水量要降多少" of "…单位建筑面积能耗下降4%、人均用水量下降7%": no item is that indicator
            listing = [x.text for t in texts for x in split_sentences(t) if len(stated_figures(x.text)) >= 2]
            fits = [indicator_fit(analysis.text, normalize_answer(x)) for x in listing]
            if "crossed" in fits and "named" not in fits:
                return Refusal("no_figure", prompts.REFUSAL_NO_FIGURE, quote=listing[fits.index("crossed")])
        if analysis.asks_quantity and self.settings.enabled("asked_subject"):
            # ("省减污降碳方案一共要分批启动几个": the plan's name says which plan, then the item is asked)
            subject = asked_subject(PLAN_NAMED.sub("", analysis.text) if self.settings.enabled("plan_words")
                                    else analysis.text, after=self.settings.enabled("subject_after"))
            wanted = word_bigrams(subject, self._regions())
            if wanted and best_sentence(wanted, texts)[0] < ASKED_SUBJECT_MIN:
                # "那5000个停车位里，新能源车位占多少": the evidence is about the context the question sets,
                # and nothing in it about the item asked of
                # (what the plan says, in words, of the rest of the question: "港口岸电，B方案泊位数是多少" quotes B's
                # sentence on 港口岸电)
                quote = self._words_quote(analysis, texts, subject) if self.settings.enabled("subject_quote") else ""
                return Refusal("no_figure", prompts.REFUSAL_NO_FIGURE, quote=quote)
        if (analysis.asks_quantity and analysis.figure_asked
                and self.figure_coverage(analysis, texts) < self.settings.figure_support_threshold):
            quote = self._words_quote(analysis, texts) if self.settings.enabled("no_figure_quote") else ""
            return Refusal("no_figure", prompts.REFUSAL_NO_FIGURE, quote=quote)
        return None

    def figure_coverage(self, analysis: QuestionAnalysis, texts: Sequence[str]) -> float:
        """How much of what the question asks one or two figure sentences of ``texts`` cover
        (:meth:`FigureSupport.coverage`)."""
        support = self._support()
        covered = support.coverage(analysis.text, texts)
        if analysis.own_text and len(word_bigrams(analysis.own_text, self._regions())) >= OWN_WORDS_MIN:
            # "那乙市方案里夜市路灯有没有具体数，要装几盏" after a question on 甲市: the follow-up names what it asks the figure of;
            # the previous question put before it dilutes that with words no figure sentence needs
            covered = max(covered, support.coverage(analysis.own_text, texts))
        return covered

    def part_unanswered(self, label: str, asked: str, others: Sequence[str], answer: str) -> Refusal | None:
        """A part of "…？…？" answered beside a part the documents do not answer, with an answer that has almost
        none of the words only this part asks (``asked`` less the words of the ``others`` parts: "夜市有没有提？要不要
        装路灯？" where 夜市 is not mentioned, the second part answered with a sentence about street cleaning):
        nothing in the evidence answers it either. Not a part asked for the case that the other is not there (its
        ``label``, the part as the user wrote it, opens "要是没有")."""
        support = self._support()

        def words(text: str) -> set[str]:
            # (how a part names the plan, "重庆减污降碳方案" or "某发〔2023〕9号那份函", says which plan, not what)
            return support.content(DOCUMENT_NUMBER_REF.sub(" ", PLAN_NAMED.sub(" ", text)))

        own = words(asked) - set().union(*(words(o) for o in others))
        if len(own) < SIBLING_WORDS_MIN or IF_NOT_THERE.search(label):
            return None
        if support.weighted_share(own, cjk_bigrams(answer)) >= SIBLING_SHARE_MIN:
            return None
        return Refusal("weak_evidence", prompts.REFUSAL_PART_UNANSWERED)

    def _words_quote(self, analysis: QuestionAnalysis, texts: Sequence[str], absent: str = "") -> str:
        """What the plan does say about what is asked, in words ("推进充换电基础设施建设"): the evidence sentence
        without a figure that has ``WORDS_QUOTE_MIN`` of the question's content words (less ``absent``, an item
        no evidence names); '' when none has."""
        support = self._support()
        asked = analysis.text
        if self.settings.enabled("plan_words"):
            # (the words naming the plan asked of say which plan, not what: no sentence of it repeats them)
            asked = PLAN_NAMED.sub(" ", asked)
        wanted = support.content(asked) - cjk_bigrams(absent)
        share, sentence = best_sentence(wanted, [x.text for t in texts for x in split_sentences(t)
                                                 if not stated_figures(x.text)])
        return sentence if wanted and share >= WORDS_QUOTE_MIN else ""

    def not_both_given(self, analysis: QuestionAnalysis, region_texts: dict[str, list[str]]) -> Refusal | None:
        """"A方案和B方案都给了X，B比A低多少？": a statement (no question in its segment) that the plans of two regions
        both give X, where the documents of one of them (``region_texts``: region → its documents' clause texts) have
        no figure sentence about X (coverage below ``BOTH_GIVEN_COVERAGE``): the question rests on a figure the plan
        does not give (``false_premise``)."""
        if not (self.settings.enabled("both_given") and len(region_texts) >= 2):
            return None
        for segment in re.split(r"[，,。；;？?]", analysis.text):
            stated = BOTH_GIVEN.search(segment)
            if not stated or QUESTION_CUE.search(segment):
                continue
            what = stated.group(1).strip()
            for region, texts in region_texts.items():
                if texts and self._support().coverage(what, texts) < BOTH_GIVEN_COVERAGE:
                    return Refusal("false_premise", prompts.REFUSAL_NOT_BOTH.format(region=region, what=what))
        return None

    def which_doc_figure(self, analysis: QuestionAnalysis, texts: Sequence[str]) -> Refusal | None:
        """"哪个文件定了X的量化指标？" where no figure sentence of the retrieved clauses (``texts``) is about X:
        no document gives one (``no_figure``)."""
        if not (self.settings.enabled("which_doc_figure") and WHICH_DOC_FIGURE.search(analysis.text)):
            return None
        if texts and self.settings.enabled("which_doc_segment"):
            # (the figure is given in X's own segment, "…，X达到N%，…", not by a sentence that names X in one segment
            # and gives another indicator's figure in the next: "推动X利用，Y达到N%")
            texts = [seg for t in texts for x in split_sentences(t) for seg in re.split(r"[，,；;]", x.text) if seg.strip()]
        if texts and self._support().coverage(analysis.text, texts) >= self.settings.figure_support_threshold:
            return None
        return Refusal("no_figure", prompts.REFUSAL_NO_FIGURE)

    def reworded(self, term: str, texts: Sequence[str]) -> str:
        """The evidence sentence that says ``term`` in other words ("在房顶上装光伏" by "…加快推广屋顶光伏发电系统…"):
        it holds every word of the term that the documents use (the user's own words, 房顶, weigh nothing, as in
        ``mention_weight``) and means the same to the embedder (``mention_meaning_threshold``); "" if none."""
        if not (self._meaning and self.settings.enabled("mention_meaning")):
            return ""
        key = (term, tuple(texts))  # (asked twice per question: by the policy, then for the answer)
        last = self._reworded  # (read once: another request's thread may replace it)
        if last is None or last[0] != key:
            last = self._reworded = (key, self._find_reworded(term, texts))
        return last[1]

    def _find_reworded(self, term: str, texts: Sequence[str]) -> str:
        flat = normalize_answer("".join(texts))
        if missing_acronyms(term, flat):
            return ""  # (an acronym is one word: "PUE" is said by no sentence without it)
        support = self._support()
        known = {b for b in content_bigrams(re.sub(r"的", "", term), self._regions()) if support.df.get(b)}
        if not known:
            return ""
        if self.settings.enabled("reworded_specific") and min(support.df[b] for b in known) >= REWORDED_COMMON_DF:
            return ""  # (what the term's words the documents use say is said of everything: the rest names the thing)
        sentences = [x.text for t in texts for x in split_sentences(t)]
        holding = [x for x in sentences if known <= content_bigrams(x)]
        if not holding and self.settings.enabled("reworded_share"):
            # "给夜市摊主的路灯都装上节能灯" said by "推动夜市经营户路灯节能改造": the user's own verbs and general nouns
            # are words the documents use too, so a sentence need not hold all of them, only most by weight
            holding = [x for x in sentences if support.weighted_share(known, content_bigrams(x)) >= REWORDED_SHARE_MIN]
            least = REWORDED_MEANING_MIN  # (a sentence with fewer of the words must be closer in meaning)
        else:
            least = self.settings.mention_meaning_threshold
        if not holding:
            return ""
        scores = self._meaning(term, holding)
        best = max(range(len(holding)), key=scores.__getitem__)
        return holding[best] if scores[best] >= least else ""

    def not_mentioned(self, term: str, scope: Scope) -> Refusal | None:
        """"有没有提到X": refused when the scoped documents do not mention X (nor any one of "A还是B")."""
        choices = [c for c in ALTERNATIVES.split(term) if len(c) >= 2] if self.settings.enabled("mention_alternatives") else []
        if len(choices) >= 2 and any(self._term_missing(c, scope, apart=False) is None for c in choices):
            return None  # (an alternative is often only the tail of the term, "A技术改造或者升级改造": written as such)
        items = [c for c in LISTED_JOIN.split(term) if len(c) >= 2] if self.settings.enabled("mention_items") else []
        if len(items) >= 2 and all(self._term_missing(c, scope) is None for c in items):
            return None  # ("有没有提到甲县和乙县": each written, "甲县、乙县", though not joined by 和)
        return self._term_missing(term, scope)

    def _scoped_text(self, scope: Scope) -> str:
        """The documents in scope (all of them when none is named) as one normalised text, to look a term or a
        figure up in."""
        return normalize_answer("".join(self._document_texts(scope.doc_ids)))

    def _term_missing(self, term: str, scope: Scope, apart: bool = True) -> Refusal | None:
        docs = self._document_texts(scope.doc_ids)
        flat = normalize_answer("".join(docs))
        if term in flat or (apart and self.settings.enabled("mention_apart") and writes_apart(term, flat)):
            return None  # (as written, or as its two words close together: "农膜…回收" writes 农膜回收)
        if apart and self.settings.enabled("abbreviation") and writes_abbreviated(term, flat):
            return None  # (in full, of which the term is the short form: "夜市维修摊位" writes 夜修摊位)
        # an acronym is one word: "CNG公交车" is not mentioned where no sentence has CNG (or 压缩天然气),
        # however many of its other words one has
        acronyms = self.settings.enabled("acronyms")
        missing = missing_acronyms(term, flat) if acronyms else []
        # (read without 的 and a leading 对/把: "对排放超标的锅炉实行清单管理" is said by "排放超标锅炉清单管理")
        words = re.sub(r"^(?:对|把|将)|的", "", term)
        if self.settings.enabled("mention_glue"):
            words = MENTION_GLUE.sub(" ", words)
        wanted = content_bigrams(acronyms_in_words(words) if acronyms else words, self._regions())
        if not wanted and not missing:
            return None
        # each sentence read with its clause's heading ("（二）街区照明改造工程。…推行照明定额管理": the sentence
        # is about 街区照明 though it does not repeat it)
        sentences = sentence_words(docs, headed=self.settings.enabled("mention_heading"))
        share = max((len(pairs & wanted) / len(wanted) for pairs in sentences), default=0.0) if wanted else 1.0
        if self.settings.enabled("mention_weight") and share >= self.settings.mention_threshold:
            # weighted by how rare each word is in the corpus: "危废收运体系" is not mentioned by a sentence on
            # "垃圾收运体系" alone, since 危废 is the word that tells it apart (words no document has, such as a
            # typo, weigh nothing)
            support = self._support()
            known = {b for b in wanted if support.df.get(b)}
            if known:
                share = support.best_share(known, sentences)
        if share >= self.settings.mention_threshold and not missing:
            return None
        titles = self._titles(scope.doc_ids) if self._titles and scope.doc_ids and not scope.regions else []
        if titles:  # ("十四五节能减排方案有没有提到X": one document searched, named by its title, not all of them)
            return Refusal("not_mentioned", prompts.REFUSAL_NOT_MENTIONED_IN.format(
                titles="、".join(f"《{t}》" for t in titles), term=term))
        where = "、".join(scope.regions) if scope.regions else "已索引"
        return Refusal("not_mentioned", prompts.REFUSAL_NOT_MENTIONED.format(where=where, term=term))
