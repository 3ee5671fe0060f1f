"""The 对照 tab of the chat page: a clause (or the clause a topic is about) beside its counterparts in
the other plans, with the differences highlighted; and comparison questions answered as a table.

Render-only: the comparisons come from :class:`qa.compare.service.CompareService`; the functions
``render_*`` are pure (tested without a browser). Hooked into ``ui.py`` with one call,
``compare_tab(service)``, inside its ``gr.Tabs``.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from qa.compare.model import ClauseComparison, ClauseRecord, ComparisonTable, Counterpart, DocumentSide
from qa.errors import QAError

log = logging.getLogger("qa.compare.ui")

STYLE = """<style>
.qa-cmp{font-size:14px;line-height:1.75}
.qa-cmp h4{margin:8px 0 4px}
.qa-cmp-pair{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:10px 0 4px}
.qa-cmp-col{border:1px solid #e5e7eb;border-radius:8px;padding:8px 10px;background:#fff;max-height:360px;overflow-y:auto}
.qa-cmp-title{font-weight:600;margin-bottom:4px}
.qa-cmp-score{color:#6b7280;font-size:12px;font-weight:400}
.qa-cmp-only{background:#dbeafe;border-bottom:2px solid #60a5fa}
.qa-cmp-fig{background:#fde68a;font-weight:600;padding:0 2px}
.qa-cmp-none{color:#991b1b;background:#fee2e2;border:1px solid #fca5a5;border-radius:6px;padding:4px 10px;margin:8px 0}
.qa-cmp-diff{font-size:13px;margin:2px 0 12px;padding-left:18px}
.qa-cmp-diff li{margin:1px 0}
.qa-cmp-legend{font-size:12px;color:#4b5563;margin-bottom:6px}
.qa-cmp table{border-collapse:collapse;width:100%;font-size:14px}
.qa-cmp td,.qa-cmp th{border:1px solid #e5e7eb;padding:6px 8px;vertical-align:top;text-align:left}
.qa-cmp th{background:#f3f4f6}
.qa-cmp td:first-child{white-space:nowrap}
.qa-cmp-silent{color:#991b1b}
.qa-cmp-src{font-size:12px;color:#4b5563;margin-top:8px}
</style>"""
EMPTY = '<div class="qa-cmp"><p class="qa-cmp-legend">选择文件和条款，或输入主题（如“非化石能源消费比重”），点击“对照”。</p></div>'
STATUS = {"same": "相同", "value": "数值不同", "qualifier": "限定词不同", "year": "年份不同", "only_left": "仅本方有",
          "only_right": "仅对方有"}


def _esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def _mark(text: str, sentences: tuple[str, ...], figures: list[str]) -> str:
    """The clause text, escaped, with the sentences only this side has and the differing figures marked."""
    out = _esc(text)
    for s in sorted(set(sentences), key=len, reverse=True):
        e = _esc(s)
        if e and e in out:
            out = out.replace(e, f'<span class="qa-cmp-only">{e}</span>', 1)
    for f in sorted(set(figures), key=len, reverse=True):
        e = _esc(f)
        if e:
            out = re.sub(rf"(?<![\d.]){re.escape(e)}", f'<mark class="qa-cmp-fig">{e}</mark>', out, count=1)
    return out


def _figure_strings(cp: Counterpart, side: str) -> list[str]:
    out = []
    for f in cp.diff.figures:
        if f.status == "same":
            continue
        fig = f.left if side == "left" else f.right
        if fig is not None:
            after = [q for q in fig.qualifier.split("、") if q and fig.shown.endswith(q)]
            out.append(fig.value + fig.unit + "".join(after))
    return out


def _diff_list(cp: Counterpart, left_name: str, right_name: str) -> str:
    d = cp.diff
    items = []
    for f in d.figures:
        left = _esc(f.left.shown) if f.left else "—"
        right = _esc(f.right.shown) if f.right else "—"
        year = f"{_esc(f.year)}年 " if f.year else ""
        cls = "" if f.status == "same" else ' class="qa-cmp-fig"'
        items.append(f"<li>数字 {year}{_esc(f.metric)}：{_esc(left_name)} <span{cls}>{left}</span> · "
                     f"{_esc(right_name)} <span{cls}>{right}</span>（{STATUS[f.status]}）</li>")
    if d.lead_left or d.lead_right:
        same = "同一部门" if d.lead_same else "<b>不同</b>"
        items.append(f"<li>牵头部门：{_esc(d.lead_left or '—')} · {_esc(d.lead_right or '—')}（{same}）</li>")
    if d.departments_only_left:
        items.append(f"<li>仅{_esc(left_name)}列出的部门：{_esc('、'.join(d.departments_only_left))}</li>")
    if d.departments_only_right:
        items.append(f"<li>仅{_esc(right_name)}列出的部门：{_esc('、'.join(d.departments_only_right))}</li>")
    if d.projects_only_left:
        items.append(f"<li>仅{_esc(left_name)}的项目：{_esc('、'.join(d.projects_only_left))}</li>")
    if d.projects_only_right:
        items.append(f"<li>仅{_esc(right_name)}的项目：{_esc('、'.join(d.projects_only_right))}</li>")
    items.append(f"<li>仅一方有的句子：{_esc(left_name)} {len(d.sentences_only_left)} 句，"
                 f"{_esc(right_name)} {len(d.sentences_only_right)} 句（蓝底标出）；句子相同比例 {d.similarity:.0%}</li>")
    return '<ul class="qa-cmp-diff">' + "".join(items) + "</ul>"


def _column(record: ClauseRecord, body: str, extra: str = "") -> str:
    return (f'<div class="qa-cmp-col"><div class="qa-cmp-title">《{_esc(record.doc_title)}》{_esc(record.label)}'
            f"{_esc(record.heading)}{extra}</div>{body}</div>")


def render_side(chosen: ClauseRecord, side: DocumentSide) -> str:
    if not side.counterparts:
        near = ""
        if side.nearest is not None and side.nearest_clause is not None:
            near = (f"（最接近的是 {_esc(side.nearest_clause.label)}{_esc(side.nearest_clause.heading)}，"
                    f"得分 {side.nearest.score:.2f}，低于对照阈值）")
        return f'<div class="qa-cmp-none">《{_esc(side.doc_title)}》没有对应条款{near}</div>'
    parts = []
    left_name, right_name = chosen.region or "本方", side.region or "对方"
    if left_name == right_name:
        left_name, right_name = "本方", "对方"
    for cp in side.counterparts:
        s = cp.candidate
        score = (f' <span class="qa-cmp-score">得分 {s.score:.2f}（语义 {s.sem:.2f} · 措辞 {s.lex:.2f} · '
                 f'标题 {s.head:.2f} · 位置 {s.pos:.2f}）{"· 合并对应" if cp.extra else ""}</span>')
        left = _mark(chosen.text, cp.diff.sentences_only_left, _figure_strings(cp, "left"))
        right = _mark(cp.clause.text, cp.diff.sentences_only_right, _figure_strings(cp, "right"))
        parts.append(f'<div class="qa-cmp-pair">{_column(chosen, left)}{_column(cp.clause, right, score)}</div>'
                     + _diff_list(cp, left_name, right_name))
    return "".join(parts)


def render_comparison(cmp: ClauseComparison) -> str:
    c = cmp.clause
    head = f"<h4>《{_esc(c.doc_title)}》{_esc(c.label)}{_esc(c.heading)}</h4>"
    if cmp.topic:
        head += f'<div class="qa-cmp-legend">主题“{_esc(cmp.topic)}”检索到的条款</div>'
    legend = ('<div class="qa-cmp-legend"><span class="qa-cmp-only">蓝底</span>：只有一方有的句子；'
              '<mark class="qa-cmp-fig">黄底</mark>：不同的数字（数值、年份、限定词）</div>')
    matched = sum(1 for s in cmp.sides if s.counterparts)
    summary = f'<div class="qa-cmp-legend">在 {len(cmp.sides)} 份其他文件中，{matched} 份有对应条款。</div>'
    return (STYLE + '<div class="qa-cmp">' + head + summary + legend
            + "".join(f"<h4>↔ 《{_esc(s.doc_title)}》</h4>" + render_side(c, s) for s in cmp.sides) + "</div>")


def render_table(table: ComparisonTable) -> str:
    rows = []
    n = 0
    for row in table.rows:
        if row.says_nothing:
            rows.append(f'<tr><td>{_esc(row.region)}</td><td class="qa-cmp-silent">{_esc(row.note)}</td><td>—</td></tr>')
            continue
        cells, refs = [], []
        for item in row.items:
            n += 1
            text = item.quote
            if table.mode == "figure" and item.figures:
                f = item.figures[0]
                text = f"{f.metric}：{f.shown}" + (f"（{f.year}年）" if f.year else "")
            cells.append(f"{_esc(text)}<sup>[{n}]</sup>")
            refs.append(f"{_esc(row.doc_title)}{_esc(item.label)}")
        note = f'<div class="qa-cmp-legend">{_esc(row.note)}</div>' if table.mode == "extra" and row.note else ""
        rows.append(f"<tr><td>{_esc(row.region)}</td><td>{note}{'<br>'.join(cells)}</td>"
                    f"<td>{'<br>'.join(dict.fromkeys(refs))}</td></tr>")
    src = "".join(f"<div>[{c.n}] 《{_esc(c.doc_title)}》{_esc(c.clause)}：{_esc(c.quote)}</div>" for c in table.citations)
    concl = f"<p><b>结论：</b>{_esc(table.conclusion)}</p>" if table.conclusion else ""
    return (STYLE + f'<div class="qa-cmp"><h4>对照：{_esc(table.topic or "全文")}</h4>'
            "<table><tr><th>地区</th><th>方案内容</th><th>出处</th></tr>" + "".join(rows) + "</table>"
            + concl + f'<div class="qa-cmp-src">{src}</div></div>')


def render_error(exc: BaseException) -> str:
    msg = str(exc) if isinstance(exc, QAError) else "抱歉，对照时出现内部错误，请稍后再试。"
    return f'<div class="qa-cmp"><div class="qa-cmp-none">{_esc(msg)}</div></div>'


class ComparePage:
    """Event handlers of the tab (each returns HTML or Gradio updates; errors become a message)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def _svc(self):
        from qa.compare.service import compare_service

        return compare_service(self.service)

    def load(self) -> tuple[Any, Any]:
        import gradio as gr

        try:
            docs = self._svc().documents()
        except Exception:  # noqa: BLE001 - the tab shows the error when used
            log.exception("compare: documents")
            return gr.update(choices=[]), gr.update(choices=[])
        choices = [(f"{d['title']}", d["doc_id"]) for d in docs]
        return gr.update(choices=choices), gr.update(choices=choices)

    def clauses(self, doc_id: str | None) -> Any:
        import gradio as gr

        if not doc_id:
            return gr.update(choices=[], value=None)
        try:
            recs = self._svc().alignment().clauses(doc_id)
        except Exception:  # noqa: BLE001
            log.exception("compare: clauses")
            return gr.update(choices=[], value=None)
        return gr.update(choices=[(f"{r.label}{r.heading[:24]}", r.label) for r in recs], value=None)

    def compare(self, doc_id: str | None, label: str | None, topic: str | None, others: list[str] | None) -> str:
        from qa.validation import check_text

        try:
            svc = self._svc()
            if label and doc_id:
                cmp = svc.compare_clause(doc_id, label, others or None)
            else:
                t = check_text(topic or "", "主题", max_chars=200, allow_empty=True)
                if not t:
                    return EMPTY
                cmp = svc.compare_topic(t, doc_id or None, others or None)
            return render_comparison(cmp)
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback
            if not isinstance(exc, QAError):
                log.exception("compare failed")
            return render_error(exc)

    def ask(self, question: str | None) -> str:
        from qa.compare.answer import compare_answer
        from qa.validation import validate_question

        try:
            q = validate_question(question or "", max_chars=int(getattr(self.service.settings, "max_question_chars", 500)))
            table = compare_answer(q, self._svc())
            if table is None:
                return render_error(QAError("这不是可以对照回答的问题：请写出至少两个地区或方案，例如“雅安和全省的…哪个高？”"))
            return render_table(table)
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, QAError):
                log.exception("compare ask failed")
            return render_error(exc)


EXAMPLE_QUESTIONS = ["雅安和全省的非化石能源消费比重目标哪个高？", "资阳方案比省方案多了哪些要求？"]


def compare_tab(service: Any) -> None:
    """Add the 对照 tab (call inside a ``gr.Tabs`` of a ``gr.Blocks``)."""
    import gradio as gr

    page = ComparePage(service)
    with gr.Tab("对照", id="compare") as tab:
        gr.Markdown("**上下级对照**：把一个条款与其他方案中对应的条款并排显示，标出数字、部门、项目和只有一方有的内容；"
                    "或输入对照问题，按地区列表回答（每格注明出处）。")
        with gr.Row(equal_height=True):
            doc = gr.Dropdown(label="文件", choices=[], elem_id="qa-cmp-doc", scale=2)
            clause = gr.Dropdown(label="条款", choices=[], elem_id="qa-cmp-clause", scale=2)
            topic = gr.Textbox(label="或输入主题", placeholder="如：非化石能源消费比重", elem_id="qa-cmp-topic", scale=2)
        with gr.Row(equal_height=True):
            others = gr.Dropdown(label="对照文件（不选则全部）", choices=[], multiselect=True, elem_id="qa-cmp-with", scale=4)
            run = gr.Button("对照", variant="primary", elem_id="qa-cmp-run", scale=1)
        with gr.Row(equal_height=True):
            question = gr.Textbox(label="对照问题", placeholder=EXAMPLE_QUESTIONS[0], elem_id="qa-cmp-question", scale=4)
            ask = gr.Button("对照回答", elem_id="qa-cmp-ask", scale=1)
        gr.Examples(EXAMPLE_QUESTIONS, inputs=[question], label="示例")
        out = gr.HTML(EMPTY, elem_id="qa-cmp-out")
    tab.select(page.load, None, [doc, others], concurrency_limit=None)
    doc.change(page.clauses, [doc], [clause], concurrency_limit=None)
    run.click(page.compare, [doc, clause, topic, others], [out], concurrency_limit=None)
    topic.submit(page.compare, [doc, clause, topic, others], [out], concurrency_limit=None)
    ask.click(page.ask, [question], [out], concurrency_limit=None)
    question.submit(page.ask, [question], [out], concurrency_limit=None)
