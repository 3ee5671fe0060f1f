"""Render an evaluation: the terminal metrics table and a self-contained ``report.html``
(inline CSS, inline SVG bar charts; no JavaScript, no external resources)."""

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
"""
_COLORS = {SYSTEM: "#0969da", BASELINE: "#8c959f"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _delta_class(metric: str, system: float | None, baseline: float | None) -> str:
    if system is None or baseline is None or abs(system - baseline) < 1e-9:
        return ""
    better = system < baseline if metric in LOWER_IS_BETTER else system > baseline
    return "better" if better else "worse"


def html_metrics_table(system: Mapping, baseline: Mapping | None) -> str:
    """The overall metrics table: our system vs the baseline."""
    head = f"<tr><th>Metric</th><th>{SYSTEM}</th>" + (f"<th>{BASELINE}</th><th>Δ</th>" if baseline else "") + "</tr>"
    rows = []
    s_all, b_all = system["overall"], (baseline or {}).get("overall", {})
    for key, label in [("n", "Questions"), ("n_answerable", "Answerable"), ("n_unanswerable", "Unanswerable"),
                       ("n_errors", "Errors"), *METRIC_LABELS.items()]:
        s, b = s_all.get(key), b_all.get(key)
        cells = f"<td>{_e(label)}</td><td>{_e(fmt(key, s))}</td>"
        if baseline:
            delta = fmt_delta(key, b, s) if key in METRIC_LABELS else ""
            cells += (f"<td>{_e(fmt(key, b))}</td>"
                      f"<td class=\"{_delta_class(key, s, b)}\">{_e(delta)}</td>")
        rows.append(f"<tr>{cells}</tr>")
    for name in LATENCY_FIELDS:
        for p in ("p50", "p95"):
            cells = f"<td>{_e(name)} {p}</td><td>{_e(fmt_ms(system['latency'][name][p]))}</td>"
            if baseline:
                cells += f"<td>{_e(fmt_ms(baseline['latency'][name][p]))}</td><td></td>"
            rows.append(f"<tr>{cells}</tr>")
    return f"<table id=\"metrics\">{head}{''.join(rows)}</table>"


def html_group_table(groups: Mapping[str, Mapping], title: str) -> str:
    """A per-type or per-document metrics table."""
    head = f"<tr><th>{_e(title)}</th>" + "".join(f"<th>{_e(label)}</th>" for _, label in GROUP_COLUMNS) + "</tr>"
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
        charts.append(svg_bar_chart(METRIC_LABELS[metric], [types[i] for i in shown],
                                    {k: [v[i] for i in shown] for k, v in series.items()}))
    legend = "".join(f'<span style="background:{c}"></span>{_e(n)}' for n, c in _COLORS.items()
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
    parts = [f"<h4>{_e(title)}{' · refused' if row.get('refused') else ''}"
             f"{' · extractive' if row.get('extractive') else ''}</h4>"]
    if row.get("error"):
        parts.append(f'<p class="err">error: {_e(row["error"])}</p>')
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
        parts.append(f"<p class=\"meta\">retrieved (top 5):</p><ul>{''.join(items)}</ul>")
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
    parts = ["<h4>Gold</h4>"]
    gold = row.get("gold") or []
    if not gold:
        parts.append("<p>unanswerable: the right behaviour is to refuse</p>")
    facts = [str(f) for f in row.get("must_contain") or [] if f]
    for g in gold:
        key = (g.get("doc_title"), g.get("clause"))
        snippet = highlight(clause_snippet(clause_texts.get(key, ""), facts), facts)
        parts.append(f"<p class=\"gold\">《{_e(key[0])}》{_e(key[1])}</p><p class=\"meta\">{snippet}</p>")
    if row.get("must_contain"):
        parts.append("<p>must contain: " + "、".join(f"<b>{_e(f)}</b>" for f in row["must_contain"]) + "</p>")
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
        blocks = [_answer_block(SYSTEM, row, gold)]
        if baseline_rows:
            blocks.append(_answer_block(BASELINE, baseline_rows.get(o.id), gold))
        blocks.append(_gold_block(row, clause_texts))
        cards.append(f"<div class=\"fail\" id=\"q-{_e(o.id)}\"><h3>{_e(o.id)} · {_e(o.type)} · "
                     f"{_e(row.get('question'))}<span class=\"why\">{_e('; '.join(reasons))}</span></h3>"
                     f"{history}<div class=\"cols\">{''.join(blocks)}</div></div>")
    if not cards:
        return "<p>No failed questions.</p>"
    return f"<p>{len(cards)} of {len(outcomes)} questions failed at least one check.</p>" + "".join(cards)


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
        f"<h1>Evaluation report: {_e(metrics.get('run'))}</h1>",
        f"<p class=\"meta\">dataset {_e(metrics.get('dataset'))} · {_e(metrics.get('created'))} · {meta}</p>",
        "<h2>Metrics</h2>", html_metrics_table(system, baseline),
        "<h2>By question type</h2>", html_type_charts(system, baseline),
        html_group_table(system["by_type"], "type"),
        "<h2>By document</h2>", html_group_table(system["by_document"], "document"),
    ]
    if baseline:
        sections += ["<h2>Baseline by question type</h2>", html_group_table(baseline["by_type"], "type")]
    sections += ["<h2>Failed questions</h2>", html_failures(outcomes, by_id, base_by_id, clause_texts)]
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>Evaluation {_e(metrics.get('run'))}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(sections)}</body></html>")
