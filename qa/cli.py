"""The `qa` command. Each stage registers its own click group; this module only wires them.

Errors raised as QAError are printed (in Chinese/English, with the fix) and turned into an exit
code; nothing else prints a traceback unless QA_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import sys

import click

from qa.errors import QAError
from qa.settings import load_settings


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # translate typed errors into a message + exit code
        try:
            return super().invoke(ctx)
        except QAError as exc:
            if os.environ.get("QA_DEBUG") == "1":
                raise
            click.secho(f"错误 / error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings TOML file (default: $QA_CONFIG or ./qa.toml).")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """policy-qa: 中文政策文件问答（离线、带条款引用）."""
    ctx.obj = {"config_path": config_path}


def get_settings(ctx: click.Context):
    """Settings are built once per command, at the entry point."""
    root = ctx.find_root()
    if "settings" not in root.obj:
        root.obj["settings"] = load_settings(root.obj.get("config_path"))
    return root.obj["settings"]


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--markdown", is_flag=True, help="Print the defaults as the README's Markdown table.")
@click.pass_context
def config_cmd(ctx: click.Context, as_json: bool, markdown: bool) -> None:
    """Print the effective settings (defaults < TOML < QA_* environment)."""
    if markdown:
        from qa.settings import Settings

        click.echo(Settings().markdown_table())
        return
    s = get_settings(ctx)
    values = s.as_dict()
    if as_json:
        click.echo(json.dumps(values, ensure_ascii=False, indent=2))
        return
    docs = s.field_docs()
    width = max(len(k) for k in values)
    for key, value in values.items():
        click.echo(f"{key:<{width}}  {value!s:<40}  # {docs[key]}")


def _register() -> None:
    # Imported here (not at module import of the stages) so `qa --help` stays fast and no
    # model is loaded until a command needs it.
    from qa.answer.cli import register as register_answer
    from qa.api.cli import register as register_api
    from qa.compare.cli import register as register_compare
    from qa.corpus.cli import register as register_corpus
    from qa.evaluation.cli import register as register_eval
    from qa.index.cli import register as register_index
    from qa.models.cli import register as register_models
    from qa.serving.cli import register as register_engine

    for register in (register_models, register_corpus, register_index, register_answer,
                     register_eval, register_api, register_compare, register_engine):
        register(cli)


def main(argv: list[str] | None = None) -> None:
    _register()
    try:
        cli.main(args=argv, prog_name="qa", standalone_mode=True)
    except QAError as exc:  # raised outside a command's invoke (e.g. settings)
        click.secho(f"错误 / error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
