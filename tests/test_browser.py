"""Real-browser tests: `qa serve` (fake backends) driven by headless Chromium through Playwright.

Needs Debian's `chromium` (/usr/bin/chromium) and a CJK font (fonts-wqy-zenhei) for readable
screenshots; never runs `playwright install`. Covers, at desktop (1280×800) and phone (390×844) sizes
and in dark mode: ask (an example click), the draft streaming in marked as a draft, [1] opening the
clause inline, the 文件库 and a citation's link into it, a refusal, a follow-up, a question sent while
an answer is generating (queued, not dropped), the conversation kept across a reload and cleared,
WCAG AA contrast (axe-core), /docs offline, the widget bubble in a portal of another origin (allowed
and not allowed), and the /embed page. Screenshots go to test-artifacts/ (kept by CI as artifacts).
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
Q = "雅安到2025年非化石能源消费比重要达到多少？"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
EMOJI = [chr(c) for c in (0x1F44D, 0x1F44E, 0x26A0, 0x2705, 0x274C)]


def _qa() -> list[str]:
    exe = shutil.which("qa") or str(Path(sys.executable).with_name("qa"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "qa.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Portal(http.server.BaseHTTPRequestHandler):
    """A portal page of another origin that embeds the widget with the one-line snippet."""

    qa_url = ""

    def do_GET(self) -> None:  # noqa: N802
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>门户</title></head>'
                f'<body><h1>某单位门户</h1><p>门户正文。</p>'
                f'<script src="{self.qa_url}/embed.js" defer></script></body></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def portal() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def server(tmp_path_factory, portal) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `apt-get install chromium` (./run.sh test installs it)")
    tmp = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    # the refusal threshold is calibrated for the real embedder, not the hashing fake.
    # The portal at http://localhost:<portal> may embed the widget; the same page at 127.0.0.1 may not.
    env.update(QA_EMBEDDING_MODEL="hash:256", QA_GENERATOR_BACKEND="fake", QA_REFUSAL_THRESHOLD="0",
               QA_CORPUS_DIR=str(tmp / "corpus"), QA_CORS_ORIGINS=f"http://localhost:{portal}",
               QA_INDEX_DIR=str(tmp / "index"), QA_MODELS_DIR=str(tmp / "models"), QA_DATA_DIR=str(tmp / "data"),
               NO_PROXY="127.0.0.1,localhost", GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([*_qa(), "index", "build"], env=env, cwd=tmp, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([*_qa(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _Portal.qa_url = url
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


def shot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def outside_requests(page, server: str, *allowed: str) -> list[str]:
    """Record every request to a host other than the server's (and `allowed`); returns the live list."""
    hosts = {urlsplit(server).netloc, *allowed}
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url)
            if r.url.startswith("http") and urlsplit(r.url).netloc not in hosts else None)
    return seen


def open_page(browser, server: str, viewport: dict, dark: bool = False):
    context = browser.new_context(viewport=viewport, locale="zh-CN", color_scheme="dark" if dark else "light")
    page = context.new_page()
    page.goto(server + "/", wait_until="domcontentloaded")
    page.locator("#qa-input textarea").wait_for(timeout=60000)
    page.wait_for_function("typeof window.qaAsk === 'function'")
    return context, page


def answers(page):
    return page.locator("#qa-chat .qa-answer")


def record_drafts(page) -> None:
    page.evaluate("""() => { window.__drafts = 0; new MutationObserver(() => {
        if (document.querySelector('#qa-chat .qa-draft')) window.__drafts++; })
      .observe(document.querySelector('#qa-chat'), {subtree: true, childList: true, characterData: true}); }""")


def check_accessibility(page, name: str) -> None:
    """lang, the question box's name, no emoji, and axe-core's WCAG AA colour-contrast rule."""
    from axe_playwright_python.sync_playwright import Axe

    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#qa-input textarea").get_attribute("aria-label") == "输入问题"
    text = page.locator("body").inner_text()
    assert not [e for e in EMOJI if e in text], "emoji need an emoji font"
    result = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    bad = [(n["target"], n.get("any", [{}])[0].get("message", "")[:120])
           for v in result.response["violations"] for n in v["nodes"]]
    assert not bad, f"{name}: contrast below WCAG AA: {bad[:6]}"


