"""Citation parsing and checking — the one module every front end relies on.

Given the generator's raw text and the numbered evidence items:
- each [n] is mapped to (document title, clause label, quoted sentence);
- every figure (numbers, percentages, years, quantities with units) and every named body
  (department names) in a sentence must occur in the evidence it cites; a citation that does not
  support its sentence is moved to the item that does, or removed;
- a figure or body found in no evidence item, or an answer that cites nothing, makes the answer
  fall back to an extractive one that quotes the best-matching evidence sentences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from qa.answer.cues import (
    ASKED_UNIT,
    BARE_ANSWER_KIND,
    DENIAL,
    DENIED_FILLER,
    DENIED_JOIN,
    FIGURE_VERB,
    QUALIFIERS_AFTER,
    RATE_LEAD,
    RATE_TERM,
    SHARE_WORD,
    UNIT_MAGNITUDE,
)
from qa.answer.cues import ASKS_QUANTITY as _ASKS_QUANTITY
from qa.answer.cues import BASELINE_YEAR as _BASELINE
from qa.answer.cues import FUNCTION_CHARS as _FUNCTION_CHARS
from qa.answer.cues import UNIT as _UNIT
from qa.answer.cues import YEAR as _YEAR
from qa.answer.evidence import EvidenceItem, Sentence, _bigrams, overlap
from qa.answer.prompts import EXTRACTIVE_PREFIX, MODEL_REFUSAL_MARKERS
from qa.answer.support import abbreviates
from qa.types import Citation

_MARKER = re.compile(r"[\[【［]\s*(?:编号|条款|第)?\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
_SENT_SPLIT = re.compile(r"(?<=[。！？；\n])")
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*" + _UNIT + "?")
_BODY = re.compile(r"(?:省|市|区|县|国家)[\u4e00-\u9fff]{1,12}?(?:委员会|办公室|管委会|厅|局|委|办|中心|分行|公司|集团)")


#: a sentence without figures is re-cited to another clause when that clause covers at least this share of
#: its wording, and this much more than the clause the model cited (fitted on eval/dev.jsonl)
_RECITE_MIN = 0.4
_RECITE_MARGIN = 0.2


def normalize_answer(text: str) -> str:
    """Full-width digits/punctuation to ASCII for comparison (NFKC), spaces inside numbers removed."""
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d)\s+(?=[\d.%])|(?<=[\d.])\s+(?=\d)", "", t)


#: a document number (X府发〔2022〕20号): one fact, checked whole, not the figures 2022 and 20
_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号")


def document_numbers(text: str) -> list[str]:
    return [re.sub(r"\s+", "", m.group(0)) for m in _DOC_NO.finditer(normalize_answer(text))]


def figures(text: str) -> list[str]:
    """Figures worth checking: decimals, numbers of 2+ digits, or any number with a unit (a document
    number is not one: it is checked whole, see :func:`document_numbers`)."""
    out = []
    t = _DOC_NO.sub(lambda m: " " * len(m.group(0)), normalize_answer(text))
    for m in _FIGURE.finditer(t):
        num, whole = m.group(1), m.group(0).replace(" ", "")
        if len(num) >= 2 or "." in num or whole != num:
            # a list marker such as "1." or a bare ordinal is not a figure
            if whole == num and t[m.end():m.end() + 1] in (".", "、", "．"):
                continue
            out.append(whole)
    return out


def stated_figures(text: str) -> list[str]:
    """The figures of ``text`` other than years ("2025年" dates a target, it is not one)."""
    return [f for f in figures(text) if not re.fullmatch(r"20\d\d年", f)]


def restated_figure(answer: str, sentence: str) -> bool:
    """Does ``answer`` give a figure of ``sentence`` in other words than the sentence's own ("路灯亮灯率定的是60%"
    for "路灯亮灯率保持在60%以上"): the stretch of the sentence that states it, from the punctuation before to the
    figure, is not in the answer as written?"""
    given = set(stated_figures(answer))
    for m in re.finditer(r"[^，,；;：:。（）()]+", sentence):
        stretch = m.group(0).strip()
        for f in stated_figures(stretch):
            if f in given and stretch[:stretch.find(f) + len(f)] not in answer:
                return True
    return False


def asked_unit(question: str) -> str:
    """The unit a how-much question names, without its magnitude ("多少万吨" → 吨; a share → %); '' if none."""
    m = ASKED_UNIT.search(question)
    if not m:
        return ""
    return "%" if m.group(2) else UNIT_MAGNITUDE.sub("", m.group(1))


def unit_fit(question: str, text: str, abbreviated: bool = False) -> bool | None:
    """Does ``text`` give a figure in the unit the question names ("多少万吨" → a figure in 吨)? None when the
    question names no unit or ``text`` gives no figure with a unit. With ``abbreviated``, a unit asked in its
    short form is the unit written in full (:func:`abbreviates`)."""
    unit = asked_unit(question)
    given = {UNIT_MAGNITUDE.sub("", re.sub(r"^[\d.]+", "", f)) for f in stated_figures(text)}
    given.discard("")
    if not unit or not given:
        return None
    if unit == "%":
        return bool(given & {"%", "个百分点", "百分点"})
    return any(u.startswith(unit) or unit.startswith(u) or (abbreviated and abbreviates(unit, u)) for u in given)


def other_unit(question: str, text: str, abbreviated: bool = False) -> bool:
    """Does ``text`` give figures only in units other than the one the question names ("多少亿立方米" answered
    "65%")?"""
    return unit_fit(question, text, abbreviated) is False


def _fact_in(fact: str, clause_norm: str) -> bool:
    if fact in clause_norm:
        return True
    num = re.match(r"\d+(?:\.\d+)?", fact)
    if num and fact.endswith("年") and num.group(0) in clause_norm:  # 2025年 vs "2025 年" after norm
        return True
    return False


@dataclass
class Checked:
    text: str
    citations: list[Citation]
    extractive: bool = False
    refused_by_model: bool = False
    refused_no_figure: bool = False  # a "how much" answer whose figure the clauses state about something else
    misdated: str = ""  # the sentence an answer copied with its year changed ("到2030年…" from a 2025 sentence)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Claim:
    text: str  # without markers
    cited: list[int]
    tail: str  # punctuation/newline after the claim


def parse_claims(raw: str) -> list[_Claim]:
    """Split the answer into sentences and their [n] markers."""
    claims: list[_Claim] = []
    raw = re.sub(r"^\s*(回答|答)[：:]\s*", "", raw.strip())
    for piece in _SENT_SPLIT.split(raw):
        if not piece.strip():
            continue
        cited: list[int] = []
        for m in _MARKER.finditer(piece):
            for num in re.split(r"[,，、]", m.group(1)):
                if num.strip().isdigit() and int(num) not in cited:
                    cited.append(int(num))
        body = _MARKER.sub("", piece)
        stripped = body.rstrip()
        tail = ""
        while stripped and stripped[-1] in "。！？；\n":
            tail = stripped[-1] + tail
            stripped = stripped[:-1]
        claims.append(_Claim(stripped.strip(), cited, tail or ""))
    return claims


def _best_quote(item: EvidenceItem, claim: str, facts: Sequence[str]) -> Sentence:
    sents = item.all_sentences or (Sentence(item.clause_text, item.clause_start,
                                            item.clause_start + len(item.clause_text)),)
    tokens = _bigrams(claim)

    def score(s: Sentence) -> tuple[float, float]:
        norm = normalize_answer(s.text)
        return (sum(1 for f in facts if _fact_in(f, norm)), overlap(tokens, s.text))

    return max(sents, key=score)


def known_bodies(items: Sequence[EvidenceItem]) -> set[str]:
    return {d for it in items for d in it.departments if len(d) >= 3}


def bodies(text: str, vocabulary: set[str]) -> list[str]:
    found = [b for b in vocabulary if b in text]
    for m in _BODY.finditer(text):
        name = m.group(0)
        if not any(name in f or f in name for f in found):
            found.append(name)
    return found


#: a run of three or more items written with 、 (an enumeration), each item at most ``_ITEM_MAX`` characters
_ITEM_MAX = 20
_ENUMERATION = re.compile(rf"[^，,。；;：:、\[\]（）()]{{2,{_ITEM_MAX}}}(?:、[^，,。；;：:、\[\]（）()]{{2,{_ITEM_MAX}}}){{2,}}")
#: the fewest inner items (not the first or the last, which run on into the words around the list) an enumeration needs
#: for :func:`invented_items` to judge it
INVENTED_ITEMS_MIN = 3
#: an item an enumeration repeats this often is a degenerate generation, not a list
REPEATED_ITEM_MIN = 3


def invented_items(text: str, written: str) -> list[str]:
    """The items of an enumeration in ``text`` ("A、B、C、D、E") that ``written`` (the documents' text, normalised,
    without spaces) writes nowhere, when they are most of its inner items (``INVENTED_ITEMS_MIN`` or more, items
    with figures left aside: a figure is checked as a figure), or an item the enumeration repeats
    ``REPEATED_ITEM_MIN`` times: a list the model made up, not one it read. [] when there is none."""
    out: list[str] = []
    flat = normalize_answer(re.sub(r"\[\d+\]", "", text)).replace(" ", "")
    for run in _ENUMERATION.finditer(flat):
        listed = [re.sub(r"(?:等等|等)$", "", x.strip(" “”\"'")) for x in run.group(0).split("、")]
        inner = [x for x in listed[1:-1] if len(x) >= 2 and not re.search(r"\d", x)]
        unwritten = [x for x in inner if x not in written]
        if len(inner) >= INVENTED_ITEMS_MIN and 2 * len(unwritten) > len(inner):
            out += unwritten
        out += [x for x in dict.fromkeys(listed) if listed.count(x) >= REPEATED_ITEM_MIN and x not in out]
    return out


def denied_written(text: str, evidence: str) -> list[str]:
    """What an answer denies ("没有A和B", "未提到A") that ``evidence`` (the cited clauses, normalised, without spaces)
    writes as it is named: the answer contradicts the clauses it rests on. Kinds of answer ("要求", "具体数字") are
    not things a clause writes by name and are left aside."""
    out: list[str] = []
    for claim in parse_claims(text):
        for m in DENIAL.finditer(normalize_answer(claim.text).replace(" ", "")):
            for x in DENIED_JOIN.split(m.group(1)):
                x = DENIED_FILLER.sub("", x.strip(" “”\"'"))
                if len(x) >= 2 and not BARE_ANSWER_KIND.fullmatch(x) and x in evidence:
                    out.append(x)
    return out


def _strip(text: str, names: Sequence[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _figure_of_year(items: Sequence[EvidenceItem], years: Sequence[str]) -> bool:
    """Does an evidence sentence state a figure (not only a year) for one of ``years`` (any, when none)?"""
    return any(stated_figures(x.text) and (not years or any(y in x.text for y in years))
               for it in items for x in it.all_sentences)


def check_answer(raw: str, items: Sequence[EvidenceItem], question: str, strip: Sequence[str] = (),
                 years: Sequence[str] = (), *, bind_years: bool = True, qualifiers: bool = True,
                 cite_missing: bool = False, meaning: Meaning | None = None, segments: bool = True,
                 respective: bool = True, modifiers: bool = False, n_quotes: int = 2,
                 misbound_quote: bool = False, quote_hint: bool = False) -> Checked:
    """Check and repair citations; fall back to an extractive answer when the text is not grounded.
    `strip`: names (regions) ignored when comparing the claim's wording with the evidence.
    `years`: the years the question asks about; a figure must be stated for the claim's year (or, when
    the claim names none, for one of these), not for another year of the same clause (`bind_years`).
    `qualifiers`: a figure loses no 以上/左右/以内… that its sentence gives it.
    `cite_missing`: an answer that writes no [n] at all falls back to quoting (else, when every sentence
    states a figure or body found in a clause, those clauses are cited for it).
    `meaning`: scores sentences by meaning for the extractive fallback (see :func:`extractive_answer`).
    `segments` / `respective`: a figure of a listing sentence is bound to its own item (:func:`segment_binds`,
    :func:`respective_binds`); `modifiers`: and to its own name, not one that shares only the head
    (:func:`modifier_binds`). `n_quotes`: sentences the extractive fallback quotes.
    `misbound_quote`: a figure bound to what the clauses state of something else is replaced by the quotes when
    an evidence sentence states a figure for the year asked (the quotes are then checked as any quotes are),
    rather than taken to mean the plan gives no figure.
    `quote_hint`: when the answer is replaced by quotes, a sentence the model's answer copies a phrase of
    (:data:`HINT_MIN_CHARS` characters or more) is preferred among the sentences of the clause the quotes come
    from: the rejected answer still shows where in it the model read."""
    by_n = {it.n: it for it in items}
    norms = {it.n: normalize_answer(it.clause_text) for it in items}
    vocab = known_bodies(items)
    claims = parse_claims(raw)
    notes: list[str] = []
    all_text = "".join(c.text for c in claims)
    hint = all_text if quote_hint else ""
    if any(m in all_text for m in MODEL_REFUSAL_MARKERS) and not figures(all_text):
        return Checked(raw, [], refused_by_model=True, notes=["模型表示条款中没有答案"])
    final: list[tuple[_Claim, list[int], list[str]]] = []
    for claim in claims:
        if not claim.text:
            continue
        facts = figures(claim.text) + bodies(claim.text, vocab) + document_numbers(claim.text)
        valid = [n for n in claim.cited if n in by_n]
        for n in claim.cited:
            if n not in by_n:
                notes.append(f"删除不存在的引用[{n}]")
        claim_years = target_years(claim.text) or set(years)
        asked, bound_years = _strip(question, strip), (claim_years if bind_years else set())
        chosen = _cover(facts, valid, by_n, norms, claim.text, asked, bound_years, segments, respective, modifiers)
        if chosen is None:
            missing = next((f for f in facts if not any(_fact_in(f, norms[n]) for n in by_n)), None)
            if missing is not None:
                notes.append(f"“{missing}”不在任何条款中")
                return _extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint)
            notes.append(f"“{claim.text[:30]}”中的数字在条款中说的是别的事")
            if respective and _ASKS_QUANTITY.search(question) and asks_unlisted_item(facts, asked, items):
                # "畜禽粪污回收率是多少" answered with a figure of "秸秆、农膜…回收率分别达到…": the list has no
                # figure for what was asked
                return Checked(raw, [], notes=notes, refused_no_figure=True)
            if (segments or respective or modifiers) and _cover(facts, valid, by_n, norms, claim.text, asked,
                                                                bound_years, False, False, False) is not None:
                # the figure was taken from the next item of the same sentence: the sentence has the subject
                # with its own figure, so it is quoted instead
                return _extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint)
            if _ASKS_QUANTITY.search(question) and not (misbound_quote and _figure_of_year(items, years)):
                # the figure asked for is not what the clauses state (with ``misbound_quote``: and no sentence of
                # theirs gives one for the year asked; if one does, it is quoted)
                return Checked(raw, [], notes=notes, refused_no_figure=True)
            return _extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint)
        if (bind_years and not stated_figures(claim.text)
                and (copied := _misdated(claim.text, [by_n[n] for n in (valid or list(by_n))]))):
            # "到2030年，…格局基本形成" copied from the clause's 2025 sentence with the year changed
            notes.append(f"“{claim.text[:30]}”的年份与条款原句不符")
            return replace(_extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint),
                           misdated=copied)
        if facts and valid and chosen != valid:
            notes.append(f"引用[{','.join(map(str, valid))}]改为[{','.join(map(str, chosen))}]")
        if not facts:
            toks = _bigrams(claim.text)
            support = {n: overlap(toks, by_n[n].clause_text) for n in by_n}
            chosen = [n for n in valid if support[n] >= 0.2]
            best = max(support, key=lambda n: (support[n], -n)) if support else None
            if (chosen and best is not None and best not in chosen
                    and support[best] >= max(_RECITE_MIN, max(support[n] for n in chosen) + _RECITE_MARGIN)):
                # another clause says what the sentence says far better than the one the model cited
                notes.append(f"引用[{','.join(map(str, chosen))}]与句子不符，改为[{best}]")
                chosen = [best]
            if not chosen and toks:
                best = max(support, key=lambda n: (support[n], -n)) if support else None
                if best is not None and support[best] >= 0.3:
                    chosen = [best]
                    if valid:
                        notes.append(f"引用[{','.join(map(str, valid))}]与句子不符，改为[{best}]")
                elif len(claim.text) > 12 and support and max(support.values()) < 0.15:
                    notes.append(f"删除无依据的句子：{claim.text[:20]}")
                    continue
        final.append((claim, chosen, facts))
    uncited = not any(c.cited for c in claims)
    if not any(ch for _, ch, _ in final) or (uncited and (cite_missing or not all(f for _, _, f in final))):
        notes.append("回答没有引用任何条款")
        return _extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint)
    if uncited:
        # no [n] written, but every figure and body was found in its clause: cite that clause
        notes.append("回答未标注引用，已按核对结果补上")
    from qa.answer.evidence import asks_who

    if asks_who(question) and not any(bodies(c.text, vocab) for c, _, _ in final):
        notes.append("问题问的是负责部门，回答没有给出任何部门")
        return _extractive(items, question, notes, n_quotes, meaning=meaning, hint=hint)
    # renumber by first appearance and build the citations
    order: dict[int, int] = {}
    quotes: dict[int, tuple[str, list[str]]] = {}
    parts = []
    for claim, chosen, facts in final:
        if qualifiers and facts and chosen:
            claim.text = _bind_qualifiers(claim.text, facts, [by_n[n] for n in chosen], notes)
        marks = ""
        for n in chosen:
            if n not in order:
                order[n] = len(order) + 1
                quotes[n] = (claim.text, facts)
            marks += f"[{order[n]}]"
        parts.append(f"{claim.text}{marks}{claim.tail or ('。' if marks else '')}")
    if asks_who(question):
        _complete_departments(parts, order, by_n, "".join(parts), notes)
    cites = [_citation(order[n], by_n[n], *quotes[n]) for n in order]
    return Checked("".join(parts).strip(), cites, notes=notes)


def _complete_departments(parts: list[str], order: dict[int, int], by_n: dict, text: str, notes: list[str]) -> None:
    """A who-answer that names only some of a cited clause's responsible departments gets the
    clause's full department parenthesis quoted after it."""
    from qa.answer.evidence import names_bodies

    for n, k in order.items():
        item = by_n[n]
        depts = [d for d in item.departments if len(d) >= 2]
        named = [d for d in depts if d in text]
        if named and len(named) < len(depts):
            sentence = next((x for x in item.all_sentences if names_bodies(x.text)), None)
            if sentence is not None:
                parts.append(f"条款原文：{sentence.text}[{k}]")
                notes.append(f"回答只列出{len(named)}/{len(depts)}个责任单位，已附条款原文")
            return


