"""Scope detection: which documents or regions a question names.

Everything is derived from the indexed documents' metadata (region, title), not from a
hard-coded list: a region named in the question restricts retrieval to that region's documents;
distinctive title words ("节能减排", "减污降碳") boost their documents; a place or a 《document》 the
corpus does not hold is reported as out of scope so the answering step can decline.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from qa.answer.support import document_mentions
from qa.answer.cues import GENERIC_PLACES, INSTITUTION_TAIL, PROVINCE_PLAN, PROVINCE_WORDS, QUOTED_NAME  # "哪个城市" names no region
from qa.types import Scope

_ADMIN_SUFFIX = re.compile(r"(省|市|自治区|特别行政区|自治州|地区|州|盟|县|区)$")
#: Title words that name a document's genre rather than its topic.
_GENERIC_TITLE_WORDS = {"方案", "行动", "实施", "工作", "综合", "行动方案", "实施方案", "工作方案", "关于", "印发", "通知"}
#: Suffixes of natural or economic areas (not administrative regions): 长江流域, 成渝地区.
_AREA_SUFFIX = re.compile(r"(流域|干流|沿线|地区|经济带|经济圈|平原|盆地|库区|段|江|河|湖|山)$")
_QUOTED_TITLE = re.compile(r"[《«<]([^》»>]{2,60})[》»>]")
_jieba_lock = threading.Lock()


_TITLE_TOKENIZER = None


def without_quoted_names(text: str) -> str:
    """``text`` with each quoted name blanked out (same length): a region inside one ("“美丽四川”建设") is not a
    region the question is about; a quoted plan name is kept (``QUOTED_NAME``)."""
    return QUOTED_NAME.sub(lambda m: " " * len(m.group(0)), text)


def without_institution_names(text: str, aliases: Iterable[str], written: str | None = None) -> str:
    """``text`` with each region name that is part of an institution's name blanked out (same length): "四川灯具大学"
    or "乙镇雅安照明有限公司" names an institution, not a region the question is about. With ``written`` (the documents'
    text), only a name the documents write: the asker's own workplace ("我在甲市公交集团…") says where the asker is."""
    for alias in sorted(aliases, key=lambda a: (-len(a), a)):
        for m in re.finditer(re.escape(alias), text):
            tail = INSTITUTION_TAIL.match(text, m.end())
            if tail and (written is None or text[m.start():tail.end()] in written):
                text = text[:m.start()] + " " * len(alias) + text[m.end():]
    return text


def place_names(text: str) -> list[str]:
    """The particular places a text names (jieba's place words: "成都市", "雨城区"), not "城市" or "各地"."""
    import jieba.posseg as pseg

    with _jieba_lock:
        words = list(pseg.cut(text))
    out, at = [], 0
    for w in words:
        # ("那川十四五方案…", "那疆电入渝…": 那/这 that opens a sentence points back, and the place word jieba
        # glued it to is no place)
        pointing = w.word[0] in "那这" and (at == 0 or not re.match(r"[\u4e00-\u9fff]", text[at - 1]))
        if (w.flag == "ns" and len(w.word) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w.word)
                and w.word not in GENERIC_PLACES and not pointing):
            out.append(w.word)
        at += len(w.word)
    return out


def city_name(place: str) -> bool:
    """Is ``place`` the short name of a city or county ("镇江" of 镇江市), not a river ("岷江")? (jieba's
    dictionary holds the administrative name.)"""
    import jieba

    jieba.dt.check_initialized()
    return any(jieba.get_FREQ(place + suffix) for suffix in ("市", "县", "区", "州"))


def _title_tokenizer():
    """A private jieba tokenizer with the stock dictionary: title words must not depend on the words
    other detectors added to jieba's global dictionary (that made scopes differ between runs)."""
    global _TITLE_TOKENIZER
    with _jieba_lock:
        if _TITLE_TOKENIZER is None:
            import jieba

            _TITLE_TOKENIZER = jieba.Tokenizer()
        return _TITLE_TOKENIZER


def region_aliases(region: str) -> set[str]:
    """'雅安市' → {'雅安市', '雅安'}; '四川省' → {'四川省', '四川'}."""
    region = region.strip()
    if not region:
        return set()
    out = {region}
    short = _ADMIN_SUFFIX.sub("", region)
    if len(short) >= 2:
        out.add(short)
    return out


