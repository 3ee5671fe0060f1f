"""Real-browser test of the 对照 tab: `qa serve` (fake generator, hashing embedder) driven by headless
Chromium. Saves test-artifacts/compare-clause.png and compare-table.png.

`python tests/test_compare_browser.py URL` drives an already running server (e.g. one on the real
index and embedder) and saves the same screenshots with a `-real` suffix.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
QUESTION = "雅安和全省的非化石能源消费比重目标哪个高？"


def _qa() -> list[str]:
    exe = shutil.which("qa") or str(Path(sys.executable).with_name("qa"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "qa.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen | None = None, log: Path | None = None, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("qa serve exited:\n" + (log.read_text() if log else ""))
        try:
            if httpx.get(url + "/healthz", timeout=2).json()["status"] == "ready":
                return
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("qa serve did not become ready:\n" + (log.read_text() if log else ""))
        time.sleep(0.5)


def _choose(page, elem_id: str, option: str) -> None:
    box = page.locator(f"#{elem_id} input").first
    box.click()
    box.fill(option[:4])
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")


def drive(page, url: str, suffix: str = "") -> dict[str, str]:
    """Open the page, use the 对照 tab for a clause and for a question; returns the two outputs' text."""
    page.goto(url + "/", wait_until="domcontentloaded")
    page.get_by_role("tab", name="对照").click(timeout=60000)
    page.wait_for_timeout(1000)
    _choose(page, "qa-cmp-doc", "雅安市减污降碳协同增效行动方案")
    page.wait_for_timeout(800)
    _choose(page, "qa-cmp-clause", "（五）推动能源绿色低碳转型")
    _choose(page, "qa-cmp-with", "四川省减污降碳协同增效行动方案")
    page.locator("#qa-cmp-run").click()
    page.wait_for_selector("#qa-cmp-out .qa-cmp-pair", timeout=60000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"compare-clause{suffix}.png"), full_page=True)
    clause_text = page.locator("#qa-cmp-out").inner_text()
    page.locator("#qa-cmp-question textarea").fill(QUESTION)
    page.locator("#qa-cmp-ask").click()
    page.wait_for_selector("#qa-cmp-out table", timeout=60000)
    page.locator("#qa-cmp-out").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"compare-table{suffix}.png"), full_page=True)
    return {"clause": clause_text, "table": page.locator("#qa-cmp-out").inner_text()}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `apt-get install chromium` (./run.sh test installs it)")
    tmp = tmp_path_factory.mktemp("compare-browser")
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_EMBEDDING_MODEL="hash:256", QA_GENERATOR_BACKEND="fake", QA_REFUSAL_THRESHOLD="0",
               QA_CORPUS_DIR=str(tmp / "corpus"), QA_INDEX_DIR=str(tmp / "index"), QA_MODELS_DIR=str(tmp / "models"),
               QA_DATA_DIR=str(tmp / "data"), NO_PROXY="127.0.0.1,localhost", GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([*_qa(), "index", "build"], env=env, cwd=tmp, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log_path = tmp / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen([*_qa(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_compare_tab_in_chromium(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        out = drive(page, server)
        browser.close()
    assert "《雅安市减污降碳协同增效行动方案》（五）" in out["clause"]
    assert "58%左右" in out["clause"] and "41.5%左右" in out["clause"]
    assert "雅安市" in out["table"] and "四川省" in out["table"] and "[1]" in out["table"]
    assert not errors, errors
    assert (ARTIFACTS / "compare-clause.png").stat().st_size > 10_000


if __name__ == "__main__":  # drive a running server: python tests/test_compare_browser.py http://127.0.0.1:7860
    from playwright.sync_api import sync_playwright

    target = sys.argv[1].rstrip("/")
    wait_ready(target)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        pg = b.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        result = drive(pg, target, "-real")
        b.close()
    print(result["table"])
