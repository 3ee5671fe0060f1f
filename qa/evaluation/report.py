"""Render an evaluation: the terminal metrics table and a self-contained ``report.html``
(inline CSS, inline SVG bar charts; no JavaScript, no external resources).

The HTML report reads in Chinese (each label with its English after a slash). It counts how the
answers were given (模型作答 / 原文摘录 / 拒答 / 出错) in its summary and flags every question's answer
kind in the per-question table, so a run where half the answers are quotes does not look like one
where the model answered."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from qa.evaluation.metrics import LATENCY_FIELDS, LOWER_IS_BETTER, METRIC_LABELS, Outcome

SYSTEM = "Our system"
BASELINE = "Plain RAG baseline"
CHART_METRICS = ("key_fact_accuracy", "recall_at_5", "citation_precision", "false_refusal_rate")
GROUP_COLUMNS = (("n", "n"), ("recall_at_1", "R@1"), ("recall_at_5", "R@5"), ("mrr", "MRR"),
                 ("key_fact_accuracy", "Key facts"), ("citation_precision", "Cit. P"),
                 ("citation_recall", "Cit. R"), ("refusal_accuracy", "Refusal acc"),
                 ("false_refusal_rate", "False refusal"), ("n_errors", "Errors"))


# -- formatting --------------------------------------------------------------------------------
def fmt(metric: str, value: float | int | None) -> str:
    """A metric value for display: rates as percentages, MRR with 3 decimals, counts as integers."""
    if value is None:
        return "—"
    if metric == "n" or metric.startswith("n_"):
        return str(int(value))
    if metric == "mrr":
        return f"{value:.3f}"
    return f"{100 * value:.1f}%"


def fmt_delta(metric: str, a: float | None, b: float | None) -> str:
    """``b - a`` for display (percentage points for rates); '' if either is missing."""
    if a is None or b is None:
        return ""
    d = b - a
    if metric == "mrr":
        return f"{d:+.3f}"
    return f"{100 * d:+.1f} pp"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


# -- terminal ----------------------------------------------------------------------------------
def metrics_table(system: Mapping, baseline: Mapping | None = None) -> str:
    """Plain-text table of the overall metrics and latency (system, baseline, difference)."""
    head = ["metric", SYSTEM] + ([BASELINE, "Δ (system − baseline)"] if baseline else [])
    rows: list[list[str]] = []
    s_all, b_all = system["overall"], (baseline or {}).get("overall", {})
    for key in ("n", "n_answerable", "n_unanswerable", "n_errors"):
        rows.append([key] + [fmt(key, s_all.get(key))] + ([fmt(key, b_all.get(key)), ""] if baseline else []))
    for key, label in METRIC_LABELS.items():
        row = [label, fmt(key, s_all.get(key))]
        if baseline:
            row += [fmt(key, b_all.get(key)), fmt_delta(key, b_all.get(key), s_all.get(key))]
        rows.append(row)
    for name in LATENCY_FIELDS:
        for p in ("p50", "p95"):
            s_val = system["latency"][name][p]
            row = [f"{name} {p}", fmt_ms(s_val)]
            if baseline:
                row += [fmt_ms(baseline["latency"][name][p]), ""]
            rows.append(row)
    return text_table(head, rows)


def type_table(system: Mapping, baseline: Mapping | None = None) -> str:
    """Plain-text per-type table of the headline metrics."""
    keys = ("recall_at_5", "key_fact_accuracy", "citation_precision", "refusal_accuracy", "false_refusal_rate")
    head = ["type", "n"] + [METRIC_LABELS[k].split(" (")[0] for k in keys]
    rows = []
    for name, m in system["by_type"].items():
        b = (baseline or {}).get("by_type", {}).get(name, {})
        cells = [name, str(m["n"])]
        for k in keys:
            cell = fmt(k, m.get(k))
            if baseline and b.get(k) is not None:
                cell += f" ({fmt(k, b.get(k))})"
            cells.append(cell)
        rows.append(cells)
    note = "\n(baseline in parentheses)" if baseline else ""
    return text_table(head, rows) + note


def side_by_side_table(systems: Mapping[str, Mapping]) -> str:
    """The headline metrics and latency of several evaluation sets, one column each (dev / test)."""
    names = list(systems)
    rows: list[list[str]] = []
    for key in ("n", "n_answerable", "n_unanswerable", "n_errors"):
        rows.append([key] + [fmt(key, systems[n]["overall"].get(key)) for n in names])
    for key, label in METRIC_LABELS.items():
        rows.append([label] + [fmt(key, systems[n]["overall"].get(key)) for n in names])
    for name in LATENCY_FIELDS:
        for p in ("p50", "p95"):
            rows.append([f"{name} {p}"] + [fmt_ms(systems[n]["latency"][name][p]) for n in names])
    return text_table(["metric", *names], rows)


def style_table(system: Mapping) -> str:
    """Per phrasing style (the test split): the headline metrics."""
    keys = ("key_fact_accuracy", "citation_precision", "refusal_accuracy", "false_refusal_rate",
            "n_unsupported_figure")
    head = ["style", "n"] + [METRIC_LABELS[k].split(" (")[0] for k in keys]
    rows = [[name, str(m["n"])] + [fmt(k, m.get(k)) for k in keys] for name, m in system["by_style"].items()]
    return text_table(head, rows)


def text_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------------
_CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
.better{color:#1a7f37;font-weight:600}.worse{color:#cf222e;font-weight:600}
.meta{color:#57606a;font-size:.9rem}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
.legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;vertical-align:middle}
.fail{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.fail h3{font-size:1rem;margin:.2rem 0 .5rem}.why{color:#cf222e;font-size:.85rem;margin-left:.5rem}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.cols>div{background:#f6f8fa;border-radius:4px;padding:.5rem .8rem;font-size:.9rem;overflow-wrap:anywhere}
.cols h4{margin:.1rem 0 .4rem;font-size:.9rem;color:#57606a}
.ans{white-space:pre-wrap}ul{margin:.3rem 0;padding-left:1.2rem}.gold{color:#1a7f37}.err{color:#cf222e}
.flag{display:inline-block;font-size:.8rem;padding:0 .4rem;margin-right:.3rem;border-radius:4px;border:1px solid}
.flag.quote{background:#fff8c5;color:#6a4a00;border-color:#d4a72c}.flag.refused{background:#ffebe9;color:#82071e;border-color:#ff8182}
.flag.err{background:#ffebe9;color:#82071e}#items td.q{text-align:left;max-width:520px}
"""
_COLORS = {SYSTEM: "#0969da", BASELINE: "#8c959f"}

