"""Turn retrieved hits into numbered evidence items for the prompt.

Each item is one clause, labelled with its document title and clause label. Within a long
clause only the sentences relevant to the question are kept (plus the clause heading), so that
4–5 items fit in about 700 prompt tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answer.cues import ASKS_DOCNUMBER as _ASKS_DOCNUMBER
from qa.answer.cues import ASKS_ENTITY as _ASKS_ENTITY
from qa.answer.cues import ASKS_FIGURE as _ASKS_FIGURE
from qa.answer.cues import BODY_AS_OBJECT as _BODY_AS_OBJECT
from qa.answer.cues import BODY_WORD as _BODY_WORD
from qa.answer.cues import CHOICE as _CHOICE
from qa.answer.cues import RESPONSIBILITY as _RESPONSIBILITY
from qa.answer.cues import STRONG_QUESTION as _STRONG_QUESTION
from qa.answer.cues import WHO_IN_ASK as _WHO_IN_ASK
from qa.answer.prompts import format_evidence_item
from qa.index.keyword import char_tokens
from qa.types import Hit

_SENT_END = re.compile(r"(?<=[。；！？])|\n+|(?=(?<![\d.])\d{1,2}[.．、](?!\d))")
#: a document number such as 川府发〔2022〕20号 or 渝环〔2023〕71号
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}〔\d{4}〕\s*\d+\s*号")


def cover_numbers(text: str) -> list[str]:
    """A cover letter's own document numbers: the lines that are a number and nothing else (numbers inside
    sentences are documents it cites), whitespace removed, in order."""
    return [flat for line in text.split("\n") if DOC_NUMBER.fullmatch(flat := re.sub(r"\s+", "", line))]


_DEPT_PAREN = re.compile(r"[（(][^（）()]*(?:负责|牵头|配合)[^（）()]*[）)]\s*$")
#: a signature line of a cover letter: one to four issuing bodies separated by spaces
_SIGNATURE = re.compile(r"^(?:[\u4e00-\u9fff（）]{2,20}(?:局|委员会|厅|委|政府|办公室|中心|部门)\s*){1,4}$")


def asked_sentence(question: str) -> str:
    """The sentence of the question that asks: the last one with a question word or mark ("…不是说由区里牵头
    吗？名单有哪些？" asks for the list, not who leads)."""
    sentences = [s for s in re.split(r"(?<=[？?])", question) if s.strip(" ？?")]
    asking = [s for s in sentences if _STRONG_QUESTION.search(s) or re.search(r"[？?]", s)]
    return (asking or sentences or [question])[-1]


def asks_who(question: str) -> bool:
    """Does the question ask which department or body is responsible / issued it? Read in the sentence that
    asks (a premise before it may name who leads), and not of a department that is the object of 对
    ("对…部门会采取什么措施")."""
    if asks_doc_number(question) or _ASKS_ENTITY.search(question) or not _RESPONSIBILITY.search(question):
        return False  # ("哪家企业牵头" asks for a company, not a department)
    asked = asked_sentence(question)
    if _CHOICE.search(asked) and not _WHO_IN_ASK.search(asked) and not _BODY_WORD.search(asked):
        return False  # "是自己组织，还是配合上级开展？": a choice of how to act
    if not _RESPONSIBILITY.search(_BODY_AS_OBJECT.sub("", asked)):
        return bool(_WHO_IN_ASK.search(asked)) and not _BODY_AS_OBJECT.search(asked)
    return True


def asks_doc_number(question: str) -> bool:
    return bool(_ASKS_DOCNUMBER.search(question))


def names_bodies(sentence: str) -> bool:
    """A department parenthesis ("（…按职责分工负责）") or a signature line of issuing bodies."""
    from qa.corpus.structure import trailing_parenthesis

    lines = [x for x in sentence.strip().split("\n") if x.strip()]
    return bool(_DEPT_PAREN.search(sentence) or trailing_parenthesis(sentence)
                or (lines and all(_SIGNATURE.match(x.strip()) for x in lines)))


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the document's normalised text
    end: int


@dataclass(frozen=True)
class EvidenceItem:
    n: int
    hit: Hit
    doc_title: str
    label: str
    heading: str
    clause_text: str  # the whole clause (for checking)
    clause_start: int
    sentences: tuple[Sentence, ...]  # the sentences shown to the model (clause order)
    all_sentences: tuple[Sentence, ...]
    departments: tuple[str, ...]

    @property
    def shown_text(self) -> str:
        return "".join(s.text for s in self.sentences)

    def answers_nothing(self, sentence: str, wants_dept: bool = False) -> bool:
        """A bare clause heading ("（五）推动能源转型。") answers nothing; a department parenthesis or a
        signature line answers only a who-question (``wants_dept``)."""
        bare = sentence.strip("。；： ")
        return bare in (self.heading, self.label + self.heading) or (not wants_dept and names_bodies(sentence))

    def block(self) -> str:
        text = self.shown_text
        # the clause's own first sentence repeats the label line ("（五）推动…。"): show it once
        first = self.sentences[0].text if self.sentences else ""
        if first and self.heading and self.heading in first and len(first) <= len(self.label) + len(self.heading) + 2:
            text = text[len(first):] or first
        return format_evidence_item(self.n, self.doc_title, self.label, self.heading, text)


def split_sentences(text: str, base: int = 0) -> list[Sentence]:
    """Sentences with their offsets (base = offset of `text` in the document)."""
    out: list[Sentence] = []
    pos = 0
    for piece in _SENT_END.split(text):
        if piece is None:
            continue
        idx = text.find(piece, pos) if piece else pos
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            s = piece.strip()
            out.append(Sentence(s, base + idx + lead, base + idx + lead + len(s)))
        pos = idx + len(piece)
    return _merge_signatures(text, base, out)


def _merge_signatures(text: str, base: int, sentences: list[Sentence]) -> list[Sentence]:
    """Consecutive signature lines (the issuing bodies of a cover letter) become one sentence."""
    merged: list[Sentence] = []
    for s in sentences:
        prev = merged[-1] if merged else None
        if prev is not None and _SIGNATURE.match(s.text) and _SIGNATURE.match(prev.text.split("\n")[-1]):
            merged[-1] = Sentence(text[prev.start - base:s.end - base], prev.start, s.end)
        else:
            merged.append(s)
    return merged


def overlap(a_tokens: set[str], text: str) -> float:
    """Share of a's keyword tokens (CJK bigrams, numbers) found in text."""
    if not a_tokens:
        return 0.0
    tt = set(char_tokens(text))
    return len(a_tokens & tt) / len(a_tokens)


def _bigrams(text: str) -> set[str]:
    return {t for t in char_tokens(text) if len(t) >= 2}


class SentenceScorer:
    """How well a sentence answers the question: keyword overlap, plus a bonus for a figure when
    the question asks for one, for department names when it asks who, for a document number when
    it asks for one. Shared by evidence selection and the extractive fallback."""

    def __init__(self, question: str, figure_bonus: float) -> None:
        self.tokens = _bigrams(question)
        self.figure_bonus = figure_bonus if _ASKS_FIGURE.search(question) else 0.0
        self.wants_dept = asks_who(question)
        self.wants_number = asks_doc_number(question)

    def __call__(self, text: str) -> float:
        score = overlap(self.tokens, text)
        if self.figure_bonus and re.search(r"\d", text):
            score += self.figure_bonus
        if self.wants_dept and names_bodies(text):
            score += 1.0
        if self.wants_number and DOC_NUMBER.search(text):
            score += 1.0
        return score


def select_sentences(question: str, sentences: Sequence[Sentence], heading: str, budget_chars: int,
                     keep_best: bool = True, term: str = "") -> list[Sentence]:
    """Keep the heading sentence and the sentences that best match the question, in clause order.
    ``keep_best``: the best-matching sentence is shown even when it is longer than the budget (a long
    sentence that answers is not dropped for short ones that do not). ``term``: the sentences that write it are shown
    too, whatever the budget (what "提没提X" asks about is decided by them)."""
    if sum(len(s.text) for s in sentences) <= budget_chars:
        return list(sentences)
    scorer = SentenceScorer(question, figure_bonus=0.15)
    scored = [(scorer(s.text), i) for i, s in enumerate(sentences)]
    keep = {0} if sentences and heading and sentences[0].text.startswith(heading[:6]) else set()
    if scorer.wants_dept:  # who is responsible / who issued it: always shown, whatever the budget
        keep |= {i for i, s in enumerate(sentences) if names_bodies(s.text)}
    if term:
        keep |= {i for i, s in enumerate(sentences) if term in s.text}
    best = max(scored, key=lambda x: (x[0], -x[1]), default=(0.0, 0))
    if keep_best and best[0] > 0:
        keep.add(best[1])
    used = sum(len(sentences[i].text) for i in keep)
    for score, i in sorted(scored, key=lambda x: (-x[0], x[1])):
        if i in keep:
            continue
        if score <= 0 and keep:
            break
        if used + len(sentences[i].text) > budget_chars and keep:
            continue
        keep.add(i)
        used += len(sentences[i].text)
    return [sentences[i] for i in sorted(keep)]


def clause_span(unit: dict, chunk) -> tuple[str, int]:
    """The text of a hit's clause and its offset in the document's normalised text: the clause unit's
    (``unit``, from the index) when there is one, else the chunk's own."""
    return unit.get("text") or chunk.text, int(unit.get("start", chunk.start if "text" not in unit else 0))


def build_evidence(question: str, hits: Sequence[Hit], unit_lookup, budget_chars: int = 120,
                   keep_best: bool = True, first_budget: int = 0, term: str = "") -> list[EvidenceItem]:
    """Evidence items [1..n] for the hits. `unit_lookup(doc_id, label)` returns the clause unit
    (dict with text/start/heading/departments) or None (then the chunk text is used). ``first_budget``: a
    larger budget for the first item (a question that asks for every item of a list). ``term``: what a yes/no question
    asks whether the documents mention; the sentences that write it are shown."""
    items = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        unit = unit_lookup(c.doc_id, c.label) or {}
        text, start = clause_span(unit, c)
        sentences = split_sentences(text, start)
        budget = max(budget_chars, first_budget) if n == 1 else budget_chars
        chosen = select_sentences(question, sentences, c.heading, budget, keep_best, term)
        items.append(EvidenceItem(n, hit, c.doc_title, c.label, c.heading, text, start, tuple(chosen),
                                  tuple(sentences), tuple(unit.get("departments") or c.departments)))
    return items
