"""Load test for a running `qa serve`: N concurrent clients ask questions for D seconds.

    python bench/load_api.py http://127.0.0.1:7860 --clients 8 --duration 120

Each client posts to /api/ask in a loop (questions taken round-robin), backing off briefly after a
503. Stops by itself after the duration (requests still in flight get a grace period), then reports
counts by status (200 / 503 / other), p50 / p95 latency of the 200s and throughput.
Loopback only: refuses any host other than 127.0.0.1, ::1 or localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
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
            results.add_other("cancelled_at_end")
        await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.monotonic() - start
    lat = results.ok_latencies
    total = len(lat) + results.busy + sum(results.other.values())
    return {"url": url, "clients": clients, "duration_s": round(elapsed, 1),
            "status": {"200": len(lat), "503": results.busy, "other": results.other},
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
    args = p.parse_args(argv)
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
        print(f"status: 200={st['200']}  503={st['503']}  other={sum(st['other'].values())} {st['other'] or ''}")
        print(f"latency of 200s: p50={lat['p50']}s  p95={lat['p95']}s  max={lat['max']}s")
        print(f"throughput: {tp['answers_per_s']} answers/s, {tp['requests_per_s']} requests/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
