"""Load test for a running `qa serve`: N concurrent clients ask questions for D seconds.

    python bench/load_api.py http://127.0.0.1:7860 --clients 8 --duration 120

Side by side, everything started by the script (``--compare``): (a) one replica with the in-process
generator, (b) one replica with generation on llama.cpp's ``llama-server -np N`` (N = ``--slots``,
the real multi-slot engine, built once by ``qa engine build``), (c) two replicas behind a small local
proxy (TCP round-robin per connection) sharing that engine and one SQLite database, and (b') the
same as (b) on an engine with one slot (``-np 1``), to show what the slots change (``--no-np1`` skips
it) — same model (the built-in 0.5B GGUF by default), same questions, same clients:

    python bench/load_api.py --compare --clients 4 --duration 60 --slots 4

Without a built ``llama-server`` (or with ``--engine llama_cpp.server``) (b) and (c) use
llama-cpp-python's server (one generation at a time, no slots), with a note, and (b') is skipped.

Each client posts to /api/ask in a loop (questions taken round-robin), backing off briefly after a
503. Stops by itself after the duration (requests still in flight get a grace period), then reports
counts by status (200 / 503 / other), p50 / p95 latency of the 200s and throughput.
Loopback only: refuses any host other than 127.0.0.1, ::1 or localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "雅安到2025年非化石能源消费比重要达到多少？",
    "资阳的工业园区污水要怎么处理？",
    "重庆这个方案是哪个部门印发的？",
    "四川“十四五”节能减排的主要目标是什么？",
]
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class Results:
    ok_latencies: list[float] = field(default_factory=list)
    busy: int = 0
    other: dict[str, int] = field(default_factory=dict)
    cut: int = 0  # requests still in flight when the benchmark stopped (not answered, not an error)

    def add_other(self, what: str) -> None:
        self.other[what] = self.other.get(what, 0) + 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def client(n: int, http: httpx.AsyncClient, url: str, deadline: float, backoff: float,
                 headers: dict[str, str], results: Results) -> None:
    i = n
    while time.monotonic() < deadline:
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        t0 = time.monotonic()
        try:
            r = await http.post(url, json={"question": question}, headers=headers)
        except httpx.HTTPError as exc:
            results.add_other(type(exc).__name__)
            await asyncio.sleep(backoff)
            continue
        took = time.monotonic() - t0
        if r.status_code == 200:
            results.ok_latencies.append(took)
        elif r.status_code == 503:
            results.busy += 1
            await asyncio.sleep(min(backoff, max(0.0, deadline - time.monotonic())))
        else:
            results.add_other(str(r.status_code))


async def run(base: str, clients: int, duration: float, backoff: float, api_key: str | None,
              grace: float) -> dict:
    url = base.rstrip("/") + "/api/ask"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    results = Results()
    start = time.monotonic()
    deadline = start + duration
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(timeout=httpx.Timeout(duration + grace), limits=limits, trust_env=False) as http:
        tasks = [asyncio.create_task(client(n, http, url, deadline, backoff, headers, results))
                 for n in range(clients)]
        done, pending = await asyncio.wait(tasks, timeout=duration + grace)
        for t in pending:  # stop by ourselves: in-flight requests past the grace period are dropped
            t.cancel()
            results.cut += 1
        await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.monotonic() - start
    lat = results.ok_latencies
    total = len(lat) + results.busy + sum(results.other.values())
    return {"url": url, "clients": clients, "duration_s": round(elapsed, 1),
            "status": {"200": len(lat), "503": results.busy, "other": results.other, "cut_at_end": results.cut},
            "latency_200_s": {"p50": round(percentile(lat, 50), 3), "p95": round(percentile(lat, 95), 3),
                              "max": round(max(lat), 3) if lat else None},
            "throughput": {"answers_per_s": round(len(lat) / elapsed, 3),
                           "requests_per_s": round(total / elapsed, 3)}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", nargs="?", default="http://127.0.0.1:7860", help="base URL of `qa serve` (loopback)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--duration", type=float, default=120.0, help="seconds to run (default 120)")
    p.add_argument("--backoff", type=float, default=0.5, help="seconds a client waits after a 503")
    p.add_argument("--grace", type=float, default=60.0, help="seconds to let in-flight requests finish")
    p.add_argument("--api-key", default=None, help="sent as Authorization: Bearer KEY")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--compare", action="store_true",
                   help="start (a) one in-process replica, (b) one replica on llama-server -np SLOTS, "
                        "(c) two replicas behind a proxy on that engine, (b') one replica on -np 1, and load each in turn")
    p.add_argument("--model", default="builtin:qwen2.5-coder-0.5b", help="generator model for --compare")
    p.add_argument("--engine", choices=("auto", "llama-server", "llama_cpp.server"), default="auto",
                   help="engine of (b)/(c): llama-server when built (auto, default), or llama-cpp-python's server")
    p.add_argument("--slots", type=int, default=4, help="llama-server parallel slots (-np) of (b)/(c) (default 4)")
    p.add_argument("--no-np1", dest="np1", action="store_false",
                   help="skip (b'): one replica on llama-server -np 1")
    args = p.parse_args(argv)
    if args.compare:
        return compare(args)
    host = urlparse(args.url).hostname or ""
    if host not in LOOPBACK:
        print(f"refusing non-loopback host {host!r}: this load test only targets 127.0.0.1 / localhost",
              file=sys.stderr)
        return 2
    if args.clients < 1 or args.duration <= 0:
        p.error("--clients must be ≥ 1 and --duration > 0")
    report = asyncio.run(run(args.url, args.clients, args.duration, args.backoff, args.api_key, args.grace))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        st, lat, tp = report["status"], report["latency_200_s"], report["throughput"]
        print(f"{report['url']}  clients={report['clients']}  duration={report['duration_s']}s")
        print(f"status: 200={st['200']}  503={st['503']}  other={sum(st['other'].values())} {st['other'] or ''}  "
              f"in flight at the end={st['cut_at_end']}")
        print(f"latency of 200s: p50={lat['p50']}s  p95={lat['p95']}s  max={lat['max']}s")
        print(f"throughput: {tp['answers_per_s']} answers/s, {tp['requests_per_s']} requests/s")
    return 0


# -- --compare: replicas, engine and proxy started here ------------------------------------------
ROOT = Path(__file__).resolve().parents[1]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


class RoundRobinProxy:
    """The small local proxy of setup (c): each client connection goes to the next replica (TCP)."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.next = 0
        self.server: asyncio.base_events.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = self.backends[self.next % len(self.backends)]
        self.next += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (ConnectionError, asyncio.CancelledError):  # a replica gone, or the benchmark ending
            writer.close()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]


