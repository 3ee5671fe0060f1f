"""`qa index build|add|remove|update|info` and `qa search`."""

from __future__ import annotations

import json
import sys

import click

from qa.errors import InputError


def _builder(ctx: click.Context):
    from qa.cli import get_settings
    from qa.index.builder import IndexBuilder
    from qa.index.embedders import make_embedder

    settings = get_settings(ctx)
    return IndexBuilder(settings, make_embedder(settings))


def _print_report(report, action: str) -> None:
    click.echo(f"{action}：{report.n_documents} 个文件，{report.n_chunks} 个片段，用时 {report.seconds:.1f} 秒")
    if report.embedded:
        click.echo(f"  重新嵌入 embedded: {', '.join(report.embedded)}")
    if report.reused:
        click.echo(f"  沿用 reused: {', '.join(report.reused)}")
    if report.removed:
        click.echo(f"  移除 removed: {', '.join(report.removed)}")
    for p in report.problems:
        click.secho(f"  跳过 skipped: {p}", fg="yellow", err=True)


def register(cli: click.Group) -> None:
    @cli.group("index")
    def index_group() -> None:
        """建立与更新索引 / build and update the index."""

    @index_group.command("build")
    @click.pass_context
    def build(ctx: click.Context) -> None:
        """Parse corpus/, embed every chunk, write the index (atomically)."""
        _print_report(_builder(ctx).build(), "索引已建立 index built")

    @index_group.command("update")
    @click.pass_context
    def update(ctx: click.Context) -> None:
        """Re-parse corpus/; re-embed only changed documents; drop deleted ones."""
        _print_report(_builder(ctx).update(), "索引已更新 index updated")

    @index_group.command("add")
    @click.argument("files", nargs=-1, required=True, type=click.Path())
    @click.pass_context
    def add(ctx: click.Context, files: tuple[str, ...]) -> None:
        """Copy FILES into corpus/ and add them to the index."""
        _print_report(_builder(ctx).add(list(files)), "已添加 added")

    @index_group.command("remove")
    @click.argument("docs", nargs=-1, required=True)
    @click.pass_context
    def remove(ctx: click.Context, docs: tuple[str, ...]) -> None:
        """Remove documents (id, file name or title) from the index; files move to corpus/.removed/."""
        _print_report(_builder(ctx).remove(list(docs)), "已移除 removed")

    @index_group.command("info")
    @click.pass_context
    def info(ctx: click.Context) -> None:
        """Print the index manifest."""
        from pathlib import Path

        from qa.cli import get_settings
        from qa.index.store import read_manifest

        m = read_manifest(Path(get_settings(ctx).index_dir))
        click.echo(json.dumps({k: v for k, v in m.items() if k != "files"}, ensure_ascii=False, indent=2))

    @cli.command("search")
    @click.argument("question", required=False)
    @click.option("-k", "k", default=5, show_default=True, help="Number of clauses.")
    @click.option("--doc", "docs", multiple=True, help="Restrict to a document (id or title); repeatable.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.option("--scope", "show_scope", is_flag=True, help="Show the detected scope.")
    @click.option("--input", "input_path", type=click.Path(dir_okay=False), help="JSONL of {id, question}.")
    @click.pass_context
    def search(ctx: click.Context, question: str | None, k: int, docs: tuple[str, ...], as_json: bool,
               show_scope: bool, input_path: str | None) -> None:
        """检索条款 / search the clauses for QUESTION."""
        from qa.cli import get_settings
        from qa.service import build_service
        from qa.validation import safe_text, validate_question

        service = build_service(get_settings(ctx))
        if input_path:
            from qa.evaluation.io import read_jsonl

            for row in read_jsonl(input_path):
                try:
                    q = validate_question(row["question"], service.settings.max_question_chars)
                except InputError as exc:  # a bad row is an error line; the others are searched
                    click.echo(json.dumps({"id": safe_text(str(row.get("id"))), "error": exc.message},
                                          ensure_ascii=False))
                    continue
                res = service.search(q, k=k, doc_ids=list(docs) or None)
                click.echo(json.dumps({"id": row.get("id"), "scope": res.scope.to_dict(),
                                       "hits": [h.to_dict() for h in res.hits]}, ensure_ascii=False))
            return
        if not question:
            raise InputError("请给出问题，或用 --input 指定 JSONL 文件 / give a QUESTION or --input FILE")
        question = validate_question(question, service.settings.max_question_chars)
        res = service.search(question, k=k, doc_ids=list(docs) or None)
        if as_json:
            payload = [h.to_dict() for h in res.hits]
            click.echo(json.dumps({"scope": res.scope.to_dict(), "hits": payload} if show_scope else payload,
                                  ensure_ascii=False, indent=2))
            return
        if show_scope:
            s = res.scope
            click.echo(f"范围 scope: 文件={list(s.doc_ids) or '全部'} 地区={list(s.regions)} "
                       f"库外={list(s.out_of_scope)}")
        for i, h in enumerate(res.hits, 1):
            c = h.chunk
            click.echo(f"{i:>2}. {h.score:.4f} (cos {h.dense_score:.3f})  《{c.doc_title}》{c.label}  {c.heading[:40]}")
        if not res.hits:
            click.echo("没有结果 / no hits", err=True)
            sys.exit(1)
