"""Comparison questions answered from the alignment: one row per region, each cell cited.

    table = compare_answer("雅安和全省的非化石能源消费比重目标哪个高？", compare)
    if table is not None:
        print(table.text)          # Chinese table + conclusion with [n] citations
        table.citations            # qa.types.Citation, numbered as in table.text

Three modes, from the question's wording:

- ``figure``       "…目标哪个高？", "…分别是多少？": the figure each plan states for the topic (value,
                   qualifier, year) and which is higher;
- ``requirements`` "…对比…怎么要求": the sentence(s) each plan has on the topic;
- ``extra``        "资阳方案比省方案多了哪些要求？": the sentences the city plan has and its
                   provincial counterpart clauses do not (on the topic, or over the whole plan).

A region whose plan says nothing on the topic gets a row that says so. The cells are found through
the alignment: the clause of the first region's plan that the topic is about, then its counterparts
in the other plans; a plan whose counterpart clause does not state the topic is searched as a
whole before the row says 未提及.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.answer import cues
from qa.compare.aligner import bigrams, body_text
from qa.compare.diff import diff_clauses
from qa.compare.figures import figures, sentences
from qa.compare.model import CellItem, ClauseRecord, ComparisonTable, Figure, TableCell
from qa.compare.service import _PROVINCE_WORDS, CompareService
from qa.types import Citation

#: share of the topic's bigrams a sentence must hold to be "about" the topic
TOPIC_COVER = 0.6
#: most sentences listed per cell in the "extra" mode
MAX_EXTRA = 6

# Wording of comparison questions (new cues of this module; qa/answer/cues.py keeps the answer layer's)
EXTRA_CUE = re.compile(r"多了|多出|多提|增加了哪些|新增了?哪些|额外|补充了|少了|缺少|没有提|哪些是.{0,6}没有|不同之处|区别|差异|差别")
COMPARE_CUE = re.compile(cues.PARTS_CUE.pattern + r"|比(?!例|重)|对照|一样吗|相同吗|不同|高于|低于|超过|和[^，。？]{1,12}(?:的|比)")
_TOPIC_NOISE = re.compile(
    r"哪个(?:高|低|多|少|大|小|更高|更低|更多|更少|严)|谁(?:更)?(?:高|低|多|少|严)|哪些|什么|多少|分别|各自|各是|"
    r"相比|对比|比较|对照|差多少|差距|区别|差异|差别|不同之处|不同|一样吗|相同吗|多了|多出|少了|缺少|新增|增加了|额外|补充了|"
    r"要求|方案|规定|文件|计划|目标值?|指标|怎么|如何|怎样|一下|说法|写的|提的|是|的|吗|呢|和|与|跟|同|及|比(?![重例率])|在|中|里|有|了|把|对|要|方面|内容|"
    r"省里|省级|省上|全省|全市|市里|[，。？！?、：:“”\"《》（）()\s]")
_YEAR_WORD = re.compile(r"(?:到|至)?20\d\d\s*年(?:底|末|前)?")


def _cover(topic_bags: set[str], text: str) -> float:
    if not topic_bags:
        return 0.0
    return len(topic_bags & bigrams(text)) / len(topic_bags)


def question_mode(text: str) -> str:
    if EXTRA_CUE.search(text):
        return "extra"
    if cues.ASKS_QUANTITY.search(text) or re.search(r"哪个(?:更)?(?:高|低|多|少|大|小)|谁(?:更)?(?:高|低|多|少)|目标|比重|比例|%", text):
        return "figure"
    return "requirements"


def topic_of(text: str, region_names: Sequence[str], titles: Sequence[str] = ()) -> str:
    """The topic of a comparison question: its words less the regions, the words of the compared
    plans' titles ("减污降碳方案" names the plan, not the topic) and the question phrasing."""
    t = text
    for name in sorted(set(region_names), key=len, reverse=True):
        t = t.replace(name, " ")
    for title in titles:
        for n in range(len(title), 3, -1):
            for i in range(len(title) - n + 1):
                if title[i:i + n] in t:
                    t = t.replace(title[i:i + n], " ")
    t = _YEAR_WORD.sub(" ", t)
    t = _TOPIC_NOISE.sub(" ", t)
    t = re.sub(r"[上中里]$", "", re.sub(r"\s+", "", t))
    return t if len(t) >= 2 else ""


