"""`qa serve` (and its alias `qa ui`): the HTTP API, the embed page and the chat page on one port."""

from __future__ import annotations

import logging.config

import click


def _serve(ctx: click.Context, host: str | None, port: int | None, warmup: bool) -> None:
    import uvicorn

    from qa.api.app import create_app, start_warmup
    from qa.api.logs import server_log_config
    from qa.cli import get_settings
    from qa.service import build_service
    from qa.storage import Store

    settings = get_settings(ctx)
    settings = settings.replace(**{k: v for k, v in (("host", host), ("port", port)) if v is not None})
    logging.config.dictConfig(server_log_config(settings))
    Store.from_settings(settings).migrate()  # fail now, with the fix, if the database cannot be reached
    app = create_app(build_service(settings), settings)
    if warmup:
        start_warmup(app)
    click.echo(f"policy-qa: http://{settings.host}:{settings.port}/  (API docs: /docs, embed: /embed, "
               f"admin: /admin, metrics: /metrics)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=server_log_config(settings),
                timeout_graceful_shutdown=5)


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

    @cli.group("embed")
    def embed_group() -> None:
        """嵌入页令牌 / widget tokens of the /embed page."""

    @embed_group.command("revoke")
    @click.pass_context
    def revoke(ctx: click.Context) -> None:
        """Invalidate every widget token issued so far (the API key stays); a running server follows at once."""
        from qa.api.embed import EmbedTokens
        from qa.cli import get_settings
        from qa.errors import ConfigError

        settings = get_settings(ctx)
        if not settings.api_key:
            raise ConfigError("未设置 api_key：没有令牌可撤销 / no api_key is set, so no widget tokens exist",
                              hint="set api_key in qa.toml or QA_API_KEY")
        tokens = EmbedTokens(settings.api_key, settings.embed_token_ttl_s, settings.data_dir)
        epoch = tokens.revoke()
        click.echo(f"已撤销全部嵌入令牌 / all widget tokens revoked (epoch {epoch}, {tokens.epoch_path})")

    @cli.command("ui")
    @_with_options
    @click.pass_context
    def ui(ctx: click.Context, host: str | None, port: int | None, no_warmup: bool) -> None:
        """Same as `qa serve` (the chat page is at /)."""
        _serve(ctx, host, port, not no_warmup)
