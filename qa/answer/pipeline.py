"""The answering chain: analysis → scope → retrieve → refusal policy → evidence → generate → check.

Each step is a small piece with a typed result: :mod:`qa.answer.analysis` (what is asked, its parts),
the retriever (scope and hits), :mod:`qa.answer.policy` (every refusal, with a reason code),
:mod:`qa.answer.evidence`, the generator, :mod:`qa.answer.citations` (figures bound to their clause,
year and qualifier). A multi-part question ("A和B分别…", "2025年和2030年…", "…？…？") is answered part by
part, each in its own scope against its own evidence, and composed with every part cited.
Grounding lives here, not in the prompt.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from qa.answer import prompts
from qa.answer.analysis import (
    CARRIED_TERM_MIN,
    QuestionAnalysis,
    QuestionAnalyzer,
    answer_type,
    carried_term,
    occurrence_term,
    title_words,
)
from qa.answer.analysis import SWITCHES as ANALYSIS_SWITCHES
from qa.answer.cards import DocumentCard, build_card, with_references
from qa.answer.citations import (
    MEANING_WEIGHT,
    asked_rates,
    check_answer,
    denied_written,
    extractive_answer,
    figures,
    invented_items,
    names_rate,
    normalize_answer,
    other_unit,
    parse_claims,
    quoted_writing,
    rate_segments,
    restated_figure,
    stated_figures,
    target_years,
    unchecked,
    unit_fit,
    without_regions,
)
from qa.answer.cues import (
    ADMIN_KIND,
    ADMIN_SUFFIX,
    ANNUAL_CHOICE,
    ANNUAL_FIGURE,
    ASKED_UNIT,
    ASKS_ADMIN_PLACE,
    ASKS_ANNUAL,
    ASKS_BASIS,
    ASKS_COLOPHON,
    ASKS_DATE,
    ASKS_DIRECTIVE,
    ASKS_DUTY,
    ASKS_ENTITY_KIND,
    ASKS_ENTITY_KIND_NO_MEANS,
    ASKS_EVERY_ITEM,
    ASKS_ISSUER,
    ASKS_KIND_MEMBERS,
    ASKS_MEMBERS,
    ASKS_NOTE,
    ASKS_PHONE,
    ASKS_PLACE,
    ASKS_PURPOSE,
    ASKS_REMOVED,
    ASKS_VALIDITY,
    ASKS_WHEN,
    BODY_WORD,
    BOTH_GIVEN,
    CARD_SEGMENTS,
    CHINESE_GLOSS,
    CHINESE_ONLY,
    CHINESE_RUN,
    CJK_COUNT,
    CJK_RUN,
    CLAUSE_DEIXIS,
    COMPANY_NAME,
    COMPARES,
    COMPARISON_GAP_ASKED,
    CONTEXT_FACT,
    DEICTIC_COUNT,
    DEICTIC_HEAD,
    DOC_EVENT,
    DOCUMENT_NAME,
    ENGLISH_BASE_YEAR,
    ENGLISH_QUESTION_WORD,
    ENGLISH_SENTENCE,
    ENGLISH_STATEMENT,
    ENGLISH_TERMS,
    ENGLISH_WORD,
    ENGLISH_YEAR,
    ENTITY_NAME,
    EVERY_ITEM_QUOTES,
    FIGURE_EACH,
    FIGURE_GIVEN,
    FIGURE_LOOKUP,
    FIGURE_SOURCE,
    GENERIC_PLACE_NAMES,
    INSTITUTION_LEAD,
    INSTITUTION_NAME,
    KIND_NAMED_AFTER,
    KIND_TERMS,
    KINDS_LISTED,
    LATIN_WORD,
    LEFT_OUT_ITEMS,
    LETTER_REFERENCE,
    LONG_LIST_CHARS,
    MEMBER_KIND,
    MEMBER_PHRASE_CUT,
    NOTHING_LEFT_OUT,
    OTHER_EVENT,
    PHRASE_LEAD,
    PLACE_AREA,
    PLACE_SUFFIX,
    PLAN_REFERENCE,
    PLAN_REFERENCE_CUT,
    PROVINCE_PLAN,
    PUBLISHED_DATE,
    QUALIFIERS_AFTER,
    QUOTED_TERM,
    RESPONSIBILITY,
    SAME_CLAUSE,
    SIGNATURE_BODIES,
    SIGNED_DATE,
    STRONG_QUESTION,
    UNITS_ASKED,
    UNNAMED_LISTING,
    UNNAMED_MEMBERS,
    WHICH_CHAR,
    WHICH_DOC_FIGURE,
    WHO_PHRASING,
    WORDING_ASKED,
)
from qa.answer.evidence import (
    EvidenceItem,
    Sentence,
    SentenceScorer,
    asked_sentence,
    asks_who,
    build_evidence,
    clause_span,
    names_bodies,
    split_sentences,
)
from qa.answer.generators import Generator
from qa.answer.policy import (
    ASKED_SUBJECT_MIN,
    Refusal,
    RefusalPolicy,
    asked_subject,
    asked_year,
    best_sentence,
    sentence_years,
    unstated_year,
)
from qa.answer.rewrite import followed_clause, last_user_question, region_cited_clause, rewrite
from qa.answer.support import (
    FigureSupport,
    cjk_bigrams,
    content_bigrams,
    document_mentions,
    word_bigrams,
    writes_apart,
)
from qa.errors import QAError
from qa.index.scope import city_name, place_names, region_aliases
from qa.settings import Settings
from qa.types import Answer, Citation, Hit, Scope, StreamEvent, Timings, Turn
from qa.validation import validate_question  # the one set of input rules (re-exported here)

#: a figure answer whose cited sentences cover less than RELEVANCE_MIN of the question (IDF-weighted) while
#: an evidence clause covers RELEVANCE_MARGIN more is about another indicator (fitted on eval/dev.jsonl)
RELEVANCE_MIN = 0.5
RELEVANCE_MARGIN = 0.3
_SOURCE_LINE = prompts.DECIDING_SENTENCE.split("《")[0]  # "\n原文："
#: a who-question's topic clause names no body while the cited clauses share this much less of the topic
WHO_TOPIC_MARGIN = 0.3
#: an extractive answer to a how-much question: the quoted sentence without a figure is about what is asked
#: when it shares this much more of the question's words than every quoted sentence with one (the margin of the
#: relevance check above; on dev any margin from 0.0 to 0.5 decides the same)
QUOTED_SUBJECT_MARGIN = 0.3
_LIST_ITEM = re.compile(r"[，；;,、]")
#: the lengths of an answer's sentence that can be a bare repeat of the question's words ("夜市路灯"; a shorter one,
#: "没给", can answer a yes/no tail)
ECHO_CLAIM_MIN, ECHO_CLAIM_MAX = 3, 8
_YEAR_BONUS = 0.1  # a sentence that names the year asked about, when quoting a target stated in words
_MAX_TERM_QUOTES = 6  # sentences quoted for a "which document mentions “X”" question
#: a sentence that has this share of a term's words (in any order) writes the term, for a yes/no "有没有要求X"
TERM_WORDS_MIN = 0.9
_MARK = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|万吨标准煤|万吨|亿吨|吨|万千瓦|千瓦|万辆|辆|万台|台|万平方米|平方米|万立方米|亿立方米|个|家|座|项)"
                    r"(以上|以下|左右|以内)?")


#: the shortest run of a which-document question that, written as it stands by a document, names that document
#: ("哪份文件说要对路灯开展智慧化改造": the plan that writes "对路灯开展智慧化改造" as it stands)
WHICH_DOC_VERBATIM_MIN = 8
#: the shortest institution name ("X大学", its kind word included) a which-document question is answered by
INSTITUTION_TERM_MIN = 4


def _card_facts(card: DocumentCard, fields: Sequence[str]) -> list[tuple[str, Any]]:
    """The card's facts for the fields asked, those it has, as (field, fact)."""
    return [(f, getattr(card, f, None)) for f in fields if getattr(card, f, None) is not None]


def _card_text(card: DocumentCard, facts: Sequence[tuple[str, Any]], n: int = 1) -> str:
    """The answer a card's facts give, cited as [n]."""
    text = "".join(prompts.CARD_ANSWERS[f].format(title=card.title, value=fact.value) for f, fact in facts)
    return text if n == 1 else text.replace("[1]", f"[{n}]")


def _card_missing(card: DocumentCard, fields: Sequence[str]) -> str:
    """What the document does not state, of the fields asked."""
    return prompts.REFUSAL_CARD_MISSING.format(title=card.title,
                                               what="、".join(prompts.CARD_MISSING[f] for f in fields))


#: the shortest kind a which-members question may ask of a sentence that writes it as a kind, for the plan to be
#: taken to name none ("兄弟城市"; a two-character word such as 行业 or 改造 compounds: "钢铁、水泥行业")
GENERIC_KIND_MIN = 3


def _plan_references(text: str) -> list[str]:
    """How ``text`` names plans ("省减污降碳行动方案", "资阳方案"): each name, cut after its last 的/里/中."""
    names = (PLAN_REFERENCE_CUT.sub("", m.group(0)) for m in PLAN_REFERENCE.finditer(text))
    return [n for n in names if len(n) > 2]


def _states_figure(text: str) -> bool:
    """Does the text give a figure (not counting years and citation markers)? A count in Chinese
    numerals ("三级") is one."""
    body = _MARK.sub("", text)
    return bool(stated_figures(body) or CJK_COUNT.search(body))


def _restates(answer: str, question: str) -> bool:
    """Does the answer add nothing to the question: no figure, and fewer than three content bigrams
    that the question does not already have?"""
    body = _MARK.sub("", answer)
    if _states_figure(body):
        return False
    return len(content_bigrams(body) - cjk_bigrams(question)) < 3


def _says_nothing(answer: str, items: Sequence[EvidenceItem]) -> str:
    """Why an answer in the model's words gives the user nothing to rely on ('' when it does): it only
    names a clause (its document title, label and heading), or it leaves English words that no evidence
    clause has untranslated ("每个 prefecture的…")."""
    body = _MARK.sub("", answer)
    for it in items:
        for name in (it.doc_title, it.label, it.heading):
            if name:
                body = body.replace(name, " ")
    if len(content_bigrams(body)) < 2 and not _states_figure(body):
        return prompts.NOTE_HEADING_ONLY
    evidence = " ".join(it.clause_text for it in items).lower()
    if any(w.lower() not in evidence for w in LATIN_WORD.findall(body)):
        return prompts.NOTE_UNTRANSLATED
    return ""


def _echo_claim(answer: str, question: str) -> str:
    """A sentence of the answer that only repeats a few words of the question ("夜市路灯[1]。" for "那夜市路灯呢
    有没有具体盏数"): no figure, ``ECHO_CLAIM_MIN`` to ``ECHO_CLAIM_MAX`` characters, all written together in the
    question; '' when none is."""
    asked = re.sub(r"\s+", "", question)
    for claim in parse_claims(answer):
        body = re.sub(r"[\s，,。；;：:！!？?“”\"]+", "", claim.text)
        if ECHO_CLAIM_MIN <= len(body) <= ECHO_CLAIM_MAX and body in asked and not _states_figure(body):
            return body
    return ""


def _listed_runs(sentence: str) -> list[list[str]]:
    """The lists a sentence writes ("在路灯、灯带、景观灯、广告灯等设施中…"): each run of three or more
    items joined by 、, the first item cut to the words after the run's clause opens and the last before 等."""
    runs = []
    for segment in re.split(r"[，,；;。：:（）()]", normalize_answer(sentence)):
        items = [x.strip() for x in segment.split("、")]
        if len(items) >= 3:
            items[-1] = re.split(r"等|和|及", items[-1])[0]
            runs.append([x for x in items if x])
    return runs


def _part_of_list(answer: str, sentence: str) -> bool:
    """Does the answer name some, but not all, of the items of a list its cited sentence writes ("如路灯、广告灯
    等" of "路灯、灯带、景观灯、广告灯等")? An item counts as named when its last (first item) or first
    (last item) two to four characters, or the whole of an inner one, are in the answer."""
    flat = normalize_answer(_MARK.sub("", answer))

    def named(item: str, k: int, n: int) -> bool:
        if item in flat:
            return True
        if k == 0:
            return any(item[-j:] in flat for j in range(4, 1, -1))
        return k == n - 1 and any(item[:j] in flat for j in range(4, 1, -1))

    for items in _listed_runs(sentence):
        found = sum(named(x, k, len(items)) for k, x in enumerate(items))
        if 2 <= found < len(items):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character changed, added or left out."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _bare_heading(sentence: str, heading: str) -> bool:
    """Whether a sentence is only its clause's heading ("（二十六）加强组织领导。")."""
    head = heading.strip().rstrip("。")
    return bool(head) and sentence.strip().rstrip("。").endswith(head) and len(sentence) <= len(head) + 8


def institution_names(texts: Sequence[str]) -> frozenset[str]:
    """The institution names the documents write ("夜市灯具工程大学", "路灯科技有限公司"), without the verb a sentence
    puts before one ("重点支持…")."""
    return frozenset(INSTITUTION_LEAD.sub("", m.group(0)) for text in texts
                     for piece in re.split(r"[、，,。；;（）()：:\s]", text) for m in INSTITUTION_NAME.finditer(piece))


def abbreviated_name(term: str, texts: Sequence[str], names: frozenset[str] | None = None) -> str:
    """The one institution name the documents write (``names``, else read from ``texts``) that ``term`` shortens
    ("夜灯大" → "夜市灯具工程大学": its characters in order, the first before the word for the kind, the last in it); ''
    when none or several do, or the term is written as such."""
    if not 3 <= len(term) <= 5 or any(term in t for t in texts):  # (two characters, "川大", shorten too many names)
        return ""
    found = set()
    for name in institution_names(texts) if names is None else names:
        kind = INSTITUTION_NAME.search(name)
        body = len(name) - len(kind.group(2)) if kind else len(name)
        at = 0
        for ch in term:
            at = name.find(ch, at) + 1
            if not at:
                break
        if at and name.find(term[0]) < body <= at - 1:
            found.add(name)
    return found.pop() if len(found) == 1 else ""


