"""The evaluation report reads in Chinese and flags / counts extractive and refused answers."""

from __future__ import annotations

import re

from qa.evaluation.metrics import Outcome
from qa.evaluation.report import answer_kinds, render_html
from qa.evaluation.scoring import summarize


def outcome(qid: str, *, refused=False, extractive=False, error=False, answerable=True, key_fact=True) -> Outcome:
    return Outcome(id=qid, type="factual" if answerable else "unanswerable", docs=("《文》",), answerable=answerable,
                   error=error, refused=refused, rank=1, recall_at_1=1.0, recall_at_5=1.0, reciprocal_rank=1.0,
                   key_fact=key_fact if answerable else None, citation_precision=1.0, citation_recall=1.0,
                   total_ms=100.0, first_token_ms=50.0, retrieve_ms=10.0, extractive=extractive)


OUTCOMES = [outcome("q1"), outcome("q2", extractive=True), outcome("q3", extractive=True, key_fact=False),
            outcome("q4", refused=True, answerable=False), outcome("q5", refused=True), outcome("q6", error=True)]
ROWS = [{"id": o.id, "question": f"问题{o.id}？", "answer": "回答", "refused": o.refused, "extractive": o.extractive,
         "citations": [], "retrieved": [], "gold": []} for o in OUTCOMES]


def test_answer_kinds_are_counted():
    assert answer_kinds(OUTCOMES) == {"model": 1, "extractive": 2, "refused": 2, "error": 1}


def test_report_is_chinese_and_flags_every_extractive_and_refused_answer():
    metrics = {"run": "r", "dataset": "dev", "created": "today", "settings": {}, "system": summarize(OUTCOMES),
               "baseline": summarize([outcome(o.id) for o in OUTCOMES])}
    page = render_html(metrics, ROWS, ROWS, {})
    assert "<h1>评测报告" in page and "<h2>回答方式" in page and "关键事实准确率" in page and "误拒答率" in page
    kinds = page.split('<table id="answer-kinds">')[1].split("</table>")[0]
    assert re.search(r'data-kind="extractive"><td>原文摘录[^<]*</td><td>2（33%）</td><td>0（0%）</td>', kinds)
    assert re.search(r'data-kind="refused"><td>拒答[^<]*</td><td>2（33%）</td>', kinds)
    items = page.split('<table id="items">')[1].split("</table>")[0]
    rows = dict(re.findall(r"<tr><td>(?:<a[^>]*>)?(q\d)(?:</a>)?</td>(.*?)</tr>", items))
    assert set(rows) == {o.id for o in OUTCOMES}
    assert "原文摘录" in rows["q2"] and "原文摘录" in rows["q3"] and "原文摘录" not in rows["q1"]
    assert "拒答" in rows["q4"] and "拒答" in rows["q5"] and "出错" in rows["q6"]
    assert "缺少关键事实" in page and "误拒答" in page  # failure reasons in Chinese
    assert "<script" not in page
