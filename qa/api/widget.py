"""The floating chat bubble for portals (``/embed.js``), its origin check and the widget's feedback.

A portal adds one line, ``<script src="https://QA-SERVER/embed.js" defer></script>``; the script
draws a bubble in the page's corner that opens the ``/embed`` chat in a panel. Before it opens the
frame it asks ``GET /embed/allowed`` (readable from any origin, it says only whether *this* origin
may frame the widget): when the portal's origin is not in ``cors_origins`` the browser would refuse
the frame (``frame-ancestors``) and show a blank box, so the bubble shows why instead and logs the
fix to the console. ``POST /embed/feedback`` stores 有帮助/没帮助 from the widget: with an API key set
it needs a valid widget token from an allowed origin (like asking), and it is rate-limited.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from qa.api import schemas as s
from qa.api.feedback import store_feedback
from qa.errors import QAError

STATIC = Path(__file__).resolve().parent / "static"


class WidgetAuthError(QAError):
    http_status = 401


class WidgetForbiddenError(QAError):
    http_status = 403


def not_allowed_message(origin: str) -> str:
    return (f"policy-qa 问答组件：本页面的来源 {origin} 没有列入问答服务的 cors_origins，浏览器会拒绝显示问答窗口。"
            f"请服务管理员在 qa.toml 中设置 cors_origins = \"{origin}\"（多个来源用逗号分隔）后重启服务。 / "
            f"policy-qa widget: this page's origin {origin} is not listed in the server's cors_origins, so the "
            f"browser refuses to show the chat frame (frame-ancestors). Add it to cors_origins and restart.")


def widget_router(settings: Any, tokens: Any, origins: list[str], allowed: Callable[[Request], bool],
                  feedback_limit: Any, client_id: Callable[[Request], str], logs: Any) -> APIRouter:
    router = APIRouter(tags=["pages"])

    @router.get("/embed.js", summary="悬浮问答气泡脚本 / floating chat bubble script", response_class=Response)
    def embed_js() -> Response:
        return Response((STATIC / "embed.js").read_text(encoding="utf-8"), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=300"})

    @router.get("/embed/allowed", summary="本来源能否嵌入问答 / may this origin embed the widget")
    def embed_allowed(request: Request) -> JSONResponse:
        origin = (request.headers.get("origin") or "").rstrip("/")
        ok = allowed(request)
        body = {"allowed": ok, "origin": origin or None,
                "message": "" if ok else not_allowed_message(origin or "(unknown)")}
        # readable from any page: it tells a portal only whether it itself may frame the widget
        return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store",
                                           "Vary": "Origin"})

    @router.post("/embed/feedback", response_model=s.OkResponse, summary="组件内反馈 / feedback from the widget")
    def embed_feedback(req: s.FeedbackRequest, request: Request) -> Any:
        if settings.api_key:
            problem = tokens.problem(request.headers.get("x-embed-token"))
            if problem:
                raise WidgetAuthError(problem)
            if not allowed(request):
                raise WidgetForbiddenError("只能在允许的来源页面中反馈 / feedback only from an allowed origin",
                                           hint="把门户的来源加入 cors_origins / list it in cors_origins")
        return store_feedback("embed", req, client_id(request), feedback_limit, logs)

    return router
