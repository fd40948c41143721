// The bell, live. The top bar's bell (templates/layout.html) follows the
// account's stream (data-live, package cases' bell.go) through
// Linli.live (live.js): each event says only "your bell changed", and the
// page then reads the count and the newest unread notification
// (/notifications/unread) and redraws the badge. It reads them too each
// time the stream opens — the first time, and after every reconnect — so
// whatever changed while the connection was down shows as well. A change
// of the count is said in the polite live region #bell-say, in the page's
// language (its words are rendered into the region's data- attributes).
// Only a tab that is shown follows the stream.
(function () {
  "use strict";

  var bell = document.querySelector("a.bell[data-live]");
  var say = document.getElementById("bell-say");
  if (!bell || !say || !window.Linli || !window.Linli.live || !window.EventSource || !window.fetch) return;

  var shown = Number(bell.getAttribute("data-unread")) || 0; // the count on the badge
  var busy = false, again = false;

  function badge(n) {
    var b = bell.querySelector(".badge");
    if (n <= 0) {
      if (b) b.parentNode.removeChild(b);
      return;
    }
    if (!b) {
      b = document.createElement("span");
      b.className = "badge";
      b.setAttribute("data-test", "unread");
      bell.appendChild(b);
    }
    b.textContent = n > 99 ? "99+" : String(n);
  }

  function words(n, latest) {
    var d = say.dataset;
    var s = n === 0 ? d.none : n === 1 ? d.single : d.many.replace("{n}", String(n));
    return latest ? s + " " + d.newest + latest : s;
  }

  function show(state) {
    var n = Math.max(0, Number(state.unread) || 0);
    badge(n);
    bell.setAttribute("data-unread", String(n));
    if (n !== shown) say.textContent = words(n, n > shown ? state.latest : "");
    shown = n;
  }

  // read fetches the bell; one request at a time, and one more after it
  // when events came in meanwhile.
  function read() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch("/notifications/unread", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("bell: " + res.status);
        return res.json();
      })
      .then(show)
      .catch(function () { /* the next event or reconnect reads again */ })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          read();
        }
      });
  }

  // A hidden tab lets its stream go and reads the count when shown again:
  // a browser speaking HTTP/1.1 holds at most six connections to a site,
  // and a stream for every open tab would soon take them all.
  var stream = null;
  function follow() {
    if (document.hidden) {
      if (stream) stream.close();
      stream = null;
    } else if (!stream) {
      stream = window.Linli.live(bell.getAttribute("data-live"), {
        types: ["bell"],
        onEvent: read,
        onState: function (s) { if (s === "open") read(); }
      });
    }
  }
  document.addEventListener("visibilitychange", follow);
  follow();
})();