def unchecked(raw: str, items: Sequence[EvidenceItem]) -> Checked:
    """Plain RAG (grounding off): the raw text as written, each [n] mapped to item n as cited."""
    by_n = {it.n: it for it in items}
    all_text = "".join(c.text for c in parse_claims(raw))
    refused = any(m in all_text for m in MODEL_REFUSAL_MARKERS) and not figures(all_text)
    cites: list[Citation] = []
    for claim in parse_claims(raw):
        for n in claim.cited:
            if n in by_n and all(c.n != n for c in cites):
                it = by_n[n]
                s = _best_quote(it, claim.text, figures(claim.text))
                cites.append(Citation(n, it.doc_title, it.label, s.text, it.hit.chunk.chunk_id, it.hit.chunk.doc_id,
                                      s.start, s.end))
    return Checked(raw.strip(), cites, refused_by_model=refused)


#: A figure must stand in an evidence sentence that shares this much of the claim's wording
#: (so "人均用水量下降16%" is not accepted from a sentence where 16% is about something else).
CONTEXT_MIN = 0.3
_YEAR_FACT = re.compile(r"^\d{4}年$")




def _missing_term(claim: str, sentence: str, question: str) -> str | None:
    """A term the claim takes from the question but the sentence lacks: three or more consecutive
    character bigrams, each in the question and none in the sentence ("二氧化碳排放" claimed with a
    figure from a sentence about 能源消耗). Function words ("比重要达到" vs "比重达到") stay below."""
    for run in re.findall(r"[\u4e00-\u9fff]{4,}", claim):
        start, length = 0, 0
        for i in range(len(run) - 1):
            bigram = run[i:i + 2]
            if not _FUNCTION_CHARS.intersection(bigram) and bigram in question and bigram not in sentence:
                if length == 0:
                    start = i
                length += 1
                if length >= 3:
                    return run[start:i + 2]
            else:
                length = 0
    return None


