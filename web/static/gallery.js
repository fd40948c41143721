// Linli: a photo gallery. Each photo in a [data-gallery] block is a link
// to the full picture (which works without this script); with it, a tap
// opens the picture large in a dialog, ← → step through, Esc or the close
// button returns to the photo that was opened.
(function () {
  "use strict";

  var dlg, img, count, opener, items = [], at = 0;

  function label(key, zh, en) {
    return document.documentElement.lang === "en" ? en : zh;
  }

  function build() {
    dlg = document.createElement("dialog");
    dlg.className = "gallery";
    dlg.setAttribute("aria-label", label("photo", "照片", "Photo"));
    img = document.createElement("img");
    count = document.createElement("p");
    count.className = "gallery-count";
    function button(cls, text, title, fn) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn secondary " + cls;
      b.textContent = text;
      b.setAttribute("aria-label", title);
      b.addEventListener("click", fn);
      return b;
    }
    var bar = document.createElement("div");
    bar.className = "gallery-bar";
    bar.appendChild(button("gallery-prev", "‹", label("prev", "上一张", "Previous"), function () { show(at - 1); }));
    bar.appendChild(count);
    bar.appendChild(button("gallery-next", "›", label("next", "下一张", "Next"), function () { show(at + 1); }));
    bar.appendChild(button("gallery-close", "×", label("close", "关闭", "Close"), function () { dlg.close(); }));
    dlg.appendChild(img);
    dlg.appendChild(bar);
    dlg.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowLeft") { ev.preventDefault(); show(at - 1); }
      if (ev.key === "ArrowRight") { ev.preventDefault(); show(at + 1); }
    });
    // A tap on the backdrop closes it.
    dlg.addEventListener("click", function (ev) { if (ev.target === dlg) dlg.close(); });
    dlg.addEventListener("close", function () { if (opener) opener.focus(); });
    document.body.appendChild(dlg);
  }

  function show(i) {
    if (!items.length) return;
    at = (i + items.length) % items.length;
    var a = items[at], thumb = a.querySelector("img");
    img.src = a.getAttribute("data-full");
    img.alt = thumb ? thumb.alt : "";
    count.textContent = (at + 1) + " / " + items.length;
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest("[data-gallery] a[data-full]");
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    if (!window.HTMLDialogElement) return; // the link opens the picture
    ev.preventDefault();
    if (!dlg) build();
    items = Array.prototype.slice.call(a.closest("[data-gallery]").querySelectorAll("a[data-full]"));
    opener = a;
    show(items.indexOf(a));
    dlg.showModal();
    dlg.querySelector(".gallery-close").focus();
  });
})();