def start_replica(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"replica on port {port} exited ({proc.returncode}); see its log")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json().get("status") == "ready":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"replica on port {port} not ready after {timeout:.0f} s")


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()


def measure(name: str, url: str, args: argparse.Namespace) -> dict:
    httpx.post(url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=300)  # warm (not counted)
    print(f"-- {name}: {args.clients} clients for {args.duration:.0f} s", file=sys.stderr, flush=True)
    report = asyncio.run(run(url, args.clients, args.duration, args.backoff, None, args.grace))
    print(f"   {json.dumps(report, ensure_ascii=False)}", file=sys.stderr, flush=True)  # kept if a later setup fails
    return {"setup": name, **report}


def pick_engine(choice: str) -> str:
    """The engine of (b)/(c): llama-server when it is built (or asked for), else llama-cpp-python's."""
    from qa.serving.llama_server_build import find_built

    if choice == "llama_cpp.server":
        return choice
    if find_built() is not None:
        return "llama-server"
    if choice == "llama-server":
        raise SystemExit("llama-server is not built on this machine: run `qa engine build` first")
    print("note: llama-server is not built (`qa engine build`); (b) and (c) use llama-cpp-python's server "
          "(one generation at a time, no slots) and (b') is skipped", file=sys.stderr, flush=True)
    return "llama_cpp.server"


def start_engine(kind: str, gguf: Path, settings, slots: int, log: Path):  # type: ignore[no-untyped-def]
    from qa.serving.engine import llama_cpp_server, llama_server

    if kind == "llama-server":
        return llama_server(gguf, parallel=slots, n_ctx_per_slot=settings.n_ctx, n_threads=settings.n_threads,
                            log_path=log)
    return llama_cpp_server(gguf, n_ctx=settings.n_ctx, n_threads=settings.n_threads, log_path=log)


def engine_label(kind: str, slots: int) -> str:
    return f"llama-server -np {slots}" if kind == "llama-server" else "llama_cpp.server (1 at a time)"


