// Linli: forms that survive having no network (issue 11). A form marked
// data-offline="PREFIX" with a hidden input name="idempotency_key" is sent
// with fetch (multipart, the key also in an Idempotency-Key header). When
// the phone is offline, or the network or the server fails, the submission
// (every field, photos as Blobs, the key, the time, a label) is kept in
// IndexedDB and the form is cleared for the next household; the queue is
// sent, one at a time and in order, when the network returns (the online
// event), when a page loads and every 30 s while something waits. An item
// leaves the queue only when the server has it (2xx with JSON, or a redirect
// within the site after the POST) or refused it for good (4xx but 408/429: kept as failed, with the
// reason, until the user retries, puts it back in the form or discards it). A 409 is neither: by the
// contract of issue 11 the server stored it as a conflicting version for staff to settle, so the
// item leaves the queue and the server's reason stays on the page as a notice (已保存为冲突版本).
// The server keeps one record per key, so a resend never makes a second.
//
// Optional markup: data-offline-label="巡查 {room}" names a queued item
// ({field} is that field's shown value; without it, the form's heading);
// data-offline-keep="building floor" keeps those fields for the next
// household; an element with data-offline-queue places the queue panel.
// Without this script, or without IndexedDB, the form is a plain POST.
// It also registers the service worker (/sw.js) and tells it to forget
// kept pages when the user logs out.
(function () {
  "use strict";

  var DB = "linli-offline", STORE = "queue", TICK = 30000, MAX_WAIT = 600000, WAIT = "wait";
  var en = document.documentElement.lang === "en";
  function T(zh, e) { return en ? e : zh; }
  // A server message "中文 / English": the page's half.
  function half(s) {
    s = String(s || "");
    var i = s.lastIndexOf(" / ");
    return i < 0 ? s : (en ? s.slice(i + 3) : s.slice(0, i));
  }
  var owner = "";
  var forms = [], statusEl = null, panel = null, running = false, again = false, timer = null;
  var channel = window.BroadcastChannel ? new BroadcastChannel(DB) : null;

  // ---- IndexedDB ----
  var dbp = null;
  function db() {
    if (!dbp) dbp = new Promise(function (ok, fail) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
    return dbp;
  }
  function store(mode, f) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction(STORE, mode), r = f(t.objectStore(STORE));
        t.oncomplete = function () { ok(r && r.result); };
        t.onerror = t.onabort = function () { fail(t.error); };
      });
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }).then(function (l) { return l || []; }); }
  function save(item) {
    return store("readwrite", function (s) { return s.put(item); }).then(function (id) { item.id = id; changed(); return item; });
  }
  function drop(id) { return store("readwrite", function (s) { s.delete(id); }).then(changed); }
  function changed() { if (channel) channel.postMessage("changed"); }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function freshKey(form) {
    var k = form.querySelector("input[name=idempotency_key]");
    if (!k) {
      k = document.createElement("input");
      k.type = "hidden";
      k.name = "idempotency_key";
      form.appendChild(k);
    }
    var p = form.getAttribute("data-offline");
    k.value = (p ? p + "-" : "") + uuid();
    return k.value;
  }

  // ---- what a submission is ----
  function shown(form, name) {
    var el = form.elements[name];
    if (!el) return "";
    if (el.tagName === "SELECT") return el.selectedIndex >= 0 ? el.options[el.selectedIndex].text.trim() : "";
    if (el.length !== undefined && !el.tagName) { // radio group
      var c = Array.prototype.filter.call(el, function (x) { return x.checked; })[0];
      return c ? ((c.labels && c.labels[0] && c.labels[0].textContent.trim()) || c.value) : "";
    }
    return el.value || "";
  }
  function labelOf(form) {
    var l = form.getAttribute("data-offline-label");
    if (l) return l.replace(/\{([\w.-]+)\}/g, function (_, n) { return shown(form, n); }).trim();
    // The heading of the box around the form (not one inside it), else the page's.
    var box = form.parentElement && form.parentElement.closest("section, article, .card");
    var h = (box && Array.prototype.filter.call(box.querySelectorAll("h1, h2, h3"), function (x) { return !form.contains(x); })[0]) ||
      document.querySelector("main h1");
    return (form.getAttribute("aria-label") || (h && h.textContent) || document.title).trim();
  }
  function capture(form, submitter) {
    var fd;
    try { fd = new FormData(form, submitter || undefined); } catch (e) { fd = new FormData(form); }
    var fields = [];
    fd.forEach(function (v, n) {
      if (typeof v === "string") fields.push({ n: n, v: v });
      else if (v.size > 0 || v.name) fields.push({ n: n, blob: v, fn: v.name });
    });
    var key = fd.get("idempotency_key") || freshKey(form);
    return {
      action: form.action, method: (form.getAttribute("method") || "post").toUpperCase(),
      fields: fields, key: String(key), at: new Date().toISOString(), label: labelOf(form),
      owner: owner, state: "waiting", tries: 0, nextAt: 0, reason: "", errors: []
    };
  }

  // Photos wait on the phone, perhaps for a whole round: each is made
  // smaller first (long side 1600 px, JPEG), as the report form does. One
  // that is small already, or that the browser cannot decode, stays as it is.
  var SIDE = 1600, QUALITY = 0.85;
  function smaller(file) {
    if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (img) {
      var k = Math.min(1, SIDE / Math.max(img.width, img.height));
      if (k === 1 && file.type === "image/jpeg") { if (img.close) img.close(); return file; }
      var c = document.createElement("canvas");
      c.width = Math.max(1, Math.round(img.width * k));
      c.height = Math.max(1, Math.round(img.height * k));
      c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
      if (img.close) img.close();
      return new Promise(function (ok) { c.toBlob(ok, "image/jpeg", QUALITY); }).then(function (b) {
        if (!b || b.size >= file.size) return file;
        return new File([b], (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
      });
    }).catch(function () { return file; });
  }
  function smallerPhotos(item) {
    return Promise.all(item.fields.map(function (f) {
      if (!f.blob) return null;
      return smaller(f.blob).then(function (b) { f.blob = b; f.fn = b.name || f.fn; });
    }));
  }

  // ---- sending ----
  // send posts an item and says what became of it: ok (the server has it),
  // conflict (the server has it as a conflicting version: 409), retry (no
  // network, the server is down or busy, or the session is gone) or failed
  // (refused for good), with the reason and any field errors.
  function send(item) {
    var fd = new FormData();
    item.fields.forEach(function (f) {
      if (f.blob) fd.append(f.n, f.blob, f.fn || "file"); else fd.append(f.n, f.v);
    });
    return fetch(item.action, {
      method: item.method, body: fd, credentials: "same-origin",
      headers: { "Idempotency-Key": item.key, "Accept": "application/problem+json, application/json, text/html;q=0.5" }
    }).then(answer, function () {
      return { kind: "retry", reason: T("没有网络", "No network") };
    });
  }
  // Only Linli's own answer counts as taken: a redirect within the site
  // (POST, then GET) or JSON. A Wi-Fi login page that answers in its place
  // (another origin, or HTML) must not make the phone forget a finding.
  function answer(res) {
    var s = res.status, to = new URL(res.url || location.href);
    if (to.origin !== location.origin) return { kind: "retry", reason: T("没有网络", "No network") };
    if (res.redirected && to.pathname === "/login") s = 401;
    else if (res.redirected || s === 204 || (s >= 200 && s < 300 && /json/.test(res.headers.get("Content-Type") || ""))) return { kind: "ok" };
    if (s === 401) return { kind: "retry", reason: T("请先登录，登录后自动发送", "Log in and it will be sent") };
    if (s === 408 || s === 429 || s >= 500) return { kind: "retry", reason: T("服务器暂时不可用", "The server is busy") + " (" + s + ")" };
    return res.text().then(function (body) {
      var out = { kind: "failed", status: s, reason: "", errors: [] };
      if (/json/.test(res.headers.get("Content-Type") || "")) {
        try {
          var p = JSON.parse(body);
          out.reason = half(p.detail || p.title);
          out.errors = (p.errors || []).map(function (e) { return { field: e.field, reason: half(e.reason) }; });
        } catch (e) { /* not JSON after all */ }
      } else {
        var doc = new DOMParser().parseFromString(body, "text/html");
        doc.querySelectorAll(".field .err").forEach(function (e) {
          var named = e.closest(".field").querySelector("[name]");
          var field = /^e-/.test(e.id) ? e.id.slice(2) : named && named.getAttribute("name");
          if (field) out.errors.push({ field: field, reason: e.textContent.trim() });
        });
        var h = doc.querySelector("main h1");
        out.reason = h ? h.textContent.trim() : "";
      }
      if (s < 300) out.reason = T("意外的回答：", "Unexpected answer: ") + out.reason;
      if (!out.reason) out.reason = s + " " + res.statusText;
      if (s === 409) return { kind: "conflict", reason: out.reason };
      return out;
    });
  }

  // ---- errors beside the fields, as field.html writes them ----
  function fieldBox(el) { return el.closest(".field") || el.parentNode; }
  function clearErrors(form) {
    form.querySelectorAll(".err[data-offline-err]").forEach(function (e) {
      var f = fieldBox(e);
      f.classList.remove("has-error");
      f.querySelectorAll("[aria-describedby='" + e.id + "']").forEach(function (x) {
        x.removeAttribute("aria-invalid");
        x.removeAttribute("aria-describedby");
      });
      e.remove();
    });
  }
  function showErrors(form, errors) {
    clearErrors(form);
    var first = null;
    errors.forEach(function (x) {
      var el = form.elements[x.field];
      if (el && !el.tagName) el = el[0];
      if (!el || el.type === "hidden") return;
      var f = fieldBox(el), e = f.querySelector(".err");
      if (!e) {
        e = document.createElement("span");
        e.className = "err";
        e.setAttribute("data-offline-err", "");
        e.id = "e-" + x.field;
        e.setAttribute("data-test", "err-" + x.field);
        var hint = f.querySelector(".hint");
        if (hint) hint.replaceWith(e); else f.appendChild(e);
      }
      e.textContent = x.reason;
      f.classList.add("has-error");
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", e.id);
      if (!first) first = el;
    });
    if (first) first.focus();
  }
  function fieldName(form, name) {
    var el = form && form.elements[name];
    if (el && !el.tagName) el = el[0];
    var l = el && el.labels && el.labels[0];
    return l ? l.textContent.trim() : name;
  }

  // ---- the status line and the queue panel ----
  function say(text) { if (statusEl) statusEl.textContent = text; }
  // notify keeps a message on the page until it is left (a conflict must
  // not be overwritten by the next item's "sent").
  var noticeEl = null;
  function notify(text) {
    if (!statusEl) return;
    if (!noticeEl) {
      noticeEl = document.createElement("div");
      noticeEl.className = "flash";
      noticeEl.setAttribute("role", "status");
      noticeEl.setAttribute("data-test", "offline-notice");
      statusEl.after(noticeEl);
    }
    var p = document.createElement("p");
    p.textContent = text;
    noticeEl.appendChild(p);
  }
  function conflictText(item, reason) {
    return T("已保存为冲突版本：", "Saved as a conflicting version: ") + item.label + " — " + reason;
  }
  function mine(item) { return item.owner === owner; }
  function waiting(items) {
    return items.filter(function (i) { return mine(i) && i.state !== "failed"; }).length;
  }
  function savedText(n) {
    return T("已保存在手机上，联网后自动发送（" + n + " 条待发送）", "Saved on this phone; it will be sent when the network is back (" + n + " waiting)");
  }
  function when(iso) {
    var d = new Date(iso);
    try {
      return d.toLocaleString(en ? "en-GB" : "zh-CN", { month: en ? "short" : "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
    } catch (e) { return iso; }
  }
  function formFor(item) {
    return forms.filter(function (f) { return f.action === item.action; })[0] || null;
  }
  function button(text, act, id, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn small " + (cls || "plain");
    b.textContent = text;
    b.setAttribute("data-offline-act", act);
    b.setAttribute("data-id", id);
    b.setAttribute("data-test", "offline-" + act);
    return b;
  }
  function render() {
    if (!panel) return Promise.resolve();
    return all().then(function (items) {
      var list = panel.querySelector("ol");
      list.textContent = "";
      panel.querySelector("h2").textContent = T("待发送", "Waiting to be sent") + " (" + items.length + ")";
      panel.hidden = items.length === 0;
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-test", "offline-item");
        li.setAttribute("data-state", item.state);
        li.setAttribute("data-key", item.key);
        var head = document.createElement("div");
        var b = document.createElement("b");
        b.textContent = item.label;
        var st = document.createElement("span");
        st.className = "tag " + (item.state === "failed" ? "red" : "kind");
        st.setAttribute("data-test", "offline-state");
        st.textContent = !mine(item) ? T("等待原账号登录", "Waits for its account to log in") :
          item.state === "sending" ? T("正在发送", "Sending") : item.state === "failed" ? T("发送失败", "Failed") : T("等待发送", "Waiting");
        head.appendChild(b);
        head.appendChild(document.createTextNode(" "));
        head.appendChild(st);
        li.appendChild(head);
        var photos = item.fields.filter(function (f) { return f.blob; }).length;
        var meta = document.createElement("div");
        meta.className = "meta";
        meta.textContent = when(item.at) + (photos ? " · " + T(photos + " 个文件", photos + (photos === 1 ? " file" : " files")) : "") +
          (item.reason ? " · " + item.reason : "");
        li.appendChild(meta);
        if (item.errors && item.errors.length) {
          var ul = document.createElement("ul");
          ul.className = "offline-errors";
          item.errors.forEach(function (e) {
            var x = document.createElement("li");
            x.textContent = fieldName(formFor(item), e.field) + T("：", ": ") + e.reason;
            ul.appendChild(x);
          });
          li.appendChild(ul);
        }
        if (item.state === "failed" && mine(item)) {
          var acts = document.createElement("div");
          acts.className = "actions";
          acts.appendChild(button(T("重试", "Retry"), "retry", item.id, "secondary"));
          if (formFor(item)) acts.appendChild(button(T("放回表单修改", "Edit in the form"), "edit", item.id));
          acts.appendChild(button(T("放弃", "Discard"), "discard", item.id, "danger"));
          li.appendChild(acts);
        }
        list.appendChild(li);
      });
      ticking(items);
    });
  }
  // The 30 s timer runs only while something of this account waits.
  function ticking(items) {
    var n = waiting(items);
    if (n && !timer) timer = setInterval(function () { pump(false); }, TICK);
    if (!n && timer) { clearInterval(timer); timer = null; }
  }
  function makePanel(after) {
    var p = document.querySelector("[data-offline-queue]") || document.createElement("section");
    p.classList.add("offline-queue", "card");
    p.setAttribute("aria-labelledby", "offline-queue-h");
    p.setAttribute("data-test", "offline-queue");
    p.hidden = true;
    p.textContent = "";
    var h = document.createElement("h2");
    h.id = "offline-queue-h";
    p.appendChild(h);
    p.appendChild(document.createElement("ol"));
    if (!p.parentNode) {
      if (after) after.after(p);
      else { var m = document.querySelector("main"); if (!m) return null; m.prepend(p); }
    }
    p.addEventListener("click", act);
    return p;
  }

  // ---- the queue ----
  // pump sends waiting items of this account one at a time, oldest first.
  // force (the online event, a page load, a retry) ignores the backoff.
  function pump(force) {
    if (running) { again = again || force; return Promise.resolve(); }
    running = true;
    busy(true);
    var run = function () { return step(force); };
    var done = navigator.locks ? navigator.locks.request(DB, run) : run();
    return done.catch(function () {}).then(function (end) {
      running = false;
      busy(false);
      // A call that came while an item was failing to go brings no news.
      var rerun = again && end !== WAIT;
      again = false;
      if (rerun) return pump(true);
    });
  }
  function busy(on) {
    if (!panel) return;
    if (on) panel.setAttribute("aria-busy", "true"); else panel.removeAttribute("aria-busy");
  }
  function step(force) {
    if (navigator.onLine === false) {
      return all().then(function (items) { if (waiting(items)) say(savedText(waiting(items))); }).then(render);
    }
    return all().then(function (items) {
      var item = items.filter(function (i) { return mine(i) && i.state !== "failed"; })[0];
      if (!item) return render();
      if (!force && item.nextAt > Date.now()) return render();
      item.state = "sending";
      return save(item).then(render).then(function () { return send(item); }).then(function (out) {
        if (out.kind === "conflict") {
          notify(conflictText(item, out.reason));
          return drop(item.id).then(function () { return step(force); });
        }
        if (out.kind === "ok") {
          return drop(item.id).then(all).then(function (rest) {
            var n = waiting(rest);
            say(n ? T("已发送：", "Sent: ") + item.label + T("（还有 " + n + " 条待发送）", " (" + n + " waiting)") :
              T("已发送：", "Sent: ") + item.label + T("。全部已发送。", ". Everything has been sent."));
            return step(force);
          });
        }
        item.reason = out.reason;
        item.errors = out.errors || [];
        if (out.kind === "failed") {
          item.state = "failed";
          say(T("发送失败：", "Not sent: ") + item.label + " — " + out.reason);
          return save(item).then(function () { return step(force); });
        }
        // Wait, and longer each time: 30 s, 1, 2, 4 … 10 min (the online
        // event and page loads try at once).
        item.state = "waiting";
        item.tries++;
        item.nextAt = Date.now() + Math.min(MAX_WAIT, TICK * Math.pow(2, item.tries - 1)) * (0.75 + Math.random() / 2);
        return save(item).then(render).then(function () { return WAIT; });
      });
    });
  }

  function queue(form, item) {
    return save(item).then(all).then(function (items) {
      say(savedText(waiting(items)));
      clearForNext(form);
      return render();
    });
  }
  function clearForNext(form) {
    var keep = (form.getAttribute("data-offline-keep") || "").split(/\s+/).filter(Boolean), kept = {};
    keep.forEach(function (n) { var el = form.elements[n]; if (el && el.tagName) kept[n] = el.value; });
    form.reset();
    Object.keys(kept).forEach(function (n) {
      form.elements[n].value = kept[n];
      form.elements[n].dispatchEvent(new Event("change", { bubbles: true }));
    });
    clearErrors(form);
    freshKey(form);
  }

  function submit(ev) {
    var form = ev.target, sub = ev.submitter, btn = sub || form.querySelector("[type=submit]");
    ev.preventDefault();
    if (form.hasAttribute("aria-busy")) return; // a second tap while the first is kept
    var item = capture(form, sub);
    form.setAttribute("aria-busy", "true");
    if (btn) btn.disabled = true;
    db().then(function () {
      return smallerPhotos(item).then(all).then(function (items) {
        // Offline, or older items still wait: this one goes behind them.
        if (navigator.onLine === false || waiting(items) > 0) {
          return queue(form, item).then(function () { pump(true); });
        }
        say(T("正在提交…", "Sending…"));
        return send(item).then(function (out) {
          if (out.kind === "ok") {
            clearForNext(form);
            say(T("已提交：", "Submitted: ") + item.label);
          } else if (out.kind === "conflict") {
            clearForNext(form);
            say("");
            notify(conflictText(item, out.reason));
          } else if (out.kind === "retry") {
            item.reason = out.reason;
            return queue(form, item);
          } else {
            // Refused: nothing was stored; the form keeps what was typed,
            // with the reasons beside the fields, and a new key.
            freshKey(form);
            showErrors(form, out.errors);
            say(out.reason);
          }
        });
      }).catch(function (e) { say(T("出错了：", "Error: ") + e); });
    }, function () {
      // No IndexedDB (a private window): send it the plain way.
      form.removeEventListener("submit", submit);
      if (form.requestSubmit) form.requestSubmit(sub || undefined); else form.submit();
    }).then(function () {
      form.removeAttribute("aria-busy");
      if (btn) btn.disabled = false;
    });
  }

  // The panel's buttons: retry, put back in the form, discard (asks twice).
  function act(ev) {
    var b = ev.target.closest("[data-offline-act]");
    if (!b) return;
    var id = Number(b.getAttribute("data-id")), what = b.getAttribute("data-offline-act");
    if (what === "discard" && !b.hasAttribute("data-sure")) {
      b.setAttribute("data-sure", "");
      b.textContent = T("确定放弃？", "Discard for good?");
      return;
    }
    store("readonly", function (s) { return s.get(id); }).then(function (item) {
      if (!item) return render();
      if (what === "discard") return drop(id).then(render);
      if (what === "retry") {
        item.state = "waiting";
        item.nextAt = 0;
        item.reason = "";
        item.errors = [];
        return save(item).then(function () { return pump(true); });
      }
      var form = formFor(item);
      if (!form) return;
      refill(form, item);
      return drop(id).then(render).then(function () {
        showErrors(form, item.errors || []);
        say(item.reason);
      });
    });
  }
  function refill(form, item) {
    form.reset();
    var files = {};
    item.fields.forEach(function (f) {
      if (f.n === "idempotency_key") return;
      var el = form.elements[f.n];
      if (!el) return;
      var els = el.tagName ? [el] : Array.prototype.slice.call(el);
      els.forEach(function (x) {
        if (x.type === "checkbox" || x.type === "radio") { if (x.value === f.v) x.checked = true; }
        else if (x.type === "file") { if (f.blob) (files[f.n] = files[f.n] || []).push(new File([f.blob], f.fn || "file", { type: f.blob.type })); }
        else if (els.length === 1) x.value = f.v;
      });
    });
    Object.keys(files).forEach(function (n) {
      try {
        var dt = new DataTransfer();
        files[n].forEach(function (f) { dt.items.add(f); });
        form.elements[n].files = dt.files;
      } catch (e) { /* this browser cannot set files: the user picks them again */ }
    });
    freshKey(form);
    form.scrollIntoView({ block: "start" });
  }

  // ---- the service worker ----
  function forgetPages() {
    if (window.caches) caches.delete("linli-pages");
    var sw = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (sw) sw.postMessage({ type: "forget-pages" });
  }
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      // The first visit was not seen by the worker: ask it to keep this page.
      if (!controlled && reg.active && document.querySelector('meta[name="linli-offline"][content="1"]')) {
        reg.active.postMessage({ type: "keep-page", url: location.href });
      }
    }).catch(function () { /* no worker: the page's own queue still works */ });
  }

  function init() {
    var u = document.querySelector(".usermenu .menu-head span");
    owner = u ? u.textContent.trim() : "";
    document.addEventListener("submit", function (ev) {
      if (ev.target.matches("form[action='/logout'], form[data-logout]")) forgetPages();
    });
    document.addEventListener("click", function (ev) {
      if (ev.target.closest("a[data-logout]")) forgetPages();
    });
    registerWorker();
    if (!window.indexedDB || !window.fetch || !window.FormData) return;
    forms = Array.prototype.slice.call(document.querySelectorAll("form[data-offline]")).filter(function (f) {
      return new URL(f.action).origin === location.origin;
    });
    forms.forEach(function (f, i) {
      freshKey(f);
      f.addEventListener("submit", submit);
      if (i === 0) {
        statusEl = document.createElement("p");
        statusEl.className = "offline-status";
        statusEl.setAttribute("role", "status");
        statusEl.setAttribute("aria-live", "polite");
        statusEl.setAttribute("data-test", "offline-status");
        f.after(statusEl);
      }
    });
    panel = makePanel(statusEl);
    window.addEventListener("online", function () { pump(true); });
    window.addEventListener("offline", function () { all().then(function (l) { if (waiting(l)) say(savedText(waiting(l))); }); });
    if (channel) channel.onmessage = function () { render(); };
    // A page closed while sending left that item "sending": it waits again.
    all().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.state === "sending"; }).map(function (i) {
        i.state = "waiting";
        return save(i);
      }));
    }).then(function () { return pump(true); }).catch(function () {});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