# The HTML report reads in Chinese (English kept after a slash for the developers' tools and tests).
SYSTEM_ZH = "本系统 / " + SYSTEM
BASELINE_ZH = "普通 RAG 基线 / " + BASELINE
ZH = {
    "n": "问题数", "n_answerable": "可回答", "n_unanswerable": "不可回答（应拒答）", "n_errors": "出错",
    "recall_at_1": "前1条召回率", "recall_at_5": "前5条召回率", "mrr": "平均倒数排名（MRR）",
    "key_fact_accuracy": "关键事实准确率", "citation_precision": "引用准确率", "citation_recall": "引用召回率",
    "refusal_accuracy": "拒答准确率（不可回答的问题）", "false_refusal_rate": "误拒答率（可回答的问题）",
    "n_unsupported_figure": "含无依据数字的回答", "extractive_rate": "原文摘录回答占比",
    "total_ms": "总耗时", "first_token_ms": "首字耗时", "retrieve_ms": "检索耗时",
}
GROUP_ZH = {"n": "题数", "recall_at_1": "R@1", "recall_at_5": "R@5", "mrr": "MRR", "key_fact_accuracy": "关键事实",
            "citation_precision": "引用准确", "citation_recall": "引用召回", "refusal_accuracy": "拒答准确",
            "false_refusal_rate": "误拒答", "n_errors": "出错"}
