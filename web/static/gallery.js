// Linli's one photo viewer, for every page that shows photos (a case, a
// project's before/after, a visit, the happiness list). A [data-gallery]
// block holds links to the full pictures (a[data-full]): without this
// script each is a plain link to the picture. With it, a tap or Enter
// opens the picture large in a modal dialog named by the photo's caption;
// ← → (or a swipe on a touch screen) step through the block's photos,
// Escape, the close button or a tap beside the picture closes it, and the
// focus returns to the thumbnail that opened it.
(function () {
  "use strict";

  var dlg, img, cap, count, full, opener, items = [], at = 0, startX = null;

  function word(zh, en) {
    return document.documentElement.lang === "en" ? en : zh;
  }

  function button(cls, text, title, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn secondary " + cls;
    b.textContent = text;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", fn);
    return b;
  }

  function build() {
    dlg = document.createElement("dialog");
    dlg.className = "gallery";
    // The dialog itself takes the focus when it opens, not one of its
    // buttons: the Enter that opened it would otherwise press that button
    // too (the key's later events reach the newly focused element).
    dlg.tabIndex = -1;
    dlg.setAttribute("aria-labelledby", "gallery-caption");
    img = document.createElement("img");
    img.setAttribute("data-test", "gallery-photo");
    cap = document.createElement("p");
    cap.id = "gallery-caption";
    cap.className = "gallery-caption";
    count = document.createElement("span");
    count.className = "gallery-count";
    count.setAttribute("aria-live", "polite");
    full = document.createElement("a");
    full.className = "gallery-full";
    full.target = "_blank";
    full.rel = "noopener";
    full.textContent = word("原图", "Full size");
    var bar = document.createElement("div");
    bar.className = "gallery-bar";
    bar.appendChild(button("gallery-prev", "‹", word("上一张", "Previous"), function () { show(at - 1); }));
    bar.appendChild(count);
    bar.appendChild(button("gallery-next", "›", word("下一张", "Next"), function () { show(at + 1); }));
    bar.appendChild(full);
    bar.appendChild(button("gallery-close", "×", word("关闭", "Close"), function () { dlg.close(); }));
    dlg.appendChild(img);
    dlg.appendChild(cap);
    dlg.appendChild(bar);
    dlg.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowLeft") { ev.preventDefault(); show(at - 1); }
      else if (ev.key === "ArrowRight") { ev.preventDefault(); show(at + 1); }
      else if (ev.key === "Home") { ev.preventDefault(); show(0); }
      else if (ev.key === "End") { ev.preventDefault(); show(items.length - 1); }
    });
    // A swipe of the picture steps through; a tap on the backdrop closes.
    img.addEventListener("pointerdown", function (ev) { startX = ev.clientX; });
    img.addEventListener("pointerup", function (ev) {
      if (startX === null) return;
      var dx = ev.clientX - startX;
      startX = null;
      if (Math.abs(dx) > 40) show(at + (dx < 0 ? 1 : -1));
    });
    img.addEventListener("pointercancel", function () { startX = null; });
    dlg.addEventListener("click", function (ev) { if (ev.target === dlg) dlg.close(); });
    dlg.addEventListener("close", function () {
      img.removeAttribute("src");
      if (opener && document.contains(opener)) opener.focus();
    });
    document.body.appendChild(dlg);
  }

  // caption is what names a photo: the link's data-caption, else its
  // thumbnail's alt text, else "照片 n".
  function caption(a, i) {
    var c = a.getAttribute("data-caption"), thumb = a.querySelector("img");
    if (!c && thumb) c = thumb.alt;
    return c || word("照片 ", "Photo ") + (i + 1);
  }

  function show(i) {
    if (!items.length) return;
    at = (i + items.length) % items.length;
    var a = items[at], thumb = a.querySelector("img");
    img.src = a.getAttribute("data-full");
    img.alt = thumb ? thumb.alt : "";
    cap.textContent = caption(a, at);
    full.href = a.getAttribute("data-full");
    count.textContent = (at + 1) + " / " + items.length;
    var many = items.length > 1;
    dlg.querySelector(".gallery-prev").hidden = !many;
    dlg.querySelector(".gallery-next").hidden = !many;
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("[data-gallery] a[data-full]");
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button > 0) return;
    if (!window.HTMLDialogElement) return; // the link opens the picture
    ev.preventDefault();
    if (!dlg) build();
    items = Array.prototype.slice.call(a.closest("[data-gallery]").querySelectorAll("a[data-full]"));
    opener = a;
    show(items.indexOf(a));
    dlg.showModal();
    dlg.focus();
  });
})();
