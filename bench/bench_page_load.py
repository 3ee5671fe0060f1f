"""First load of the chat page in headless Chromium: bytes transferred and time to interactive.

Compares two running servers (e.g. the current code and an older checkout served with the same
settings), alternating runs so both see the same machine load. "Interactive" = the question box is
visible and enabled (the page's own script runs in <head>, before that). Bytes are what the network
layer reports (encodedDataLength, i.e. compressed on the wire) for every response within 3 s of that;
"outside" counts requests to any other host.

    python bench/bench_page_load.py http://127.0.0.1:7861 http://127.0.0.1:7862 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def measure(browser, url: str, width: int, height: int, settle_ms: int = 3000) -> tuple[int, float, int]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    host = urlsplit(url).netloc
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if r.url.startswith("http") and urlsplit(r.url).netloc != host else None)
    start = time.perf_counter()
    page.goto(url + "/", wait_until="commit")
    page.wait_for_function("""() => { const t = document.querySelector('#qa-input textarea');
        return t && !t.disabled && t.offsetParent !== null; }""", timeout=60000, polling=10)
    tti = (time.perf_counter() - start) * 1000
    page.wait_for_timeout(settle_ms)  # what loads after the box is usable (Gradio keeps an SSE open)
    total = sum(sizes.values())
    context.close()
    return total, tti, len(outside)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("urls", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    results: dict[str, list[tuple[int, float, int]]] = {u: [] for u in a.urls}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=a.chromium, args=ARGS, headless=True)
        for u in a.urls:  # warm both servers once (Gradio builds its config on the first request)
            measure(browser, u, 1280, 800)
        for _ in range(a.runs):
            for u in a.urls:
                results[u].append(measure(browser, u, 1280, 800))
        browser.close()
    print(f"{'server':<28} {'KB (median)':>11} {'TTI ms (median)':>16} {'TTI ms (min-max)':>17} {'outside':>8}")
    for u, rows in results.items():
        kb = statistics.median(r[0] for r in rows) / 1024
        ttis = [r[1] for r in rows]
        print(f"{u:<28} {kb:>11.0f} {statistics.median(ttis):>16.0f} {min(ttis):>8.0f}-{max(ttis):<8.0f} "
              f"{max(r[2] for r in rows):>8}")


if __name__ == "__main__":
    main()