REASONS_ZH = {"error": "出错", "key facts missing": "缺少关键事实", "false refusal": "误拒答",
              "not refused": "应拒答而未拒答", "gold not in top 5": "标准条款不在前5条检索结果中"}
EXTRACTIVE_FLAG = "原文摘录"
REFUSED_FLAG = "拒答"


def zh(key: str, english: str) -> str:
    """'中文 / English' for a metric key."""
    return f"{ZH[key]} / {english}" if key in ZH else english


def answer_kinds(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """How the answers were given: by the model, as a quote (extractive), refused, or failed."""
    kinds = {"model": 0, "extractive": 0, "refused": 0, "error": 0}
    for o in outcomes:
        kinds["error" if o.error else "refused" if o.refused else "extractive" if o.extractive else "model"] += 1
    return kinds


def html_answer_kinds(system: Mapping, baseline: Mapping | None) -> str:
    """The summary of answer kinds: a run where half the answers are quotes does not look like one where
    the model answered."""
    cols = [(SYSTEM_ZH, system)] + ([(BASELINE_ZH, baseline)] if baseline else [])
    kinds = [(answer_kinds([Outcome.from_dict(q) for q in m["questions"]]), len(m["questions"])) for _, m in cols]
    head = "<tr><th>回答方式 / answer kind</th>" + "".join(f"<th>{_e(n)}</th>" for n, _ in cols) + "</tr>"
    rows = []
    for key, label in (("model", "模型作答 / answered by the model"),
                       ("extractive", f"{EXTRACTIVE_FLAG}（核对后改为引用原文）/ extractive (quotes)"),
                       ("refused", f"{REFUSED_FLAG} / refused"), ("error", "出错 / errors")):
        cells = "".join(f"<td>{k[key]}（{100 * k[key] / n:.0f}%）</td>" if n else "<td>0</td>" for k, n in kinds)
        rows.append(f'<tr data-kind="{key}"><td>{_e(label)}</td>{cells}</tr>')
    return f'<table id="answer-kinds">{head}{"".join(rows)}</table>'


def html_items(outcomes: Sequence[Outcome], rows: Mapping[str, Mapping]) -> str:
    """Every question, with its answer kind flagged (原文摘录 / 拒答 / 出错) and its checks."""
    head = ("<tr><th>编号 / id</th><th>类型 / type</th><th>问题 / question</th><th>标记 / flags</th>"
            "<th>关键事实 / key facts</th><th>拒答正确 / refusal ok</th></tr>")
    body = []
    for o in outcomes:
        row = rows.get(o.id, {})
        flags = []
        if o.error:
            flags.append('<span class="flag err">出错</span>')
        if o.refused:
            flags.append(f'<span class="flag refused">{REFUSED_FLAG}</span>')
        if o.extractive and not o.refused:
            flags.append(f'<span class="flag quote">{EXTRACTIVE_FLAG}</span>')
        key = "—" if o.key_fact is None else ("是" if o.key_fact else "否")
        qid = f'<a href="#q-{_e(o.id)}">{_e(o.id)}</a>' if failure_reasons(o) else _e(o.id)
        body.append(f"<tr><td>{qid}</td><td>{_e(o.type)}</td><td class=\"q\">{_e(row.get('question', ''))}</td>"
                    f"<td>{''.join(flags)}</td><td>{key}</td><td>{'是' if o.refusal_ok else '否'}</td></tr>")
    return f'<table id="items">{head}{"".join(body)}</table>'



def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _delta_class(metric: str, system: float | None, baseline: float | None) -> str:
    if system is None or baseline is None or abs(system - baseline) < 1e-9:
        return ""
    better = system < baseline if metric in LOWER_IS_BETTER else system > baseline
    return "better" if better else "worse"


def html_metrics_table(system: Mapping, baseline: Mapping | None) -> str:
    """The overall metrics table: our system vs the baseline."""
    head = (f"<tr><th>指标 / Metric</th><th>{SYSTEM_ZH}</th>" + (f"<th>{BASELINE_ZH}</th><th>差值 / Δ</th>" if baseline
                                                                   else "") + "</tr>")
    rows = []
    s_all, b_all = system["overall"], (baseline or {}).get("overall", {})
    for key, label in [("n", "Questions"), ("n_answerable", "Answerable"), ("n_unanswerable", "Unanswerable"),
                       ("n_errors", "Errors"), *METRIC_LABELS.items()]:
        s, b = s_all.get(key), b_all.get(key)
        cells = f"<td>{_e(zh(key, label))}</td><td>{_e(fmt(key, s))}</td>"
        if baseline:
            delta = fmt_delta(key, b, s) if key in METRIC_LABELS else ""
            cells += (f"<td>{_e(fmt(key, b))}</td>"
                      f"<td class=\"{_delta_class(key, s, b)}\">{_e(delta)}</td>")
        rows.append(f"<tr>{cells}</tr>")
    for name in LATENCY_FIELDS:
        for p in ("p50", "p95"):
            cells = f"<td>{_e(zh(name, name))} {p}</td><td>{_e(fmt_ms(system['latency'][name][p]))}</td>"
            if baseline:
                cells += f"<td>{_e(fmt_ms(baseline['latency'][name][p]))}</td><td></td>"
            rows.append(f"<tr>{cells}</tr>")
    return f"<table id=\"metrics\">{head}{''.join(rows)}</table>"


def html_group_table(groups: Mapping[str, Mapping], title: str) -> str:
    """A per-type or per-document metrics table."""
    head = f"<tr><th>{_e(title)}</th>" + "".join(f"<th>{_e(GROUP_ZH.get(k, label))}</th>" for k, label in GROUP_COLUMNS) + "</tr>"
    rows = []
    for name, m in groups.items():
        cells = "".join(f"<td>{_e(fmt(k, m.get(k)))}</td>" for k, _ in GROUP_COLUMNS)
        rows.append(f"<tr><td>{_e(name)}</td>{cells}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def svg_bar_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
                  width: int = 540) -> str:
    """Horizontal grouped bar chart (values in [0, 1]) as inline SVG; a missing value draws no bar."""
    bar_h, gap, left, right, top = 11, 8, 130, 60, 26
    n_series = max(1, len(series))
    group_h = n_series * bar_h + gap
    height = top + len(labels) * group_h + 10
    plot_w = width - left - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(title)}" font-size="11">',
             f'<text x="0" y="14" font-size="13" font-weight="600">{_e(title)}</text>']
    for frac in (0.0, 0.5, 1.0):
        x = left + frac * plot_w
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 8}" stroke="#d0d7de"/>')
    for i, label in enumerate(labels):
        y0 = top + i * group_h
        parts.append(f'<text x="{left - 6}" y="{y0 + n_series * bar_h / 2 + 4:.1f}" text-anchor="end">'
                     f"{_e(label)}</text>")
        for j, (name, values) in enumerate(series.items()):
            value = values[i]
            if value is None:
                continue
            y = y0 + j * bar_h
            w = max(0.0, min(1.0, float(value))) * plot_w
            color = _COLORS.get(name, "#0969da")
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{color}">'
                         f"<title>{_e(name)}: {100 * value:.1f}%</title></rect>")
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 3}" fill="#57606a">{100 * value:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_type_charts(system: Mapping, baseline: Mapping | None) -> str:
    """One bar chart per headline metric, grouped by question type."""
    types = list(system["by_type"])
    charts = []
    for metric in CHART_METRICS:
        series = {SYSTEM: [system["by_type"][t].get(metric) for t in types]}
        if baseline:
            series[BASELINE] = [baseline["by_type"].get(t, {}).get(metric) for t in types]
        shown = [i for i, t in enumerate(types) if any(v[i] is not None for v in series.values())]
        if not shown:
            continue
        charts.append(svg_bar_chart(ZH.get(metric, METRIC_LABELS[metric]), [types[i] for i in shown],
                                    {k: [v[i] for i in shown] for k, v in series.items()}))
    names = {SYSTEM: SYSTEM_ZH, BASELINE: BASELINE_ZH}
    legend = "".join(f'<span style="background:{c}"></span>{_e(names[n])}' for n, c in _COLORS.items()
                     if n == SYSTEM or baseline)
    return f'<p class="legend">{legend}</p><div class="charts">{"".join(charts)}</div>'