def target_years(text: str) -> set[str]:
    """Years a text sets targets for: "到2025年" counts, the baseline of "比2020年下降" does not."""
    t = normalize_answer(text)
    return {m.group(1) for m in _YEAR.finditer(t) if not _BASELINE.search(t[max(0, m.start() - 3):m.start()])}


def governing_years(sentences: Sequence[str], index: int) -> set[str]:
    """The years sentence ``index`` of a clause speaks of: its own, else those of the nearest sentence before it."""
    for i in range(index, -1, -1):
        found = target_years(sentences[i])
        if found:
            return found
    return set()


def _year_context(item: EvidenceItem, index: int) -> set[str]:
    return governing_years([s.text for s in item.all_sentences], index)


#: a figure is bound to the listed item ("…，秸秆综合利用率稳定在90%以上，畜禽粪污综合利用率达到80%以上，…")
#: whose wording the claim's subject shares; another item of the sentence that shares this much more of it
#: is what the figure was taken from by mistake (fitted on eval/dev.jsonl)
SEGMENT_MARGIN = 0.3
_SEGMENT_SPLIT = re.compile(r"[，；;,]")


def _subject_bigrams(text: str) -> set[str]:
    """The Chinese bigrams of ``text`` that name something (not only phrasing characters), stop bigrams left out."""
    return {b for b in _bigrams(text) if re.fullmatch(r"[\u4e00-\u9fff]{2}", b) and not _FUNCTION_CHARS.issuperset(b)}


