"""Real-browser test: `qa serve` (fake backends) driven by headless Chromium through Playwright.

Needs Debian's `chromium` (/usr/bin/chromium) and a CJK font (fonts-wqy-zenhei) for a readable
screenshot; never runs `playwright install`. Saves test-artifacts/chat.png and embed.png.
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
Q = "雅安到2025年非化石能源消费比重要达到多少？"


def _qa() -> list[str]:
    exe = shutil.which("qa") or str(Path(sys.executable).with_name("qa"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "qa.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `apt-get install chromium` (./run.sh test installs it)")
    tmp = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    # the refusal threshold is calibrated for the real embedder, not the hashing fake
    env.update(QA_EMBEDDING_MODEL="hash:256", QA_GENERATOR_BACKEND="fake", QA_REFUSAL_THRESHOLD="0",
               QA_CORPUS_DIR=str(tmp / "corpus"),
               QA_INDEX_DIR=str(tmp / "index"), QA_MODELS_DIR=str(tmp / "models"), QA_DATA_DIR=str(tmp / "data"),
               NO_PROXY="127.0.0.1,localhost", GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([*_qa(), "index", "build"], env=env, cwd=tmp, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([*_qa(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError("qa serve exited:\n" + (tmp / "serve.log").read_text())
            try:
                if httpx.get(url + "/healthz", timeout=2).json()["status"] == "ready":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("qa serve did not become ready:\n" + (tmp / "serve.log").read_text())
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def test_chat_page_streams_an_answer_and_opens_the_cited_clause(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(server + "/", wait_until="domcontentloaded")
    box = page.locator("#qa-input textarea")
    box.wait_for(timeout=30000)
    # record every text the answer bubble shows, to see the draft stream in before the checked answer
    page.evaluate("""() => { window.__drafts = []; new MutationObserver(() => {
        const bots = document.querySelectorAll('#qa-chat .bot, #qa-chat [data-testid=bot]');
        if (bots.length) window.__drafts.push(bots[bots.length - 1].innerText); })
      .observe(document.querySelector('#qa-chat'), {subtree: true, childList: true, characterData: true}); }""")
    box.fill(Q)
    page.locator("#qa-send").click()

    chat = page.locator("#qa-chat")
    # the checked answer: its citation marker and the 来源 list
    chat.get_by_text("来源").wait_for(timeout=30000)
    assert "[1]" in chat.inner_text()
    cite = page.locator("#qa-citations label").filter(has_text="雅安市减污降碳协同增效行动方案").first
    cite.wait_for(timeout=10000)
    cite.click()
    mark = page.locator("#qa-clause mark")
    mark.wait_for(timeout=10000)
    assert mark.inner_text().strip()
    assert "雅安市减污降碳协同增效行动方案" in page.locator("#qa-clause").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)

    # a refusal is presented as such
    drafts = page.evaluate("window.__drafts")
    streamed = [d for d in drafts if "▌" in d]
    assert len(streamed) >= 2 and drafts.index(streamed[0]) < len(drafts) - 1, drafts[-5:]

    # a refusal is presented as such, with related clauses to open
    box.fill("北京到2025年的节能目标是什么？")
    page.locator("#qa-send").click()
    chat.locator(".qa-refused").first.wait_for(timeout=30000)
    page.locator("#qa-citations label").filter(has_text="相关").first.wait_for(timeout=10000)
    page.screenshot(path=str(ARTIFACTS / "chat-refusal.png"), full_page=True)
    page.close()


def test_embed_page_streams_and_shows_citations(server, browser):
    page = browser.new_page(viewport={"width": 420, "height": 640}, locale="zh-CN")
    page.goto(server + "/embed")
    page.fill("#q", Q)
    page.click("#send")
    cite = page.locator("button.cite").first
    cite.wait_for(timeout=30000)
    cite.click()
    page.locator(".clause mark").wait_for(timeout=10000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed.png"))
    page.close()
