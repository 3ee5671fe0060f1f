"""`qa serve` (and its alias `qa ui`): the HTTP API, the embed page and the chat page on one port."""

from __future__ import annotations

import click


def _serve(ctx: click.Context, host: str | None, port: int | None, warmup: bool) -> None:
    import uvicorn

    from qa.api.app import create_app, start_warmup
    from qa.cli import get_settings
    from qa.service import build_service

    settings = get_settings(ctx)
    settings = settings.replace(**{k: v for k, v in (("host", host), ("port", port)) if v is not None})
    app = create_app(build_service(settings), settings)
    if warmup:
        start_warmup(app)
    click.echo(f"policy-qa: http://{settings.host}:{settings.port}/  (API docs: /docs, embed: /embed)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", timeout_graceful_shutdown=5)


_OPTIONS = [
    click.option("--host", default=None, help="Address to listen on (default: settings.host)."),
    click.option("--port", type=int, default=None, help="Port (default: settings.port)."),
    click.option("--no-warmup", "no_warmup", is_flag=True,
                 help="Load index and models on first use instead of in the background at start."),
]


def _with_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(_OPTIONS):
        f = option(f)
    return f


def register(cli: click.Group) -> None:
    @cli.command("serve")
    @_with_options
    @click.pass_context
    def serve(ctx: click.Context, host: str | None, port: int | None, no_warmup: bool) -> None:
        """Serve the chat page (/), the API (/api, /v1, /docs), /embed and /healthz."""
        _serve(ctx, host, port, not no_warmup)

    @cli.command("ui")
    @_with_options
    @click.pass_context
    def ui(ctx: click.Context, host: str | None, port: int | None, no_warmup: bool) -> None:
        """Same as `qa serve` (the chat page is at /)."""
        _serve(ctx, host, port, not no_warmup)