def segment_binds(fact: str, claim: str, sentence: str) -> bool:
    """Does the listed item of ``sentence`` that states ``fact`` speak of the claim's subject (the claim's
    words before the figure) at least as well as the sentence's other items that state a figure?"""
    norm = normalize_answer(claim)
    pos = norm.find(fact)
    before = norm[:pos] if pos > 0 else norm
    verb = max(FIGURE_VERB.finditer(before), key=lambda m: m.start(), default=None)
    if verb is not None and verb.start() > 0:
        before = before[:verb.start()]  # the subject: what stands before the verb that binds the figure
    subject = _subject_bigrams(before)
    if len(subject) < 3:
        return True
    segments = [x for x in _SEGMENT_SPLIT.split(normalize_answer(sentence)) if x]

    def cover(seg: str) -> float:
        return len(subject & _bigrams(seg)) / len(subject)

    own = [cover(x) for x in segments if _fact_in(fact, x)]
    if not own:
        return True  # the figure spans the items: nothing to tell apart
    others = [cover(x) for x in segments if not _fact_in(fact, x) and stated_figures(x)]
    return not others or max(others) < max(own) + SEGMENT_MARGIN


#: the shortest name two items share ("综合利用率") for the words before it to tell them apart
MODIFIER_HEAD_MIN = 3
#: characters of a scope word ("全市", "省级", "本区"): such a word before a shared name tells no two items apart
_SCOPE_CHARS = frozenset("全本省市区县州级")


