"""`qa corpus …`: see how documents are cut (inspect) and what a folder holds (list)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qa.corpus.chunking import chunk_document
from qa.corpus.readers import Limits, load_corpus, parse_file
from qa.corpus.structure import Document

#: Chunk window used by the CLI when the settings say 0 (= the model's window, unknown here).
DEFAULT_CLI_MAX_TOKENS = 512


def _settings(ctx: click.Context) -> Any | None:
    """The Settings of the root `qa` command, or None when run under another root group."""
    root = ctx.find_root()
    if isinstance(root.obj, dict) and "config_path" in root.obj:
        from qa.cli import get_settings

        return get_settings(ctx)
    return None


def _max_tokens(ctx: click.Context, given: int | None) -> int:
    if given:
        return given
    settings = _settings(ctx)
    configured = getattr(settings, "chunk_max_tokens", 0) if settings is not None else 0
    return configured or DEFAULT_CLI_MAX_TOKENS


def document_json(doc: Document, max_tokens: int) -> dict[str, Any]:
    """The `inspect --json` shape: metadata plus units (with their chunk counts)."""
    chunks = chunk_document(doc, max_tokens)
    per_unit: dict[str, int] = {}
    for c in chunks:
        per_unit[c.label] = per_unit.get(c.label, 0) + 1
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "region": doc.region,
        "issuer": doc.issuer,
        "date": doc.date,
        "warnings": list(doc.warnings),
        "card": _card(doc).to_dict(),
        "units": [
            {"label": u.label, "kind": u.kind, "section": u.section, "heading": u.heading,
             "departments": list(u.departments), "text": u.text, "chunks": per_unit.get(u.label, 0)}
            for u in doc.units
        ],
    }


def _card(doc: Document):
    from qa.answer.cards import card_of_document  # what metadata questions are answered from

    return card_of_document(doc)


#: The card's fields as `qa corpus inspect` prints them.
CARD_LINES = (("issuers", "印发单位 issuers"), ("doc_number", "文号 number"), ("signed", "落款日期 signed"),
              ("published", "发布时间 published"), ("recipients", "主送单位 recipients"), ("cc", "抄送 cc"), ("attachment", "附件 attachment"), ("basis", "依据 basis"), ("purpose", "制定目的 purpose"),
              ("approval", "批准 approval"), ("abridged", "删减 abridged"), ("release", "公开 release"))


def _print_tree(doc: Document, max_tokens: int) -> None:
    data = document_json(doc, max_tokens)
    click.echo(f"标题 title:      {doc.title}")
    click.echo(f"地区 region:     {doc.region or '-'}")
    click.echo(f"日期 date:       {doc.date or '-'}")
    card = _card(doc)
    click.echo("文件信息卡 document card (metadata questions are answered from it):")
    for field, name in CARD_LINES:
        fact = getattr(card, field)
        click.echo(f"  {name}: {fact.value + '  [' + fact.label + ']' if fact else '-（文件未载明）'}")
    if card.notes:
        click.echo(f"  注 notes: {'；'.join(card.notes)}")
    per_unit = {u["label"]: u["chunks"] for u in data["units"]}
    n_chunks = sum(per_unit.values())
    click.echo(f"units: {len(doc.units)} ({len(doc.clauses)} clauses), chunks: {n_chunks} (max {max_tokens} tokens)")
    section = None
    for unit in doc.units:
        if unit.section != section and unit.section:
            section = unit.section
            click.echo(f"  {section}")
        indent = "    " if unit.section else "  "
        heading = f" {unit.heading}" if unit.heading else ""
        click.echo(f"{indent}{unit.label}{heading}  [{unit.kind}, {len(unit.text)} chars, "
                   f"{per_unit[unit.label]} chunk(s)]")
        if unit.departments:
            click.echo(f"{indent}    部门: {'、'.join(unit.departments)}")
    for warning in doc.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)


def _limits(ctx: click.Context) -> Limits:
    settings = _settings(ctx)
    return Limits.from_settings(settings) if settings is not None else Limits()


def register(cli: click.Group) -> None:
    """Add the `corpus` command group to the root group."""

    @cli.group("corpus")
    def corpus() -> None:
        """Source documents: how they are parsed into clauses and chunks."""

    @corpus.command("inspect")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print metadata and units as JSON.")
    @click.option("--max-tokens", type=int, default=None,
                  help="Chunk window (default: chunk_max_tokens, or 512 characters).")
    @click.pass_context
    def inspect_cmd(ctx: click.Context, file: Path, as_json: bool, max_tokens: int | None) -> None:
        """Print how FILE is cut: title, number, region, date, sections, clauses, chunks."""
        doc = parse_file(file, _limits(ctx))
        window = _max_tokens(ctx, max_tokens)
        if as_json:
            click.echo(json.dumps(document_json(doc, window), ensure_ascii=False, indent=2))
        else:
            _print_tree(doc, window)

    @corpus.command("list")
    @click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @click.pass_context
    def list_cmd(ctx: click.Context, folder: Path | None, as_json: bool) -> None:
        """List the documents of FOLDER (default: corpus_dir) and the files that could not be read."""
        if folder is None:
            settings = _settings(ctx)
            folder = Path(settings.corpus_dir if settings is not None else "corpus")
        result = load_corpus(folder, limits=_limits(ctx))
        if as_json:
            click.echo(json.dumps({
                "documents": [{"doc_id": d.doc_id, "path": d.path, "title": d.title, "region": d.region,
                               "units": len(d.units), "clauses": len(d.clauses), "warnings": list(d.warnings)}
                              for d in result.documents],
                "problems": [{"path": p.path, "reason": p.reason, "hint": p.hint} for p in result.problems],
            }, ensure_ascii=False, indent=2))
        else:
            for d in result.documents:
                click.echo(f"{d.doc_id}\t{d.title}\t{d.region or '-'}\t{len(d.units)} units ({len(d.clauses)} clauses)")
                for warning in d.warnings:
                    click.secho(f"  warning: {warning}", fg="yellow")
            for problem in result.problems:
                click.secho(f"problem: {problem}", fg="red")
            click.echo(f"{len(result.documents)} document(s), {len(result.problems)} problem(s)")
        if not result.documents and result.problems:
            ctx.exit(3)
