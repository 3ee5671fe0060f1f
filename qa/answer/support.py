"""Does the evidence state the figure a question asks for?

A question for the figure of one indicator (say a city's coal share) can retrieve the right clause while
that clause gives a figure only for another indicator (the non-fossil share). A small model then answers with the wrong figure, and the
citation checker cannot object (the figure is in the cited clause). This module decides, before the
model is called, whether any evidence sentence that contains a figure is about what the question
asks: the IDF-weighted share of the question's content bigrams that the best one or two
figure-bearing sentences cover.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from qa.answer.cues import ACRONYM, ACRONYM_TERMS, CJK_COUNT, FUNCTION_CHARS
from qa.answer.cues import ASKS_QUANTITY as _ASKS_QUANTITY
from qa.answer.cues import QUESTION_NOISE as _NOISE
from qa.answer.evidence import split_sentences

_FIGURE = re.compile(r"\d")


def cjk_bigrams(text: str) -> set[str]:
    """The character bigrams inside the runs of Chinese characters of ``text``."""
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


def acronyms_in_words(text: str) -> str:
    """``text`` with each acronym the plans spell out in Chinese written their way ("PM2.5浓度" → "细颗粒物浓度"),
    so that its words count in the bigram measures below (an acronym has no Chinese bigrams of its own)."""
    return ACRONYM.sub(lambda m: ACRONYM_TERMS.get(m.group(0).upper(), m.group(0)), text)


def missing_acronyms(text: str, documents: str) -> list[str]:
    """The acronyms of ``text`` that ``documents`` write neither as such nor in Chinese (:data:`ACRONYM_TERMS`)."""
    flat = documents.upper()
    return [a for a in ACRONYM.findall(text)
            if a.upper() not in flat and ACRONYM_TERMS.get(a.upper(), a.upper()) not in flat]


def content_bigrams(text: str, strip: Sequence[str] = ()) -> set[str]:
    """:func:`cjk_bigrams` of ``text`` less the names in ``strip`` and the bigrams made only of
    phrasing characters (要, 达到, 的…: :data:`qa.answer.cues.FUNCTION_CHARS`)."""
    for name in sorted(strip, key=len, reverse=True):
        text = text.replace(name, " ")
    return {b for b in cjk_bigrams(text) if not FUNCTION_CHARS.issuperset(b)}


def word_bigrams(text: str, strip: Sequence[str] = ()) -> set[str]:
    """The stricter :func:`content_bigrams`: no phrasing character in the bigram at all ("消费比重", not
    "要达" or "比重要"): the words a subject is named with."""
    return {b for b in content_bigrams(text, strip) if not FUNCTION_CHARS.intersection(b)}


#: how far apart the two words of a term may stand in a sentence that writes it ("农膜和农药包装废弃物回收" writes
#: 农膜回收)
APART_GAP = 12


def writes_apart(term: str, text: str, gap: int = APART_GAP) -> bool:
    """Does ``text`` write ``term`` as two words, in order, at most ``gap`` characters apart ("农膜回收" in
    "加快农膜和农药包装废弃物回收处理")? Each word is two Chinese characters or more."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{4,}", term):
        return False
    for cut in range(2, len(term) - 1):
        head, tail = term[:cut], term[cut:]
        for m in re.finditer(re.escape(head), text):
            at = text.find(tail, m.end())
            if 0 <= at - m.end() <= gap and not re.search(r"[。；;！？!?\n]", text[m.end():at]):
                return True
    return False


#: how much longer than its abbreviation a full form may be ("夜修摊位" of "夜市维修摊位": half again)
ABBREVIATION_STRETCH = 1.5


def abbreviates(short: str, full: str) -> bool:
    """Is ``short`` a Chinese abbreviation of ``full``: its characters in order, the first and the last the
    same, ``full`` at most :data:`ABBREVIATION_STRETCH` times as long ("夜修摊位" of "夜市维修摊位")? Two characters
    or fewer abbreviate nothing (too many chance matches)."""
    if len(short) < 3 or len(full) <= len(short) or len(full) > ABBREVIATION_STRETCH * len(short):
        return False
    if short[0] != full[0] or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(c in rest for c in short)