def test_chat_page_desktop(server, browser):
    context, page = open_page(browser, server, DESKTOP)
    outside = outside_requests(page, server)
    record_drafts(page)
    # an example click asks its question
    page.locator(".qa-ex").filter(has_text=Q).click()
    first = answers(page).first
    first.wait_for(timeout=60000)
    assert page.locator("#qa-chat").get_by_text(Q).count() >= 1
    assert page.evaluate("window.__drafts") >= 1, "the draft was never shown as a draft"
    # [1] in the answer opens the clause inline, quote highlighted
    ref = first.locator(".qa-ref").first
    ref.click()
    cite = first.locator('details.qa-cite[data-n="1"]')
    assert cite.evaluate("d => d.open")
    assert cite.locator("mark").inner_text().strip()
    assert cite.locator("mark").is_visible()
    shot(page, "desktop-answer-clause.png")

    # the citation links to its clause in the 文件库
    cite.locator(".qa-doc-link").click()
    target = page.locator("#qa-library details.qa-doc[open] .qa-unit.qa-flash")
    target.wait_for(timeout=60000)
    assert target.locator("mark").count() == 1 and target.is_visible()
    cards = page.locator(".qa-lib-card")
    assert cards.count() == 5
    assert "渝环〔2023〕71号" in page.locator("#qa-library").inner_text()
    assert "条款数" in cards.first.inner_text()
    shot(page, "desktop-library-clause.png")
    page.locator("#qa-library .qa-doc[open] .qa-outline a").first.click()
    page.get_by_role("tab", name="对话").click()

    # a refusal, then a follow-up that is rewritten
    box = page.locator("#qa-input textarea")
    box.fill("北京到2025年的节能目标是什么？")
    box.press("Enter")
    answers(page).nth(1).locator(".qa-refused").wait_for(timeout=60000)
    assert answers(page).nth(1).locator("details.qa-cite").count() >= 1  # related clauses to open
    box.fill("那资阳呢？")
    page.locator("#qa-send").click()
    answers(page).nth(2).wait_for(timeout=60000)
    assert "理解为" in answers(page).nth(2).inner_text()
    shot(page, "desktop-refusal-followup.png")
    check_accessibility(page, "desktop")

    # kept across a reload (in the browser), and cleared by 清空对话
    page.reload(wait_until="domcontentloaded")
    answers(page).nth(2).wait_for(timeout=60000)
    answers(page).first.locator(".qa-ref").first.click()
    assert answers(page).first.locator('details.qa-cite[data-n="1"]').evaluate("d => d.open")
    page.locator("#qa-clear").click()
    page.wait_for_function("document.querySelectorAll('#qa-chat .qa-answer').length === 0", timeout=10000)
    page.reload(wait_until="domcontentloaded")
    page.locator("#qa-input textarea").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    assert answers(page).count() == 0
    assert not outside, f"requests outside the server: {outside[:5]}"
    context.close()


def test_send_while_generating_is_queued(server, browser):
    context, page = open_page(browser, server, DESKTOP)
    # a slow network keeps the first answer pending while the second question is sent
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 600,
                                                  "downloadThroughput": -1, "uploadThroughput": -1})
    box = page.locator("#qa-input textarea")
    box.fill(Q)
    page.locator("#qa-send").click()
    box.fill("资阳的工业园区污水要怎么处理？")
    box.press("Enter")
    queue = page.locator("#qa-queue")
    queue.wait_for(state="visible", timeout=5000)
    assert "资阳的工业园区污水要怎么处理？" in queue.inner_text() and "排队" in queue.inner_text()
    assert box.input_value() == ""
    shot(page, "desktop-queued.png")
    answers(page).nth(1).wait_for(timeout=60000)  # both answered, in order; none dropped
    users = page.locator("#qa-chat").inner_text()
    assert users.index(Q) < users.index("资阳的工业园区污水要怎么处理？")
    assert queue.is_hidden()
    context.close()


