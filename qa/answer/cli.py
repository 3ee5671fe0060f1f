"""`qa ask`: stream an answer, then print the citations with their quotes."""

from __future__ import annotations

import json
import sys

import click


def register(cli: click.Group) -> None:
    @cli.command("ask")
    @click.argument("question")
    @click.option("--doc", "docs", multiple=True, help="Restrict to a document (id or title); repeatable.")
    @click.option("--json", "as_json", is_flag=True, help="Print the full Answer as JSON.")
    @click.pass_context
    def ask(ctx: click.Context, question: str, docs: tuple[str, ...], as_json: bool) -> None:
        """提问 / ask QUESTION; the answer streams, then its clause citations."""
        from qa.cli import get_settings
        from qa.service import build_service

        service = build_service(get_settings(ctx))
        answer = None
        streamed = False
        for event in service.ask_stream(question, doc_ids=list(docs) or None):
            if event.kind == "token" and not as_json:
                click.echo(event.text, nl=False)
                streamed = True
            elif event.kind == "status" and not as_json and sys.stderr.isatty():
                click.secho(event.text, fg="bright_black", err=True)
            elif event.kind == "answer":
                answer = event.answer
        assert answer is not None
        if as_json:
            click.echo(json.dumps({"question": answer.question, **answer.to_dict(),
                                   "hits": [h.to_dict() for h in answer.hits]}, ensure_ascii=False, indent=2))
            return
        if streamed:
            click.echo("\n" + "─" * 40)
            if answer.text != answer.raw_text.strip():
                label = "核对后的回答（原文摘录）" if answer.extractive else "核对后的回答"
                click.secho(f"{label}：", bold=True)
        click.echo(answer.text)
        if answer.citations:
            click.secho("\n引用 citations:", bold=True)
            for c in answer.citations:
                click.echo(f"[{c.n}] 《{c.doc_title}》{c.clause}：{c.quote}")
        if answer.rewritten_question and answer.rewritten_question != answer.question:
            click.echo(f"\n（改写后的问题：{answer.rewritten_question}）")
        t = answer.timings
        click.secho(f"\n检索 {t.retrieve_ms:.0f} ms · 首字 {t.first_token_ms:.0f} ms · 总计 {t.total_ms:.0f} ms",
                    fg="bright_black", err=True)
