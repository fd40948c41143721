// Linli pickers: forms never ask for a database id. Each picker enhances
// a plain <select> the server rendered (which works without this script)
// into either
//   - a cascade of places (data-cascade="/api/places/pick"): estate →
//     building → unit → household, one level at a time, or
//   - a search-as-you-type box (data-search="/api/cases/pick …", several
//     sources separated by spaces) over cases, projects or accounts;
//     data-submit="value" submits a choice's value ("project:3") instead.
// The form still submits the id (a hidden input with the select's name),
// so the services' validation and scope checks are unchanged.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .catch(function () { return { items: [] }; });
  }

  function with_(src, key, value) {
    return src + (src.indexOf("?") < 0 ? "?" : "&") + key + "=" + encodeURIComponent(value);
  }

  // hiddenFor replaces the select's part in the form by a hidden input of
  // the same name and value; the select stays as the fallback, hidden.
  function hiddenFor(sel) {
    var h = document.createElement("input");
    h.type = "hidden";
    h.name = sel.name;
    h.value = sel.value;
    sel.removeAttribute("name");
    sel.hidden = true;
    sel.parentNode.insertBefore(h, sel);
    return h;
  }

  function changed(box, hidden) {
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    box.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: { name: hidden.name, value: hidden.value } }));
  }

  // The place cascade. data-household-name: the name under which a chosen
  // household is submitted (the location is then its unit).
  function cascade(box) {
    var sel = box.querySelector("select[name]");
    if (!sel) return;
    var src = box.getAttribute("data-cascade");
    var choose = box.getAttribute("data-choose") || "—";
    var hidden = hiddenFor(sel);
    var hhName = box.getAttribute("data-household-name");
    var hh = null;
    if (hhName) {
      hh = document.createElement("input");
      hh.type = "hidden";
      hh.name = hhName;
      box.appendChild(hh);
    }
    var chain = document.createElement("div");
    chain.className = "cascade";
    chain.setAttribute("data-test", "cascade");
    sel.parentNode.insertBefore(chain, sel.nextSibling);
    if (sel.value && sel.selectedIndex >= 0) {
      var was = document.createElement("p");
      was.className = "hint cascade-chosen";
      was.textContent = sel.options[sel.selectedIndex].text;
      chain.appendChild(was);
    }
    var kept = !!sel.value;
    var label = box.querySelector("label[for]");
    var labelText = label ? label.textContent.trim() : "";
    if (label) sel.removeAttribute("id"); // the first level takes the label

    function level(parent, depth, parentValue) {
      getJSON(with_(src, "parent", parent)).then(function (d) {
        var items = d.items || [];
        if (!items.length) return;
        var s = document.createElement("select");
        s.setAttribute("data-depth", depth);
        s.setAttribute("aria-label", labelText + " " + (depth + 1));
        if (depth === 0 && label) s.id = label.getAttribute("for");
        var o = document.createElement("option");
        o.value = "";
        o.textContent = choose;
        s.appendChild(o);
        items.forEach(function (it) {
          var op = document.createElement("option");
          op.value = it.id;
          op.textContent = it.label;
          op.setAttribute("data-kind", it.kind || "");
          s.appendChild(op);
        });
        s.addEventListener("change", function () {
          Array.prototype.forEach.call(chain.querySelectorAll("select"), function (x) {
            if (+x.getAttribute("data-depth") > depth) x.remove();
          });
          var chosen = s.options[s.selectedIndex];
          var household = chosen && chosen.getAttribute("data-kind") === "household";
          if (hh) hh.value = household && s.value ? s.value : "";
          if (household) {
            hidden.value = parentValue;
          } else {
            hidden.value = s.value || parentValue;
            if (s.value) level(s.value, depth + 1, s.value);
          }
          changed(box, hidden);
        });
        chain.appendChild(s);
        // One choice only (a volunteer's community): take it, go on —
        // unless the form came back with a place chosen already.
        if (items.length === 1 && items[0].kind !== "household" && !kept) {
          s.value = String(items[0].id);
          s.dispatchEvent(new Event("change"));
        }
      });
    }
    level(0, 0, "");
  }

  // The search box.
  var seq = 0;
  function search(box) {
    var sel = box.querySelector("select[name]");
    if (!sel) return;
    var srcs = box.getAttribute("data-search").split(/\s+/).filter(Boolean);
    var exclude = box.getAttribute("data-exclude") || "";
    // data-submit="value": submit the choice's value ("project:3"), not its id.
    var byValue = box.getAttribute("data-submit") === "value";
    var hidden = hiddenFor(sel);
    var listID = "pick-" + (++seq);
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.id = sel.id;
    sel.removeAttribute("id");
    input.placeholder = box.getAttribute("data-placeholder") || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listID);
    input.setAttribute("data-test", "pick-input");
    if (sel.value && sel.selectedIndex >= 0) input.value = sel.options[sel.selectedIndex].text;
    var list = document.createElement("ul");
    list.id = listID;
    list.className = "pick-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    sel.parentNode.insertBefore(input, sel.nextSibling);
    input.parentNode.insertBefore(list, input.nextSibling);
    var items = [], active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function pick(i) {
      var it = items[i];
      if (!it) return;
      hidden.value = byValue ? it.value : String(it.id);
      input.value = it.label;
      close();
      changed(box, hidden);
    }
    function mark(i) {
      var lis = list.querySelectorAll("li");
      if (!lis.length) return;
      active = (i + lis.length) % lis.length;
      Array.prototype.forEach.call(lis, function (li, k) { li.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", lis[active].id);
    }
    function show(found) {
      items = found.filter(function (it) { return String(it.id) !== exclude; });
      list.textContent = "";
      items.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = listID + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-test", "pick-option");
        li.textContent = it.label;
        if (it.hint) {
          var m = document.createElement("span");
          m.className = "meta";
          m.textContent = " " + it.hint;
          li.appendChild(m);
        }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "empty";
        none.textContent = box.getAttribute("data-none") || "—";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function ask() {
      var q = input.value.trim();
      var mine = ++asked;
      if (!q) { close(); return; }
      Promise.all(srcs.map(function (s) { return getJSON(with_(s, "q", q)); })).then(function (ds) {
        if (mine !== asked) return; // a later keystroke asked again
        var all = [];
        ds.forEach(function (d) { all = all.concat(d.items || []); });
        show(all);
      });
    }
    input.addEventListener("input", function () {
      if (hidden.value) { hidden.value = ""; changed(box, hidden); }
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); if (list.hidden) ask(); else mark(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(active - 1); }
      else if (ev.key === "Enter" && !list.hidden && active >= 0) { ev.preventDefault(); pick(active); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cascade]"), cascade);
    Array.prototype.forEach.call(document.querySelectorAll("[data-search]"), search);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
