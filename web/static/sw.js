// Linli's service worker (issue 11): pages marked
// <meta name="linli-offline" content="1"> and the static assets open when
// the phone has no network. Served at /sw.js so its scope is every page;
// the server writes the build's asset version and asset list in below, so
// a new release installs a new worker, which fills a new asset cache and
// drops the old one.
//
// What it never keeps: API answers, POSTs, pages without the mark, answers
// that are not a plain 200 (a redirect to the login page, an error). Pages
// are keyed by URL and the whole page cache is dropped when anyone logs in
// or out, so one account's pages are never shown to the next. Queued form
// submissions are not here: offline.js keeps them in IndexedDB, which also
// works where service workers are not available.
"use strict";

var VERSION = "__LINLI_ASSETS__";
var ASSET_LIST = __LINLI_ASSET_LIST__;
var ASSETS = "linli-static-" + VERSION;
var PAGES = "linli-pages";

self.addEventListener("install", function (ev) {
  ev.waitUntil(caches.open(ASSETS).then(function (c) {
    // cache: "reload" skips the HTTP cache, which may hold the last
    // release's files for a day. One asset that fails to come does not
    // stop the worker: it is fetched (and kept) when a page asks for it.
    return Promise.all(ASSET_LIST.map(function (u) {
      return c.add(new Request(u, { cache: "reload" })).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("linli-static-") === 0 && k !== ASSETS;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// offlinePage says whether an answer is a page marked for offline use.
function offlinePage(res) {
  if (!res || res.status !== 200 || res.redirected || res.type !== "basic") return Promise.resolve(false);
  if ((res.headers.get("Content-Type") || "").indexOf("text/html") !== 0) return Promise.resolve(false);
  return res.clone().text().then(function (html) {
    var head = html.slice(0, html.search(/<\/head>/i) >>> 0);
    return /<meta\s[^>]*name="linli-offline"[^>]*content="1"/i.test(head) ||
      /<meta\s[^>]*content="1"[^>]*name="linli-offline"/i.test(head);
  });
}

function keepPage(url, res) {
  return offlinePage(res).then(function (ok) {
    if (!ok) return;
    var copy = res.clone();
    return caches.open(PAGES).then(function (c) { return c.put(url, copy); });
  });
}

var OFFLINE_HTML = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>离线 · 邻里</title><link rel="stylesheet" href="/static/app.css"></head>' +
  '<body class="no-nav"><main id="main"><h1>当前没有网络</h1>' +
  '<p>这一页没有保存在手机上，联网后再打开。</p>' +
  '<p lang="en">You are offline and this page is not saved on this phone; open it again when the network is back.</p>' +
  '</main></body></html>';

function fromNetworkOrCache(req) {
  var url = req.url.split("#")[0];
  return fetch(req).then(function (res) {
    return keepPage(url, res).then(function () { return res; }, function () { return res; });
  }, function () {
    return caches.open(PAGES).then(function (c) { return c.match(url); }).then(function (hit) {
      return hit || new Response(OFFLINE_HTML, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

function fromCacheOrNetwork(req) {
  return caches.open(ASSETS).then(function (c) {
    return c.match(req, { ignoreSearch: true }).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.status === 200 && res.type === "basic") c.put(req, res.clone());
        return res;
      });
    });
  });
}

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== "GET") {
    // Logging in or out: drop the previous account's pages first.
    if (req.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
      ev.respondWith(caches.delete(PAGES).then(function () { return fetch(req); }));
    }
    return; // other POSTs go to the network untouched, never cached
  }
  if (url.pathname.indexOf("/static/") === 0) {
    ev.respondWith(fromCacheOrNetwork(req));
    return;
  }
  if (url.pathname.indexOf("/api/") === 0) return;
  if (req.mode === "navigate") ev.respondWith(fromNetworkOrCache(req));
});

// A page opened before this worker controlled it asks to be kept; and a
// page may ask to forget every kept page (offline.js on logout).
self.addEventListener("message", function (ev) {
  var m = ev.data || {};
  if (m.type === "keep-page" && typeof m.url === "string" && new URL(m.url).origin === self.location.origin) {
    ev.waitUntil(fetch(m.url, { credentials: "same-origin" }).then(function (res) {
      return keepPage(m.url.split("#")[0], res);
    }).catch(function () {}));
  } else if (m.type === "forget-pages") {
    ev.waitUntil(caches.delete(PAGES));
  }
});