def failure_reasons(o: Outcome) -> list[str]:
    """Why a question counts as failed (empty if it did not fail)."""
    reasons = []
    if o.error:
        reasons.append("error")
    if o.key_fact is False:
        reasons.append("key facts missing")
    if not o.refusal_ok:
        reasons.append("false refusal" if o.answerable else "not refused")
    if o.retrieval_hit is False:
        reasons.append("gold not in top 5")
    return reasons


def _answer_block(title: str, row: Mapping | None, gold: set[tuple[str, str]]) -> str:
    if row is None:
        return f"<div><h4>{_e(title)}</h4><p>—</p></div>"
    parts = [f"<h4>{_e(title)}{f' · {REFUSED_FLAG}' if row.get('refused') else ''}"
             f"{f' · {EXTRACTIVE_FLAG}' if row.get('extractive') and not row.get('refused') else ''}</h4>"]
    if row.get("error"):
        parts.append(f'<p class="err">出错 / error: {_e(row["error"])}</p>')
    parts.append(f'<div class="ans">{_e(row.get("answer") or "")}</div>')
    cites = row.get("citations") or []
    if cites:
        items = []
        for c in cites:
            cls = ' class="gold"' if (c.get("doc_title"), c.get("clause")) in gold else ""
            quote = f"：{_e(c.get('quote'))}" if c.get("quote") else ""
            items.append(f"<li{cls}>[{_e(c.get('n'))}] 《{_e(c.get('doc_title'))}》{_e(c.get('clause'))}{quote}</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
    retrieved = row.get("retrieved") or []
    if retrieved:
        items = []
        for it in retrieved[:5]:
            labels = it.get("clauses") if it.get("clauses") is not None else [it.get("clause")]
            cls = ' class="gold"' if any((it.get("doc_title"), lab) in gold for lab in labels) else ""
            items.append(f"<li{cls}>《{_e(it.get('doc_title'))}》"
                         f"{_e(it.get('clause'))} <span class=\"meta\">{_e(it.get('score'))}</span></li>")
        parts.append(f"<p class=\"meta\">检索结果（前5条）/ retrieved (top 5):</p><ul>{''.join(items)}</ul>")
    return f"<div>{''.join(parts)}</div>"


def clause_snippet(text: str, facts: Sequence[str], width: int = 300) -> str:
    """``text`` if short, else a window of about ``width`` characters around the first key fact."""
    if len(text) <= width:
        return text
    positions = [p for f in facts if (p := text.find(f)) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, facts: Sequence[str]) -> str:
    """``text`` HTML-escaped, with each key fact wrapped in ``<mark>``."""
    out = _e(text)
    for fact in sorted({f for f in facts if f}, key=len, reverse=True):
        out = out.replace(_e(fact), f"<mark>{_e(fact)}</mark>")
    return out


def _gold_block(row: Mapping, clause_texts: Mapping[tuple[str, str], str]) -> str:
    parts = ["<h4>标准答案 / Gold</h4>"]
    gold = row.get("gold") or []
    if not gold:
        parts.append("<p>不可回答：正确做法是拒答 / unanswerable: the right behaviour is to refuse</p>")
    facts = [str(f) for f in row.get("must_contain") or [] if f]
    for g in gold:
        key = (g.get("doc_title"), g.get("clause"))
        snippet = highlight(clause_snippet(clause_texts.get(key, ""), facts), facts)
        parts.append(f"<p class=\"gold\">《{_e(key[0])}》{_e(key[1])}</p><p class=\"meta\">{snippet}</p>")
    if row.get("must_contain"):
        parts.append("<p>必须包含 / must contain: " + "、".join(f"<b>{_e(f)}</b>" for f in row["must_contain"]) + "</p>")
    if row.get("note"):
        parts.append(f"<p class=\"meta\">{_e(row['note'])}</p>")
    return f"<div>{''.join(parts)}</div>"


def html_failures(outcomes: Sequence[Outcome], rows: Mapping[str, Mapping], baseline_rows: Mapping[str, Mapping],
                  clause_texts: Mapping[tuple[str, str], str]) -> str:
    """One card per failed question: our answer, the baseline's, and the gold, side by side."""
    cards = []
    for o in outcomes:
        reasons = failure_reasons(o)
        if not reasons:
            continue
        row = rows[o.id]
        gold = {(g.get("doc_title"), g.get("clause")) for g in row.get("gold") or []}
        history = "".join(f"<p class=\"meta\">{_e(t.get('role'))}: {_e(t.get('content'))}</p>"
                          for t in row.get("history") or [] if isinstance(t, dict))
        blocks = [_answer_block(SYSTEM_ZH, row, gold)]
        if baseline_rows:
            blocks.append(_answer_block(BASELINE_ZH, baseline_rows.get(o.id), gold))
        blocks.append(_gold_block(row, clause_texts))
        cards.append(f"<div class=\"fail\" id=\"q-{_e(o.id)}\"><h3>{_e(o.id)} · {_e(o.type)} · "
                     f"{_e(row.get('question'))}<span class=\"why\">{_e('；'.join(REASONS_ZH.get(r, r) for r in reasons))}</span></h3>"
                     f"{history}<div class=\"cols\">{''.join(blocks)}</div></div>")
    if not cards:
        return "<p>没有未通过的问题。/ No failed questions.</p>"
    return (f"<p>{len(outcomes)} 个问题中有 {len(cards)} 个至少一项检查未通过。/ {len(cards)} of {len(outcomes)} "
            "questions failed at least one check.</p>" + "".join(cards))


def render_html(metrics: Mapping, rows: Sequence[Mapping], baseline_rows: Sequence[Mapping],
                clause_texts: Mapping[tuple[str, str], str]) -> str:
    """The whole self-contained report."""
    system, baseline = metrics["system"], metrics.get("baseline")
    outcomes = [Outcome.from_dict(q) for q in system["questions"]]
    by_id = {str(r.get("id")): r for r in rows}
    base_by_id = {str(r.get("id")): r for r in baseline_rows}
    settings = metrics.get("settings", {})
    meta = " · ".join(f"{k}: {_e(settings.get(k))}" for k in
                      ("embedding_model", "generator_backend", "generator_model", "top_k") if k in settings)
    sections = [
        f"<h1>评测报告 / Evaluation report: {_e(metrics.get('run'))}</h1>",
        f"<p class=\"meta\">数据集 / dataset {_e(metrics.get('dataset'))} · {_e(metrics.get('created'))} · {meta}</p>",
        "<h2>回答方式 / Answer kinds</h2>",
        "<p class=\"meta\">“原文摘录”：模型的回答没有通过核对，改为引用条款原文；这类回答多说明模型本身答得不好。</p>",
        html_answer_kinds(system, baseline),
        "<h2>指标 / Metrics</h2>", html_metrics_table(system, baseline),
        "<h2>按问题类型 / By question type</h2>", html_type_charts(system, baseline),
        html_group_table(system["by_type"], "类型 / type"),
        "<h2>按文件 / By document</h2>", html_group_table(system["by_document"], "文件 / document"),
    ]
    if baseline:
        sections += ["<h2>基线按问题类型 / Baseline by question type</h2>",
                     html_group_table(baseline["by_type"], "类型 / type")]
    sections += ["<h2>逐题结果 / Every question</h2>", html_items(outcomes, by_id),
                 "<h2>未通过的问题 / Failed questions</h2>", html_failures(outcomes, by_id, base_by_id, clause_texts)]
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>评测报告 {_e(metrics.get('run'))}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(sections)}</body></html>")
