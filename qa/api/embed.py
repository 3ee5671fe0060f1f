"""The /embed page: a small self-contained HTML+JS chat for a portal iframe.

It calls ``POST api/ask`` (relative, so it works behind a path prefix) with ``stream: true``,
shows tokens as they arrive marked as a draft (草稿·核对中…), then the checked answer with its
citations and, when the check changed the draft, one line saying why; [n] in the answer and each
citation open the clause text (``GET api/clause/{chunk_id}``) with the quoted sentence highlighted.
A question sent while an answer is generating is queued; 新对话 resets the conversation; 有帮助/没帮助
post to ``embed/feedback``. The floating bubble for portals is ``/embed.js`` (qa/api/widget.py).
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

from qa.api.presentation import DRAFT_LABEL, REFUSAL_WHY

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
<meta name="color-scheme" content="light dark">
<title>政策问答</title>
<style>
*{box-sizing:border-box}body{margin:0;font:14px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;
color:#1f2937;background:#fff}#app{display:flex;flex-direction:column;height:100vh;padding:8px}
#bar{display:flex;justify-content:space-between;align-items:center;gap:6px;margin-bottom:4px}
#log{flex:1;overflow-y:auto}.q{margin:6px 0;padding:6px 10px;background:#eef2ff;border-radius:8px}
.a{margin:6px 0;padding:6px 10px;background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;white-space:pre-wrap}
.badge{display:inline-block;font-size:12px;padding:0 6px;margin-right:6px;border-radius:4px;background:#fef3c7;color:#78350f}
.refused{background:#fee2e2;color:#7f1d1d}.cites{margin-top:4px}.cite{display:block;text-align:left;width:100%;
background:none;border:0;padding:2px 0;color:#1d4ed8;cursor:pointer;font:inherit}.cite:hover{text-decoration:underline}
.ref{border:0;background:#dbeafe;color:#1d4ed8;font:600 13px/1.4 inherit;border-radius:4px;padding:0 3px;margin:0 1px;cursor:pointer}
.clause{margin:4px 0 6px;padding:6px 8px;background:#fff;color:#111827;border-left:3px solid #93c5fd;white-space:pre-wrap;font-size:13px}
mark{background:#fde68a;color:#111827}.err{color:#b91c1c}.muted{color:#4b5563;font-size:12px}
.draft{color:#4b5563;font-style:italic}.draft-label{display:inline-block;font-style:normal;font-size:12px;padding:0 6px;
margin-right:4px;border:1px dashed #6b7280;border-radius:4px;color:#374151}
.changed{margin:2px 0 4px;padding:2px 8px;border-left:3px solid #b45309;background:#fffbeb;color:#78350f;font-size:12px;white-space:normal}
.fb{margin-top:4px;display:flex;gap:6px;align-items:center;font-size:12px;white-space:normal}
.fb button,.tool{border:1px solid #9ca3af;background:#fff;color:#374151;border-radius:4px;padding:1px 8px;font:12px/1.6 inherit;cursor:pointer}
#queue{font-size:12px;color:#1e3a8a;background:#eff6ff;border-radius:6px;padding:2px 8px;margin-top:4px}
form{display:flex;gap:6px;margin-top:6px}input{flex:1;padding:8px;border:1px solid #6b7280;border-radius:6px;font:inherit;
background:#fff;color:#111827}
button.send{padding:8px 14px;border:0;border-radius:6px;background:#1d4ed8;color:#fff;font:inherit;cursor:pointer}
.ex{background:none;border:1px dashed #6b7280;border-radius:12px;padding:2px 8px;margin:2px;cursor:pointer;font-size:12px;color:#374151}
@media (prefers-color-scheme:dark){body{background:#111827;color:#f3f4f6}.q{background:#1e3a8a;color:#f3f4f6}
.a{background:#1f2937;border-color:#374151}.clause{background:#111827;color:#f3f4f6}.muted,.draft{color:#d1d5db}
.draft-label{color:#e5e7eb;border-color:#9ca3af}.cite{color:#93c5fd}.ref{background:#1e3a8a;color:#bfdbfe}
.badge{background:#451a03;color:#fde68a}.refused{background:#450a0a;color:#fecaca}.changed{background:#451a03;color:#fde68a}
mark{background:#854d0e;color:#fff}.err{color:#fca5a5}input{background:#1f2937;color:#f3f4f6;border-color:#9ca3af}
.fb button,.tool,.ex{background:#1f2937;color:#f3f4f6;border-color:#9ca3af}#queue{background:#172554;color:#dbeafe}}
</style></head><body><div id="app">
<div id="bar"><span class="muted">根据已收录的政策文件回答，并标注条款出处。</span>
<button class="tool" id="reset" type="button">新对话</button></div>
<div id="log" aria-live="polite"><div class="muted" id="intro">点击示例提问：EXAMPLES_HTML</div></div>
<div id="queue" role="status" hidden></div>
<form id="f"><label for="q" style="position:absolute;left:-9999px">输入问题</label>
<input id="q" maxlength="MAXLEN" placeholder="请输入问题…" autocomplete="off">
<button class="send" id="send" type="submit">提问</button></form></div>
<script>
let TOKEN = TOKEN_JSON;
const REFUSAL_WHY = REFUSAL_JSON, DRAFT = DRAFT_JSON;
const log = document.getElementById('log'), input = document.getElementById('q'), send = document.getElementById('send');
const queueBox = document.getElementById('queue'), intro = document.getElementById('intro').cloneNode(true);
let history = [], busy = false; const pending = [];
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
    box.replaceChildren(d); box.scrollIntoView({block: 'nearest'});
  } catch (e) { box.replaceChildren(el('span', 'err', '无法加载条款：' + e.message)); }
}
const squash = (s) => (s || '').replace(/\\s+/g, '');
function changeNote(a, draft) {
  if (!squash(draft) || squash(draft) === squash(a.answer)) return '';
  if (a.refused) return '核对后改为说明文件中未找到：' + (REFUSAL_WHY[a.refusal_reason] || '引用条款不足以支持草稿中的说法') + '。';
  if (a.extractive) return '模型草稿中的说法在引用条款中找不到依据' + (a.notes.length ? '（' + a.notes[0] + '）' : '') + '，改为条款原文摘录。';
  if (a.notes.length) return '核对修改了草稿：' + a.notes.slice(0, 3).join('；') + '。';
  if (squash(a.answer).startsWith(squash(draft))) return '核对后在草稿之后补充了说明。';
  if (squash(draft).startsWith(squash(a.answer))) return '核对后删去了草稿末尾没有依据的内容。';
  return '核对后调整了草稿的措辞或引用。';
}
async function feedback(question, a, rating, row) {
  row.replaceChildren(el('span', 'muted', '提交中…'));
  try {
    const r = await call('embed/feedback', {method: 'POST', body: JSON.stringify({rating, question,
      answer: a.answer.slice(0, 20000), citations: a.citations.map(c => ({n: c.n, doc_title: c.doc_title, clause: c.clause}))})});
    row.replaceChildren(el('span', 'muted', r.ok ? '已记录反馈，谢谢！' : '反馈未能提交（' + r.status + '）'));
  } catch (e) { row.replaceChildren(el('span', 'err', '反馈未能提交：' + e.message)); }
}
function render(div, a, draft, question) {
  div.replaceChildren();
  if (a.refused) div.append(el('span', 'badge refused', '文件中未找到'));
  if (a.extractive) div.append(el('span', 'badge', '原文摘录'));
  const note = changeNote(a, draft); if (note) div.append(el('div', 'changed', note));
  if (a.rewritten_question && a.rewritten_question !== a.question)
    div.append(el('div', 'muted', '理解为：' + a.rewritten_question));
  const boxes = {}, cs = el('div', 'cites');
  for (const c of a.citations) {
    const b = el('button', 'cite', '[' + c.n + ']《' + c.doc_title + '》' + c.clause); b.type = 'button';
    const box = el('div'); boxes[c.n] = [c, box]; b.onclick = () => showClause(c, box); cs.append(b, box);
  }
  const parts = a.answer.split(/(\\[\\d{1,3}\\])/);
  for (const p of parts) {
    const m = /^\\[(\\d{1,3})\\]$/.exec(p);
    if (m && boxes[m[1]]) {
      const r = el('button', 'ref', p); r.type = 'button'; r.setAttribute('aria-label', '查看引用' + m[1] + '的条款原文');
      r.onclick = () => { const [c, box] = boxes[m[1]]; if (!box.dataset.open) showClause(c, box); else box.scrollIntoView({block: 'nearest'}); };
      div.append(r);
    } else div.append(document.createTextNode(p));
  }
  if (a.citations.length) div.append(cs);
  const fb = el('div', 'fb'); fb.append(el('span', 'muted', '这条回答：'));
  for (const [rating, label] of [['up', '有帮助'], ['down', '没帮助']]) {
    const b = el('button', '', label); b.type = 'button'; b.onclick = () => feedback(question, a, rating, fb); fb.append(b);
  }
  div.append(fb);
}
function showQueue() {
  queueBox.hidden = !pending.length;
  queueBox.textContent = pending.length ? '正在生成上一条回答，已排队 ' + pending.length + ' 个问题，完成后自动发送：' + pending.join('；') : '';
}
async function ask(question) {
  if (busy) { pending.push(question); showQueue(); return; }
  busy = true;
  log.append(el('div', 'q', question)); const div = el('div', 'a', '…'); log.append(div);
  let draft = '', answer = null;
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
        if (ev === 'token') { draft += p.text; div.replaceChildren(el('span', 'draft-label', DRAFT), el('span', 'draft', draft + '▌')); }
        else if (ev === 'status' && !draft) div.textContent = p.text;
        else if (ev === 'answer') { answer = p; render(div, p, draft, question); }
        else if (ev === 'error') throw new Error(p.error.message);
      }
      log.scrollTop = log.scrollHeight;
    }
    if (answer) { history.push({role: 'user', content: question}, {role: 'assistant', content: answer.history_text || answer.answer}); }
  } catch (e) { div.replaceChildren(el('span', 'err', '出错了：' + e.message)); }
  finally {
    busy = false; log.scrollTop = log.scrollHeight;
    if (pending.length) { const next = pending.shift(); showQueue(); ask(next); }
  }
}
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const q = input.value.trim();
  if (q) { input.value = ''; ask(q); } };
function bindExamples(root) { for (const b of root.querySelectorAll('.ex')) b.onclick = () => ask(b.textContent); }
bindExamples(document);
document.getElementById('reset').onclick = () => {
  history = []; pending.length = 0; showQueue(); const i = intro.cloneNode(true); bindExamples(i); log.replaceChildren(i); input.focus();
};
</script></body></html>
"""


def embed_html(max_chars: int, token: str | None) -> str:
    examples = "".join(f'<br><button class="ex" type="button">{html.escape(q)}</button>' for q in EXAMPLES)
    return (_PAGE.replace("EXAMPLES_HTML", examples).replace("MAXLEN", str(int(max_chars)))
            .replace("TOKEN_JSON", json.dumps(token))
            .replace("REFUSAL_JSON", json.dumps(REFUSAL_WHY, ensure_ascii=False))
            .replace("DRAFT_JSON", json.dumps(DRAFT_LABEL, ensure_ascii=False))
)