def test_chat_page_phone_and_dark_mode(server, browser):
    context, page = open_page(browser, server, PHONE, dark=True)
    assert page.evaluate("document.body.classList.contains('dark') || "
                         "document.querySelector('.gradio-container').classList.contains('dark') || "
                         "!!document.querySelector('.dark')")
    page.locator(".qa-ex").first.click()
    first = answers(page).first
    first.wait_for(timeout=60000)
    first.locator(".qa-ref").first.click()
    cite = first.locator('details.qa-cite[data-n="1"]')
    assert cite.evaluate("d => d.open") and cite.locator("mark").is_visible()
    # the clause is readable: its text is light on a dark background
    colors = cite.evaluate("d => [getComputedStyle(d.querySelector('.qa-clause-text')).color,"
                           " getComputedStyle(d).backgroundColor]")
    assert colors[0] != colors[1] and colors[1] != "rgb(255, 255, 255)", colors
    box = cite.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    shot(page, "phone-dark-clause.png")
    check_accessibility(page, "phone dark")
    page.get_by_role("tab", name="文件库").click()
    page.locator(".qa-lib-card").first.wait_for(timeout=60000)
    shot(page, "phone-dark-library.png")
    context.close()


def test_docs_render_offline(server, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    outside = outside_requests(page, server)
    page.goto(server + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=60000)
    assert "/v1/chat/completions" in page.locator(".swagger-ui").inner_text()
    shot(page, "docs-offline.png")
    assert not outside, f"/docs asked for {outside[:5]}"
    context.close()


def test_widget_bubble_on_a_portal_of_another_origin(server, browser, portal):
    # allowed portal origin: the bubble opens the chat, which answers with inline citations
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"http://localhost:{portal}/")
    bubble = page.locator("#policy-qa-widget .bubble")
    bubble.click()
    frame = page.frame_locator("#policy-qa-widget iframe")
    frame.locator("#q").fill(Q)
    frame.locator("#send").click()
    frame.locator(".a .ref").first.click(timeout=60000)
    frame.locator(".clause mark").wait_for(timeout=10000)
    frame.get_by_role("button", name="有帮助").click()
    frame.get_by_text("已记录反馈，谢谢！").wait_for(timeout=10000)
    shot(page, "widget-portal.png")
    frame.locator("#reset").click()
    assert frame.locator(".a").count() == 0
    context.close()

    # a portal whose origin is not allowed sees why (on the page and in the console), not a blank frame
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"http://127.0.0.1:{portal}/")
    page.locator("#policy-qa-widget .bubble").click()
    msg = page.locator("#policy-qa-widget .msg")
    msg.wait_for(timeout=10000)
    assert "cors_origins" in msg.inner_text() and f"http://127.0.0.1:{portal}" in msg.inner_text()
    assert any("cors_origins" in c for c in console)
    assert page.locator("#policy-qa-widget iframe").count() == 0
    shot(page, "widget-not-allowed-phone.png")
    context.close()


def test_embed_page_streams_and_shows_citations(server, browser):
    context = browser.new_context(viewport={"width": 420, "height": 640}, locale="zh-CN", color_scheme="dark")
    page = context.new_page()
    page.goto(server + "/embed")
    page.fill("#q", Q)
    page.click("#send")
    page.fill("#q", "重庆这个方案是哪个部门印发的？")
    page.click("#send")  # sent while the first is generating: queued, then asked
    page.locator(".a").nth(1).locator(".fb").wait_for(timeout=60000)
    page.locator("button.cite").first.click()
    page.locator(".clause mark").wait_for(timeout=10000)
    assert page.locator(".q").count() == 2
    shot(page, "embed-dark.png")
    context.close()
