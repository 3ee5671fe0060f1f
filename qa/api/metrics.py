"""/metrics in the Prometheus text format (library: prometheus_client).

Per replica: every `qa serve` process has its own registry and answers for itself, so Prometheus
scrapes each replica (one target per replica; sum over the `instance` label for the whole service).
Nothing is shared between processes, so no multiprocess directory is needed.

Metrics: ``qa_http_requests_total{route,method,status}`` (route = the route's template, not the raw
path), ``qa_generation_queue_waiting`` / ``qa_generations_running`` / ``qa_generation_slots``,
``qa_time_to_first_token_seconds`` and ``qa_answer_seconds`` histograms, ``qa_answers_total{outcome}``,
``qa_refusals_total{reason}``, ``qa_index_version_info{version}``, ``qa_index_documents``,
``qa_index_switches_total``.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120, 300)


class _IndexCollector:
    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    def collect(self):  # type: ignore[no-untyped-def]
        st = self.retriever.status() if self.retriever is not None else {"loaded": False}
        info = InfoMetricFamily("qa_index_version", "The index version this replica serves (version folder)")
        info.add_metric([], {"version": str(st.get("version") or "none"), "built_at": str(st.get("built_at") or "")})
        yield info
        docs = GaugeMetricFamily("qa_index_documents", "Documents in the served index")
        docs.add_metric([], float(st.get("n_documents") or 0))
        yield docs
        switches = CounterMetricFamily("qa_index_switches", "Index versions switched to without a restart")
        switches.add_metric([], float(st.get("switches") or 0))
        yield switches


class Metrics:
    """The metrics of one replica."""

    def __init__(self, gate: Any, retriever: Any = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("qa_http_requests", "HTTP requests by route template, method and status",
                                ["route", "method", "status"], registry=r)
        waiting = Gauge("qa_generation_queue_waiting", "Requests waiting for a generation slot", registry=r)
        waiting.set_function(lambda: gate.waiting)
        running = Gauge("qa_generations_running", "Generations running now", registry=r)
        running.set_function(lambda: gate.running)
        slots = Gauge("qa_generation_slots", "Generations admitted at once (generation_concurrency)", registry=r)
        slots.set_function(lambda: gate.concurrency)
        self.ttft = Histogram("qa_time_to_first_token_seconds", "Time from the question to the first token",
                              buckets=LATENCY_BUCKETS, registry=r)
        self.total = Histogram("qa_answer_seconds", "Time from the question to the checked answer",
                               buckets=LATENCY_BUCKETS, registry=r)
        self.answers = Counter("qa_answers", "Questions by outcome (answered, refused, extractive, error, "
                               "cancelled)", ["outcome"], registry=r)
        self.refusals = Counter("qa_refusals", "Refusals by reason (the refusal policy's code)", ["reason"],
                                registry=r)
        r.register(_IndexCollector(retriever))

    def observe_question(self, channel: str, answer: Any, error: str | None) -> None:
        """Called for every question the server finished (API, OpenAI API and chat page)."""
        if answer is None:
            self.answers.labels("cancelled" if error in (None, "cancelled") else "error").inc()
            return
        t = answer.timings
        if t.first_token_ms > 0:
            self.ttft.observe(t.first_token_ms / 1000)
        if t.total_ms > 0:
            self.total.observe(t.total_ms / 1000)
        if answer.refused:
            self.answers.labels("refused").inc()
            self.refusals.labels(getattr(answer, "refusal_reason", "") or "unknown").inc()
        else:
            self.answers.labels("extractive" if answer.extractive else "answered").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetricsMiddleware:
    """Counts every HTTP response by its route template (bounded labels: unknown paths are 'unmatched')."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None)
            label = (path or "/") if route is not None else "unmatched"
            self.metrics.requests.labels(label[:100], scope.get("method", ""), str(status["code"])).inc()