def _modifier(text: str) -> bool:
    """Two Chinese characters that can tell two items apart: no phrasing character, no scope word."""
    return (bool(re.fullmatch(r"[\u4e00-\u9fff]{2}", text)) and not _FUNCTION_CHARS.intersection(text)
            and not _SCOPE_CHARS.intersection(text))


def modifier_binds(fact: str, claim: str, sentence: str, question: str) -> bool:
    """Is the piece of ``sentence`` that states ``fact`` about what the claim gives it to? A claim of the
    question's "路灯节能率" with the figure of "隧道灯节能率达到N%" shares the name's head (节能率) but not the
    two characters before it: the claim's (taken from the question) are nowhere in the sentence, nor any of
    their characters in the piece's name (a name shortened, "路灯杆" for "路灯灯杆", or a slip, "路登" for
    "路灯", keeps one), and the sentence's are neither in the claim nor in the question, so the figure is
    another item's."""
    norm = normalize_answer(claim)
    pos = norm.find(fact)
    if pos <= 0:
        return True
    before = norm[:pos]
    for seg in _SEGMENT_SPLIT.split(normalize_answer(sentence)):
        at = seg.find(fact)
        if at < 0:
            continue
        m = SequenceMatcher(None, before, seg[:at], autojunk=False).find_longest_match(0, len(before), 0, at)
        # (a name that begins the text, or whose shared run takes in the modifier's last character, as
        # "路灯"/"隧道灯" share "灯节能率": the modifiers are then the two characters ending one further on)
        shift = 0 if min(m.a, m.b) >= 2 else 1
        head = FIGURE_VERB.split(before[m.a + shift:m.a + m.size])[0]
        if len(head) < MODIFIER_HEAD_MIN or not re.fullmatch(r"[\u4e00-\u9fff]+", head) or min(m.a, m.b) < 2 - shift:
            continue
        mine, theirs = before[m.a + shift - 2:m.a + shift], seg[m.b + shift - 2:m.b + shift]
        own = mine[:2 - shift]  # (the characters the two names do not share)
        if (_modifier(mine) and _modifier(theirs) and mine in question and mine not in sentence
                and not set(own) & set(seg[:m.b]) and theirs not in norm and theirs not in question):
            return False
    return True


