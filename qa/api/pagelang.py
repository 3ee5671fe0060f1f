"""Serve the chat page as Chinese: ``<html lang="zh-CN">`` in the HTML itself.

Gradio's page template hard-codes ``<html lang="en">``; screen readers and browsers' translation
offers read that attribute before any script runs. This ASGI middleware rewrites it on the HTML
responses of the page (GET, ``text/html``, outside /api and /v1); the page's script sets it too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LANG_EN = b'lang="en"'
LANG_ZH = b'lang="zh-CN"'
MAX_HTML = 2_000_000  # bytes buffered at most; a larger HTML response passes unchanged


class HtmlLangMiddleware:
    def __init__(self, app: ASGIApp, skip: tuple[str, ...] = ("/api", "/v1", "/static-offline-docs")) -> None:
        self.app = app
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False

        async def wrapped(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or ())
                is_html = headers.get(b"content-type", b"").startswith(b"text/html")
                if not is_html or headers.get(b"content-encoding"):
                    passthrough = True
                    await send(message)
                else:
                    start = message
                return
            if passthrough or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size = sum(len(c) for c in chunks)
            if message.get("more_body", False) and size <= MAX_HTML:
                return
            body = b"".join(chunks)
            chunks.clear()
            assert start is not None
            if not message.get("more_body", False):
                head = body[:400]
                if LANG_EN in head:
                    body = body.replace(LANG_EN, LANG_ZH, 1)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                start["headers"] = headers + [(b"content-length", str(len(body)).encode())]
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
            else:  # too large to buffer: send what we have and stream the rest unchanged
                passthrough = True
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": True})

        await self.app(scope, receive, wrapped)