class ScopeDetector:
    def __init__(self, documents: Mapping[str, Mapping[str, Any]], corpus_text: str, mentions: bool = True,
                 titled: bool = True, institutions: bool = True) -> None:
        """``mentions``: title words are looked for in the words that name a document ("省减污降碳行动方案"),
        when the question has such words, not in the rest of it (switched off for an ablation run). ``titled``: with
        no region named, words that name one document only ("十四五节能减排方案") scope the question to it.
        ``institutions``: a region's name inside the name of an institution the documents write ("四川灯具大学") names no
        region."""
        self.titled = titled
        self.institutions = institutions
        self.documents = documents
        self.mentions = mentions
        self.titles = [str(m.get("title", "")) for m in documents.values()]
        self.corpus_text = corpus_text
        self.alias_to_docs: dict[str, set[str]] = {}
        self.title_words: dict[str, set[str]] = {}
        self.province_docs = {d for d, m in documents.items() if str(m.get("region", "")).endswith("省")}
        import jieba

        jieba.setLogLevel(60)
        for doc_id, meta in documents.items():
            for alias in region_aliases(str(meta.get("region", ""))):
                self.alias_to_docs.setdefault(alias, set()).add(doc_id)
            title = str(meta.get("title", ""))
            # longest alias first: "四川" before "四川省" would leave a stray "省" (and set order varies by run)
            for alias in sorted(region_aliases(str(meta.get("region", ""))), key=lambda a: (-len(a), a)):
                title = title.replace(alias, "")
            words = {w for w in _title_tokenizer().cut(re.sub(r"[“”\"'「」]", "", title)) if len(w) >= 2}
            self.title_words[doc_id] = words - _GENERIC_TITLE_WORDS
        self.own_title_words = dict(self.title_words)  # before the corpus-wide pruning below
        # a title word shared by more than half of the documents distinguishes nothing
        if len(documents) > 1:
            count: dict[str, int] = {}
            for words in self.title_words.values():
                for w in words:
                    count[w] = count.get(w, 0) + 1
            self.title_words = {d: {w for w in ws if count[w] * 2 <= len(documents)}
                                for d, ws in self.title_words.items()}
        # each document's own number (文号), on a line of its own in its cover letter: "文号X的那份文件"
        # names the document
        from qa.answer.evidence import cover_numbers  # the rule document cards read a 文号 by

        self.numbers = {number: doc_id for doc_id, meta in documents.items() for unit in meta.get("units", [])
                        if unit.get("kind") == "cover" for number in cover_numbers(str(unit.get("text", "")))}
        with _jieba_lock:
            for alias in self.alias_to_docs:
                jieba.add_word(alias, freq=100000, tag="ns")

    # ------------------------------------------------------------------
    def _known(self, place: str, question: str) -> bool:
        if place in self.alias_to_docs or any(a in place for a in self.alias_to_docs if len(a) >= 2):
            return True
        # a place the documents themselves discuss (长江流域, 成渝地区, and 岷江 or 黄河 of two characters) is not
        # a foreign region
        if place in self.corpus_text and (len(place) >= 3 and not _ADMIN_SUFFIX.search(place)
                                          or _AREA_SUFFIX.search(place) and not city_name(place)):
            return True
        stem = _AREA_SUFFIX.sub("", place)
        if stem != place and len(stem) >= 2 and stem in self.corpus_text:
            return True
        # the place word as part of a phrase the documents use ("X论英雄", "长江经济带"): not a region
        pos = question.find(place)
        after, before = question[pos:pos + len(place) + 2], question[max(0, pos - 2):pos + len(place)]
        return any(len(c) > len(place) and re.fullmatch(r"[\u4e00-\u9fff]+", c) and c in self.corpus_text
                   for c in (after, before))

    def _told_apart(self, question: str, docs: set[str]) -> set[str]:
        """The documents of ``docs`` whose own title words, not shared by the others of ``docs``, the question
        uses; ``docs`` when that picks none or all of them."""
        picked = {d for d in docs
                  if any(w in question for w in self.own_title_words.get(d, set())
                         - set().union(*(self.own_title_words.get(o, set()) for o in docs if o != d)))}
        return picked if picked and picked != docs else docs

    def _title_matches(self, name: str) -> set[str]:
        name = re.sub(r"\s", "", name)
        hits = set()
        for doc_id, meta in self.documents.items():
            title = re.sub(r"\s", "", str(meta.get("title", "")))
            overlap = len(set(name) & set(title)) / max(1, len(set(name)))
            if name in title or title in name or overlap >= 0.85:
                hits.add(doc_id)
        return hits

    def detect(self, question: str) -> tuple[Scope, set[str]]:
        """(scope, boosted doc ids). scope.doc_ids restricts retrieval when non-empty."""
        regions: list[str] = []
        docs: set[str] = set()
        named = without_quoted_names(question)
        if self.institutions:
            named = without_institution_names(named, self.alias_to_docs, self.corpus_text)
        for alias in sorted(self.alias_to_docs, key=lambda a: (-len(a), a)):
            if alias in named and not any(alias in r for r in regions):
                regions.append(alias)
                docs |= self.alias_to_docs[alias]
        if (any(w in named for w in PROVINCE_WORDS) or PROVINCE_PLAN.search(named)) and self.province_docs:
            docs |= self.province_docs
            regions.append("省级")
        out: list[str] = []
        for place in place_names(question):  # Chinese place words only: English is never a region
            if not self._known(place, question) and place not in out:
                out.append(place)
        for quoted in _QUOTED_TITLE.findall(question):
            matched = self._title_matches(quoted)
            if matched:
                docs = docs & matched if docs & matched else (docs | matched if not docs else docs)
            else:
                out.append(f"《{quoted}》")
        flat = re.sub(r"\s+", "", question)
        numbered = {d for number, d in self.numbers.items() if number in flat}
        if numbered:
            docs = numbered
        # "省减污降碳行动方案里，…路灯节能要求": the words that name the document say which one it is; a title
        # word of another document in the rest of the question ("节能") is its topic
        spans = document_mentions(named, self.titles) if self.mentions else []
        naming = "，".join(spans)
        if not any(w in naming for words in self.own_title_words.values() for w in words):
            naming = question  # ("工作方案" names no document in particular)
        titled = {d for d, words in self.title_words.items() if any(w in naming for w in words)}
        if docs and titled & docs:
            docs &= titled
        if len(docs) > 1:
            # "四川的减污降碳那份": a title word shared by most of the corpus ("减污降碳") still tells
            # apart the documents of the region named
            docs = self._told_apart(naming, docs)
        if not docs and spans and self.titled and len(titled) == 1 and not regions:
            # "十四五节能减排方案有没有提到X": no region, but the words that name the document fit one document only;
            # the question is asked of it, as "四川十四五节能减排方案" is (a topic word elsewhere only boosts)
            docs = set(titled)
        boosted = titled if not docs else set()
        scope = Scope(doc_ids=tuple(sorted(docs)), regions=tuple(regions), out_of_scope=tuple(out))
        return scope, boosted