#: the share of a rate's own words (its bigrams before the rate word) a segment must have to name it
RATE_NAMED = 0.5


def without_regions(text: str, regions: Sequence[str], by: str = "") -> str:
    """``text`` with each region name replaced by ``by`` (the longest names first: "雅安市" before "雅安")."""
    for region in sorted(regions, key=len, reverse=True):
        text = text.replace(region, by)
    return text


def asked_rates(question: str, regions: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The rates and shares a question names, as (the words before the rate word, the rate word):
    "某市到2025年路灯节能率多少" → [("某市路灯节能", "率")] (a corpus region and 的 are left out)."""
    text = without_regions(question.replace("的", ""), regions, by=" ")
    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        for m in RATE_TERM.finditer(run):
            core = RATE_LEAD.sub("", m.group(1))
            if core:
                out.append((core, m.group(2)))
    return out


def names_rate(core: str, kind: str, segment: str, known: Callable[[str], bool] | None = None) -> bool:
    """Does ``segment`` name the rate (``core`` + ``kind``, from :func:`asked_rates`)? It must have half the
    rate's own words (those ``known`` to the corpus, when given: "那个" or a typo is nobody's word) and, for
    a 率, a rate word whose name has the character before 率 ("路灯覆盖率" does not name 路灯节能率); a share
    (比重/占比/比例) is named by any share word or a percentage ("…销售量的40%" for 销售占比)."""
    wanted = {b for b in _subject_bigrams(core) if known is None or known(b)}
    if wanted and len(wanted & _bigrams(segment)) / len(wanted) < RATE_NAMED:
        return False
    if kind == "率":
        return any(core[-1] in stem for stem in re.findall(r"([\u4e00-\u9fff]{1,8})率", segment))
    return bool(SHARE_WORD.search(segment)) or "%" in segment


def rate_segments(answer_figures: Sequence[str], sentences: Sequence[str]) -> list[str]:
    """The segments of ``sentences`` (split at commas and semicolons) that state one of the answer's figures."""
    return [seg for x in sentences for seg in _SEGMENT_SPLIT.split(normalize_answer(x))
            if stated_figures(seg) and any(_fact_in(f, seg) for f in answer_figures)]


#: "A、B和C分别达到a、b和c": the items before 分别 take the figures after it in order
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到|下降|降低|提高|增长|增加|减少|控制在|稳定在|不低于|不超过)?")
#: the share of a listed item's own words a text must have to name it
ITEM_NAMED = 0.5


def respective_items(fact: str, sentence: str) -> tuple[list[str], int] | None:
    """(the items of the listing "A、B和C…分别达到a、b和c" of ``sentence`` that states ``fact``, the place of
    ``fact``'s item); None when no such listing states it."""
    for seg in _SEGMENT_SPLIT.split(normalize_answer(sentence)):
        m = _RESPECTIVELY.search(seg)
        if not m or not _fact_in(fact, seg[m.end():]):
            continue
        items = [x for x in re.split(r"、|和|及|与|以及", seg[:m.start()]) if _subject_bigrams(x)]
        values = stated_figures(seg[m.end():])
        if len(items) >= 2 and len(items) == len(values) and fact in values:
            return items, values.index(fact)
    return None


def _item_shares(items: Sequence[str], text: str) -> list[float]:
    """Each item's share of its own words that ``text`` has (so an item that carries the listing's shared
    head "…重点工程减排量" does not win by length)."""
    own = _subject_bigrams(text)
    return [len(_subject_bigrams(x) & own) / len(_subject_bigrams(x)) for x in items]


def respective_binds(fact: str, claim: str, sentence: str) -> bool:
    """In "甲、乙、丙三项污染物削减量分别达到a、b和c", ``fact`` (one of a, b, c) belongs to the item
    in the same place: the claim must name that item at least as well as any other item, and at least half of
    it. True when the sentence lists nothing that way."""
    listed = respective_items(fact, sentence)
    if listed is None:
        return True
    items, k = listed
    shares = _item_shares(items, claim)
    return shares[k] >= max(shares) and shares[k] >= ITEM_NAMED


def asks_unlisted_item(facts: Sequence[str], question: str, items: Sequence[EvidenceItem]) -> bool:
    """Is one of ``facts`` a figure of a "…分别达到…" listing that does not list what ``question`` asks about
    (it names none of the items)?"""
    for fact in facts:
        for item in items:
            for sent in item.all_sentences or ():
                listed = respective_items(fact, sent.text)
                if listed is not None and max(_item_shares(listed[0], question)) < ITEM_NAMED:
                    return True
    return False


def _misdated(claim: str, cited: Sequence[EvidenceItem]) -> str:
    """The sentence the claim copies (of the cited clauses, the one that shares most of its wording, when it shares
    most of it) when the claim gives it a target year it is not dated to; '' when it does not."""
    years = target_years(claim)
    if not years:
        return ""
    tokens = _bigrams(claim)
    best: tuple[float, set[str], str] = (0.0, set(), "")
    for item in cited:
        for i, sent in enumerate(item.all_sentences or ()):
            score = overlap(tokens, sent.text)
            if score > best[0]:
                best = (score, _year_context(item, i), sent.text)
    return best[2] if best[0] >= 0.6 and best[1] and not (best[1] & years) else ""


