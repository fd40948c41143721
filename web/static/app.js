// Linli: a little plain JavaScript where it earns its place. Every page
// works without it.
(function () {
  "use strict";

  // Reveal a masked phone or ID number: a POST (audited on the server),
  // then show the plain value in place.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-reveal]");
    if (!b) return;
    ev.preventDefault();
    if (b.disabled) return;
    b.disabled = true;
    fetch(b.getAttribute("data-reveal"), { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (x) {
        var target = document.getElementById(b.getAttribute("data-target"));
        if (x.ok && target) {
          target.textContent = x.j.value;
          target.classList.add("revealed");
          if (target.hasAttribute("data-tel")) target.setAttribute("href", "tel:" + x.j.value);
          b.remove();
        } else {
          b.disabled = false;
          if (target) target.title = (x.j && x.j.detail) || "error";
        }
      })
      .catch(function () { b.disabled = false; });
  });

  // Confirm destructive actions. The dialog names the consequence; once it
  // is accepted the form carries confirm=1, so the server's own
  // confirmation page (for browsers without this script) is skipped.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (!msg) return;
    if (!window.confirm(msg)) { ev.preventDefault(); return; }
    if (!ev.target.querySelector("input[name=confirm]")) {
      var c = document.createElement("input");
      c.type = "hidden";
      c.name = "confirm";
      c.value = "1";
      ev.target.appendChild(c);
    }
  });

  // The user menu is a <details>: close it on a click elsewhere or Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (ev) {
    closeMenus(ev.target.closest("details.usermenu"));
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { closeMenus(null); toggleNav(false); }
  });

  // Phones: more than five destinations open the bottom bar upwards. Without
  // JavaScript the #nav anchor does the same through :target.
  var nav = document.getElementById("nav");
  function toggleNav(open) {
    if (!nav) return;
    nav.classList.toggle("open", open);
    var more = nav.querySelector("a.more");
    if (more) more.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", function (ev) {
    var m = ev.target.closest("[data-more]");
    if (m) {
      ev.preventDefault();
      toggleNav(m.classList.contains("more"));
      return;
    }
    if (nav && nav.classList.contains("open") && !ev.target.closest("#nav")) toggleNav(false);
  });

  // A select marked data-autosubmit sends its form when a choice is made
  // (the building view's layer picker); the form keeps its own button for
  // when scripts do not run. Inline handlers are refused by the CSP.
  document.addEventListener("change", function (ev) {
    var sel = ev.target;
    if (sel.matches && sel.matches("select[data-autosubmit]") && sel.form) sel.form.submit();
  });

  // Photos chosen for a report: show them before they are sent. (The page's
  // Content-Security-Policy allows data: images, not blob: ones.)
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[type=file][data-preview]")) return;
    var box = document.getElementById(input.getAttribute("data-preview"));
    if (!box) return;
    box.textContent = "";
    Array.prototype.slice.call(input.files || [], 0, 9).forEach(function (f) {
      if (!/^image\//.test(f.type)) return;
      var r = new FileReader();
      r.onload = function () {
        var img = document.createElement("img");
        img.src = r.result;
        img.alt = f.name;
        box.appendChild(img);
      };
      r.readAsDataURL(f);
    });
  });

  // The building view scrolls sideways inside its card: say so, and shade
  // the edge where more units wait, only when there is more to see.
  function edges(box) {
    var card = box.closest(".bv-card");
    if (!card) return;
    card.classList.add("js");
    var over = box.scrollWidth - box.clientWidth > 2;
    card.classList.toggle("overflows", over);
    card.classList.toggle("more-right", over && box.scrollLeft + box.clientWidth < box.scrollWidth - 2);
    card.classList.toggle("more-left", over && box.scrollLeft > 2);
  }
  document.querySelectorAll(".bv-scroll").forEach(function (box) {
    edges(box);
    box.addEventListener("scroll", function () { edges(box); }, { passive: true });
    window.addEventListener("resize", function () { edges(box); });
  });

  // A report is sent once even when the button is pressed twice or the
  // network retries: the form carries a key the server remembers.
  document.querySelectorAll("input[data-idem]").forEach(function (el) {
    if (el.value) return;
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    el.value = Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  });
})();
