"""`qa engine`: build and run llama.cpp's ``llama-server`` (the multi-slot OpenAI-compatible engine)."""

from __future__ import annotations

import os

import click


def register(cli: click.Group) -> None:
    @cli.group("engine")
    def engine() -> None:
        """推理引擎 llama-server (llama.cpp, several parallel slots) for generator_backend = openai."""

    @engine.command("build")
    @click.option("--rebuild", is_flag=True, help="Build again even if a binary for these flags exists.")
    @click.option("--jobs", type=int, default=2, show_default=True, help="Parallel compile jobs.")
    def build_cmd(rebuild: bool, jobs: int) -> None:
        """Compile llama-server for this CPU (once; about 7 min on 2 idle cores) and print its path."""
        from qa.serving.llama_server_build import ensure_built

        result = ensure_built(rebuild=rebuild, jobs=jobs)
        took = f" in {result.seconds:.0f} s" if result.action == "built" else ""
        click.echo(f"llama-server [{result.plan.isa}, key {result.plan.key}]: {result.action}{took}", err=True)
        click.echo(str(result.binary))

    @engine.command("serve")
    @click.option("--model", "model", default=None,
                  help="GGUF file or builtin:… name (default: settings.generator_model).")
    @click.option("--parallel", "-np", "parallel", type=int, default=4, show_default=True,
                  help="Parallel slots (generations at once).")
    @click.option("--ctx-per-slot", type=int, default=4096, show_default=True, help="Context tokens per slot.")
    @click.option("--threads", type=int, default=os.cpu_count() or 2, show_default="CPU count",
                  help="CPU threads.")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", type=int, default=8080, show_default=True)
    @click.pass_context
    def serve_cmd(ctx: click.Context, model: str | None, parallel: int, ctx_per_slot: int, threads: int,
                  host: str, port: int) -> None:
        """Run llama-server in the foreground (built first if needed); the served model is `policy-qa-engine`."""
        from qa.cli import get_settings
        from qa.errors import InputError
        from qa.models.provision import resolve_gguf
        from qa.serving.engine import MODEL_ALIAS, llama_server_command
        from qa.serving.llama_server_build import ensure_built

        if parallel < 1 or ctx_per_slot < 256:
            raise InputError("--parallel must be ≥ 1 and --ctx-per-slot ≥ 256")
        settings = get_settings(ctx)
        if model is not None:
            settings = settings.replace(generator_model=model)
        elif not settings.generator_model.startswith("builtin:") and not settings.generator_model.endswith(".gguf"):
            settings = settings.replace(generator_model="builtin:qwen2.5-coder-1.5b")  # a served name, not a file
        gguf = resolve_gguf(settings)
        binary = ensure_built().binary
        cmd = llama_server_command(binary, gguf, port, parallel=parallel, n_ctx_per_slot=ctx_per_slot,
                                   n_threads=threads, host=host)
        click.echo(f"llama-server: http://{host}:{port}/v1  model {MODEL_ALIAS!r}, {parallel} slots\n"
                   f"  qa.toml: generator_backend = \"openai\", openai_base_url = \"http://{host}:{port}/v1\", "
                   f"generator_model = \"{MODEL_ALIAS}\"", err=True)
        os.execv(cmd[0], cmd)
