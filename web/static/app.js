// Linli: a little plain JavaScript where it earns its place.
(function () {
  "use strict";
  // Reveal a masked phone or ID number: a POST (audited on the server),
  // then show the plain value in place.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-reveal]");
    if (!b) return;
    ev.preventDefault();
    fetch(b.getAttribute("data-reveal"), { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (x) {
        var target = document.getElementById(b.getAttribute("data-target"));
        if (x.ok && target) { target.textContent = x.j.value; b.remove(); }
        else if (target) { target.title = (x.j && x.j.detail) || "error"; }
      });
  });
  // Confirm destructive actions.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
})();