def compare(args: argparse.Namespace) -> int:
    import tempfile

    from qa.serving.engine import free_port
    from qa.settings import load_settings

    if args.slots < 1:
        raise SystemExit("--slots must be ≥ 1")
    settings = load_settings(generator_model=args.model)
    from qa.models.provision import resolve_gguf  # fails early, with the fix, if the model is missing

    gguf = resolve_gguf(settings)
    kind = pick_engine(args.engine)
    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    base_env = {"QA_DATA_DIR": str(work / "data"), "QA_GENERATOR_MODEL": args.model, "QA_LOG_FORMAT": "json",
                "QA_INDEX_CHECK_S": "2", "QA_GENERATION_CONCURRENCY": "0"}  # 0: the engine's slots
    rows = []
    # (a) one replica, in-process generator
    port = free_port()
    proc = start_replica(port, {**base_env, "QA_GENERATOR_BACKEND": "llama-cpp"}, work / "a.log")
    try:
        wait_ready(port, proc)
        rows.append(measure("(a) 1 replica, in-process llama.cpp", f"http://127.0.0.1:{port}", args))
    finally:
        stop([proc])

    def one_replica(name: str, engine_env: dict[str, str], log: str) -> None:
        port = free_port()
        proc = start_replica(port, engine_env, work / log)
        try:
            wait_ready(port, proc)
            rows.append(measure(name, f"http://127.0.0.1:{port}", args))
        finally:
            stop([proc])

    def env_for(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {**base_env, "QA_GENERATOR_BACKEND": "openai", "QA_OPENAI_BASE_URL": engine.base_url,
                "QA_GENERATOR_MODEL": engine.model}

    # (b') one replica on the same engine with one slot: what the slots change
    if kind == "llama-server" and args.np1 and args.slots > 1:
        with start_engine(kind, gguf, settings, 1, work / "engine-np1.log") as engine:
            one_replica(f"(b') 1 replica -> {engine_label(kind, 1)}", env_for(engine), "b1.log")
    with start_engine(kind, gguf, settings, args.slots, work / "engine.log") as engine:
        engine_env = env_for(engine)
        label = engine_label(kind, args.slots)
        # (b) one replica on the engine
        one_replica(f"(b) 1 replica -> {label}", engine_env, "b.log")
        # (c) two replicas behind the proxy, one engine, one database
        ports = [free_port(), free_port()]
        procs = [start_replica(p, engine_env, work / f"c{i}.log") for i, p in enumerate(ports)]
        try:
            for p, pr in zip(ports, procs, strict=True):
                wait_ready(p, pr)

            async def through_proxy() -> dict:
                proxy = RoundRobinProxy(ports)
                pport = await proxy.start()
                url = f"http://127.0.0.1:{pport}"
                async with httpx.AsyncClient(timeout=300) as http:
                    await http.post(url + "/api/ask", json={"question": QUESTIONS[0]})
                print(f"-- (c): {args.clients} clients for {args.duration:.0f} s", file=sys.stderr, flush=True)
                report = await run(url, args.clients, args.duration, args.backoff, None, args.grace)
                print(f"   {json.dumps(report, ensure_ascii=False)}", file=sys.stderr, flush=True)
                proxy.server.close()
                return {"setup": f"(c) 2 replicas + proxy -> {label}", **report}

            rows.append(asyncio.run(through_proxy()))
        finally:
            stop(procs)
    from qa.storage import Store

    stored = Store(f"sqlite:///{work / 'data' / 'qa.sqlite3'}").count("questions")
    if args.json:
        print(json.dumps({"rows": rows, "questions_in_database": stored}, ensure_ascii=False, indent=2))
        return 0
    print(f"\nmodel {args.model}, {args.clients} clients, {args.duration:.0f} s per setup, queue_size "
          f"{settings.queue_size}, generation_concurrency 0 (= the engine's slots); engine {kind}; logs in {work}")
    print("| setup | answers/s | p50 s | p95 s | 200 | 503 | errors (not 503) | in flight at the end |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        st, lat = r["status"], r["latency_200_s"]
        print(f"| {r['setup']} | {r['throughput']['answers_per_s']} | {lat['p50']} | {lat['p95']} | "
              f"{st['200']} | {st['503']} | {sum(st['other'].values())} {st['other'] or ''} | {st['cut_at_end']} |")
    print(f"question records in the shared database: {stored}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
