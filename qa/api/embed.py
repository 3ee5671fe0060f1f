"""The /embed page: a small self-contained HTML+JS chat for a portal iframe.

It calls ``POST api/ask`` (relative, so it works behind a path prefix) with ``stream: true``,
shows tokens as they arrive, then the checked answer with its citations; a citation opens the
clause text (``GET api/clause/{chunk_id}``) with the quoted sentence highlighted.
When an API key is configured the page carries a short-lived widget token instead of the key
(:class:`EmbedTokens`): it allows only asking and reading clauses, only from the server's own origin
or one listed in ``cors_origins``, at ``embed_rate_per_min`` per client; the page renews it
(``POST embed/token``) when it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import secrets
import threading
import time
from pathlib import Path

TOKEN_VERSION = "e2"
EPOCH_FILE = "embed_token_epoch"
#: What a widget token may do: ask (POST /api/ask) and read clauses (GET /api/clause/…).
TOKEN_ROUTES = (("POST", "/api/ask"), ("GET", "/api/clause/"))


def token_allows(method: str, path: str) -> bool:
    """Whether a widget token may be used for ``method path`` (asking and reading clauses only)."""
    return any(method == m and (path == p or (p.endswith("/") and path.startswith(p))) for m, p in TOKEN_ROUTES)


class EmbedTokens:
    """Short-lived, revocable widget tokens, signed with a key derived from ``api_key``.

    A token is ``e2.<expiry>.<epoch>.<nonce>.<hmac>``. Revocation bumps the *epoch* kept in
    ``<data_dir>/embed_token_epoch`` (``qa embed revoke``): every token of an earlier epoch is
    refused at once, by the running server too (it re-reads the file when it changes); the API key
    stays the same.
    """

    def __init__(self, api_key: str, ttl_s: int, data_dir: str | Path, *, clock=time.time) -> None:
        self._key = hmac.new(api_key.encode("utf-8", "surrogatepass"), b"policy-qa embed token",
                             hashlib.sha256).digest() if api_key else b""
        self.ttl_s = max(1, int(ttl_s))
        self.epoch_path = Path(data_dir) / EPOCH_FILE
        self._clock = clock
        self._epoch_cache: tuple[float, int] | None = None  # (file mtime, epoch)
        self._lock = threading.Lock()

    # -- epoch -----------------------------------------------------------------
    def epoch(self) -> int:
        try:
            mtime = self.epoch_path.stat().st_mtime_ns
        except OSError:
            return 0
        cached = self._epoch_cache
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            value = int(self.epoch_path.read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError, UnicodeDecodeError):
            value = 0
        self._epoch_cache = (mtime, value)
        return value

    def revoke(self) -> int:
        """Invalidate every token issued so far; returns the new epoch."""
        with self._lock:
            new = self.epoch() + 1
            self.epoch_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.epoch_path.with_name(f".{EPOCH_FILE}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(f"{new}\n")
            os.replace(tmp, self.epoch_path)
            self._epoch_cache = None
            return new

    # -- tokens ----------------------------------------------------------------
    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        body = f"{TOKEN_VERSION}.{int(self._clock()) + self.ttl_s}.{self.epoch()}.{secrets.token_hex(8)}"
        return f"{body}.{self._sign(body)}"

    def problem(self, token: str | None) -> str | None:
        """None if ``token`` is valid now, else why not (Chinese / English)."""
        if not self._key:
            return "未设置 API key，无需令牌 / no api_key is set"
        parts = (token or "").split(".")
        if len(parts) != 5 or parts[0] != TOKEN_VERSION or not parts[1].isdigit() or not parts[2].isdigit():
            return "无效的嵌入令牌 / invalid widget token"
        if not hmac.compare_digest(self._sign(".".join(parts[:4])), parts[4]):
            return "无效的嵌入令牌 / invalid widget token"
        if int(parts[1]) < self._clock():
            return "嵌入令牌已过期，请刷新页面 / the widget token has expired: reload the page"
        if int(parts[2]) != self.epoch():
            return "嵌入令牌已被撤销，请刷新页面 / the widget token was revoked: reload the page"
        return None


EXAMPLES = ("雅安到2025年非化石能源消费比重要达到多少？", "重庆这个方案是哪个部门印发的？")

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>政策问答</title>
<style>
*{box-sizing:border-box}body{margin:0;font:14px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;
color:#1f2937;background:#fff}#app{display:flex;flex-direction:column;height:100vh;padding:8px}
#log{flex:1;overflow-y:auto}.q{margin:6px 0;padding:6px 10px;background:#eef2ff;border-radius:8px}
.a{margin:6px 0;padding:6px 10px;background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;white-space:pre-wrap}
.badge{display:inline-block;font-size:12px;padding:0 6px;margin-right:6px;border-radius:4px;background:#fef3c7;color:#92400e}
.refused{background:#fee2e2;color:#991b1b}.cites{margin-top:4px}.cite{display:block;text-align:left;width:100%;
background:none;border:0;padding:2px 0;color:#1d4ed8;cursor:pointer;font:inherit}.cite:hover{text-decoration:underline}
.clause{margin:4px 0 6px;padding:6px 8px;background:#fff;border-left:3px solid #93c5fd;white-space:pre-wrap;font-size:13px}
mark{background:#fde68a}.err{color:#b91c1c}.muted{color:#6b7280;font-size:12px}
form{display:flex;gap:6px;margin-top:6px}input{flex:1;padding:8px;border:1px solid #d1d5db;border-radius:6px;font:inherit}
button.send{padding:8px 14px;border:0;border-radius:6px;background:#2563eb;color:#fff;font:inherit;cursor:pointer}
button.send:disabled{background:#93c5fd}.ex{background:none;border:1px dashed #d1d5db;border-radius:12px;padding:2px 8px;
margin:2px;cursor:pointer;font-size:12px;color:#374151}
</style></head><body><div id="app">
<div id="log"><div class="muted">根据已收录的政策文件回答，并标注条款出处。EXAMPLES_HTML</div></div>
<form id="f"><input id="q" maxlength="MAXLEN" placeholder="请输入问题…" autocomplete="off">
<button class="send" id="send" type="submit">提问</button></form></div>
<script>
let TOKEN = TOKEN_JSON;
const log = document.getElementById('log'), input = document.getElementById('q'), send = document.getElementById('send');
const history = [];
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; return e; }
function headers() { const h = {'Content-Type': 'application/json'}; if (TOKEN) h['X-Embed-Token'] = TOKEN; return h; }
async function call(url, opts, renew = true) {
  const r = await fetch(url, {...opts, headers: headers()});
  if (r.status === 401 && TOKEN && renew) {  // expired or revoked: get a fresh token once
    const t = await fetch('embed/token', {method: 'POST'});
    if (t.ok) { TOKEN = (await t.json()).token; return call(url, opts, false); }
  }
  return r;
}
async function showClause(c, box) {
  if (box.dataset.open) { box.replaceChildren(); delete box.dataset.open; return; }
  box.dataset.open = '1'; box.replaceChildren(el('span', 'muted', '加载中…'));
  try {
    const r = await call('api/clause/' + encodeURIComponent(c.chunk_id) + '?quote=' + encodeURIComponent(c.quote), {});
    const v = await r.json(); if (!r.ok) throw new Error(v.error ? v.error.message : r.status);
    const d = el('div', 'clause'); const t = v.text, h = v.highlight;
    if (h) { d.append(t.slice(0, h[0]), el('mark', '', t.slice(h[0], h[1])), t.slice(h[1])); } else { d.textContent = t; }
    box.replaceChildren(d);
  } catch (e) { box.replaceChildren(el('span', 'err', '无法加载条款：' + e.message)); }
}
function render(div, a) {
  div.replaceChildren();
  if (a.refused) div.append(el('span', 'badge refused', '文件中未找到'));
  if (a.extractive) div.append(el('span', 'badge', '原文摘录'));
  if (a.rewritten_question && a.rewritten_question !== a.question)
    div.append(el('div', 'muted', '理解为：' + a.rewritten_question));
  div.append(document.createTextNode(a.answer));
  if (a.citations.length) {
    const cs = el('div', 'cites');
    for (const c of a.citations) {
      const b = el('button', 'cite', '[' + c.n + ']《' + c.doc_title + '》' + c.clause); b.type = 'button';
      const box = el('div'); b.onclick = () => showClause(c, box); cs.append(b, box);
    }
    div.append(cs);
  }
}
async function ask(question) {
  log.append(el('div', 'q', question)); const div = el('div', 'a', '…'); log.append(div);
  send.disabled = true; let text = '', answer = null;
  try {
    const r = await call('api/ask', {method: 'POST',
      body: JSON.stringify({question, history: history.slice(-8), stream: true})});
    if (!r.ok) { const e = await r.json().catch(() => ({})); throw new Error(e.error ? e.error.message : 'HTTP ' + r.status); }
    const reader = r.body.getReader(), dec = new TextDecoder(); let buf = '';
    for (;;) {
      const {value, done} = await reader.read(); if (done) break;
      buf += dec.decode(value, {stream: true}); let i;
      while ((i = buf.indexOf('\\n\\n')) >= 0) {
        const block = buf.slice(0, i); buf = buf.slice(i + 2); let ev = 'message', data = '';
        for (const line of block.split('\\n')) {
          if (line.startsWith('event:')) ev = line.slice(6).trim(); else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (!data) continue; const p = JSON.parse(data);
        if (ev === 'token') { text += p.text; div.textContent = text + '▌'; }
        else if (ev === 'status' && !text) div.textContent = p.text;
        else if (ev === 'answer') { answer = p; render(div, p); }
        else if (ev === 'error') throw new Error(p.error.message);
      }
      log.scrollTop = log.scrollHeight;
    }
    if (answer) { history.push({role: 'user', content: question}, {role: 'assistant', content: answer.answer}); }
  } catch (e) { div.replaceChildren(el('span', 'err', '出错了：' + e.message)); }
  finally { send.disabled = false; log.scrollTop = log.scrollHeight; }
}
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const q = input.value.trim();
  if (q && !send.disabled) { input.value = ''; ask(q); } };
for (const b of document.querySelectorAll('.ex')) b.onclick = () => { if (!send.disabled) ask(b.textContent); };
</script></body></html>
"""


def embed_html(max_chars: int, token: str | None) -> str:
    examples = "".join(f'<br><button class="ex" type="button">{html.escape(q)}</button>' for q in EXAMPLES)
    return (_PAGE.replace("EXAMPLES_HTML", examples).replace("MAXLEN", str(int(max_chars)))
            .replace("TOKEN_JSON", json.dumps(token)))