def kept_chinese(question: str, translation: str, known: set[str]) -> str:
    """The translation of an English question with the question's own Chinese put back where the model changed
    one character of it into words the documents do not use ("雅安市夜市照名方案" → "…夜市照明方案"): a run of
    Chinese (``CHINESE_RUN``) the translation lacks replaces the one span of Chinese that differs from it by one
    character (of the same length first), when more of the run's character pairs than of the span's are among the
    documents' (``known``); "规模以上" for "规上" is the documents' own wording and stays."""
    for run in dict.fromkeys(CHINESE_RUN.findall(question)):
        if run in translation:
            continue
        for size in (len(run), len(run) - 1, len(run) + 1):
            spans = [i for i in range(len(translation) - size + 1)
                     if CHINESE_ONLY.fullmatch(translation[i:i + size]) and _one_edit(run, translation[i:i + size])]
            if len(spans) == 1:
                span = translation[spans[0]:spans[0] + size]
                if len(cjk_bigrams(run) & known) > len(cjk_bigrams(span) & known):
                    translation = translation[:spans[0]] + run + translation[spans[0] + size:]
                break
            if spans:
                break
    return translation


#: the most characters a translation may add to the Chinese term a half-English question writes, for that term
#: to be the one looked up (a word: "campaign" → 活动)
OWN_TERM_EXTRA = 2


def lost_gloss(question: str, translation: str) -> str:
    """The Chinese gloss an English question gives a phrase ("night-market lamps (夜市路灯)") that its
    translation lost ('' when there is none, or more than one)."""
    glosses = [g for g in dict.fromkeys(CHINESE_GLOSS.findall(question)) if g not in translation]
    return glosses[0] if len(glosses) == 1 else ""


def english_terms(text: str, kinds: bool = True) -> str:
    """The English question with the plans' own terms written in for the English words that name them
    ("Ziyang's energy-saving plan" → "Ziyang's 节能减排方案"), for the model to translate; ``kinds``: with "which
    kind of" as 哪类 (:data:`KIND_TERMS`)."""
    terms = (*(KIND_TERMS if kinds else ()), *ENGLISH_TERMS)
    for pattern, term in terms:
        text = re.sub(rf"(?i)(?<![A-Za-z]){pattern}(?![A-Za-z])", term, text)
    return re.sub(r"(?<=[\u4e00-\u9fff）]) (?=[\u4e00-\u9fff（])", "", text)


#: kinds of name that no government department is ("哪家企业", "哪所高校"): an answer naming a department does not
#: name one
ORGANISATION_KINDS = frozenset({"企业", "公司", "高校", "大学"})


def _entity_kind_asked(question: str, means: bool = True) -> re.Match[str] | None:
    """Where the question asks a kind of name ("哪家企业"); with `means`, not "用什么办法促企业…" (a means is asked)."""
    return (ASKS_ENTITY_KIND_NO_MEANS if means else ASKS_ENTITY_KIND).search(question)


def _asked_entity(question: str, admin: bool = True, phone: bool = True, means: bool = True) -> str:
    """The kind of name the question asks for ("哪家企业" → 企业, "哪几个区县" → 区县 when `admin`, "打哪个号" → 电话
    when `phone`), '' when it asks for none (nor "用什么办法促企业…" when `means`: a means is asked)."""
    if phone and ASKS_PHONE.search(question):
        return "电话"
    m = _entity_kind_asked(question, means)
    if m:
        return m.group(1)
    if admin and (m := ASKS_ADMIN_PLACE.search(question)):
        return ADMIN_KIND[m.group(1) or m.group(2)]
    if ASKS_PLACE.search(question):
        return "地点"
    return "时间" if ASKS_WHEN.search(question) else ""


def _asks_organisation(question: str, means: bool = True) -> bool:
    """Does the question ask which company or university ("由哪家企业来安装"), one a department of a clause's
    parenthesis does not name? Not "哪些行业的企业" (the 的 makes the industry what is asked), nor "什么办法促企业…"
    when `means`."""
    m = _entity_kind_asked(question, means)
    return bool(m) and m.group(1) in ORGANISATION_KINDS and "的" not in m.group(0)


def _quoted(text: str) -> str:
    """The quoted sentences of an extractive answer, without their document titles and clause labels."""
    return re.sub(r"《[^》]*》[^：\n]*：", "", text.replace(prompts.EXTRACTIVE_PREFIX, ""))


def _asked_members(question: str) -> tuple[int, str]:
    """Where a "哪几个X / X点了哪些 / X名单" question asks, and the kind X; (-1, '') when it asks no members."""
    m = ASKS_MEMBERS.search(question)
    return (m.start(), next(g for g in m.groups() if g)) if m else (-1, "")


def _member_name(question: str, at: int, kind: str) -> str:
    """The name the question gives the kind at ``at``, read back to a which-word, 的, a document word or a space
    ("资阳方案 抽水蓄能电站 要启动哪个" → 抽水蓄能电站)."""
    return MEMBER_PHRASE_CUT.split(question[max(0, at - 8):at])[-1].strip() + kind


def _answer_figures(checked) -> tuple[list[str], list[str]]:
    """The sentences a checked answer rests on (the quoted ones of an extractive answer, else its citations'
    quotes) and the figures it gives."""
    if checked.extractive:
        sentences = [_MARK.sub("", x).strip() for x in _quoted(checked.text).split("\n")]
        return sentences, [f for x in sentences for f in stated_figures(x)]
    return [c.quote for c in checked.citations], stated_figures(_MARK.sub("", checked.text))


def _shift_marks(text: str, offset: int) -> str:
    """Citation markers [n] renumbered by ``offset`` (parts composed into one answer)."""
    return _MARK.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)


