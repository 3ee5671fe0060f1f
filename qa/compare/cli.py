"""`qa compare`: clause alignment (上下级对照) from the command line.

    qa compare show 非化石能源消费比重                 # the clause a topic is about, side by side
    qa compare show --doc 雅安 --clause 五 [--with 四川省减污降碳]
    qa compare ask "雅安和全省的非化石能源消费比重目标哪个高？"
    qa compare gaps 资阳 四川省减污降碳协同增效行动方案   # clauses without a counterpart
    qa compare eval                                    # precision/recall against eval/alignment_gold.jsonl
"""

from __future__ import annotations

import json

import click

from qa.compare.model import ClauseComparison, DocumentSide

DEFAULT_GOLD = "eval/alignment_gold.jsonl"


def _short(text: str, n: int = 90) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def format_side(side: DocumentSide) -> list[str]:
    lines = []
    if not side.counterparts:
        near = ""
        if side.nearest is not None and side.nearest_clause is not None:
            near = f"（最接近：{side.nearest_clause.label}{side.nearest_clause.heading}，得分 {side.nearest.score:.2f}）"
        return [f"  ✗ 《{side.doc_title}》无对应条款{near}"]
    for cp in side.counterparts:
        c, s, d = cp.clause, cp.candidate, cp.diff
        tag = "＋" if cp.extra else "↔"
        lines.append(f"  {tag} 《{c.doc_title}》{c.label}{c.heading}  得分 {s.score:.2f}"
                     f"（语义 {s.sem:.2f} 措辞 {s.lex:.2f} 标题 {s.head:.2f} 位置 {s.pos:.2f}）")
        for f in d.figures:
            left = f.left.shown if f.left else "—"
            right = f.right.shown if f.right else "—"
            mark = {"same": "＝", "value": "≠", "qualifier": "≠(限定词)", "year": "≠(年份)",
                    "only_left": "仅本方", "only_right": "仅对方"}[f.status]
            year = f"{f.year}年 " if f.year else ""
            lines.append(f"      数字 {year}{f.metric}: {left} {mark} {right}")
        if d.lead_left or d.lead_right:
            lines.append(f"      牵头: {d.lead_left or '—'} / {d.lead_right or '—'}"
                         f"（{'同一部门' if d.lead_same else '不同'}）")
        if d.departments_only_left:
            lines.append("      仅本方部门: " + "、".join(d.departments_only_left))
        if d.departments_only_right:
            lines.append("      仅对方部门: " + "、".join(d.departments_only_right))
        if d.projects_only_left:
            lines.append("      仅本方项目: " + "、".join(d.projects_only_left))
        if d.projects_only_right:
            lines.append("      仅对方项目: " + "、".join(d.projects_only_right))
        for s_ in d.sentences_only_left:
            lines.append("      仅本方: " + _short(s_))
        for s_ in d.sentences_only_right:
            lines.append("      仅对方: " + _short(s_))
    return lines


def format_comparison(cmp: ClauseComparison) -> str:
    c = cmp.clause
    head = f"《{c.doc_title}》{c.label}{c.heading}" + (f"  （主题：{cmp.topic}）" if cmp.topic else "")
    lines = [head, "  " + _short(c.text, 160)]
    for side in cmp.sides:
        lines += format_side(side)
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.group("compare")
    def compare_group() -> None:
        """上下级对照 / compare plans clause by clause (the alignment is stored with the index)."""

    def _service(ctx: click.Context):
        from qa.cli import get_settings
        from qa.compare.service import compare_service
        from qa.service import build_service

        return compare_service(build_service(get_settings(ctx)))

    @compare_group.command("show")
    @click.argument("topic", required=False, default="")
    @click.option("--doc", default=None, help="Document (id, title or region) of the chosen clause.")
    @click.option("--clause", "label", default=None, help="Clause label, e.g. （五） or 五.")
    @click.option("--with", "others", multiple=True, help="Only these other documents (repeatable).")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @click.pass_context
    def show_cmd(ctx: click.Context, topic: str, doc: str | None, label: str | None, others: tuple[str, ...],
                 as_json: bool) -> None:
        """A clause (--doc/--clause) or the clause a TOPIC is about, with its counterparts and the differences."""
        from qa.errors import InputError
        from qa.validation import check_text

        svc = _service(ctx)
        if label:
            if not doc:
                raise InputError("--clause 需要同时给出 --doc / --clause needs --doc")
            label = check_text(label, "条款 / clause", max_chars=50)
            cmp = svc.compare_clause(doc, label, list(others) or None)
        else:
            topic = check_text(topic, "主题 / topic", max_chars=200)
            cmp = svc.compare_topic(topic, doc, list(others) or None)
        click.echo(json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2) if as_json else format_comparison(cmp))

    @compare_group.command("ask")
    @click.argument("question")
    @click.option("--regions", default="", help="Regions to compare, comma-separated (default: from the question).")
    @click.option("--topic", default="", help="What to compare (default: from the question).")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @click.pass_context
    def ask_cmd(ctx: click.Context, question: str, regions: str, topic: str, as_json: bool) -> None:
        """Answer a comparison question from the alignment: one row per region, each cited."""
        from qa.compare.answer import compare_answer
        from qa.validation import validate_question

        question = validate_question(question, max_chars=500)
        svc = _service(ctx)
        table = compare_answer(question, svc, regions=[r for r in regions.split(",") if r.strip()], topic=topic)
        if table is None:
            click.secho("这不是可以对照回答的问题：请在问题中写出至少两个地区或方案（如“雅安和全省…”）。", fg="yellow", err=True)
            ctx.exit(2)
        click.echo(json.dumps(table.to_dict(), ensure_ascii=False, indent=2) if as_json else table.text)

    @compare_group.command("gaps")
    @click.argument("doc")
    @click.argument("other")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def gaps_cmd(ctx: click.Context, doc: str, other: str, as_json: bool) -> None:
        """Clauses of DOC that have no counterpart in OTHER."""
        svc = _service(ctx)
        rows = svc.unmatched(doc, other)
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
            return
        click.echo(f"{len(rows)} 条无对应条款 / clauses without a counterpart:")
        for r in rows:
            click.echo(f"  {r.label}{r.heading}")

    @compare_group.command("eval")
    @click.option("--gold", default=DEFAULT_GOLD, show_default=True, type=click.Path(dir_okay=False))
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def eval_cmd(ctx: click.Context, gold: str, as_json: bool) -> None:
        """Precision/recall of the alignment against the hand-checked gold; thresholds fitted on each city
        and reported on the other."""
        from qa.cli import get_settings
        from qa.compare.report import alignment_report, format_alignment_report

        report = alignment_report(get_settings(ctx), gold)
        click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_alignment_report(report))