def detect_regions(text: str, compare: CompareService) -> list[tuple[str, str]]:
    """(region, doc_id) of the plans a question names, in the order named; 全省/省方案 → the provincial
    plan of the city plans named."""
    from qa.index.scope import region_aliases

    docs = compare.documents()
    aliases: dict[str, str] = {}
    for d in docs:
        for a in region_aliases(d["region"]):
            aliases[a] = d["region"]
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in sorted(aliases, key=len, reverse=True):
        for m in re.finditer(re.escape(alias), text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                found.append((m.start(), aliases[alias]))
    regions = list(dict.fromkeys(r for _, r in sorted(found)))
    out = [(r, ds[0]) for r in regions if (ds := compare.docs_of_region(r, text))]
    m = _PROVINCE_WORDS.search(text)
    if m:
        cities = [d for _, d in out if not compare.alignment().clauses(d) or
                  not compare.alignment().clauses(d)[0].region.endswith("省")]
        prov = compare.provincial_doc(cities[0]) if cities else None
        if prov and prov not in {d for _, d in out}:
            region = compare.alignment().clauses(prov)[0].region
            pos = m.start()
            before = [x for x in found if x[0] < pos]
            out.insert(len({r for _, r in before} & {r for r, _ in out}), (region, prov))
    return out


def _item(compare: CompareService, record: ClauseRecord, sentence: str, figs: Sequence[Figure] = ()) -> CellItem:
    pos = record.text.find(sentence)
    start = record.start + max(0, pos)
    chunk_id = record.chunk_ids[0] if record.chunk_ids else ""
    if len(record.chunk_ids) > 1:
        data = compare.retriever.data
        by_id = {c.chunk_id: c for c in data.chunks if c.chunk_id in record.chunk_ids}
        for cid in record.chunk_ids:
            c = by_id.get(cid)
            if c is not None and sentence[:20] in c.text:
                chunk_id = cid
                break
    return CellItem(record.label, chunk_id, sentence, start, start + len(sentence), tuple(figs))


def _best_sentence(records: Sequence[ClauseRecord], topic_bags: set[str], want_figure: bool
                   ) -> tuple[ClauseRecord, str, list[Figure]] | None:
    best: tuple[float, int, ClauseRecord, str, list[Figure]] | None = None
    for rank, r in enumerate(records):
        for s in sentences(body_text(r.text)):
            cov = _cover(topic_bags, s + "。" + r.heading)
            if cov < TOPIC_COVER:
                continue
            figs = sorted(figures(s), key=lambda f: -_cover(topic_bags, f.metric))
            if want_figure:
                figs = [f for f in figs if _cover(topic_bags, f.metric) > 0] or (figs if len(figs) == 1 else [])
                if not figs:
                    continue
            key = (cov + (0.2 if figs else 0.0), -rank)
            if best is None or key > (best[0], best[1]):
                best = (key[0], key[1], r, s, figs)
    return None if best is None else (best[2], best[3], best[4])


def _rows_for_topic(compare: CompareService, docs: list[tuple[str, str]], topic: str, mode: str) -> list[TableCell]:
    al = compare.alignment()
    topic_bags = bigrams(topic)
    try:
        anchor = compare.find_topic(topic or "主要目标", None) if not docs else None
    except Exception:  # noqa: BLE001 - no anchor: every plan is searched as a whole
        anchor = None
    if docs:
        try:
            hits, _ = compare.retriever.search(topic or "主要目标", k=5, doc_ids=[d for _, d in docs])
            keys = [f"{h.chunk.doc_id}#{h.chunk.label}" for h in hits]
            anchor = next((al.record(k) for k in keys if k in al.records), None)
        except Exception:  # noqa: BLE001
            anchor = None
    rows = []
    for region, doc_id in docs:
        clauses = al.clauses(doc_id)
        title = clauses[0].doc_title if clauses else doc_id
        ordered: list[ClauseRecord] = []
        if anchor is not None:
            if anchor.doc_id == doc_id:
                ordered.append(anchor)
            else:
                ordered += [al.record(c.key) for c in al.counterparts(anchor.key, doc_id)]
        ordered += [r for r in clauses if r not in ordered]
        found = _best_sentence(ordered, topic_bags, want_figure=(mode == "figure"))
        if found is None:
            what = f"“{topic}”" if topic else "该内容"
            rows.append(TableCell(region, doc_id, title, (), True,
                                  f"《{title}》未提及{what}" + ("的数值目标" if mode == "figure" else "")))
            continue
        record, sentence, figs = found
        linked = anchor is not None and (record.key == anchor.key or
                                         record.key in {c.key for c in al.counterparts(anchor.key, doc_id)})
        rows.append(TableCell(region, doc_id, title, (_item(compare, record, sentence, figs),), False,
                              "对照条款" if linked else "全文检索"))
    return rows


def _rows_extra(compare: CompareService, docs: list[tuple[str, str]], topic: str) -> list[TableCell]:
    """The first plan's sentences that its counterpart clauses in the second plan do not have."""
    al = compare.alignment()
    (region_a, doc_a), (region_b, doc_b) = docs[0], docs[1]
    if al.clauses(doc_a) and al.clauses(doc_a)[0].region.endswith("省") and not (
            al.clauses(doc_b) and al.clauses(doc_b)[0].region.endswith("省")):
        (region_a, doc_a), (region_b, doc_b) = (region_b, doc_b), (region_a, doc_a)  # the city plan first
    topic_bags = bigrams(topic)
    clauses = al.clauses(doc_a)
    if topic_bags:
        clauses = [r for r in clauses if _cover(topic_bags, r.text) >= TOPIC_COVER] or \
            [compare.find_topic(topic, doc_a)]
    items: list[CellItem] = []
    missing: list[CellItem] = []
    for r in clauses:
        if r.kind in ("cover", "preamble"):
            continue
        parts = [al.record(c.key) for c in al.counterparts(r.key, doc_b)]
        if not parts:
            sents = [s for s in sentences(body_text(r.text)) if len(s) > 12][:1]
            items += [_item(compare, r, s) for s in sents]
            continue
        merged = ClauseRecord(**{**parts[0].__dict__, "text": "。".join(body_text(p.text) for p in parts)})
        d = diff_clauses(r, merged)
        items += [_item(compare, r, s) for s in d.sentences_only_left if len(s) > 12]
        for p in parts:
            own = diff_clauses(p, r).sentences_only_left
            missing += [_item(compare, p, s) for s in own if len(s) > 12]
    items.sort(key=lambda i: -len(bigrams(i.quote)))
    title_a = al.clauses(doc_a)[0].doc_title
    title_b = al.clauses(doc_b)[0].doc_title
    rows = [TableCell(region_a, doc_a, title_a, tuple(items[:MAX_EXTRA]), not items,
                      f"多出的要求（共{len(items)}句，列出{min(len(items), MAX_EXTRA)}句）" if items
                      else f"《{title_a}》没有《{title_b}》之外的要求" + (f"（{topic}）" if topic else "")),
            TableCell(region_b, doc_b, title_b, tuple(sorted(missing, key=lambda i: -len(i.quote))[:MAX_EXTRA // 2]),
                      not missing, "对照基准；下列句子是对方方案没有的" if missing else "对照基准")]
    return rows


def _figure_value(cell: TableCell) -> Figure | None:
    for item in cell.items:
        if item.figures:
            return item.figures[0]
    return None


def _conclusion(rows: Sequence[TableCell], mode: str) -> str:
    if mode != "figure":
        silent = [r.region for r in rows if r.says_nothing]
        return f"{'、'.join(silent)}的方案未提及该内容。" if silent else ""
    vals = [(r, f) for r in rows if (f := _figure_value(r)) is not None]
    notes = []
    units = {f.unit for _, f in vals}
    if len(vals) >= 2 and len(units) == 1:
        years = {f.year for _, f in vals if f.year}
        ordered = sorted(vals, key=lambda x: -float(x[1].value))
        hi, lo = ordered[0], ordered[-1]
        metrics = {f.metric for _, f in vals}
        if float(hi[1].value) == float(lo[1].value):
            notes.append("各方案的数值相同（" + "、".join(f"{r.region}{f.shown}" for r, f in vals) + "）。")
        else:
            notes.append("、".join(f"{r.region}{f.shown}" for r, f in ordered) + f"：{hi[0].region}最高，{lo[0].region}最低"
                         + ("" if len(years) <= 1 else "（注意：目标年份不同）") + "。")
        if len(metrics) > 1:
            notes.append("注意：各方案的指标表述不完全相同（" + "；".join(f"{r.region}：{f.metric}" for r, f in vals) + "）。")
    silent = [r.region for r in rows if r.says_nothing]
    if silent:
        notes.append(f"{'、'.join(silent)}的方案未给出该项数值。")
    return "".join(notes)


def render(table: ComparisonTable) -> tuple[str, tuple[Citation, ...]]:
    """Chinese markdown-style table with [n] citations, the conclusion, then the sources."""
    cites: list[Citation] = []
    lines = [f"对照：{table.topic or '全文'}", "", "| 地区 | 方案内容 | 出处 |", "|---|---|---|"]
    for row in table.rows:
        if row.says_nothing:
            lines.append(f"| {row.region} | {row.note} | — |")
            continue
        texts, refs = [], []
        for item in row.items:
            n = len(cites) + 1
            cites.append(Citation(n, row.doc_title, item.label, item.quote, item.chunk_id, row.doc_id,
                                  item.start, item.end))
            shown = item.quote
            if table.mode == "figure" and item.figures:
                f = item.figures[0]
                shown = f"{f.metric}：{f.shown}" + (f"（{f.year}年）" if f.year else "")
            texts.append(f"{shown}[{n}]")
            refs.append(f"《{row.doc_title}》{item.label}")
        lead = f"（{row.note}）" if table.mode == "extra" and row.note else ""
        lines.append(f"| {row.region} | {lead}{'；'.join(texts)} | {'；'.join(dict.fromkeys(refs))} |")
    if table.conclusion:
        lines += ["", "结论：" + table.conclusion]
    if cites:
        lines += ["", "来源："] + [f"[{c.n}] 《{c.doc_title}》{c.clause}：{c.quote}" for c in cites]
    return "\n".join(lines), tuple(cites)


def compare_answer(question: Any, compare: CompareService, *, regions: Sequence[str] = (), topic: str = "",
                   mode: str = "") -> ComparisonTable | None:
    """Answer a comparison question from the alignment, or None when it is not one.

    ``question``: the question text, or a :class:`qa.answer.analysis.QuestionAnalysis` (its
    normalised ``text`` and ``regions`` are used). ``regions``: the regions to compare (names as
    in the documents, e.g. "雅安市", "四川省"; default: those the question names, 全省/省方案 → the
    provincial plan). ``topic``: what to compare (default: the question less its regions and
    phrasing). ``mode``: figure | requirements | extra (default: from the wording).

    Returns None when fewer than two plans can be told apart (not a comparison); a table otherwise.
    """
    text = getattr(question, "text", question)
    if not isinstance(text, str) or not text.strip():
        return None
    if not regions:
        regions = tuple(getattr(question, "regions", ()) or ())
    docs = detect_regions(text, compare)
    if regions:
        wanted = []
        for r in regions:
            ds = compare.docs_of_region(r, text)
            if ds:
                wanted.append((compare.alignment().clauses(ds[0])[0].region, ds[0]))
        extra = [x for x in docs if x[1] not in {d for _, d in wanted}]
        docs = wanted + ([x for x in extra if _PROVINCE_WORDS.search(text)] if len(wanted) < 2 else [])
    docs = list(dict.fromkeys(docs))
    if len(docs) < 2 or not (COMPARE_CUE.search(text) or EXTRA_CUE.search(text) or len(docs) >= 2):
        return None
    mode = mode or question_mode(text)
    names = [n for r, _ in docs for n in (r, re.sub(r"(?:省|市)$", "", r))]
    al = compare.alignment()
    titles = [al.clauses(d)[0].doc_title.replace(r, "") for r, d in docs if al.clauses(d)]
    topic = topic or topic_of(text, names, titles)
    if mode == "extra":
        rows = _rows_extra(compare, docs, topic)
    else:
        rows = _rows_for_topic(compare, docs, topic, mode)
    table = ComparisonTable(text, topic, mode, tuple(rows), _conclusion(rows, mode))
    rendered, cites = render(table)
    return ComparisonTable(table.question, table.topic, table.mode, table.rows, table.conclusion, rendered, cites)