class Answerer:
    def __init__(self, settings: Settings, retriever, generator: Generator) -> None:
        self.settings = settings
        self.retriever = retriever
        self.generator = generator
        self._figure_support: tuple[object, FigureSupport] | None = None
        self._alias_cache: tuple[object, dict[str, str], QuestionAnalyzer] | None = None
        self._card_cache: tuple[object, dict[str, DocumentCard]] | None = None
        self._written_cache: tuple[object, str] | None = None
        self._title_word_cache: tuple[object, dict[str, set[str]]] | None = None
        self._bigram_cache: tuple[object, set[str]] | None = None
        self._names_cache: tuple[object, frozenset[str]] | None = None
        self._compare = None  # qa.compare.service.CompareService, built on the first comparison question
        self.policy = RefusalPolicy(settings, self._support, self._regions, self._document_texts, meaning=self._meaning,
                                    titles=self._document_titles)

    # ------------------------------------------------------------------ index-derived state
    def _aliases(self) -> tuple[dict[str, str], QuestionAnalyzer]:
        """Region alias → canonical region of the indexed documents, and the analyzer built on them
        (recomputed only when the index is reloaded)."""
        data = self.retriever.load()
        if self._alias_cache is None or self._alias_cache[0] is not data:
            aliases: dict[str, str] = {}
            for doc in self.retriever.indexed_documents():
                for alias in region_aliases(doc.region):
                    aliases[alias] = doc.region
            s = self.settings
            analyzer = QuestionAnalyzer(aliases, off=[m for m in ANALYSIS_SWITCHES if not s.enabled(m)],
                                        titles=self._titles(), written=self._written())
            self._alias_cache = (data, aliases, analyzer)
        return self._alias_cache[1], self._alias_cache[2]

    def _regions(self) -> list[str]:
        return sorted(self._aliases()[0])

    def _titles(self) -> list[str]:
        return [doc.title for doc in self.retriever.indexed_documents()]

    def _document_titles(self, doc_ids) -> list[str]:
        wanted = set(doc_ids)
        return [doc.title for doc in self.retriever.indexed_documents() if doc.doc_id in wanted]

    def _region_texts(self, region: str, doc_ids: Sequence[str] | None = None) -> list[str]:
        """The clause texts of the documents about ``region`` (of ``doc_ids`` only, when given)."""
        ids = [doc.doc_id for doc in self.retriever.indexed_documents()
               if doc.region == region and (not doc_ids or doc.doc_id in doc_ids)]
        return self._document_texts(ids) if ids else []  # (no ids would mean every document)

    def _document_texts(self, doc_ids) -> list[str]:
        """The clause texts of the given documents (all documents when none is given)."""
        wanted = set(doc_ids)
        return [u.text for doc in self.retriever.indexed_documents() if not wanted or doc.doc_id in wanted
                for u in doc.units]

    def _document_bigrams(self) -> set[str]:
        """The character pairs the indexed documents write (rebuilt only when the index is reloaded)."""
        data = self.retriever.load()
        if self._bigram_cache is None or self._bigram_cache[0] is not data:
            self._bigram_cache = (data, set().union(*map(cjk_bigrams, self._document_texts(()))))
        return self._bigram_cache[1]

    def _written(self) -> str:
        """The indexed documents' text, normalised and without spaces (rebuilt only when the index is reloaded)."""
        data = self.retriever.load()
        if self._written_cache is None or self._written_cache[0] is not data:
            flat = normalize_answer("\n".join(self._document_texts(()))).replace(" ", "")
            self._written_cache = (data, flat)
        return self._written_cache[1]

    def _institution_names(self) -> frozenset[str]:
        """:func:`institution_names` of the indexed documents (rebuilt only when the index is reloaded)."""
        data = self.retriever.load()
        if self._names_cache is None or self._names_cache[0] is not data:
            self._names_cache = (data, institution_names(self._document_texts(())))
        return self._names_cache[1]

    def _support(self) -> FigureSupport:
        """Figure-support statistics of the indexed documents (rebuilt only when the index is reloaded)."""
        data = self.retriever.load()
        acronyms = self.settings.enabled("acronyms")
        if (self._figure_support is None or self._figure_support[0] is not data
                or self._figure_support[1].acronyms != acronyms):
            texts = (u.text for doc in self.retriever.indexed_documents() for u in doc.units)
            self._figure_support = (data, FigureSupport(texts, self._regions(), acronyms))
        return self._figure_support[1]

    def _unit_question(self, question: str) -> str:
        """The question as the unit checks read it: "那几个降幅" points at things, it asks no count in 个."""
        return DEICTIC_COUNT.sub(r"\1些", question) if self.settings.enabled("deictic_count") else question

    def _unit_text(self, hit: Hit) -> str:
        unit = self.retriever.unit(hit.chunk.doc_id, hit.chunk.label)
        return unit["text"] if unit else hit.chunk.text

    # ------------------------------------------------------------------ the chain
    def analyse(self, question: str, history: Sequence[Turn] = ()) -> QuestionAnalysis:
        """Question analysis (with a follow-up made standalone from the conversation first)."""
        _, analyzer = self._aliases()
        spaced = not history  # (a follow-up is asked whole where it is only spaced: it leans on the turn before)
        analysis = analyzer.analyse(question, spaced=spaced)
        if self.settings.enabled("translate") and (len(LATIN_WORD.findall(analysis.text)) >= 2
                                                     or ENGLISH_WORD.search(analysis.text)):
            translated = self._translate(analysis.text)
            if translated:
                read = analyzer.analyse(translated, spaced=spaced)
                gloss = lost_gloss(analysis.text, translated) if self.settings.enabled("kept_chinese") else ""
                if gloss and read.mention_term and read.mention_term in translated:
                    # "Does the plan mention night-market lamps (夜市路灯)?" translated as "…夜间市场灯…":
                    # the term looked up is the user's own Chinese for it
                    translated = translated.replace(read.mention_term, gloss, 1)
                    read = analyzer.analyse(translated, spaced=spaced)
                own = next((w for w in CJK_RUN.findall(analysis.text) if w in read.mention_term),
                           "") if self.settings.enabled("own_term") and read.mention_term else ""
                if own and own != read.mention_term and len(read.mention_term) - len(own) <= OWN_TERM_EXTRA:
                    # "Does it mention the 甲乙·丙丁 campaign?" translated as "…甲乙·丙丁活动": the words the user
                    # wrote in Chinese are the term looked up, not the word the translation added to them (a longer
                    # addition is a phrase of the question's own, "在城市里优先用甲乙", or alternatives)
                    read = replace(read, mention_term=own)
                analysis = replace(read, original=question,
                                   notes=(prompts.TRANSLATED_NOTE.format(text=translated),))
        if self.settings.enabled("abbreviated_name") and analysis.mention_term:
            full = abbreviated_name(analysis.mention_term, self._document_texts(()), self._institution_names())
            if full:  # "有没有提到夜灯大": the plans write the name in full ("夜市灯具工程大学"), and are searched for it
                # (quoted: a region inside the name, 四川, is not where the question asks)
                analysis = replace(analyzer.analyse(analysis.text.replace(analysis.mention_term, f"“{full}”"), spaced=spaced),
                                   original=analysis.original, preamble=analysis.preamble,
                                   notes=(*analysis.notes, prompts.ABBREVIATED_NOTE.format(short=analysis.mention_term,
                                                                                          full=full)))
        if history:
            same = self.settings.enabled("same_clause")
            cited = followed_clause(analysis.text, history, same) if self.settings.enabled("follow_clause") else None
            if cited is None and self.settings.enabled("follow_clause") and self.settings.enabled("region_cited"):
                cited = self._region_cited(analysis.text, history, same)
            if cited and analysis.regions and self.settings.enabled("followed_counterpart"):
                # "那乙市那份的这一条呢": the clause of 乙市's plan that the alignment pairs with the one last cited
                cited = self._counterpart(cited, analysis.regions[0], analysis.text) or cited
            if cited and self.retriever.clause_chunk(*cited) is not None:
                # "这一条由谁牵头？": asked of the clause the last answer cited, as it stands (that clause is its
                # evidence), one question and not two parts; nothing to rewrite
                return replace(analyzer.analyse(analysis.text, split=False), figure_asked=analysis.asks_quantity,
                               followed_clause=cited, notes=analysis.notes)
            before = history
            if (analysis.regions and self.settings.enabled("follow_own_region")
                    and (prev := last_user_question(history)) is not None
                    and not self._other_plan(analyzer.normalise(prev), analysis.regions)):
                # "那换资阳 …" after "渝方案…": a follow-up that names a region of its own is asked of the last
                # question with that question's region (渝, a typo, traditional characters) replaced, not glued to
                # it; unless the last question names a plan the new region has none of (四川's 节能减排 plan)
                before = [replace(t, content=analyzer.normalise(t.content)) if t.role == "user" else t
                          for t in history]
            standalone = rewrite(analysis.text, before, self._regions(),
                                 inherit=self.settings.enabled("follow_context"),
                                 document=self.settings.enabled("follow_document"),
                                 own_term=self.settings.enabled("follow_term"),
                                 year=self.settings.enabled("follow_year"))
            own = analysis
            if standalone != analysis.text:
                asked = analysis.asks_quantity
                analysis = replace(analyzer.analyse(standalone, spaced=spaced), figure_asked=asked,
                                   own_text=own.text if self.settings.enabled("own_coverage") else "")
                if analysis.parts and self.settings.enabled("follow_parts"):
                    analysis = self._without_asked_before(
                        analyzer, analysis, history,
                        self._regions() if self.settings.enabled("follow_region") else ())
            if self.settings.enabled("carried_term"):
                analysis = self._carried(own, analysis, history)
        return analysis

    def _title_words(self) -> dict[str, set[str]]:
        """Each indexed document's :func:`title_words` ("减污降碳", "行动方案"), by document id, read once per index."""
        data = self.retriever.load()
        if self._title_word_cache is None or self._title_word_cache[0] is not data:
            aliases = self._regions()
            self._title_word_cache = (data, {d.doc_id: title_words(d.title, aliases)
                                             for d in self.retriever.indexed_documents()})
        return self._title_word_cache[1]

    def _other_plan(self, text: str, regions: Sequence[str]) -> bool:
        """Does ``text`` name a word of a document's title ("节能减排") that no title of ``regions``' documents has?"""
        words, docs = self._title_words(), self.retriever.indexed_documents()
        own = set().union(*(words[d.doc_id] for d in docs if d.region in regions))
        return any(word in text for d in docs for word in words[d.doc_id] - own)

    def _carried(self, own: QuestionAnalysis, analysis: QuestionAnalysis, history: Sequence[Turn]) -> QuestionAnalysis:
        """"B那份也有这样的安排吗" after a question about A: a yes/no follow-up that names a document the previous
        question did not, and no term of its own, asks whether B has what the last turn found in A (the phrase
        the previous question and answer share); B is searched for it as for "有没有提到X"."""
        users = [t.content for t in history if t.role == "user"]
        answers = [t.content for t in history if t.role == "assistant"]
        if analysis.answer_type != "yesno" or analysis.mention_term or not own.regions or not users or not answers:
            return analysis
        aliases, analyzer = self._aliases()
        before = analyzer.analyse(users[-1], split=False).regions
        if set(own.regions) <= set(before):
            return analysis
        term = carried_term(users[-1], answers[-1], [*aliases, *self._regions()])
        head = DEICTIC_HEAD.search(own.text) if self.settings.enabled("deictic_head") else None
        if not term and head:
            # "那B方案也要搞这个示范吗" after "A方案要搞个啥示范" answered "…加快打造X示范…": X示范, the phrase of
            # the answer that ends in the head noun and shares most words with the previous question
            runs = [PHRASE_LEAD.sub("", r) for r in re.findall(rf"[\u4e00-\u9fff]*?{head.group(1)}", answers[-1])]
            asked = cjk_bigrams(users[-1])
            runs = [r for r in runs if len(r) >= CARRIED_TERM_MIN and cjk_bigrams(r) & asked]
            term = max(runs, key=lambda r: len(cjk_bigrams(r) & asked), default="")
        return replace(analysis, mention_term=term) if term else analysis

    @staticmethod
    def _without_asked_before(analyzer: QuestionAnalyzer, analysis: QuestionAnalysis,
                              history: Sequence[Turn], regions: Sequence[str] = ()) -> QuestionAnalysis:
        """A follow-up made standalone by putting the previous question before it ("…在工业上要发展哪些产业，林业用什么办法？")
        splits back into the previous question and the new one: the previous question, answered already, is
        context and no part (a part that is a region or a year asks anew). With one part left, the standalone
        question is asked whole, as one question. With ``regions``, the previous question put to the region
        the follow-up names ("B方案…列了哪几条，那B呢 …？" after "A方案…列了哪几条") is that previous question too:
        the whole text, which asks it of B, is the question."""
        before = [analyzer.normalise(t.content) for t in history if t.role == "user"]

        def asked_before(bare: str) -> bool:
            rest = without_regions(bare, regions)  # (a part that is only a region, "B呢", asks anew)
            return any(bare in b or (len(rest) >= 4 and rest in without_regions(b, regions)) for b in before)

        new = [p for p in analysis.parts
               if not (STRONG_QUESTION.search(bare := p.label.strip(" ，,？?。")) and asked_before(bare))]
        if len(new) == len(analysis.parts) or not new:
            return analysis
        if len(new) >= 2:
            return replace(analysis, parts=tuple(new))
        # one question, with the previous one before it as its context (what "林业…" is asked about)
        return replace(analysis, parts=())

    def _region_cited(self, question: str, history: Sequence[Turn], same: bool = True) -> tuple[str, str] | None:
        """(title, label) of a clause the last answer cites as "四川（二十一）": the one document of that region
        that has the label (None when none or several have it)."""
        cited = region_cited_clause(question, history, same)
        if cited is None:
            return None
        aliases, _ = self._aliases()
        word, label = cited
        region = next((aliases[a] for a in sorted(aliases, key=len, reverse=True) if word.endswith(a)), None)
        if region is None:
            return None
        titles = [doc.title for doc in self.retriever.indexed_documents()
                  if doc.region == region and doc.unit(label) is not None]
        return (titles[0], label) if len(titles) == 1 else None

    def _translate(self, text: str) -> str:
        """The question in Chinese, by the local model ('' when it gives no usable translation)."""
        glossed = english_terms(text, self.settings.enabled("kind_words")) if self.settings.enabled("glossary") else text
        # ("The plan sets X. What is Y?", "… night-market lamps (夜市路灯)": told to keep a statement a statement and a gloss
        # the term; other questions keep the plain prompt)
        sentences = self.settings.enabled("statement_translation") and bool(
            ENGLISH_STATEMENT.search(glossed) or CHINESE_GLOSS.search(text))

        def translation(statements: bool) -> str:
            messages = prompts.build_translation_messages(glossed, statements)
            return "".join(self.generator.stream(messages, max_tokens=64, stop=("\n",))).strip().strip("“”\"'")

        out = translation(sentences)
        if sentences and ((re.search(r"[?？]", glossed) and not re.search(r"[?？]", out))
                          or any(g not in out for g in CHINESE_GLOSS.findall(text))):
            # (told to keep statements, the model made the question one too, "…没有配的将面临罚款。", or dropped a
            # gloss with the English it glosses: the plain prompt translates it)
            out = translation(False)
        named = [r for r in self._regions() if r in glossed]
        if named and not any(r in out for r in named) and self.settings.enabled("glossary"):
            # "What does 资阳 方案 say…" translated as "绵阳方案…": a region the question names in Chinese is
            # copied, not translated; a place the model put in its stead is replaced by it
            swapped = [p for p in place_names(out) if p not in glossed]
            out = out.replace(swapped[0], named[0], 1) if swapped else named[0] + out
        if self.settings.enabled("kept_chinese"):
            out = kept_chinese(glossed, out, self._document_bigrams())
        years = list(dict.fromkeys(ENGLISH_YEAR.findall(glossed)))
        if (len(years) == 1 and years[0] not in out and not ENGLISH_BASE_YEAR.search(glossed)
                and self.settings.enabled("translated_year")):
            # "what is the target for 2030?" translated without its year: the year asked is put back, before it
            out = f"{years[0]}年，{out}"
        elif (len(years) >= 2 and self.settings.enabled("translated_year")
              and self.settings.enabled("asked_sentence_year")):
            # "X reaches 80% by 2025 — which level by 2035?": the year of the sentence that asks, when the
            # translation lost it (the other year only sets the scene)
            asking = [s for s in ENGLISH_SENTENCE.split(glossed) if ENGLISH_QUESTION_WORD.search(s)]
            asked = list(dict.fromkeys(ENGLISH_YEAR.findall(asking[-1]))) if asking else []
            if len(asked) == 1 and asked[0] not in out:
                out = f"{asked[0]}年，{out}"
        return out if re.search(r"[\u4e00-\u9fff]{2}", out) and len(out) <= 3 * len(text) else ""

    def answer_stream(self, question: str, history: Sequence[Turn] = (), doc_ids: Sequence[str] | None = None,
                      cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        q = validate_question(question, self.settings.max_question_chars)
        history = [t if isinstance(t, Turn) else Turn(t["role"], t["content"]) for t in history]
        yield StreamEvent("status", "检索中…")
        analysis = self.analyse(q, history)
        if self.settings.grounding and self.settings.enabled("alignment"):
            aligned = self._alignment_answer(q, analysis, doc_ids, t0)
            if aligned is not None:
                yield StreamEvent("token", aligned.text)
                yield StreamEvent("answer", answer=aligned)
                return
        if self.settings.grounding and self.settings.enabled("occurrences") and (term := occurrence_term(analysis.text, counted=self.settings.enabled("occurrence_count"))):
            found = self._occurrences(q, analysis, term, doc_ids, t0)
            if found is not None:
                yield StreamEvent("token", found.text)
                yield StreamEvent("answer", answer=found)
                return
        if (self.settings.grounding and self.settings.enabled("figure_lookup")
                and (given := FIGURE_LOOKUP.search(analysis.text)
                     or (self.settings.enabled("figure_source")
                         and (FIGURE_SOURCE.search(analysis.text) or FIGURE_EACH.search(analysis.text))))):
            found = self._figure_lookup(q, analysis, given, doc_ids, t0)
            if found is not None:
                yield StreamEvent("token", found.text)
                yield StreamEvent("answer", answer=found)
                return
        if self.settings.grounding and len(analysis.regions) >= 2 and BOTH_GIVEN.search(analysis.text):
            # "A方案和B方案都给了X，…": where one region's plan gives no figure for X, the question's premise fails
            refusal = self.policy.not_both_given(analysis, {r: self._region_texts(r, doc_ids) for r in analysis.regions})
            if refusal is not None:
                hits, scope = self.retriever.search(analysis.text, k=max(10, self.settings.top_k), doc_ids=doc_ids)
                t = Timings(rewrite_ms=0.0, retrieve_ms=(time.perf_counter() - t0) * 1000,
                            total_ms=(time.perf_counter() - t0) * 1000)
                yield StreamEvent("answer", answer=self._refusal(q, analysis.text, refusal, hits, scope, t))
                return
        if analysis.parts and self.settings.grounding:
            yield from self._answer_parts(q, analysis, doc_ids, cancel, t0)
        else:
            yield from self._answer_one(q, analysis, doc_ids, cancel, t0)

    def _answer_one(self, question: str, analysis: QuestionAnalysis, doc_ids: Sequence[str] | None,
                    cancel: threading.Event | None, t0: float, in_part: bool = False) -> Iterator[StreamEvent]:
        """retrieve → policy → evidence → generate → check, for one (part of a) question (``in_part``: one part
        of several)."""
        standalone = analysis.text
        t_analysed = time.perf_counter()
        n_hits = max(10, self.settings.top_k)
        given = self.retriever.detect_scope(analysis.scope_text, doc_ids)[0] if analysis.scope_text else None
        hits, scope = self.retriever.search(standalone, k=n_hits, doc_ids=doc_ids, scope=given)
        if analysis.followed_clause:
            hits = self._followed_first(hits, analysis.followed_clause, doc_ids)
        elif self.settings.enabled("letter_first") and LETTER_REFERENCE.search(standalone):
            letter = self._cover_letter(scope)
            if letter is not None:  # "那封印发函结尾怎么说": the cover letter is what is asked about
                hits = self._followed_first(hits, letter, doc_ids)
        t_retrieved = time.perf_counter()
        timings = {"rewrite_ms": (t_analysed - t0) * 1000, "retrieve_ms": (t_retrieved - t_analysed) * 1000}
        evidence_hits = hits[: self.settings.top_k]
        if analysis.followed_clause and hits and (hits[0].chunk.doc_title, hits[0].chunk.label) == analysis.followed_clause:
            evidence_hits = hits[:1]  # "该项措施由谁牵头": that clause is the evidence, and the only one quoted
        if self.settings.grounding and self.settings.enabled("cards"):
            carded = self._card_answer(question, analysis, hits, scope, timings, t0)
            if carded is not None:
                yield StreamEvent("token", carded.text)
                yield StreamEvent("answer", answer=carded)
                return
        if self.settings.grounding:
            texts = [self._unit_text(h) for h in evidence_hits]
            refusal = self.policy.before_generation(analysis, scope, evidence_hits, texts)
            if refusal is not None:
                total = (time.perf_counter() - t0) * 1000
                yield StreamEvent("answer", answer=self._refusal(question, standalone, refusal, hits, scope,
                                                                 Timings(**timings, total_ms=total)))
                return
            reworded = self._reworded_answer(question, analysis, scope, hits, evidence_hits, texts, timings, t0)
            if reworded is not None:
                yield StreamEvent("token", reworded.text)
                yield StreamEvent("answer", answer=reworded)
                return
        every = self._every_item(analysis) and self.settings.enabled("every_item")
        items = build_evidence(standalone, evidence_hits, self.retriever.unit, self.settings.evidence_chars,
                               keep_best=self.settings.enabled("best_sentence"),
                               first_budget=LONG_LIST_CHARS if every else 0,
                               term=analysis.mention_term if self.settings.enabled("mention_sentence") else "")
        quoted = QUOTED_TERM.search(analysis.text)
        if (self.settings.grounding and analysis.answer_type == "which_doc" and quoted
                and self.settings.enabled("which_doc")):
            # "“碳惠通”出现在哪个方案里": the quoted term is looked up as written, in every document in scope
            found = self._term_answer(question, quoted.group(1), scope, hits, timings, t0)
            if (found is not None and self.settings.enabled("which_doc_term_figure")
                    and WHICH_DOC_FIGURE.search(analysis.text) and not any(stated_figures(c.quote) for c in found.citations)):
                # "哪份文件规定了“X”要装多少盏": the sentences that write X give no figure for it
                t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
                refusal = Refusal("no_figure", prompts.REFUSAL_NO_FIGURE)
                yield StreamEvent("answer", answer=self._refusal(question, standalone, refusal, hits, scope, t))
                return
            if found is not None:
                yield StreamEvent("token", found.text)
                yield StreamEvent("answer", answer=found)
                return
            absent = (self.policy.not_mentioned(quoted.group(1), scope)
                      if self.settings.enabled("which_doc_absent") else None)
            if absent is not None:  # "“X”出现在哪个方案里" where no document in scope has X, nor its words
                t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
                yield StreamEvent("answer", answer=self._refusal(question, standalone, absent, hits, scope, t))
                return
        if self.settings.grounding and analysis.answer_type == "which_doc" and self.settings.enabled("which_doc"):
            # "哪个文件提到X": the documents' own sentences, quoted with their titles, are the answer
            meaning = self._meaning if self.settings.enabled("meaning") else None
            refusal = self.policy.which_doc_figure(analysis, [it.clause_text for it in items])
            if refusal is not None:  # "哪个文件定了X的量化指标": no retrieved clause gives one
                t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
                yield StreamEvent("answer", answer=self._refusal(question, standalone, refusal, hits, scope, t))
                return
            verbatim = self._verbatim_term(analysis.text, scope) if self.settings.enabled("which_doc_verbatim") else ""
            if not verbatim and self.settings.enabled("which_doc_institution"):
                # "哪份方案写了X大学": the documents that write the institution's name
                verbatim = self._institution_term(analysis.text, scope)
            found = self._term_answer(question, verbatim, scope, hits, timings, t0) if verbatim else None
            if found is not None:
                # "哪份文件说要对路灯开展智慧化改造": the documents that write the question's own longest phrase
                yield StreamEvent("token", found.text)
                yield StreamEvent("answer", answer=found)
                return
            quoted = extractive_answer(items, standalone, ["哪个文件的问题：引用条款原文作答"], meaning,
                                       prefix=prompts.WHICH_DOC_PREFIX)
            t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
            answer = Answer(question=question, text=quoted.text, citations=tuple(quoted.citations), hits=tuple(hits),
                            extractive=True, rewritten_question=standalone, scope=scope, notes=tuple(quoted.notes),
                            timings=t)
            yield StreamEvent("token", answer.text)
            yield StreamEvent("answer", answer=answer)
            return
        messages = prompts.build_messages(standalone, [it.block() for it in items])
        yield StreamEvent("status", "生成中…")
        pieces: list[str] = []
        first = None
        for piece in self.generator.stream(messages, max_tokens=self.settings.max_new_tokens, stop=prompts.STOP,
                                           cancel=cancel):
            if first is None:
                first = time.perf_counter()
            pieces.append(piece)
            yield StreamEvent("token", piece)
        t_done = time.perf_counter()
        raw = "".join(pieces)
        first = first or t_done
        timings.update(first_token_ms=(first - t0) * 1000, prompt_ms=(first - t_retrieved) * 1000,
                       generate_ms=(t_done - first) * 1000)
        answer = self._checked(question, analysis, raw, items, hits, scope, timings, t0,
                               cancelled=bool(cancel and cancel.is_set()), in_part=in_part)
        yield StreamEvent("answer", answer=answer)

    def _occurrences(self, question: str, analysis: QuestionAnalysis, term: str, doc_ids: Sequence[str] | None,
                     t0: float) -> Answer | None:
        """"X出现在哪几处" / "X被点了几次名": the sentences that name X as written, one per clause of the documents in
        scope, counted and quoted with their clauses (None when no document in scope writes X)."""
        hits, scope = self.retriever.search(analysis.scope_text or analysis.text, k=max(10, self.settings.top_k),
                                            doc_ids=doc_ids)
        timings = {"rewrite_ms": 0.0, "retrieve_ms": (time.perf_counter() - t0) * 1000}
        return self._term_answer(question, term, scope, hits, timings, t0,
                                 prefix=prompts.OCCURRENCES_HEADER.format(term=term, n="{n}"))

    def _figure_lookup(self, question: str, analysis: QuestionAnalysis, given: re.Match[str],
                       doc_ids: Sequence[str] | None, t0: float) -> Answer | None:
        """"某方案里那个N%讲的是哪项指标": the sentences of the documents the question names (all when it names none)
        that write the figure as given, quoted with their clauses; only those of the years it asks when some state
        one. None when no sentence writes it (answered as usual). ``given``: the figure asked about, in the question (the
        last one before the question word: "A是25%以内 B也有个25% B那个25%说的是啥" asks of B's, bare)."""
        at = list(FIGURE_GIVEN.finditer(given.group(0)))[-1]
        figure, after = at.group(1), given.start() + at.end(1)
        hits, scope = self.retriever.search(analysis.text, k=max(10, self.settings.top_k), doc_ids=doc_ids)
        wanted = set(scope.doc_ids) or {doc.doc_id for doc in self.retriever.indexed_documents()}
        number, unit = re.match(r"(\d+(?:\.\d+)?)\s*(.*)", figure).groups()
        unit = "%" if unit == "％" else unit
        written = re.compile(rf"(?<![\d.]){re.escape(number)}\s*{re.escape(unit)}")
        chunks = {(c.doc_id, c.label): c for c in self.retriever.load().chunks}
        found = [(chunk, x) for doc in self.retriever.indexed_documents() if doc.doc_id in wanted for unit_ in doc.units
                 if (chunk := chunks.get((doc.doc_id, unit_.label))) is not None
                 for x in split_sentences(unit_.text, unit_.start) if written.search(x.text.replace("％", "%"))]
        dated = [(c, x) for c, x in found if any(y in x.text for y in analysis.years)]
        found = dated or found
        bound = next((q for q in QUALIFIERS_AFTER if analysis.text.startswith(q, after)), "")
        if bound:  # ("稳定在70%以上的是哪个指标": the qualifier is part of the figure, when a sentence writes it so)
            found = [(c, x) for c, x in found if f"{figure}{bound}" in x.text.replace("％", "%")] or found
        found = found[:_MAX_TERM_QUOTES]
        if not found:
            return None
        return self._quotes_answer(question, analysis.text, found,
                                   prompts.FIGURE_LOOKUP_HEADER.format(figure=figure, n=len(found)),
                                   prompts.FIGURE_LOOKUP_NOTE.format(figure=figure), scope, hits,
                                   {"retrieve_ms": (time.perf_counter() - t0) * 1000}, t0)

    def _followed_first(self, hits: list[Hit], cited: tuple[str, ...], doc_ids: Sequence[str] | None) -> list[Hit]:
        """The clause a follow-up points at ("这一条由谁牵头？") first, ranked as the best hit; the others after it
        (unless the user restricted the question to other documents)."""
        chunk = self.retriever.clause_chunk(*cited)
        if chunk is None or (doc_ids and chunk.doc_id not in doc_ids):
            return hits
        rest = [h for h in hits if (h.chunk.doc_id, h.chunk.label) != (chunk.doc_id, chunk.label)]
        top = hits[0] if hits else None
        pinned = Hit(chunk, top.score if top else 1.0, dense_score=top.dense_score if top else None,
                     keyword_score=top.keyword_score if top else None)
        return [pinned, *rest]

    def _cover_letter(self, scope: Scope) -> tuple[str, str] | None:
        """(title, label) of the cover letter (通知 / 函) of the one document in scope; None otherwise."""
        if len(scope.doc_ids) != 1:
            return None
        doc = next((d for d in self.retriever.indexed_documents() if d.doc_id == scope.doc_ids[0]), None)
        label = next((u.label for u in doc.units if u.label in ("通知", "函")), None) if doc else None
        return (doc.title, label) if doc and label else None

    def _answer_parts(self, question: str, analysis: QuestionAnalysis, doc_ids: Sequence[str] | None,
                      cancel: threading.Event | None, t0: float) -> Iterator[StreamEvent]:
        """Each part in its own scope against its own evidence; one answer citing every part."""
        _, analyzer = self._aliases()
        answers: list[tuple[str, Answer]] = []
        first_token: float | None = None
        for k, part in enumerate(analysis.parts, 1):
            heading = prompts.PART_HEADING.format(k=k, label=part.label)
            yield StreamEvent("token", ("\n" if k > 1 else "") + heading)
            sub = analyzer.analyse(part.text, split=False)
            pointed = SAME_CLAUSE.search(part.text) or (self.settings.enabled("part_deixis")
                                                        and CLAUSE_DEIXIS.search(part.text))
            if k > 1 and answers and self.settings.enabled("part_clause") and pointed:
                # "…是哪份方案写的？同一条还要求什么": the clause the previous part's answer cites
                cited = answers[-1][1].citations
                if cited and self.retriever.clause_chunk(cited[0].doc_title, cited[0].clause) is not None:
                    sub = replace(sub, followed_clause=(cited[0].doc_title, cited[0].clause))
            for event in self._answer_one(part.text, sub, doc_ids, cancel, time.perf_counter(), in_part=True):
                if event.kind == "answer" and event.answer is not None:
                    answers.append((part.label, event.answer))
                else:
                    if event.kind == "token" and first_token is None:
                        first_token = time.perf_counter()
                    yield event
            if cancel is not None and cancel.is_set():
                break
        yield StreamEvent("answer", answer=self._compose(question, analysis, answers, t0, first_token))

    def _compose(self, question: str, analysis: QuestionAnalysis, answers: list[tuple[str, Answer]],
                 t0: float, first_token: float | None) -> Answer:
        lines: list[str] = []
        citations: list[Citation] = []
        hits: list[Hit] = []
        notes: list[str] = []
        values: list[tuple[str, tuple[str, str, str], str]] = []  # (part, (value, unit, qualifier), "[n]")
        if (self.settings.grounding and self.settings.enabled("sibling_refusal")
                and any(a.refused for _, a in answers)):
            # "X有没有提？要不要Y？" where X is not mentioned: a part answered from sentences that have none of
            # its own words is not answered either
            asked = [a.rewritten_question for _, a in answers]
            answers = [(label, self._sibling_checked(label, asked[k], asked[:k] + asked[k + 1:], a))
                       for k, (label, a) in enumerate(answers)]
        for k, (label, ans) in enumerate(answers, 1):
            offset = len(citations)
            if ans.refused:
                # the reason, and what the document says instead when the refusal quotes it (one side of a
                # comparison stated only in words); the related clauses stay in `hits`
                text = _shift_marks("\n".join(ans.text.split("\n" + prompts.RELATED_HEADER, 1)[0].split("\n")[:2]),
                                    offset)
                citations += [replace(c, n=c.n + offset) for c in ans.citations]
            else:
                text = _shift_marks(ans.text, offset)
                citations += [replace(c, n=c.n + offset) for c in ans.citations]
                said = ans.text.split(_SOURCE_LINE, 1)[0]  # the figure given, not the sentence quoted after it
                found = {(v, u, q) for v, u, q in _VALUE.findall(_MARK.sub("", said))}
                mark = _MARK.search(text)
                if len({(v, u) for v, u, _ in found}) == 1 and mark:
                    values.append((label, sorted(found, key=lambda f: f[2])[-1], mark.group(0)))
            lines.append(prompts.PART_HEADING.format(k=k, label=label) + text)
            notes += [f"{label}：{n}" for n in ans.notes]
        # retrieved clauses of the parts interleaved, so that each part's best clauses come first
        for rank in range(max((len(a.hits) for _, a in answers), default=0)):
            hits += [a.hits[rank] for _, a in answers if rank < len(a.hits) and a.hits[rank] not in hits]
        if (len(values) == len(answers) >= 2 and len({v[1][1] for v in values}) == 1
                and COMPARES.search(analysis.text) and self.settings.enabled("comparison")):
            if len(values) == 2:
                lines.append(self._comparison_line(values, bool(COMPARISON_GAP_ASKED.search(analysis.text))))
            else:  # three or more: in order, highest first
                ordered = sorted(values, key=lambda v: -float(v[1][0]))
                lines.append(prompts.COMPARISON_ORDER.format(items="、".join(
                    f"{label}（{v}{u}{q}{mark}）" for label, (v, u, q), mark in ordered)))
        total = (time.perf_counter() - t0) * 1000
        first_ms = ((first_token or time.perf_counter()) - t0) * 1000
        timings = Timings(
            rewrite_ms=sum(a.timings.rewrite_ms for _, a in answers), retrieve_ms=sum(a.timings.retrieve_ms for _, a in answers),
            prompt_ms=sum(a.timings.prompt_ms for _, a in answers), first_token_ms=first_ms,
            generate_ms=sum(a.timings.generate_ms for _, a in answers), total_ms=total)
        refused = all(a.refused for _, a in answers)
        codes = [a.refusal_reason for _, a in answers if a.refusal_reason]
        return Answer(question=question, text="\n".join(lines), citations=tuple(citations), hits=tuple(hits),
                      refused=refused, extractive=any(a.extractive for _, a in answers),
                      rewritten_question=" | ".join(p.text for p in analysis.parts), scope=answers[0][1].scope,
                      raw_text="\n".join(a.raw_text for _, a in answers), notes=tuple(notes), timings=timings,
                      refusal_reason=codes[0] if refused and codes else "")

    def _sibling_checked(self, label: str, asked: str, others: Sequence[str], answer: Answer) -> Answer:
        """``answer`` to the part ``label`` (asking ``asked``), or a refusal where its text has too few of the words
        that only this part asks (not the ``others``)."""
        refusal = None if answer.refused else self.policy.part_unanswered(label, asked, others, answer.text)
        if refusal is None:
            return answer
        return self._refusal(answer.question, answer.rewritten_question, refusal, answer.hits, answer.scope,
                             answer.timings, answer.raw_text)

    @staticmethod
    def _comparison_line(values: list[tuple[str, tuple[str, str, str], str]], asks_gap: bool) -> str:
        """"比较：A（58%左右[1]）高于B（25%[2]）。" from each part's one figure (same unit), each value cited
        to its part's clause; the gap ("相差约33个百分点", computed from the two) only when it is asked."""
        (a, (va, unit, qa_), ma), (b, (vb, _, qb), mb) = values
        shown = {a: f"{va}{unit}{qa_}{ma}", b: f"{vb}{unit}{qb}{mb}"}
        if float(va) == float(vb):
            return prompts.COMPARISON_EQUAL.format(a=a, a_value=shown[a], b=b, b_value=shown[b])
        (hi, hv), (lo, lv) = sorted(((a, float(va)), (b, float(vb))), key=lambda x: -x[1])
        line = prompts.COMPARISON_LINE.format(high=hi, high_value=shown[hi], low=lo, low_value=shown[lo])
        if not asks_gap:
            return line
        decimals = max(len(v.split(".")[1]) if "." in v else 0 for v in (va, vb))
        gap = f"{hv - lv:.{decimals}f}"
        gap_unit = "个百分点" if unit == "%" else unit
        return line + prompts.COMPARISON_GAP.format(approx=prompts.COMPARISON_APPROX if (qa_ or qb) else "",
                                                    gap=gap, unit=gap_unit)

    def _compare_service(self):
        """The clause-comparison service (its alignment loads on first use), built once."""
        from qa.compare.service import CompareService

        if self._compare is None:
            self._compare = CompareService(self.settings, self.retriever)
        return self._compare

    def _counterpart(self, cited: tuple[str, str], region: str, question: str) -> tuple[str, str] | None:
        """(title, label) of the clause of ``region``'s plan aligned with ``cited`` (a clause of another region's
        plan); None when ``cited`` is of that region, or the alignment pairs it with none."""
        compare = self._compare_service()
        try:
            record = compare.clause(*cited)
            docs = compare.docs_of_region(region, question)
            if not docs or record.doc_id in docs:
                return None
            alignment = compare.alignment()
            found = alignment.counterparts(record.key, docs[0])
        except QAError:
            return None  # (an index built before the alignment existed)
        if not found:
            return None
        paired = alignment.record(found[0].key)
        return paired.doc_title, paired.label

    def _alignment_answer(self, question: str, analysis: QuestionAnalysis, doc_ids: Sequence[str] | None,
                          t0: float) -> Answer | None:
        """"资阳方案比省方案多了哪些要求？": what one plan has and its counterpart does not, from the clause
        alignment stored with the index (per-part answering cannot tell what is missing). Other
        comparisons are answered part by part: each part's figure is checked against its own clause."""
        from qa.compare.answer import compare_answer, question_mode

        if doc_ids or question_mode(analysis.text) != "extra":
            return None
        try:
            table = compare_answer(analysis, self._compare_service(), mode="extra")
        except QAError:
            return None  # an index built before the alignment existed: answer part by part
        if table is None or not table.citations:
            return None
        hits, scope = self.retriever.search(analysis.text, k=max(10, self.settings.top_k))
        t = Timings(total_ms=(time.perf_counter() - t0) * 1000)
        return Answer(question=question, text=table.text, citations=tuple(table.citations), hits=tuple(hits),
                      extractive=True, rewritten_question=analysis.text, scope=scope,
                      notes=(prompts.ALIGNMENT_NOTE,), timings=t)

    def _reworded_answer(self, question: str, analysis: QuestionAnalysis, scope: Scope, hits: Sequence[Hit],
                         evidence_hits: Sequence[Hit], texts: Sequence[str], timings: dict,
                         t0: float) -> Answer | None:
        """"有没有提到在房顶上装光伏": no document in scope writes the term, but an evidence sentence says it in the
        plan's words (``RefusalPolicy.reworded``): yes, with that sentence (a yes or a no is as good as the sentence
        that decides it, and the model, not finding the user's words, tends to say no)."""
        term = analysis.mention_term
        if not (term and analysis.answer_type == "yesno" and self.settings.enabled("mention_meaning")):
            return None
        if self.policy.not_mentioned(term, scope) is None:
            return None  # (written as such: the usual answer, from the model; no embedding needed)
        sentence = self.policy.reworded(term, texts)  # (the lookup the policy made when it let the question through)
        if not sentence:
            return None
        for hit in evidence_hits:
            unit = self.retriever.unit(hit.chunk.doc_id, hit.chunk.label)
            if unit is None:
                continue
            found = next((x for x in split_sentences(unit["text"], unit.get("start", 0)) if x.text == sentence), None)
            if found is None:
                continue
            chunk = hit.chunk
            citation = Citation(1, chunk.doc_title, chunk.label, found.text, chunk.chunk_id, chunk.doc_id,
                                found.start, found.end)
            text = prompts.REWORDED_ANSWER.format(term=term, title=chunk.doc_title, label=chunk.label,
                                                  quote=found.text)
            t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
            return Answer(question=question, text=text, citations=(citation,), hits=tuple(hits), extractive=True,
                          rewritten_question=analysis.text, scope=scope, notes=(prompts.REWORDED_NOTE,), timings=t)
        return None

    def _verbatim_term(self, text: str, scope: Scope) -> str:
        """The longest run of ``text`` (``WHICH_DOC_VERBATIM_MIN`` characters or more, within its punctuation) that a
        document in scope writes as it stands and that is no part of a title: what tells the document apart; ''."""
        flat = "\n".join(self._document_texts(scope.doc_ids))
        titles = self._titles()
        runs = re.findall(r"[^，,。？?！!；;：:\s“”\"]+", text)
        for k in range(max(map(len, runs), default=0), WHICH_DOC_VERBATIM_MIN - 1, -1):
            for run in runs:
                for i in range(len(run) - k + 1):
                    piece = run[i:i + k]
                    if piece in flat and not any(piece in t for t in titles):
                        return piece
        return ""

    def _institution_term(self, text: str, scope: Scope) -> str:
        """The longest institution name in ``text`` ("…把四川灯具大学写进…" → 四川灯具大学) that a document in scope
        writes as it stands, ``INSTITUTION_TERM_MIN`` characters or more with its kind word; ''. (A match may start
        with the question's words before the name: its endings are tried, longest first.)"""
        flat = "\n".join(self._document_texts(scope.doc_ids))
        found = []
        for m in INSTITUTION_NAME.finditer(text):
            name = m.group(0)
            found += [name[i:] for i in range(len(name) - INSTITUTION_TERM_MIN + 1) if name[i:] in flat][:1]
        return max(found, key=len, default="")

    def _term_answer(self, question: str, term: str, scope: Scope, hits: Sequence[Hit], timings: dict,
                     t0: float, prefix: str = prompts.WHICH_DOC_PREFIX, loose: bool = False,
                     headings: bool = True) -> Answer | None:
        """The sentences that contain ``term`` as written, one per clause, every document in scope searched
        (None when no document has it: then the retrieved clauses are quoted as usual). ``loose``: when none
        writes it as such, the sentences that have nearly all its words in another order ("优先采用A等措施推进B治理"
        for "B治理优先采用A"; ``TERM_WORDS_MIN``), or its two words close together (``mention_apart``).
        ``headings=False``: a clause's heading standing alone ("（二十六）加强组织领导。") is no sentence that writes it,
        and a term that is the heading of a clause in scope names that clause, which the question asks about (None)."""
        data = self.retriever.load()
        wanted = set(scope.doc_ids) or {doc.doc_id for doc in self.retriever.indexed_documents()}
        if not headings and any(_bare_heading(term, unit.heading) for doc in self.retriever.indexed_documents()
                                if doc.doc_id in wanted for unit in doc.units):
            return None
        chunks = {(c.doc_id, c.label): c for c in data.chunks}
        words = content_bigrams(term)
        apart = self.settings.enabled("mention_apart")

        def writes(text: str, exact: bool) -> bool:
            if exact:
                return term in text
            return ((len(words) >= 4 and len(words & cjk_bigrams(text)) >= TERM_WORDS_MIN * len(words))
                    or (apart and writes_apart(term, text)))

        quotes: list[tuple[Any, Sentence]] = []
        for exact in (True, False) if loose else (True,):
            for doc in self.retriever.indexed_documents():
                if doc.doc_id not in wanted or len(quotes) >= _MAX_TERM_QUOTES:
                    continue
                for unit in doc.units:
                    chunk = chunks.get((doc.doc_id, unit.label))
                    sentence = next((x for x in split_sentences(unit.text, unit.start) if writes(x.text, exact)
                                     and (headings or not _bare_heading(x.text, unit.heading))), None)
                    if chunk is None or sentence is None:
                        continue
                    quotes.append((chunk, sentence))
                    if len(quotes) >= _MAX_TERM_QUOTES:
                        break
            if quotes:
                break
        if not quotes:
            return None
        return self._quotes_answer(question, question, quotes, prefix.replace("{n}", str(len(quotes))),
                                   prompts.TERM_SEARCH_NOTE.format(term=term), scope, hits, timings, t0)

    @staticmethod
    def _quotes_answer(question: str, rewritten: str, quotes: Sequence[tuple[Any, Sentence]], header: str, note: str,
                       scope: Scope, hits: Sequence[Hit], timings: dict, t0: float) -> Answer:
        """The sentences quoted as written, each with its title and clause and cited: an answer that needs no
        generation (``_term_answer``, ``_figure_lookup``)."""
        lines = [header]
        citations: list[Citation] = []
        for n, (chunk, x) in enumerate(quotes, 1):
            citations.append(Citation(n, chunk.doc_title, chunk.label, x.text, chunk.chunk_id, chunk.doc_id, x.start, x.end))
            lines.append(f"《{chunk.doc_title}》{chunk.label}：{x.text}[{n}]")
        t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
        return Answer(question=question, text="\n".join(lines), citations=tuple(citations), hits=tuple(hits),
                      extractive=True, rewritten_question=rewritten, scope=scope, notes=(note,), timings=t)

    # ------------------------------------------------------------------ document cards
    def _cards(self) -> dict[str, DocumentCard]:
        data = self.retriever.load()
        if self._card_cache is None or self._card_cache[0] is not data:
            root = Path(self.settings.corpus_dir).resolve().parent
            docs = self.retriever.indexed_documents()
            cards = {doc.doc_id: build_card(doc, root) for doc in docs}
            self._card_cache = (data, with_references(cards, docs))
        return self._card_cache[1]

    def _card_fields(self, analysis: QuestionAnalysis) -> tuple[str, ...]:
        """The card fields a metadata question asks for (none for other questions). With ``every_field``, each
        field a segment of it asks too ("某号文 谁签发的 发给谁 哪天签的": issuers, recipients and date), in the
        order asked."""
        fields = self._fields_of(analysis.answer_type, analysis.text)
        if not fields or fields[0] in ("colophon", "validity") or not self.settings.enabled("every_field"):
            return fields  # (a part no card has, "版记里的印发日期", is what the whole asks)
        asked: list[str] = []
        # (a follow-up's own words: "那份函的抄送呢" after a question on 主送 asks the copies only)
        for segment in CARD_SEGMENTS.split(analysis.own_text or analysis.text):
            if segment.strip():
                asked += self._fields_of(self._segment_kind(segment), segment, analysis.text)
        if not asked:
            return fields
        return tuple(dict.fromkeys([*asked, *(f for f in fields if f not in asked)]))

    def _segment_kind(self, segment: str) -> str:
        """The card kind one segment of a metadata question asks, as the analyser reads a whole question."""
        if ASKS_COLOPHON.search(segment):
            return "colophon"
        if (self.settings.enabled("note_card") and ASKS_NOTE.search(segment)
                and not (asks_who(segment) or BODY_WORD.search(segment))):
            return "note"  # ("签发日期底下括号里那句": the note, not the date)
        if self.settings.enabled("validity_card") and ASKS_VALIDITY.search(segment):
            return "validity"
        if self.settings.enabled("directive_card") and ASKS_DIRECTIVE.search(segment):
            return "directive"
        return answer_type(segment)

    def _fields_of(self, kind: str, text: str, whole: str = "") -> tuple[str, ...]:
        """The card fields an answer kind asks of ``text`` (``whole``: the question it is a segment of, which
        may say it is the document's date that is asked: "签发的是哪几家 哪天")."""
        if kind == "doc_number":
            # "所依据的省级文件文号": the number of the document it is based on, not its own
            # (and "依据的上级文件 编号是": the segment with the number asks the number of the basis the whole names)
            return ("basis",) if ASKS_BASIS.search(text) or (whole and ASKS_BASIS.search(whole)) else ("doc_number",)
        if kind == "date" and (self._asks_document_date(text) or (whole and self._asks_document_date(whole))):
            signed, published = SIGNED_DATE.search(text), PUBLISHED_DATE.search(text)
            if whole and not (signed or published):
                signed, published = SIGNED_DATE.search(whole), PUBLISHED_DATE.search(whole)
            if signed and not published:
                return ("signed",)
            if published and not signed:
                return ("published",)
            return ("signed", "published")
        if kind == "cc" and not self.settings.enabled("card_gaps"):
            return ("recipients",)  # (as before: 抄送 read as 主送)
        if kind in ("colophon", "validity"):
            return (kind,)  # (no card has one: no document here prints a colophon or states when it takes effect)
        if kind == "note":
            return ("abridged", "release")  # (the notes the card keeps, whichever the document has)
        if kind in ("recipients", "cc", "attachment", "basis", "approval", "abridged", "release", "directive"):
            return (kind,)
        if kind == "body" and (ASKS_ISSUER.search(text) or (self.settings.enabled("signature_bodies")
                                                           and SIGNATURE_BODIES.search(text))):
            return ("issuers",)  # ("落款的都是哪些局": the bodies that sign it)
        return ()

    def _asks_document_date(self, text: str) -> bool:
        """Does a date question ask when the document was issued or published? Not when the segment with the time
        word asks about another event ("…将出台X，X哪天报送审议": the ``date_segment`` switch)."""
        if not DOC_EVENT.search(text):
            return False
        asking = [x for x in re.split(r"[，,；;。？?]", text) if ASKS_DATE.search(x)]
        return not (self.settings.enabled("date_segment") and asking and not DOC_EVENT.search(asking[-1])
                    and OTHER_EVENT.search(asking[-1]))

    def _chunk(self, doc_id: str, label: str):
        return next((c for c in self.retriever.load().chunks if c.doc_id == doc_id and c.label == label), None)

    def _card_citation(self, doc_id: str, facts: Sequence[tuple[str, Any]], n: int) -> Citation | None:
        """The citation of a card's facts: the cover-letter lines that state them (numbered ``n``)."""
        label, source = facts[0][1].label, facts[0][1].source_doc or doc_id
        chunk = self._chunk(source, label)
        if chunk is None:
            return None
        quotes = [fact.quote for _, fact in facts]
        unit = self.retriever.unit(source, label) or {}
        pos = str(unit.get("text", "")).find(quotes[0])
        start = int(unit.get("start", 0)) + max(pos, 0)
        return Citation(n, chunk.doc_title, label, "\n".join(dict.fromkeys(quotes)), chunk.chunk_id, source, start,
                        start + len(quotes[0]))

    @staticmethod
    def _named_documents(analysis: QuestionAnalysis, cards: dict[str, DocumentCard],
                         words: Mapping[str, set[str]] | None = None) -> list[str]:
        """The documents a metadata question names one by one, in its order: by document number ("甲发〔2022〕1号")
        or by a region with one document of its own ("某市那份"); given each document's title ``words``, also by 省
        and a word of the title of one of the province's documents ("省减污降碳的文件和某市方案各依据什么")."""
        text = analysis.text
        found: list[tuple[int, str]] = []
        for doc_id, card in cards.items():
            at = text.find(card.doc_number.value) if card.doc_number is not None else -1
            segment = re.split(r"[，,。；;？?！!]", text[at:])[0] if at >= 0 else ""
            if at >= 0 and not CONTEXT_FACT.search(segment):  # ("X号是某市那份的文号，…": said, not asked about)
                found.append((at, doc_id))
        by_region: dict[str, list[str]] = {}
        for doc_id, card in cards.items():
            by_region.setdefault(card.region, []).append(doc_id)
        for region in analysis.regions:
            docs = [d for d in by_region.get(region, []) if d not in {x for _, x in found}]
            short = region.rstrip("省市")
            if len(docs) == 1 and short and short in text:
                found.append((text.find(short), docs[0]))
        provinces = [r for r in by_region if r.endswith("省")]
        if words is not None and len(provinces) == 1:
            for m in PROVINCE_PLAN.finditer(text):
                named = text[m.end():m.end() + 16]
                docs = [d for d in by_region[provinces[0]] if d not in {x for _, x in found}
                        and any(w in named for w in words.get(d, ()))]
                if len(docs) == 1:
                    found.append((m.start(), docs[0]))
        return [d for _, d in sorted(found)]

    def _cards_answer(self, question: str, analysis: QuestionAnalysis, cards: Sequence[DocumentCard],
                      fields: tuple[str, ...], hits: Sequence[Hit], scope: Scope, timings: dict,
                      t0: float) -> Answer:
        """One line per document from its card, each cited to its own cover letter; a document whose card lacks
        the field says so."""
        lines, citations = [], []
        for card in cards:
            facts = _card_facts(card, fields)
            citation = self._card_citation(card.doc_id, facts, len(citations) + 1) if facts else None
            if citation is None:
                lines.append(_card_missing(card, fields))
                continue
            citations.append(citation)
            lines.append(_card_text(card, facts, citation.n))
        t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
        return Answer(question=question, text="\n".join(lines), citations=tuple(citations), hits=tuple(hits),
                      refused=not citations, rewritten_question=analysis.text, scope=scope,
                      notes=("据文件信息卡作答",), timings=t)

    def _card_answer(self, question: str, analysis: QuestionAnalysis, hits: Sequence[Hit], scope: Scope,
                     timings: dict, t0: float) -> Answer | None:
        """A metadata question answered from the document card, the cover letter cited."""
        fields = self._card_fields(analysis)
        if not fields or scope.is_out_of_scope:
            return None
        cards = self._cards()
        # (a document named by its number is not asked its number)
        words = self._title_words() if self.settings.enabled("province_card") else None
        named = (self._named_documents(analysis, cards, words)
                 if self.settings.enabled("named_cards") and fields != ("doc_number",) else [])
        if len(named) >= 2:  # "A号、B号、某市那份的落款日期各是哪天": each document's card answers
            return self._cards_answer(question, analysis, [cards[d] for d in named], fields, hits, scope,
                                      timings, t0)
        candidates = list(scope.doc_ids) or list(cards)
        top = next((h.chunk.doc_id for h in hits if h.chunk.doc_id in candidates), None)
        doc_id = top if top is not None else (candidates[0] if len(candidates) == 1 else None)
        if doc_id is None or doc_id not in cards:
            return None
        card = cards[doc_id]
        facts = _card_facts(card, fields)
        if (not facts and fields == ("basis",) and card.purpose is not None and self.settings.enabled("purpose_card")
                and ASKS_PURPOSE.search(analysis.text)):
            # "为贯彻落实什么部署制定的": a document that cites none by title says what it was made for
            facts = [("purpose", card.purpose)]
        t = Timings(**timings, total_ms=(time.perf_counter() - t0) * 1000)
        if not facts:
            refusal = Refusal("not_mentioned", _card_missing(card, fields))
            return self._refusal(question, analysis.text, refusal, hits, scope, t)
        if fields == ("abridged",) and ASKS_REMOVED.search(analysis.text) and self.settings.enabled("card_gaps"):
            # "删去了什么": the note says the text is abridged, not what it leaves out
            refusal = Refusal("not_mentioned", prompts.REFUSAL_ABRIDGED_WHAT.format(title=card.title,
                                                                                   value=facts[0][1].value))
            return self._refusal(question, analysis.text, refusal, hits, scope, t)
        text = _card_text(card, facts)
        if "abridged" not in fields:
            text += "".join(prompts.CARD_NOTE.format(note=n) for n in card.notes if "删减" in n)
        citation = self._card_citation(doc_id, facts, 1)  # (None when no chunk holds the cover letter)
        if citation is not None and citation.doc_id != doc_id:  # stated by the document that cites this one
            text += prompts.CARD_CITED_BY.format(title=citation.doc_title, label=citation.clause)
        citations = (citation,) if citation is not None else ()
        return Answer(question=question, text=text, citations=citations, hits=tuple(hits), refused=False,
                      rewritten_question=analysis.text, scope=scope, notes=("据文件信息卡作答",), timings=t)

    # ------------------------------------------------------------------ refusals and checking
    def _refusal(self, question: str, standalone: str, refusal: Refusal, hits: Sequence[Hit], scope: Scope,
                 timings: Timings, raw: str = "") -> Answer:
        lines = [refusal.message + prompts.REASON_LINE.format(reason=prompts.REFUSAL_REASON[refusal.code])]
        citations: tuple[Citation, ...] = ()
        if refusal.quote and hits:
            top = next((h for h in hits if refusal.quote in self._unit_text(h)), hits[0])
            lines.append(prompts.DOCUMENT_SAYS.format(title=top.chunk.doc_title, label=top.chunk.label,
                                                      quote=refusal.quote))
            c = top.chunk
            text, start = clause_span(self.retriever.unit(c.doc_id, c.label) or {}, c)
            at = text.find(refusal.quote)
            if at >= 0 and stated_figures(refusal.quote):
                # a figure shown, even as what the plan gives instead, is cited like every figure
                citations = (Citation(1, c.doc_title, c.label, refusal.quote, c.chunk_id, c.doc_id, start + at,
                                      start + at + len(refusal.quote)),)
                lines[-1] += "[1]"
        related = [prompts.RELATED_ITEM.format(title=h.chunk.doc_title, label=h.chunk.label,
                                               heading=h.chunk.heading) for h in hits[:3]]
        if related:
            lines += [prompts.RELATED_HEADER, *related]
        return Answer(question=question, text="\n".join(lines), citations=citations, hits=tuple(hits), refused=True,
                      rewritten_question=standalone, scope=scope, raw_text=raw, notes=(refusal.message,),
                      timings=timings, refusal_reason=refusal.code)

    def _qualitative_answer(self, question: str, standalone: str, quote: str, items: Sequence[EvidenceItem],
                            hits: Sequence[Hit], scope: Scope, timings: Timings, raw: str) -> Answer:
        """A target the plan states in words, given as the answer (with its sentence cited)."""
        item = next((it for it in items if quote in it.clause_text), items[0])
        sentence = next((x for x in item.all_sentences if x.text == quote), None)
        start, end = (sentence.start, sentence.end) if sentence else (item.clause_start, item.clause_start + len(quote))
        c = item.hit.chunk
        citation = Citation(1, item.doc_title, item.label, quote, c.chunk_id, c.doc_id, start, end)
        text = prompts.QUALITATIVE_ANSWER.format(title=item.doc_title, label=item.label, quote=quote)
        return Answer(question=question, text=text, citations=(citation,), hits=tuple(hits), extractive=True,
                      rewritten_question=standalone, scope=scope, raw_text=raw,
                      notes=("文件只作了定性表述，引用原文作答",), timings=timings)

    def _deciding_sentence(self, words: str, citation: Citation, items: Sequence[EvidenceItem],
                           question: str = "") -> str:
        """The sentence of the cited clause that shares most wording with the question and the answer
        (never a department parenthesis); with ``question``, weighed by meaning as well (the embedding model,
        as the extractive fallback does): a paraphrase shares few words with the sentence that decides it."""
        item = next((it for it in items if it.hit.chunk.chunk_id == citation.chunk_id), None)
        if item is None:
            return citation.quote
        weighed = self.settings.enabled("deciding_meaning")
        # (the words that name the plan are no part of what the sentence must say)
        wanted = content_bigrams(words, document_mentions(words, self._titles()) if weighed else ())
        scored = [(len(content_bigrams(x.text) & wanted), -i, x.text) for i, x in enumerate(item.all_sentences)
                  if not item.answers_nothing(x.text)]
        eligible = [x for x in scored if x[0] >= 2]
        if question and weighed and self.settings.enabled("meaning") and len(eligible) >= 2:
            sims = self._meaning(question, [x[2] for x in eligible])
            top = max(sims)
            ranked = [(n / max(len(wanted), 1) + MEANING_WEIGHT * (sim - top), i, text)
                      for (n, i, text), sim in zip(eligible, sims, strict=True)]
            return max(ranked)[2]
        best = max(scored, default=(0, 0, ""))
        return best[2] if best[0] >= 2 else ""

    def _meaning(self, question: str, sentences: Sequence[str]) -> list[float]:
        """Cosine similarity of each sentence to the question, with the retrieval embedder."""
        embedder = self.retriever.embedder
        q = embedder.embed_queries([question])[0]
        return [float(v) for v in embedder.embed_passages(list(sentences)) @ q]

    def _qualitative_quote(self, analysis: QuestionAnalysis, items: Sequence[EvidenceItem],
                           words_only: bool = False) -> str:
        """The evidence sentence that best matches a figure question the documents answer only in words
        (``words_only``: among the sentences that state no figure, '' when none shares the question's words)."""
        scorer = SentenceScorer(analysis.text, figure_bonus=0.0)
        sents = [s.text for it in items[:2] for s in (it.all_sentences or split_sentences(it.clause_text))]
        if words_only:  # ranked by the question's content words they share ("森林" for 森林覆盖率)
            wanted = content_bigrams(analysis.text, self._regions())
            shared = {x: len(content_bigrams(x) & wanted) for x in sents
                      if not _states_figure(x) and not items[0].answers_nothing(x)}
            return max((x for x in shared if shared[x]), key=lambda x: (shared[x], scorer(x)), default="")
        # a question about a year is answered by what the plan says for that year ("到2030年，…达到峰值")
        def score(x: str) -> float:
            return scorer(x) + (_YEAR_BONUS if any(f"{y}年" in x for y in analysis.years) else 0.0)

        return max(sents, key=score, default="")

    def _asked_piece(self, analysis: QuestionAnalysis, sentence: str) -> str:
        """The comma- or semicolon-separated piece of ``sentence`` that shares the most of the question's content
        words (the whole sentence when none shares any)."""
        wanted = content_bigrams(analysis.text, self._regions())
        pieces = [x for x in re.split(r"[，,；;]", sentence) if x.strip()]
        best = max(pieces, key=lambda x: len(content_bigrams(x) & wanted), default="")
        return best if best and content_bigrams(best) & wanted else sentence

    def _figure_off_topic(self, question: str, answer: str, citations: Sequence[Citation],
                          items: Sequence[EvidenceItem]) -> bool:
        """Is the figure the answer gives about something the question does not ask, while the evidence has
        what it asks far better? Either every figure-bearing sentence it cites covers little of the question
        while an evidence sentence (with a figure or not) covers far more, or, in a sentence that lists
        indicators ("…人均综合能耗下降5%、人均用水量下降7%…"), the item that states the figure covers little of
        the question's words that the sentence has while another item covers far more. (IDF-weighted
        share of the question's words, the measure the no-figure refusal uses; thresholds fitted on dev.)"""
        support = self._support()
        quotes = [c.quote for c in citations if stated_figures(c.quote)]
        if not quotes:
            return False
        cited = support.sentence_coverage(question, quotes)
        best = support.sentence_coverage(question, [it.clause_text for it in items])
        if cited < RELEVANCE_MIN and best >= cited + RELEVANCE_MARGIN:
            return True
        given = set(stated_figures(_MARK.sub("", answer)))
        for quote in quotes:
            flat = normalize_answer(quote)
            if "分别" in flat or not given:  # "A、B分别达到x、y": the items and the figures stand apart
                continue
            pieces = [x for x in _LIST_ITEM.split(flat) if stated_figures(x)]
            own = [support.share(question, x, within=flat) for x in pieces if given & set(stated_figures(x))]
            other = [support.share(question, x, within=flat) for x in pieces if not given & set(stated_figures(x))]
            if own and other and max(own) < RELEVANCE_MIN and max(other) >= max(own) + RELEVANCE_MARGIN:
                return True
        return False

    def _quoted_coverage(self, question: str, extractive_text: str) -> float:
        """How much of a how-much question the figure sentences an extractive answer quotes cover; with
        ``asked_coverage``, also of what its last segment asks the figure of, when earlier segments set the context
        ("…COD、氨氮的减排量都给了 那颗粒物要减多少万吨": the quoted figures cover the context, not 颗粒物)."""
        texts = [_MARK.sub("", extractive_text)]
        covered = self._support().coverage(question, texts)
        subject = (asked_subject(question, after=self.settings.enabled("subject_after"))
                   if self.settings.enabled("asked_coverage") else "")
        if not word_bigrams(subject, self._regions()):  # ("…，重庆定了多少": a side, no item)
            return covered
        return min(covered, self._support().coverage(subject, texts))

    def _unquantified_subject(self, question: str, extractive_text: str) -> str:
        """Of the sentences an extractive answer quotes for a how-much question: the one about what is asked
        when it states no figure and shares ``QUOTED_SUBJECT_MARGIN`` more of the question's
        words than every quoted sentence that states one (those figures measure something else); else ''."""
        support = self._support()
        quoted = [x.strip() for x in _MARK.sub("", _quoted(extractive_text)).split("\n") if x.strip()]
        worded = [(support.share(question, x), x) for x in quoted if not _states_figure(x)]
        figured = [support.share(question, x) for x in quoted if _states_figure(x)]
        if not worded or not figured:
            return ""
        share, sentence = max(worded)
        return sentence if share >= max(figured) + QUOTED_SUBJECT_MARGIN else ""

    def _echoed_figure(self, question: str, checked) -> str:
        """The sentence an answer to a how-much question takes its figures from, when every figure it gives is one
        the question itself states ("X那个N%我知道了"); '' when it gives a figure of its own, or none. A question
        that names a unit ("多少万盏") is answered by the figures in that unit, when the answer gives any: another
        figure of the same sentence ("…灯杆改造1.3万公里") answers nothing asked."""
        asked = {n for f in stated_figures(question) for n in _NUMBER.findall(f)}
        if not asked:
            return ""
        sentences, given = _answer_figures(checked)
        fitting = [f for f in given if unit_fit(self._unit_question(question), f, self.settings.enabled("abbreviation"))]
        if fitting and self.settings.enabled("echoed_unit"):
            given = fitting
        numbers = {n for f in given for n in _NUMBER.findall(f)}
        if not numbers or not numbers <= asked:
            return ""
        return next((x for x in sentences if x and numbers & set(_NUMBER.findall(x))), "")

    def _rate_unnamed(self, question: str, checked, items: Sequence[EvidenceItem]) -> str:
        """A how-much question that names a rate or share ("…节能率多少", "…发电占比多少"), answered with figures
        none of whose own segments, in the sentences that state them, names that rate ("路灯覆盖率保持在95%以上"
        does not state 路灯节能率, nor "光伏发电量…20亿千瓦时" a 光伏发电占比): the first sentence that
        states such a figure; '' when a figure's segment names the rate, or no rate is asked."""
        rates = asked_rates(question, self._regions())
        if not rates:
            return ""
        sentences, given = _answer_figures(checked)
        if not checked.extractive:  # (the whole of each cited clause: the quote may be only part of it)
            cited = {c.chunk_id for c in checked.citations}
            sentences += [x.text for it in items if it.hit.chunk.chunk_id in cited
                          for x in split_sentences(it.clause_text)]
        stating = [x for x in sentences if x and rate_segments(given, [x])]
        df = self._support().df
        if not stating or any(names_rate(core, kind, seg, known=lambda b: bool(df.get(b)))
                              for core, kind in rates for seg in rate_segments(given, stating)):
            return ""
        return stating[0]

    def _members_absent(self, question: str, items: Sequence[EvidenceItem], scope: Scope) -> Refusal | None:
        """"…X电站准备建哪个" where no evidence sentence has the kind asked (电站) and the documents in scope do not
        write its name (X电站, at least four characters: a bare kind is everywhere) as a whole or as its words
        (the not-mentioned test): a refusal; else None."""
        start, kind = _asked_members(question)
        if not kind or any(kind in x.text for it in items for x in split_sentences(it.clause_text)):
            return None
        phrase = _member_name(question, question.find(kind, start), kind)
        return self.policy.not_mentioned(phrase, scope) if len(phrase) >= 4 else None

    def _unnamed_members(self, question: str, items: Sequence[EvidenceItem]) -> tuple[str, str]:
        """For "哪几个X" / "X点了哪些" / "X名单": (X, the evidence sentence about the question that mentions X only
        as an unnamed set, "推进一批条件成熟的…X建设", or lists the very kind the question names among kinds of X it
        leaves unnamed, "实施一批A项目、B项目" asked "B项目都是哪些"); ('', '') when the question asks no names or
        that sentence names them. With no evidence sentence that has X ("哪几家单位" of "一批…中心"), the sentence
        most about the question is read for any kind of member."""
        _, kind = _asked_members(question)
        if not kind:
            return "", ""
        sentences = [x.text for it in items for x in split_sentences(it.clause_text) if kind in x.text]
        kinds = kind
        if not sentences and self.settings.enabled("members_any_kind"):
            sentences = [x.text for it in items for x in split_sentences(it.clause_text)]
            kinds = MEMBER_KIND
        if not sentences:
            return "", ""
        support = self._support()
        best = normalize_answer(max(sentences, key=lambda x: support.share(question, x)))
        if (kinds == kind and self.settings.enabled("listed_kinds") and re.search(KINDS_LISTED.format(kind=kind), best)
                and all(WHICH_CHAR.search(w) for w in re.findall(rf"([\u4e00-\u9fff]{{2}}){kind}", question))):
            # "培育一批A中心和B中心" asked "哪些中心": the kinds it lists answer (asked the members of a kind it
            # names, "说要建一批A中心，是哪些中心", it names none)
            return "", ""
        if re.search(UNNAMED_MEMBERS.format(kind=kinds), best):
            return kind, best
        named = max((_member_name(question, x.start(), kind) for x in re.finditer(kind, question)),
                    key=len)  # ("B项目都是哪些项目": B项目)
        if self.settings.enabled("members_any_kind") and any(
                re.search(UNNAMED_LISTING + re.escape(named[i:]), best) for i in range(len(named) - 4)):
            # (the name or its end, five characters at least: "某市X提升项目" is listed as "X提升项目")
            return kind, best
        return "", ""

    def _generic_kind(self, question: str, items: Sequence[EvidenceItem]) -> tuple[str, str]:
        """For "具体是哪几个兄弟X？": (X, the evidence sentence most about the question that writes X) where every
        evidence sentence that writes X writes it as a kind and names no member of it: no listing before X in its
        segment ("A、B等X", "A及X"), nor after it ("X包括…"); ('', '') when the question asks no such thing or a
        sentence names them."""
        asked = ASKS_KIND_MEMBERS.search(question)
        kind = asked.group(1) if asked else ""
        if len(kind) < GENERIC_KIND_MIN:  # (行业, 园区, 改造: a word that compounds, "A、B改造", read by the model)
            return "", ""
        sentences = [x.text for it in items for x in split_sentences(it.clause_text) if kind in x.text]
        if not sentences:
            return "", ""
        for sentence in map(normalize_answer, sentences):  # (no evidence sentence names members of the kind)
            for m in re.finditer(re.escape(kind), sentence):
                before = re.split(r"[，,。；;]", sentence[:m.start()])[-1]
                if "、" in before or "及" in before or KIND_NAMED_AFTER.match(sentence[m.end():]):
                    return "", ""
        best = normalize_answer(max(sentences, key=lambda x: self._support().share(question, x)))
        return (kind, best) if kind in best else ("", "")

    def _unit_figure_about(self, question: str, items: Sequence[EvidenceItem]) -> bool:
        """Does an evidence sentence give a figure in the unit the question names and is it about what the question
        asks (``ASKED_SUBJECT_MIN`` of the words the question has once the document it names is taken out:
        "某某节能方案给全市用水总量定的上限" asks about 用水总量, not about the plan)?"""
        wanted = word_bigrams(ASKED_UNIT.sub(" ", DOCUMENT_NAME.sub(" ", question)), self._regions())
        fitting = [s.text for it in items for s in split_sentences(it.clause_text) if unit_fit(self._unit_question(question), s.text, self.settings.enabled("abbreviation"))]
        return bool(fitting) and best_sentence(wanted, fitting)[0] >= ASKED_SUBJECT_MIN

    @staticmethod
    def _figure_of_other_time(year: str, annual: bool, checked, items: Sequence[EvidenceItem]) -> str:
        """The sentence an answer takes its figure from when that sentence dates it to another year than ``year``,
        the one asked for ("到2030年…多少" answered from "到2025年，…"), or gives a total where the question asks for
        a yearly figure (``annual``: "每年要降多少" answered from "“十四五”时期…下降14%"); '' when the figures fit."""
        if not year and not annual:
            return ""
        quotes = [c.quote for c in checked.citations]
        if checked.extractive:  # (every quoted sentence, not only the first of each clause)
            quotes += [_MARK.sub("", x).strip() for x in _quoted(checked.text).split("\n")]
        cited = [q for q in dict.fromkeys(quotes) if q and stated_figures(q)]
        if not cited:
            return ""
        clauses = [normalize_answer(it.clause_text) for it in items]
        for quote in cited:
            if annual and ANNUAL_FIGURE.search(quote):
                return ""
            clause = next((x for x in clauses if quote in x), quote)
            years = sentence_years(quote, clause)
            if year and (not years or year in years):
                return ""
        return cited[0]

    def _names_kind(self, kind: str, quoted: str, question: str) -> bool:
        """Do the quotes name something of the kind the question asks for? A place must be one the question
        does not already name and not a region a document is about ("雅安…哪个县" is not answered by 雅安)."""
        if kind != "地点" and kind not in ADMIN_SUFFIX:
            company = kind in ("企业", "公司") and self.settings.enabled("entity_word")
            return bool(re.search(COMPANY_NAME if company else ENTITY_NAME[kind], quoted))
        own = [*self._regions(), *place_names(question)]
        if kind in ADMIN_SUFFIX:
            # "哪几个城市/区县": a city's or county's own name ("江津区", "绵阳"), not a region that holds
            # several ("成都平原", "…示范区", "安宁河谷") nor one the question or a document is about
            areas = [m.group(0) for m in PLACE_AREA.finditer(quoted)]
            return any((ADMIN_SUFFIX[kind].search(p) or city_name(p)) and p not in GENERIC_PLACE_NAMES
                       and not any(p in a for a in areas) and not any(p in o or o in p for o in own)
                       for p in place_names(quoted))
        areas = [m.group(0) for m in PLACE_AREA.finditer(quoted) if m.group(0) not in question]
        return bool(areas) or any(PLACE_SUFFIX.search(p) and p not in GENERIC_PLACE_NAMES
                                  and not any(p in o or o in p for o in own) for p in place_names(quoted))

    def _topic_names_no_body(self, question: str, citations: Sequence[Citation],
                             items: Sequence[EvidenceItem]) -> EvidenceItem | None:
        """For a who-question: the evidence clause that is about the question's topic (its words once the
        who-phrasing is taken out) when that clause names no responsible body while the cited clauses are
        about the topic far less (``WHO_TOPIC_MARGIN``, fitted on dev); else None."""
        topic = self._support().content(WHO_PHRASING.sub(" ", question))
        if len(topic) < 3 or not citations:
            return None

        def share(text: str) -> float:
            return len(topic & cjk_bigrams(text)) / len(topic)

        best = max(items, key=lambda it: (share(it.clause_text), -it.n))
        cited = {c.chunk_id for c in citations}
        cited_share = max((share(it.clause_text) for it in items if it.hit.chunk.chunk_id in cited), default=0.0)
        if best.hit.chunk.chunk_id in cited or best.departments or any(names_bodies(x.text) for x in best.all_sentences):
            return None
        return best if share(best.clause_text) >= cited_share + WHO_TOPIC_MARGIN else None

    def _every_item(self, analysis: QuestionAnalysis) -> bool:
        """A list question that asks for every item ("全部列出来", "一条条列"; with ``nothing_left_out``, "一个不落",
        "别漏了"; with ``left_out_words``, "一条不落", "一样不漏")."""
        return analysis.answer_type == "list" and bool(
            ASKS_EVERY_ITEM.search(analysis.text)
            or (self.settings.enabled("nothing_left_out") and NOTHING_LEFT_OUT.search(analysis.text))
            or (self.settings.enabled("left_out_words") and LEFT_OUT_ITEMS.search(analysis.text)))

    def _checked(self, question: str, analysis: QuestionAnalysis, raw: str, items: list[EvidenceItem],
                 hits: Sequence[Hit], scope: Scope, timings: dict, t0: float, cancelled: bool,
                 in_part: bool = False) -> Answer:
        standalone = analysis.text
        s = self.settings
        meaning = self._meaning if s.enabled("meaning") else None
        # every item asked for: the quotes, when the answer falls back to them, are the clause's sentences
        quotes = EVERY_ITEM_QUOTES if self._every_item(analysis) and s.enabled("every_quote") else 2
        extractive = partial(extractive_answer, n_quotes=quotes)
        # (an answer that restates how the question names the plan is not judged by the name's words)
        names = [*self._regions(), *(_plan_references(standalone) if s.enabled("plan_name_claim") else ())]
        checked = (check_answer(raw, items, standalone, names, analysis.years,
                                bind_years=s.enabled("year_binding"), qualifiers=s.enabled("qualifiers"),
                                meaning=meaning, segments=s.enabled("segment_binding"),
                                respective=s.enabled("respective"), modifiers=s.enabled("modifier_bind"),
                                n_quotes=quotes,
                                # (one side of "A和B各是多少": the model's figure of another year or item is
                                # replaced by the side's sentence that gives one for the year asked)
                                misbound_quote=in_part and s.enabled("part_quote"),
                                quote_hint=s.enabled("quote_hint"))
                   if s.grounding else unchecked(raw, items))
        total = (time.perf_counter() - t0) * 1000
        t = Timings(**timings, total_ms=total)
        if (s.grounding and s.enabled("invented_items") and not checked.extractive and not checked.refused_by_model
                and (made_up := invented_items(raw, self._written()))):
            # "成员有甲灯厂、戊灯厂、己灯厂…": a list whose items no document writes is made up;
            # the sentences that answer are quoted instead
            # (the phrases the model did copy still show where in the clause it read: ``quote_hint``)
            checked = extractive(items, standalone,
                                 [*checked.notes, prompts.NOTE_INVENTED_ITEMS.format(item=made_up[0])], meaning,
                                 hint=raw if s.enabled("quote_hint") else "")
        if (s.grounding and s.enabled("denied_written") and not checked.extractive and not checked.refused_by_model
                and (denied := denied_written(raw, normalize_answer("".join(it.clause_text for it in items))
                                              .replace(" ", "")))):
            # "有没有A和B" answered "没有A和B" where the clause lists both: the answer contradicts its evidence;
            # the sentences that answer are quoted instead
            # (the sentences that write what it denied answer whether the clause has it)
            notes = [*checked.notes, prompts.NOTE_DENIED_WRITTEN.format(item=denied[0])]
            checked = quoted_writing(items, denied, notes) or extractive(items, standalone, notes, meaning)
        if (s.grounding and s.enabled("figure_relevance") and not checked.extractive
                and (analysis.asks_quantity or s.enabled("figure_relevance_any"))
                and self._figure_off_topic(standalone, checked.text, checked.citations, items)):
            # "B呢？" answered with the figure of indicator A of the same clause: the figure is true to its
            # sentence but that sentence is about another indicator; quote the sentences that answer instead
            checked = extractive(items, standalone, [*checked.notes, prompts.NOTE_OFF_TOPIC_FIGURE], meaning)
        if (s.grounding and s.enabled("unit_binding") and analysis.asks_quantity and not checked.extractive
                and other_unit(self._unit_question(standalone), _MARK.sub("", checked.text), s.enabled("abbreviation"))):
            # "用水总量是多少亿立方米" answered "65%": the figure measures something else. An evidence sentence
            # with a figure in the unit asked is quoted; with none, the plan gives no such figure
            quoted = (extractive(items, standalone, [*checked.notes, prompts.NOTE_OTHER_UNIT], meaning)
                      if self._unit_figure_about(standalone, items) else None)
            if quoted is not None and unit_fit(self._unit_question(standalone), _quoted(quoted.text),
                                                  s.enabled("abbreviation")):
                checked = quoted
            else:  # (nor do the quotes that would replace it give one)
                checked = replace(checked, refused_no_figure=True, notes=[*checked.notes, prompts.NOTE_OTHER_UNIT])
        asked = asked_year(standalone)
        annual = bool(ASKS_ANNUAL.search(standalone)) and not (s.enabled("annual_choice")
                                                                and ANNUAL_CHOICE.search(standalone))
        if (s.grounding and s.enabled("asked_year") and analysis.asks_quantity and not checked.refused_by_model
                and not checked.refused_no_figure
                and (given := self._figure_of_other_time(asked, annual, checked, items))):
            # "到2030年要达到多少" answered with the 2025 figure, "每年要降多少" with a five-year total: the plan gives
            # the figure for another time; it is quoted, and the question is not answered
            what = f"{asked}年" if asked else prompts.ANNUAL
            refusal = Refusal("no_figure", prompts.REFUSAL_OTHER_TIME.format(when=what), quote=given)
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (s.grounding and s.enabled("misdated_refusal") and checked.misdated and asked
                and asked in target_years(raw)
                and not any(f"{asked}年" in it.clause_text for it in items if checked.misdated in it.clause_text)):
            # "到2030年对X有什么要求" answered by copying the plan's 2025 sentence with the year changed, from a clause
            # that states nothing for 2030: the plan states it for another year; that sentence is quoted, and the
            # question is not answered (where the clause has a sentence for the year asked, the quotes give it)
            refusal = Refusal("year_not_covered", prompts.REFUSAL_OTHER_TIME_WORDS.format(when=f"{asked}年"),
                              quote=checked.misdated)
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (checked.refused_by_model and not figures(raw) and analysis.mention_term and s.grounding
                and s.enabled("mention")):
            # "有没有提到X？" where the model found nothing in three clauses, but X is written in the documents
            # in scope: the sentences that write it answer yes (the whole documents were searched)
            found = self._term_answer(question, analysis.mention_term, scope, hits, timings, t0,
                                      prefix=prompts.MENTIONED_PREFIX.format(term=analysis.mention_term))
            if found is not None:
                return found
        if (analysis.answer_type == "yesno" and analysis.mention_term and not checked.refused_by_model
                and (not checked.extractive or s.enabled("mention_fallback")) and s.grounding
                and s.enabled("mention_cited")
                and not any(analysis.mention_term in normalize_answer(c.quote) for c in checked.citations)):
            # "有没有讲X怎么办" answered from a clause that does not write X: where the documents in scope write
            # X, the sentences that write it answer (the whole documents are searched); so too when the model's
            # answer was set aside and the fallback quotes sentences that do not write X (``mention_fallback``)
            found = self._term_answer(question, analysis.mention_term, scope, hits, timings, t0,
                                      prefix=prompts.MENTIONED_PREFIX.format(term=analysis.mention_term), loose=True,
                                      headings=not checked.extractive)
            if found is not None:
                return found
        if checked.refused_by_model and not figures(raw):
            return self._refusal(question, standalone, Refusal("model_refused", prompts.REFUSAL_BY_MODEL),
                                 hits, scope, t, raw)
        if checked.refused_no_figure and not analysis.figure_asked:
            quote = self._qualitative_quote(analysis, items, words_only=True)
            if quote:  # "那四川的方案里呢？": what it says, in words
                return self._qualitative_answer(question, standalone, quote, items, hits, scope, t, raw)
        if checked.refused_no_figure:
            return self._refusal(question, standalone, Refusal("no_figure", prompts.REFUSAL_NO_FIGURE),
                                 hits, scope, t, raw)
        if (s.grounding and s.enabled("figure_answer") and analysis.asks_quantity
                and not _states_figure(checked.text)):
            # a how-much question answered without a figure: if the sentence that matches the question
            # gives none either, the plan states the target only in words; else quote that sentence
            quote = self._qualitative_quote(analysis, items)
            # (of a sentence that states a figure, the piece about what is asked: "夜市环境明显改善，路灯能耗下降20%"
            # states no figure for the night market)
            stated = _states_figure(self._asked_piece(analysis, quote) if s.enabled("segment_figure") else quote)
            if not stated:  # a year is not a figure: "到2025年…大幅提升" is a target in words
                if not analysis.figure_asked and quote:
                    # "LED的占比呢？": the user did not ask for a number; what the plan says is the answer
                    quote = self._qualitative_quote(analysis, items, words_only=True) or quote
                    return self._qualitative_answer(question, standalone, quote, items, hits, scope, t, raw)
                refusal = Refusal("no_figure", prompts.REFUSAL_NO_FIGURE_QUALITATIVE, quote=quote)
                return self._refusal(question, standalone, refusal, hits, scope, t, raw)
            if not checked.extractive:
                checked = extractive(items, standalone, [*checked.notes, "问的是数字，回答没有给出数字"], meaning)
        if (s.grounding and s.enabled("figure_answer") and analysis.asks_quantity and checked.extractive
                and self._quoted_coverage(standalone, checked.text) < s.figure_support_threshold):
            # the quotes that replaced the model's figure state figures about something else
            quote = self._qualitative_quote(analysis, items, words_only=True)
            if not analysis.figure_asked and quote:
                # "X呢？" after a how-much question: the user asked no number; what the plan says in words
                return self._qualitative_answer(question, standalone, quote, items, hits, scope, t, raw)
            return self._refusal(question, standalone, Refusal("no_figure", prompts.REFUSAL_NO_FIGURE), hits, scope,
                                 t, raw)
        if (s.grounding and s.enabled("quoted_subject") and analysis.asks_quantity and checked.extractive
                and (about := self._unquantified_subject(standalone, checked.text))):
            # "X要减少多少？" where the quoted sentence about X states no figure and the quoted figures
            # are about other indicators: the plan states X in words; that sentence is what it says
            if not analysis.figure_asked:
                return self._qualitative_answer(question, standalone, about, items, hits, scope, t, raw)
            refusal = Refusal("no_figure", prompts.REFUSAL_NO_FIGURE_QUALITATIVE, quote=about)
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (s.grounding and s.enabled("echoed_figure") and analysis.asks_quantity
                and (echoed := self._echoed_figure(standalone, checked))):
            # "X那个N%我知道了，Y要到多少？" / "2025年降N%，2030年呢？" answered with N%: the answer
            # gives only figures the question states itself; the plan gives none for what is asked
            refusal = Refusal("no_figure", prompts.REFUSAL_ECHOED_FIGURE, quote=echoed)
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (s.grounding and s.enabled("rate_name") and analysis.asks_quantity
                and (given := self._rate_unnamed(standalone, checked, items))):
            # "X节能率多少" answered with the figure of X覆盖率, "X发电占比" with X发电量: the figures
            # measure a neighbouring indicator. Asked for a number: refused, showing the figure the plan gives
            # and what it measures; asked "X呢？": what the plan says of X in words, if anything
            about = self._qualitative_quote(analysis, items, words_only=True)
            if not analysis.figure_asked and about:
                return self._qualitative_answer(question, standalone, about, items, hits, scope, t, raw)
            refusal = Refusal("no_figure", prompts.REFUSAL_OTHER_INDICATOR, quote=given)
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (s.grounding and s.enabled("restatement") and not checked.extractive and analysis.answer_type != "yesno"
                and _restates(checked.text, standalone)):
            # "园区污水要处理[1]": the answer only repeats the question; quote the clause instead
            checked = extractive(items, standalone, [*checked.notes, "回答只是复述了问题"], meaning)
        if (s.grounding and s.enabled("empty_answer") and not checked.extractive and analysis.answer_type != "yesno"
                and (empty := _says_nothing(checked.text, items))):
            checked = extractive(items, standalone, [*checked.notes, empty], meaning)
        if (s.grounding and s.enabled("echo_claim") and not checked.extractive and analysis.answer_type != "yesno"
                and _echo_claim(checked.text, standalone)):
            # "那X呢 有没有具体盏数" answered "…。X[1]。": a sentence of the answer says nothing but the question's
            # words; the sentences that answer are quoted instead
            checked = extractive(items, standalone, [*checked.notes, prompts.NOTE_ECHO_CLAIM], meaning)
        asked_units = asked_sentence(standalone)
        if (s.grounding and s.enabled("duty_cited") and not checked.extractive and checked.citations
                and UNITS_ASKED.search(asked_units) and not ASKS_DUTY.search(asked_units)
                and not RESPONSIBILITY.search(UNITS_ASKED.sub("", asked_units))
                and all(names_bodies(c.quote) for c in checked.citations)):
            # "鼓励哪些单位申报X" answered with the departments of the clause's "（…按职责分工负责）": those are
            # who carries the task out, not the units the sentence names for it; the sentences that answer
            # are quoted, read as asking which ones (not who is responsible)
            checked = extractive(items, UNITS_ASKED.sub(lambda m: m.group(0)[:-2], standalone),
                                 [*checked.notes, prompts.NOTE_DUTY_CITED], meaning)
        if s.grounding and s.enabled("who_topic") and asks_who(standalone) and (
                unnamed := self._topic_names_no_body(standalone, checked.citations, items)):
            # "某项总体目标由哪个部门牵头？": the clause about it names no department; the departments
            # the answer gives are those of another clause
            refusal = Refusal("not_mentioned", prompts.REFUSAL_NO_BODY.format(title=unnamed.doc_title,
                                                                                label=unnamed.label))
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        means = s.enabled("means_asked")
        kind = _asked_entity(standalone, admin=s.enabled("place_kind"), phone=s.enabled("phone_kind"), means=means)
        named_kind = kind in ADMIN_SUFFIX or (s.enabled("entity_kind_answer") and _asks_organisation(standalone, means))
        if (s.grounding and s.enabled("entity_answer") and not checked.extractive and named_kind
                and not self._names_kind(kind, _MARK.sub("", checked.text), standalone)):
            # "哪几个城市" answered with the regions the clause names (a plain, a 示范区), "由哪家企业来安装"
            # answered with a department of the clause's parenthesis (``entity_kind_answer``): the clause's own
            # words are quoted, and the check below asks whether they name one
            checked = extractive(items, standalone, [*checked.notes, prompts.NOTE_NO_PLACE_NAME.format(
                kind=kind)], meaning)
        if (s.grounding and s.enabled("entity_answer") and checked.extractive and kind
                and not self._names_kind(kind, _quoted(checked.text), standalone)):
            # "由哪家公司承建" / "哪一年建成": the quotes that replaced the model's answer name no company,
            # give no year at all
            refusal = Refusal("not_mentioned", prompts.REFUSAL_NO_ENTITY.format(
                kind=kind if kind == "时间" else "电话号码" if kind == "电话" else f"{kind}名称"))
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        duty = ASKS_DUTY.search(standalone)  # ("哪些单位负责": the bodies of a task, not members of a kind)
        if (s.grounding and s.enabled("members_absent") and not duty
                and (absent := self._members_absent(standalone, items, scope))):
            # "B方案的X电站准备建哪个？" where no document in scope writes X电站 at all: nothing to name
            return self._refusal(question, standalone, absent, hits, scope, t, raw)
        if s.grounding and s.enabled("unnamed_members") and not duty:
            kind, sentence = self._unnamed_members(standalone, items)
            if not sentence and s.enabled("generic_kind"):
                kind, sentence = self._generic_kind(standalone, items)  # ("加强兄弟城市…" asked "哪几个兄弟城市")
            if sentence:
                # "重点X是哪几个？" where the sentence about it says only "推进一批X" / "支持具备条件的X": the plan
                # names none; what it does say is quoted
                refusal = Refusal("not_mentioned", prompts.REFUSAL_UNNAMED.format(kind=kind), quote=sentence)
                return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        if (s.grounding and s.enabled("when_binding") and not checked.extractive and ASKS_WHEN.search(standalone)
                and unstated_year(_MARK.sub("", checked.text), content_bigrams(standalone, self._regions()),
                                  [it.clause_text for it in items])):
            # "X最晚哪年完成？" answered with a year of another clause: the clause about X gives no year
            refusal = Refusal("not_mentioned", prompts.REFUSAL_NO_ENTITY.format(kind="时间"))
            return self._refusal(question, standalone, refusal, hits, scope, t, raw)
        text = checked.text
        bare = not content_bigrams(_MARK.sub("", text))  # "14%[2]。": a figure with nothing said of what it measures
        if (s.grounding and s.enabled("source_sentence") and (analysis.answer_type in ("yesno", "explanation") or bare)
                and not checked.extractive and checked.citations):
            # a yes/no or a how/what answer in the model's words: the sentence it rests on, as the plan words it
            # (a yes or a no is only as good as the sentence that decides it; policy wording is precise)
            c = checked.citations[0]
            # (with the preamble: "…夜市想换节能灯，想问下：方案支持这类做法吗" says what 这类 is)
            sentence = self._deciding_sentence(standalone + raw, c, items, f"{analysis.preamble}{standalone}")
            if sentence and sentence not in text:
                text += prompts.DECIDING_SENTENCE.format(title=c.doc_title, label=c.clause, quote=sentence, n=c.n)
        elif (s.grounding and s.enabled("figure_wording") and analysis.answer_type == "figure"
              and not checked.extractive):
            # a figure restated in the model's words ("路灯亮灯率定的是60%"): the sentence that states it, as the plan
            # words it ("路灯亮灯率保持在60%以上": the verb and the qualifier are part of a target)
            for c in checked.citations:
                if c.quote not in text and restated_figure(_MARK.sub("", text), c.quote):
                    text += prompts.DECIDING_SENTENCE.format(title=c.doc_title, label=c.clause, quote=c.quote, n=c.n)
        if (s.grounding and s.enabled("full_list") and analysis.answer_type == "list" and not checked.extractive):
            # "点了哪些灯具" answered "如路灯、广告灯等" of a sentence that lists four: the sentence, as the plan
            # words it, gives the whole list
            # (any sentence of a cited clause: the quote a citation shows is the one of its first claim)
            by_n = {it.n: it for it in items}
            for c in checked.citations:
                for sentence in (x.text.strip() for x in (by_n[c.n].all_sentences if c.n in by_n else ())):
                    if sentence not in text and _part_of_list(text, sentence):
                        text += prompts.DECIDING_SENTENCE.format(title=c.doc_title, label=c.clause, quote=sentence,
                                                                 n=c.n)
        if (s.grounding and s.enabled("wording_asked") and WORDING_ASKED.search(standalone)
                and not checked.extractive):
            # "路灯那句原话咋说": each claim's own sentence of the clause it cites, as the plan words it (a clause
            # cited for two claims has a quote for one of them only)
            by_n = {c.n: c for c in checked.citations}
            for claim in parse_claims(checked.text):
                for c in (by_n[n] for n in claim.cited if n in by_n):
                    sentence = self._deciding_sentence(claim.text, c, items)
                    if sentence and sentence not in text:
                        text += prompts.DECIDING_SENTENCE.format(title=c.doc_title, label=c.clause, quote=sentence, n=c.n)
        unknown = list(scope.out_of_scope)
        if s.enabled("written_places"):
            # ("有没有提到甲县和乙县" answered from the clause that names them: the note would deny what it cites)
            cited = {(c.doc_title, c.clause) for c in checked.citations}
            written = "".join(it.clause_text for it in items if (it.doc_title, it.label) in cited)
            unknown = [n for n in unknown if n not in written]
        if unknown and not scope.is_out_of_scope:
            text += prompts.PARTIAL_SCOPE_NOTE.format(names="、".join(unknown))
        notes = list(checked.notes) + (["生成被取消"] if cancelled else [])
        return Answer(question=question, text=text, citations=tuple(checked.citations), hits=tuple(hits),
                      refused=False, extractive=checked.extractive, rewritten_question=standalone, scope=scope,
                      raw_text=raw, notes=tuple(notes), timings=t)