def _in_context(fact: str, claim_tokens: set[str], item: EvidenceItem, claim: str = "", question: str = "",
                years: set[str] | frozenset[str] = frozenset(), segments: bool = True,
                respective: bool = True, modifiers: bool = False) -> bool:
    """Is `fact` stated in `item` in a sentence about what the claim says, and for the claim's year?
    Years and bodies always pass; the wording check is skipped for claims too short to judge."""
    if _YEAR_FACT.match(fact) or not re.match(r"\d", fact):
        return True
    for i, sent in enumerate(item.all_sentences or ()):
        if not _fact_in(fact, normalize_answer(sent.text)):
            continue
        if years and (context := _year_context(item, i)) and not (context & years):
            continue  # the figure is stated for another year
        if len(claim_tokens) < 4 or (overlap(claim_tokens, sent.text) >= CONTEXT_MIN
                                     and not _missing_term(claim, sent.text, question)
                                     and (not segments or segment_binds(fact, claim, sent.text))
                                     and (not respective or respective_binds(fact, claim, sent.text))
                                     and (not modifiers or modifier_binds(fact, claim, sent.text, question))):
            return True
    return not item.all_sentences


def _bind_qualifiers(text: str, facts: Sequence[str], items: Sequence[EvidenceItem], notes: list[str]) -> str:
    """"3万台" claimed from "3万台以上": the qualifier is part of the figure, so it is put back."""
    for fact in facts:
        if not re.match(r"\d", fact) or _YEAR_FACT.match(fact):
            continue
        pos = text.find(fact)
        if pos < 0:
            continue
        after = text[pos + len(fact):]
        if after.startswith(QUALIFIERS_AFTER):
            continue
        for it in items:
            source = normalize_answer(it.clause_text)
            j = source.find(fact)
            qual = next((q for q in QUALIFIERS_AFTER if j >= 0 and source.startswith(q, j + len(fact))), None)
            if qual:
                text = text[:pos + len(fact)] + qual + after
                notes.append(f"补全限定词：{fact}{qual}")
                break
    return text


def _cover(facts: Sequence[str], cited: Sequence[int], by_n: dict, norms: dict[int, str],
           claim: str, question: str = "", years: set[str] | frozenset[str] = frozenset(),
           segments: bool = True, respective: bool = True, modifiers: bool = False) -> list[int] | None:
    """The fewest evidence items that hold every fact, preferring the ones the model cited.
    None if some fact is in no item at all."""
    if not facts:
        return list(cited)
    toks = _bigrams(claim)

    def holds(f: str, n: int) -> bool:
        if not _fact_in(f, norms[n]):
            return False
        if _in_context(f, toks, by_n[n], claim, question, years, segments, respective, modifiers):
            return True
        # "A和B，2025年A稳定在90%以上": a claim that first restates the question is judged by the words that
        # state the figure (its own comma-separated piece, with the pieces before it while it names too little)
        own = _own_piece(f, claim)
        return bool(own) and own != claim and _in_context(f, _bigrams(own), by_n[n], own, question, years, segments,
                                                          respective, modifiers)

    holders = {f: {n for n in by_n if holds(f, n)} for f in facts}
    if any(not h for h in holders.values()):
        return None

    def pref(n: int) -> tuple[int, float, int]:
        return (n in cited, overlap(toks, by_n[n].clause_text), -n)

    chosen: list[int] = []
    uncovered = set(facts)
    while uncovered:
        best = max(by_n, key=lambda n: (sum(1 for f in uncovered if n in holders[f]), *pref(n)))
        chosen.append(best)
        uncovered = {f for f in uncovered if best not in holders[f]}
    return sorted(chosen, key=lambda n: (cited.index(n) if n in cited else len(cited), n))


def _own_piece(fact: str, claim: str) -> str:
    """The comma-separated piece of ``claim`` that states ``fact``, with the pieces before it while it has
    fewer than three content bigrams ('' when the fact stands in no single piece)."""
    pieces = [x for x in _SEGMENT_SPLIT.split(claim) if x]
    at = next((i for i, x in enumerate(pieces) if fact in normalize_answer(x)), None)
    if at is None:
        return ""
    own = pieces[at]
    while at > 0 and len(_subject_bigrams(re.sub(r"[\d.%]+", "", own))) < 3:
        at -= 1
        own = pieces[at] + "，" + own
    return own


def _citation(k: int, item: EvidenceItem, claim: str, facts: Sequence[str]) -> Citation:
    s = _best_quote(item, claim, facts)
    c = item.hit.chunk
    return Citation(k, item.doc_title, item.label, s.text, c.chunk_id, c.doc_id, s.start, s.end)


