"""The HTTP app: JSON API (/api), OpenAI-compatible API (/v1), /healthz, /embed and the Gradio page (/).

Generation runs in a worker thread behind one :class:`GenerationGate` (shared with the chat page);
retrieval-only endpoints run in the thread pool, so they stay responsive while an answer is generated.
Every error is a JSON body ``{"error": {"type", "message"}}`` with a Chinese / English message.
"""

from __future__ import annotations

import contextlib
import hmac
import importlib
import importlib.util
import json
import logging
import re
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.answer.rewrite import turn_text
from qa.api import openai_compat as oa
from qa.api import schemas as s
from qa.api.admin.router import build_router as build_admin_router
from qa.api.admin.service import AdminService
from qa.api.compare import compare_router
from qa.api.docs import make_fastapi
from qa.api.embed import EmbedTokens, embed_html, token_allows
from qa.api.feedback import store_feedback
from qa.api.gate import GenerationGate, follow_engine, resolve_concurrency
from qa.api.limits import RateLimit, retry_after
from qa.api.logs import Logs
from qa.api.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from qa.api.metrics import Metrics, RequestMetricsMiddleware
from qa.api.pagelang import HtmlLangMiddleware
from qa.api.runner import GenerationRun
from qa.api.widget import widget_router
from qa.errors import BusyError, QAError, RateLimitError
from qa.settings import Settings
from qa.types import Answer, Turn
from qa.validation import check_text, safe_text, validate_question

log = logging.getLogger("qa.api")

GENERIC_ERROR = "服务内部错误，请稍后重试 / internal server error, please retry later"
HEARTBEAT_S = 10.0
PROTECTED = ("/api", "/v1")
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": s.ErrorBody, "description": desc} for code, desc in (
        (400, "请求体不是有效的 JSON / invalid JSON"), (401, "缺少或错误的 API key / missing or wrong API key"),
        (403, "嵌入令牌不能用于该接口 / the widget token does not allow this route"),
        (413, "请求体过大 / request body too large"), (422, "输入无效 / invalid input"),
        (429, "请求过于频繁（带 Retry-After）/ too many requests (with Retry-After)"),
        (503, "繁忙（带 Retry-After）或模型未就绪 / busy (with Retry-After) or model not ready"))}


class AuthError(QAError):
    http_status = 401


class ForbiddenError(QAError):
    http_status = 403


# -- errors -------------------------------------------------------------------
def _snake(name: str) -> str:
    name = name.rstrip("_").removesuffix("Error") or name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + "_error"


def error_type(exc: QAError) -> str:
    return "busy" if isinstance(exc, BusyError) else _snake(type(exc).__name__)


def error_message(exc: QAError) -> str:
    return exc.message if not exc.hint else f"{exc.message}（{exc.hint}）"


def answer_body(question: str, answer: Answer) -> dict[str, Any]:
    """The JSON of an answer, with the text a client keeps in the conversation for the next question
    (``history_text``: the answer with the clauses it cites, which a follow-up such as "这一条由谁牵头？"
    points at)."""
    return {"question": question, **answer.to_dict(), "history_text": turn_text(answer), "error": None}


def error_body(err_type: str, message: str) -> dict[str, Any]:
    return {"error": {"type": err_type, "message": safe_text(message)}}


def error_response(status: int, err_type: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(err_type, message), status_code=status, headers=headers)


def qa_error_response(exc: QAError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, (BusyError, RateLimitError)) else None
    if isinstance(exc, AuthError):
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(exc.http_status, error_type(exc), error_message(exc), headers)


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    return "; ".join(parts)


async def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "invalid_json", "请求体不是有效的 JSON / the request body is not valid JSON")
    return error_response(422, "invalid_request", f"请求参数无效 / invalid request: {_describe(errors)}")


async def _qa_handler(request: Request, exc: QAError) -> JSONResponse:
    return qa_error_response(exc)


async def _http_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    kinds = {404: ("not_found", "没有这个地址 / not found"), 405: ("method_not_allowed", "不支持该方法 / method not allowed")}
    err_type, message = kinds.get(exc.status_code, ("http_error", str(exc.detail)))
    return error_response(exc.status_code, err_type, message, getattr(exc, "headers", None))


async def _internal_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s", request.url.path)
    return error_response(500, "internal_error", GENERIC_ERROR)


# -- middleware ---------------------------------------------------------------
def _is_api(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PROTECTED)