def writes_abbreviated(term: str, text: str) -> bool:
    """Does ``text`` write ``term`` in full, of which ``term`` is an abbreviation (:func:`abbreviates`): "夜修摊位"
    in "规范夜市维修摊位经营"? Only a term of four Chinese characters or more."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{4,}", term):
        return False
    longest = int(ABBREVIATION_STRETCH * len(term))
    gaps = "".join(f"[\u4e00-\u9fff]{{0,{longest - len(term)}}}?{re.escape(c)}" for c in term[1:])
    pattern = re.compile(re.escape(term[0]) + gaps)
    return any((span := pattern.match(text, m.start(), m.start() + longest)) and abbreviates(term, span.group(0))
               for m in re.finditer(re.escape(term[0]), text))


class FigureSupport:
    """IDF over the corpus sentences, then coverage of a question by figure-bearing sentences."""

    def __init__(self, texts: Iterable[str], region_names: Iterable[str] = (), acronyms: bool = True) -> None:
        self.acronyms = acronyms  # read a question's acronyms as the plans write them (PM2.5 → 细颗粒物)
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            for s in split_sentences(text):
                n += 1
                for b in cjk_bigrams(s.text):
                    df[b] = df.get(b, 0) + 1
        self.n = max(n, 1)
        self.df = df
        self.regions = sorted(set(region_names), key=len, reverse=True)

    def idf(self, bigram: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(bigram, 0)))

    def asks_quantity(self, question: str) -> bool:
        return bool(_ASKS_QUANTITY.search(question))

    def content(self, question: str) -> set[str]:
        q = acronyms_in_words(question) if self.acronyms else question
        for r in self.regions:
            q = q.replace(r, " ")
        return cjk_bigrams(_NOISE.sub(" ", q))

    def sentence_coverage(self, question: str, clause_texts: Sequence[str]) -> float:
        """Best IDF-weighted coverage of the question's content by one sentence, with a figure or not."""
        wanted = self.content(question)
        if not wanted:
            return 1.0
        return self.best_share(wanted, (cjk_bigrams(s.text) for t in clause_texts for s in split_sentences(t)))

    def weighted_share(self, wanted: set[str], held: set[str]) -> float:
        """IDF-weighted share of the bigrams ``wanted`` that ``held`` has; 0.0 when nothing is wanted."""
        return self.best_share(wanted, (held,))

    def best_share(self, wanted: set[str], helds: Iterable[set[str]]) -> float:
        """The best :meth:`weighted_share` of ``wanted`` among ``helds`` (each a sentence's bigrams), the weights
        summed once; 0.0 when nothing is wanted or nothing is held."""
        total = sum(self.idf(b) for b in wanted)
        if not total:
            return 0.0
        return max((sum(self.idf(b) for b in wanted & held) / total for held in helds), default=0.0)

    def share(self, question: str, text: str, within: str = "") -> float:
        """IDF-weighted share of the question's content words that ``text`` has, counting only the words
        that ``within`` (a sentence that ``text`` is part of) has, when given."""
        wanted = self.content(question)
        if within:
            wanted &= cjk_bigrams(within)
        return self.weighted_share(wanted, cjk_bigrams(text))

    def coverage(self, question: str, clause_texts: Sequence[str]) -> float:
        """Best IDF-weighted coverage of the question's content by one or two figure sentences."""
        wanted = self.content(question)
        if not wanted:
            return 1.0
        total = sum(self.idf(b) for b in wanted)
        sents = [cjk_bigrams(s.text) & wanted for t in clause_texts for s in split_sentences(t)
                 if _FIGURE.search(s.text) or CJK_COUNT.search(s.text)]
        if not sents:
            return 0.0

        def weight(bs: set[str]) -> float:
            return sum(self.idf(b) for b in bs) / total

        best = max(sents, key=weight)
        pair = max((weight(best | s) for s in sents), default=weight(best))
        return max(weight(best), pair)


def document_mentions(text: str, titles: Iterable[str]) -> list[str]:
    """The spans of ``text`` that name a document by words of its title and end in 方案/文件 ("省减污降碳方案",
    "某市十四五节能方案" when the title is "某市“十四五”节能工作方案"): every character before 方案 is one of
    that title's. They say which document is asked of (scope detection reads the title words in them), not what the
    question is about (the sentence a yes/no answer rests on is chosen without them)."""
    charsets = [set(re.sub(r"[^\u4e00-\u9fff]", "", t)) for t in titles]
    found: list[str] = []
    for m in re.finditer(r"方案|文件", text):
        start = m.start()
        longest = 0
        for chars in charsets:
            i = start
            while i > 0 and text[i - 1] in chars:
                i -= 1
            longest = max(longest, start - i)
        if longest >= 2:
            span = text[start - longest:m.end()]
            if span not in found:
                found.append(span)
    return found
