/* policy-qa floating chat bubble. One line in a portal page:
 *   <script src="https://QA-SERVER/embed.js" defer></script>
 * Optional attributes: data-title="政策问答" data-position="left" (default right).
 * The bubble opens /embed in a panel. If this page's origin is not allowed to frame the widget
 * (cors_origins), the panel explains why and the console says how to fix it, instead of a blank frame.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__policyQaBubble) return;
  window.__policyQaBubble = true;
  var base = new URL('.', script.src).href;
  var title = (script.getAttribute('data-title') || '政策文件问答').replace(/[&<>"]/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; });
  var side = script.getAttribute('data-position') === 'left' ? 'left' : 'right';

  var host = document.createElement('div');
  host.id = 'policy-qa-widget';
  var root = host.attachShadow({mode: 'open'});
  root.innerHTML =
    '<style>' +
    ':host{all:initial}' +
    '.bubble{position:fixed;bottom:20px;' + side + ':20px;z-index:2147483000;min-width:56px;height:56px;padding:0 18px;' +
    'border:0;border-radius:28px;background:#1d4ed8;color:#fff;font:600 15px/56px system-ui,"PingFang SC","Microsoft YaHei",sans-serif;' +
    'box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer}' +
    '.bubble:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}' +
    '.panel{position:fixed;bottom:88px;' + side + ':20px;z-index:2147483000;width:min(400px,calc(100vw - 24px));' +
    'height:min(600px,calc(100vh - 110px));display:none;flex-direction:column;background:#fff;color:#111827;' +
    'border:1px solid #d1d5db;border-radius:10px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;' +
    'font:14px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif}' +
    '.panel.open{display:flex}' +
    '.head{display:flex;align-items:center;justify-content:space-between;padding:6px 10px;background:#1d4ed8;color:#fff;font-weight:600}' +
    '.close{border:0;background:transparent;color:#fff;font:inherit;cursor:pointer;padding:2px 6px}' +
    'iframe{flex:1;border:0;width:100%}' +
    '.msg{padding:14px;color:#7f1d1d;background:#fef2f2;white-space:pre-wrap;overflow:auto}' +
    '@media (max-width:480px){.panel{bottom:0;' + side + ':0;width:100vw;height:calc(100vh - 80px);border-radius:10px 10px 0 0}}' +
    '@media (prefers-color-scheme:dark){.panel{background:#111827;color:#f3f4f6;border-color:#4b5563}.msg{background:#450a0a;color:#fecaca}}' +
    '</style>' +
    '<div class="panel" role="dialog" aria-label="' + title + '"><div class="head"><span>' + title + '</span>' +
    '<button class="close" type="button" aria-label="关闭问答窗口">关闭</button></div><div class="body"></div></div>' +
    '<button class="bubble" type="button" aria-expanded="false" aria-label="打开' + title + '">问答</button>';
  var panel = root.querySelector('.panel'), body = root.querySelector('.body'), bubble = root.querySelector('.bubble');
  body.style.cssText = 'flex:1;display:flex;flex-direction:column;min-height:0';
  var loaded = false;

  function explain(text) {
    var m = document.createElement('div'); m.className = 'msg'; m.setAttribute('role', 'alert'); m.textContent = text;
    body.replaceChildren(m);
  }

  function load() {
    loaded = true;
    fetch(base + 'embed/allowed', {mode: 'cors', credentials: 'omit', cache: 'no-store'})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (!j.allowed) { console.error(j.message); explain(j.message); return; }
        var f = document.createElement('iframe');
        f.src = base + 'embed'; f.title = title; f.setAttribute('loading', 'lazy');
        body.replaceChildren(f);
      })
      .catch(function (e) {
        var text = 'policy-qa 问答组件：无法连接问答服务 ' + base + '（' + e.message + '）。请检查服务地址和网络。';
        console.error(text); explain(text); loaded = false;
      });
  }

  function toggle(open) {
    panel.classList.toggle('open', open);
    bubble.setAttribute('aria-expanded', String(open));
    bubble.textContent = open ? '收起' : '问答';
    if (open && !loaded) load();
  }
  bubble.addEventListener('click', function () { toggle(!panel.classList.contains('open')); });
  root.querySelector('.close').addEventListener('click', function () { toggle(false); bubble.focus(); });
  (document.body || document.documentElement).appendChild(host);
})();