#: (question, sentences) -> cosine similarity of each sentence to the question (the embedding model)
Meaning = Callable[[str, Sequence[str]], Sequence[float]]
#: Weight of the meaning score against the keyword score when choosing sentences to quote.
MEANING_WEIGHT = 3.0
#: what a clause's retrieval rank costs a sentence in the extractive fallback (fitted on dev: 0.05 → 0.1 raised
#: citation precision 92.0% → 92.7% with key facts unchanged; 0.3 lost key facts)
QUOTE_RANK_PENALTY = 0.1
#: a sentence the model's rejected answer copies this many characters of in a row is where it read (set, not
#: fitted: 6 characters is a phrase rather than a shared word pair; the bonus, 0.5, outweighs the word-overlap
#: differences between the sentences of one clause, and applies only within the clause the quotes come from)
HINT_MIN_CHARS = 6
HINT_BONUS = 0.5
_PUNCT = re.compile(r"[\s，,。；;：:、（）()“”\"'！!？?\[\]【】《》0-9]")


def extractive_answer(items: Sequence[EvidenceItem], question: str, notes: Sequence[str],
                      meaning: Meaning | None = None, prefix: str = EXTRACTIVE_PREFIX, n_quotes: int = 2,
                      hint: str = "") -> Checked:
    """The extractive fallback, for callers outside the checker (``hint``: the model's rejected answer, as for
    :func:`check_answer`'s ``quote_hint``)."""
    return _extractive(items, question, list(notes), n_quotes, meaning=meaning, prefix=prefix, hint=hint)


def quoted_writing(items: Sequence[EvidenceItem], terms: Sequence[str], notes: Sequence[str],
                   n_quotes: int = 2, prefix: str = EXTRACTIVE_PREFIX) -> Checked | None:
    """The evidence sentences that write ``terms`` (normalised, spaces left out), quoted and cited, in the order of
    the evidence (at most ``n_quotes``); None when no sentence writes one. For an answer that denied what they write:
    where the clause writes it answers whether it does."""
    chosen: list[tuple[EvidenceItem, Sentence]] = []
    for it in items:
        for sent in it.all_sentences:
            flat = normalize_answer(sent.text).replace(" ", "")
            if any(t in flat for t in terms) and len(chosen) < n_quotes:
                chosen.append((it, sent))
    return _quoting(chosen, list(notes), prefix) if chosen else None


def _quoting(chosen: Sequence[tuple[EvidenceItem, Sentence]], notes: list[str], prefix: str) -> Checked:
    """An extractive answer of the sentences ``chosen`` (with the item each stands in), each quoted with its
    title and clause and cited, one number per item."""
    cites: list[Citation] = []
    lines = [prefix]
    numbers: dict[int, int] = {}
    for it, sent in chosen:
        if it.n not in numbers:
            numbers[it.n] = len(numbers) + 1
            c = it.hit.chunk
            cites.append(Citation(numbers[it.n], it.doc_title, it.label, sent.text, c.chunk_id, c.doc_id,
                                  sent.start, sent.end))
        lines.append(f"《{it.doc_title}》{it.label}：{sent.text}[{numbers[it.n]}]")
    return Checked("\n".join(lines), cites, extractive=True, notes=notes)


def copied_chars(hint: str, sentence: str) -> int:
    """The longest run of characters (punctuation and spaces left out) that ``hint`` copies from ``sentence``."""
    a, b = _PUNCT.sub("", hint), _PUNCT.sub("", sentence)
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _extractive(items: Sequence[EvidenceItem], question: str, notes: list[str], n_quotes: int = 2,
                meaning: Meaning | None = None, prefix: str = EXTRACTIVE_PREFIX, hint: str = "") -> Checked:
    """Quote the evidence sentences that best match the question, with their citations. ``hint``: the
    model's rejected answer; a sentence of the best-matching clause that it copies a phrase of gets
    :data:`HINT_BONUS`."""
    from qa.answer.evidence import SentenceScorer

    scorer = SentenceScorer(question, figure_bonus=0.1)
    ranked = []
    for rank, it in enumerate(items[:3]):
        for s in it.all_sentences:
            if it.answers_nothing(s.text, scorer.wants_dept):
                continue
            ranked.append((scorer(s.text) - QUOTE_RANK_PENALTY * rank, rank, s.start, it, s))
    if meaning is not None and ranked:
        # by meaning as well as by words: a paraphrased question shares few words with its answer
        sims = list(meaning(question, [r[4].text for r in ranked]))
        top = max(sims)
        ranked = [(score + MEANING_WEIGHT * (sim - top), *rest) for (score, *rest), sim in zip(ranked, sims, strict=True)]
    ranked.sort(key=lambda x: (-x[0], x[1], x[2]))
    if hint and ranked:
        # (only within the clause the question's words pick: a phrase the model copied from another clause
        # does not move the quotes there)
        first = ranked[0][3]
        ranked = [(score + (HINT_BONUS if it is first and copied_chars(hint, sent.text) >= HINT_MIN_CHARS else 0.0),
                   rank, start, it, sent) for score, rank, start, it, sent in ranked]
        ranked.sort(key=lambda x: (-x[0], x[1], x[2]))
    # quote the best clause; another clause only when it matches the question about as well
    # (a comparison across documents), so that the extract does not cite a side clause
    best = ranked[:1]
    rest = [r for r in ranked[1:] if r[3] is best[0][3] or r[0] >= max(0.3, 0.9 * best[0][0])] if best else []
    chosen = best + rest[: n_quotes - 1]
    chosen.sort(key=lambda x: (x[1], x[2]))
    return _quoting([(it, sent) for _, _, _, it, sent in chosen], notes, prefix)
