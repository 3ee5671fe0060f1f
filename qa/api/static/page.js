/* policy-qa chat page helpers (loaded in <head> of the Gradio page; no outside requests).
 * - [n] in an answer opens its clause inline (the <details> of that citation, in the same message)
 * - "在文件库中查看全文" switches to the 文件库 tab and opens the document at the clause
 * - a question sent while an answer is generating is queued and sent when it is done
 * - example buttons ask their question
 */
(function () {
  'use strict';
  document.documentElement.lang = 'zh-CN';
  var queue = [];
  var busy = false;
  window.qaQueue = queue;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function box() { return $('#qa-input textarea'); }
  function sendButton() { return $('#qa-send'); }

  function renderQueue() {
    var el = $('#qa-queue');
    if (!el) return;
    el.replaceChildren();
    if (!queue.length) { el.hidden = true; return; }
    el.hidden = false;
    var head = document.createElement('div');
    head.textContent = '正在生成上一条回答，以下问题已排队，完成后自动发送：';
    el.append(head);
    var ol = document.createElement('ol');
    queue.forEach(function (q, i) {
      var li = document.createElement('li');
      li.append(document.createTextNode(q + ' '));
      var b = document.createElement('button');
      b.type = 'button'; b.className = 'qa-queue-cancel'; b.textContent = '取消';
      b.setAttribute('aria-label', '取消排队的问题：' + q);
      b.onclick = function () { queue.splice(i, 1); renderQueue(); };
      li.append(b); ol.append(li);
    });
    el.append(ol);
  }

  function submitNow(q) {
    var ta = box(), btn = sendButton();
    if (!ta || !btn) return false;
    ta.value = q;
    ta.dispatchEvent(new Event('input', {bubbles: true}));
    busy = true;
    setTimeout(function () { btn.click(); }, 60);
    return true;
  }

  function ask(q) {
    q = (q || '').trim();
    if (!q) return;
    if (busy) { queue.push(q); renderQueue(); return; }
    submitNow(q);
  }
  window.qaAsk = ask;

  window.qaIdle = function () {
    busy = false;
    if (queue.length) {
      var q = queue.shift(); renderQueue();
      setTimeout(function () { if (!busy) submitNow(q); else { queue.unshift(q); renderQueue(); } }, 150);
    }
  };
  window.qaStop = function () { queue.length = 0; renderQueue(); busy = false; };

  // Enter / 发送 while generating: queue instead of letting the click be dropped
  function interceptSend(ev) {
    var ta = box();
    if (!ta) return;
    var isEnter = ev.type === 'keydown' && ev.target === ta && ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing;
    var isClick = ev.type === 'click' && ev.isTrusted && sendButton() && sendButton().contains(ev.target);
    if (!isEnter && !isClick) return;
    var q = ta.value.trim();
    if (!busy) { if (q) busy = true; return; }
    ev.preventDefault(); ev.stopImmediatePropagation();
    if (q) {
      queue.push(q); renderQueue();
      ta.value = ''; ta.dispatchEvent(new Event('input', {bubbles: true}));
    }
  }
  document.addEventListener('keydown', interceptSend, true);
  document.addEventListener('click', interceptSend, true);

  function flash(el) {
    el.classList.remove('qa-flash'); void el.offsetWidth; el.classList.add('qa-flash');
  }

  function markQuote(container, quote) {
    if (!container || !quote || container.querySelector('mark')) return;
    var node = container.firstChild;
    while (node) {
      if (node.nodeType === 3) {
        var i = node.nodeValue.indexOf(quote);
        if (i >= 0) {
          var after = node.splitText(i); after.splitText(quote.length);
          var m = document.createElement('mark'); m.textContent = after.nodeValue;
          after.replaceWith(m); return;
        }
      }
      node = node.nextSibling;
    }
  }

  function openInLibrary(target, quote) {
    var tabs = document.querySelectorAll('[role="tab"]');
    for (var i = 0; i < tabs.length; i++) {
      if (tabs[i].textContent.trim() === '文件库') { tabs[i].click(); break; }
    }
    var tries = 0;
    (function wait() {
      var el = document.getElementById(target);
      if (!el) { if (++tries < 600) setTimeout(wait, 100); return; }  // up to 60 s: the library renders on first open
      var doc = el.closest('details'); if (doc) doc.open = true;
      markQuote(el.querySelector('.qa-unit-text'), quote);
      el.scrollIntoView({block: 'start'}); flash(el);
      el.focus({preventScroll: true});
    })();
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var ref = t.closest('.qa-ref');
    if (ref) {
      ev.preventDefault();
      var msg = ref.closest('.qa-answer');
      var d = msg && msg.querySelector('details.qa-cite[data-n="' + ref.dataset.n + '"]');
      if (d) { d.open = true; d.scrollIntoView({block: 'nearest'}); flash(d); var s = d.querySelector('summary'); if (s) s.focus({preventScroll: true}); }
      return;
    }
    var link = t.closest('.qa-doc-link');
    if (link) { ev.preventDefault(); openInLibrary(link.dataset.target, link.dataset.quote || ''); return; }
    var out = t.closest('.qa-outline a');
    if (out) {
      ev.preventDefault();
      var u = document.getElementById(out.getAttribute('href').slice(1));
      if (u) { u.scrollIntoView({block: 'start'}); flash(u); }
      return;
    }
    var ex = t.closest('.qa-ex');
    if (ex) { ev.preventDefault(); ask(ex.textContent); }
  }, false);

  // label the question box for assistive technology (Gradio names a label-less box "Textbox")
  new MutationObserver(function () {
    var ta = box();
    if (ta && ta.getAttribute('aria-label') !== '输入问题') ta.setAttribute('aria-label', '输入问题');
    if (document.documentElement.lang !== 'zh-CN') document.documentElement.lang = 'zh-CN';
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