class BodyLimitMiddleware:
    """413 for /api and /v1 request bodies above `limit` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        too_large = error_response(413, "payload_too_large",
                                   f"请求体过大（上限 {self.limit} 字节）/ request body larger than {self.limit} bytes")
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await too_large(scope, receive, send)
            return
        body, messages = 0, []
        while True:  # buffer the (small, bounded) body, then replay it
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += len(message.get("body", b""))
            if body > self.limit:
                await too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


class FrameAncestorsMiddleware:
    """`Content-Security-Policy: frame-ancestors 'self' <origins>` on the pages (/, /embed)."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.value = ("frame-ancestors 'self' " + " ".join(origins)).strip().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_api(scope["path"]) or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return

        async def send_csp(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                message["headers"] = headers + [(b"content-security-policy", self.value)]
            await send(message)

        await self.app(scope, receive, send_csp)


def parse_origins(value: str) -> list[str]:
    return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]


# -- the app ------------------------------------------------------------------
def _load_ui() -> Any:
    """ui.py lives at the repository root; import it, or load it from next to the package."""
    try:
        module = importlib.import_module("ui")
        if hasattr(module, "build_ui"):
            return module
    except ImportError:
        pass
    path = Path(__file__).resolve().parents[2] / "ui.py"
    spec = importlib.util.spec_from_file_location("ui", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ImportError(f"ui.py not found at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ui"] = module
    spec.loader.exec_module(module)
    return module


def ui_auth(settings: Settings) -> dict[str, Any]:
    """Gradio login for the chat page when api_key is set: any user name, the API key as password.
    Every Gradio API route (/gradio_api/call, /queue/join, /run …) then needs the login cookie."""
    if not settings.api_key:
        return {}
    key = settings.api_key.encode("utf-8", "surrogatepass")

    def check(user: str, password: str) -> bool:
        return hmac.compare_digest(str(password).encode("utf-8", "surrogatepass"), key)

    return {"auth": check, "auth_message": "请输入访问密钥（API key；用户名任意）/ enter the API key as the "
                                           "password (any user name)"}


def start_warmup(app: FastAPI) -> threading.Thread:
    """Load index and models in the background; /healthz reports loading → ready (or error)."""
    state = app.state.qa

    def work() -> None:
        state["warmup"] = "loading"
        try:
            state["service"].warmup()
            state["warmup"] = "done"
        except Exception as exc:  # reported by /healthz and logged
            log.exception("warm-up failed")
            state["warmup"] = "error: " + (error_message(exc) if isinstance(exc, QAError) else str(exc))

    thread = threading.Thread(target=work, name="qa-warmup", daemon=True)
    thread.start()
    return thread


def create_app(service: Any, settings: Settings, *, gate: GenerationGate | None = None,
               mount_ui: bool = True) -> FastAPI:
    """The whole server: API + OpenAI-compatible API + embed page + Gradio chat page at /."""
    if gate is None:
        generator = getattr(getattr(service, "answerer", None), "generator", None)
        concurrency, source = resolve_concurrency(settings, generator)
        gate = GenerationGate(settings.queue_size, concurrency=concurrency)
        log.info("generation concurrency %d (%s)", concurrency, source)
        if source == "default":  # the engine did not answer yet (or never reports): ask it again later
            follow_engine(gate, generator)
    logs = Logs(settings)
    origins = parse_origins(settings.cors_origins)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:  # write the queued question records before the process ends
            await run_in_threadpool(logs.close)

    app = make_fastapi(lifespan=lifespan, title="policy-qa 政策文件问答 API", version="1.0",
                  description=("中文政策文件问答，答案带经过核对的条款引用。Answers questions about Chinese policy "
                               "documents with checked clause citations. Errors: `{\"error\": {\"type\", "
                               "\"message\"}}`. When `api_key` is set, /api and /v1 need "
                               "`Authorization: Bearer KEY` or `X-API-Key: KEY`."))
    metrics = Metrics(gate, getattr(service, "retriever", None))
    logs.observers.append(metrics.observe_question)
    admin = AdminService(settings, service, logs.store)
    app.state.qa = {"service": service, "settings": settings, "gate": gate, "logs": logs, "warmup": "not started",
                    "metrics": metrics, "admin": admin}
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(QAError, _qa_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _internal_handler)

    tokens = EmbedTokens(settings.api_key, settings.embed_token_ttl_s, settings.data_dir)
    widget_limit = RateLimit(settings.embed_rate_per_min)
    feedback_limit = RateLimit(settings.feedback_rate_per_min)
    app.state.qa["embed_tokens"] = tokens

    def has_key(request: Request) -> bool:
        key = settings.api_key
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else request.headers.get("x-api-key", "")
        return bool(key and given) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                                           key.encode("utf-8", "surrogatepass"))

    def from_allowed_origin(request: Request) -> bool:
        """The widget's own page (same origin) or a portal listed in cors_origins."""
        origin = request.headers.get("origin")
        if origin is None:  # browsers omit Origin on same-origin GET, but send Sec-Fetch-Site
            return request.headers.get("sec-fetch-site") == "same-origin"
        origin = origin.rstrip("/")
        return origin in origins or (urlsplit(origin).netloc == request.headers.get("host", "") != "")

    def client_id(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def require_key(request: Request) -> None:
        """With api_key set: the key, or a widget token for asking / reading clauses (rate-limited)."""
        if not settings.api_key or has_key(request):
            return
        token = request.headers.get("x-embed-token")
        if token is None:
            raise AuthError("需要有效的 API key / a valid API key is required "
                            "(Authorization: Bearer KEY or X-API-Key)")
        problem = tokens.problem(token)
        if problem:
            raise AuthError(problem)
        if not token_allows(request.method, request.url.path):
            raise ForbiddenError("嵌入令牌只能用于提问和查看条款 / a widget token only allows asking and "
                                 "reading clauses", hint="其他接口请使用 API key / use the API key")
        if not from_allowed_origin(request):
            raise ForbiddenError("嵌入令牌只能在允许的来源页面中使用 / the widget token is only valid from an "
                                 "allowed origin", hint="把门户的来源加入 cors_origins / list it in cors_origins")
        wait = widget_limit.take(client_id(request))
        if wait:
            raise RateLimitError("提问过于频繁，请稍后再试 / too many requests, please wait",
                                 retry_after=retry_after(wait))

    api = APIRouter(prefix="/api", dependencies=[Depends(require_key)], responses=ERROR_RESPONSES, tags=["api"])
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERROR_RESPONSES, tags=["openai"])

    # -- helpers -----------------------------------------------------------
    def check_doc_ids(doc_ids: list[str] | None) -> None:
        for d in doc_ids or ():
            check_text(d, "文件 id / doc_id", max_chars=300)

    def prevalidate(question: str, history: list[Turn], doc_ids: list[str] | None) -> str:
        """Input errors as 422 before any streaming starts (the service checks again)."""
        from qa.index.builder import resolve_doc

        q = validate_question(question, settings.max_question_chars)
        for i, turn in enumerate(history):
            check_text(turn.content, f"对话第 {i + 1} 轮 / history turn {i + 1}", allow_empty=True)
        check_doc_ids(doc_ids)
        if doc_ids:
            metas = {d.doc_id: {"title": d.title} for d in service.documents()}
            for d in doc_ids:
                resolve_doc(d, metas)
        return q

    async def start_run(question: str, history: list[Turn], doc_ids: list[str] | None) -> GenerationRun:
        q = await run_in_threadpool(prevalidate, question, history, doc_ids)
        return GenerationRun(service, gate.enter(), q, history, doc_ids).start()

    async def collect(run: GenerationRun, request: Request, channel: str,
                      sink: dict[str, Any] | None = None) -> Answer | None:
        answer = None
        try:
            async for event in run.aevents(request.is_disconnected):
                if event is not None and event.kind == "usage" and sink is not None:
                    sink["usage"] = event.usage
                if event is not None and event.kind == "answer":
                    answer = event.answer
        except Exception as exc:
            logs.question(channel, run.question, error=type(exc).__name__, doc_ids=run.doc_ids)
            raise
        logs.question(channel, run.question, answer, wait_ms=run.ticket.wait_ms, doc_ids=run.doc_ids,
                      error=None if answer else "cancelled")
        return answer

    def stream_error(exc: BaseException) -> tuple[str, str]:
        if isinstance(exc, QAError):
            return error_type(exc), error_message(exc)
        log.error("generation failed", exc_info=exc)
        return "internal_error", GENERIC_ERROR

    def sse(event: str, data: dict[str, Any]) -> str:
        return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

    async def ask_events(run: GenerationRun, request: Request) -> AsyncIterator[str]:
        answer, error, last = None, None, time.monotonic()
        try:
            async for event in run.aevents(request.is_disconnected):
                if event is None:
                    if time.monotonic() - last > HEARTBEAT_S:
                        last = time.monotonic()
                        yield ": keep-alive\n\n"
                    continue
                last = time.monotonic()
                if event.kind == "answer":
                    answer = event.answer
                    yield sse("answer", answer_body(run.question, answer))
                elif event.kind == "usage":
                    yield sse("usage", event.usage.to_dict() if event.usage else {})
                else:
                    yield sse(event.kind, {"text": event.text})
        except Exception as exc:
            err_type, message = stream_error(exc)
            error = err_type
            yield sse("error", error_body(err_type, message))
        finally:
            logs.question("api-stream", run.question, answer, wait_ms=run.ticket.wait_ms, doc_ids=run.doc_ids,
                          error=error or (None if answer else "cancelled"))

    def sse_response(body: AsyncIterator[str]) -> StreamingResponse:
        return StreamingResponse(body, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # -- /api ----------------------------------------------------------------
    @api.post("/ask", response_model=s.AskResponse, summary="提问 / ask a question",
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "JSON answer, or server-sent events when `stream` is true"}})
    async def ask(req: s.AskRequest, request: Request) -> Any:
        history = [Turn(t.role, t.content) for t in req.history]
        run = await start_run(req.question, history, req.doc_ids)
        if req.stream:
            return sse_response(ask_events(run, request))
        answer = await collect(run, request, "api")
        if answer is None:  # the client went away
            return Response(status_code=499)
        return answer_body(run.question, answer)

    @api.post("/search", response_model=s.SearchResponse, summary="只检索 / retrieval only")
    def search(req: s.SearchRequest) -> Any:
        q = validate_question(req.question, settings.max_question_chars)
        check_doc_ids(req.doc_ids)
        return service.search(q, k=req.k, doc_ids=req.doc_ids).to_dict()

    @api.get("/documents", response_model=s.DocumentsResponse, summary="已收录的文件 / indexed documents")
    def documents() -> Any:
        return {"documents": [d.to_dict() for d in service.documents()]}

    @api.get("/clause/{chunk_id}", response_model=s.ClauseResponse, summary="条款原文 / a clause's text")
    def clause(chunk_id: str, quote: str | None = None) -> Any:
        chunk_id = check_text(chunk_id, "条款 id / chunk_id", max_chars=200)
        if quote is not None:
            quote = check_text(quote, "引文 / quote", max_chars=2000, allow_empty=True)
        v = service.clause(chunk_id, quote)
        return {"doc_id": v.doc_id, "doc_title": v.doc_title, "label": v.label, "heading": v.heading,
                "text": v.text, "highlight": list(v.highlight) if v.highlight else None}

    @api.post("/feedback", response_model=s.OkResponse, summary="反馈 / feedback on an answer")
    def feedback(req: s.FeedbackRequest, request: Request) -> Any:
        return store_feedback("api", req, client_id(request), feedback_limit, logs)

    # -- /v1 (OpenAI-compatible) ------------------------------------------
    @v1.get("/models", summary="OpenAI-compatible model list")
    def models() -> Any:
        return {"object": "list", "data": [{"id": "policy-qa", "object": "model", "owned_by": "policy-qa"}]}

    @v1.post("/chat/completions", response_model=s.ChatResponse, summary="OpenAI-compatible chat",
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "chat.completion, or chat.completion.chunk events when `stream`"}})
    async def chat(req: s.ChatRequest, request: Request) -> Any:
        question, history = oa.split_messages(req.messages)
        run = await start_run(question, history, req.doc_ids)
        model = req.model or "policy-qa"
        if req.stream:
            return sse_response(chat_events(run, request, model))
        sink: dict[str, Any] = {}
        answer = await collect(run, request, "openai", sink)
        if answer is None:
            return Response(status_code=499)
        return oa.completion(answer, model, sink.get("usage"))

    async def chat_events(run: GenerationRun, request: Request, model: str) -> AsyncIterator[str]:
        w = oa.ChunkWriter(model)
        answer, error, last, usage = None, None, time.monotonic(), None
        yield w.role()
        try:
            async for event in run.aevents(request.is_disconnected):
                if event is not None and event.kind == "usage":
                    usage = event.usage
                elif event is not None and event.kind == "answer":
                    answer = event.answer
                    for chunk in w.answer(answer, usage):  # checked sentences, as soon as the check is done
                        yield chunk
                elif time.monotonic() - last > HEARTBEAT_S:
                    last = time.monotonic()
                    yield ": keep-alive\n\n"
        except Exception as exc:
            error, message = stream_error(exc)
            yield w.error(error, message)
        finally:
            logs.question("openai-stream", run.question, answer, wait_ms=run.ticket.wait_ms,
                          doc_ids=run.doc_ids, error=error or (None if answer else "cancelled"))
        yield w.done()

    # -- health, embed ---------------------------------------------------------
    @app.get("/healthz", response_model=s.HealthResponse, tags=["health"], summary="模型与索引状态 / status")
    def healthz() -> Any:
        """Status only: no paths, model files or error details (those are in the server log)."""
        st = service.status()
        warm = app.state.qa["warmup"]
        if warm.startswith("error"):
            status = "error"
        elif st["index"].get("loaded") and st["generator"].get("loaded"):
            status = "ready"
        elif warm == "loading":
            status = "loading"
        else:
            status = "not_loaded"
        index = {k: st["index"].get(k) for k in ("loaded", "n_chunks", "n_documents") if k in st["index"]}
        generator = {"loaded": bool(st["generator"].get("loaded"))}
        return {"status": status, "warmup": "error" if warm.startswith("error") else warm, "index": index,
                "generator": generator, "queue": gate.snapshot()}

    @app.get("/embed", response_class=HTMLResponse, tags=["pages"], summary="iframe 嵌入页 / embeddable page")
    def embed() -> HTMLResponse:
        token = tokens.issue() if settings.api_key else None
        return HTMLResponse(embed_html(settings.max_question_chars, token),
                            headers={"Cache-Control": "no-store"})

    @app.post("/embed/token", response_model=s.TokenResponse, tags=["pages"],
              summary="更新嵌入令牌 / renew the widget token", responses=ERROR_RESPONSES)
    def embed_token(request: Request) -> Any:
        if not settings.api_key:
            raise ForbiddenError("未设置 API key，无需令牌 / no api_key is set: the API is open")
        if not from_allowed_origin(request):
            raise ForbiddenError("只能在允许的来源页面中获取令牌 / tokens are only issued to an allowed origin",
                                 hint="把门户的来源加入 cors_origins / list it in cors_origins")
        wait = widget_limit.take(client_id(request))
        if wait:
            raise RateLimitError("请求过于频繁，请稍后再试 / too many requests, please wait",
                                 retry_after=retry_after(wait))
        return {"token": tokens.issue(), "expires_in": tokens.ttl_s}

    api.include_router(compare_router(service, settings.max_question_chars))  # GET /api/compare (上下级对照)

    @api.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    @v1.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    def not_found(rest: str) -> None:
        raise StarletteHTTPException(404)

    @app.get("/metrics", tags=["health"], summary="Prometheus 指标 / metrics (per replica)",
             response_class=Response, responses=ERROR_RESPONSES)
    def metrics_endpoint(request: Request) -> Response:
        """Prometheus text format. With api_key set it needs the key (Prometheus: `authorization`)."""
        if settings.api_key and not has_key(request):
            raise AuthError("需要有效的 API key / a valid API key is required (Authorization: Bearer KEY)")
        return Response(metrics.render(), media_type=METRICS_CONTENT_TYPE)

    app.include_router(build_admin_router(settings, admin))
    app.include_router(api)
    app.include_router(v1)
    app.include_router(widget_router(settings, tokens, origins, from_allowed_origin, feedback_limit, client_id, logs))

    # Middleware: the last added is the outermost, so CORS headers reach 401/413 responses too.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(FrameAncestorsMiddleware, origins=origins)
    app.add_middleware(HtmlLangMiddleware)  # <html lang="zh-CN"> on the chat page (Gradio's template says en)
    app.add_middleware(RequestMetricsMiddleware, metrics=metrics)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Authorization", "X-API-Key", "X-Embed-Token", "Content-Type"],
                           expose_headers=["Retry-After"], max_age=600)

    if mount_ui:
        import gradio as gr

        ui = _load_ui()
        blocks = ui.build_ui(service, gate=gate, logs=logs)
        head = ui.head_html() if hasattr(ui, "head_html") else None
        app = gr.mount_gradio_app(app, blocks, path="/", footer_links=[], css=getattr(ui, "CSS", None),
                                  head=head, run_history=False, **ui_auth(settings))
    return app
