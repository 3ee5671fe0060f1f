"""API docs that work offline: Swagger UI served from the `fastapi-offline` package, not a CDN.

FastAPI's default ``/docs`` page loads Swagger UI's JavaScript and CSS from jsDelivr, so on an
intranet without internet it is a blank page. `fastapi-offline` (maintained, MIT) ships the Swagger UI
and ReDoc bundles inside the wheel and serves them under ``/static-offline-docs``; ``/docs``,
``/docs/oauth2-redirect`` and ``/redoc`` point at those files. No request leaves the server.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

STATIC_URL = "/static-offline-docs"


def make_fastapi(**kwargs: Any) -> FastAPI:
    """A FastAPI app whose /docs and /redoc use locally served assets."""
    from fastapi_offline import FastAPIOffline

    return FastAPIOffline(static_url=STATIC_URL, favicon_url=f"{STATIC_URL}/favicon.png", **kwargs)
