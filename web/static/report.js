// Linli: the report form on a phone. Without this script the form still
// works (photos go with the form and are kept if it is refused); with it,
// each photo is shrunk on the phone (long side 1600 px, JPEG), sent as soon
// as it is chosen with its progress on the button, the required fields are
// checked before sending, and leaving a filled form asks first.
(function () {
  "use strict";

  var MAX_SIDE = 1600, QUALITY = 0.85, MAX_PHOTOS = 9;

  function init(form) {
    var input = form.querySelector("input[type=file][data-upload]");
    var box = input && document.getElementById(input.getAttribute("data-kept"));
    var button = form.querySelector("button[type=submit]");
    var label = button ? button.textContent : "";
    var busy = 0, dirty = false, sending = false;

    function setBusy(text) {
      if (!button) return;
      button.disabled = !!text;
      button.textContent = text || label;
      button.setAttribute("aria-busy", text ? "true" : "false");
    }

    // Errors beside a field, as the server writes them.
    function fieldOf(el) { return el.closest(".field") || el.parentNode; }
    function showError(el, msg) {
      var f = fieldOf(el);
      f.classList.add("has-error");
      var e = f.querySelector(".err");
      if (!e) {
        e = document.createElement("span");
        e.className = "err";
        var hint = f.querySelector(".hint");
        if (hint) hint.replaceWith(e); else f.appendChild(e);
      }
      e.textContent = msg;
    }
    function clearError(el) {
      var f = fieldOf(el);
      f.classList.remove("has-error");
      var e = f.querySelector(".err[data-js]");
      if (e) e.remove();
    }

    // Shrink one photo: decode (orientation applied), draw at most
    // MAX_SIDE on the long side, encode JPEG. Anything the browser cannot
    // decode goes as it is and the server decides.
    function shrink(file) {
      if (!window.createImageBitmap || !/^image\//.test(file.type)) return Promise.resolve(file);
      return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
        var s = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
        var c = document.createElement("canvas");
        c.width = Math.max(1, Math.round(bmp.width * s));
        c.height = Math.max(1, Math.round(bmp.height * s));
        c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
        if (bmp.close) bmp.close();
        return new Promise(function (ok) {
          c.toBlob(function (b) {
            if (!b) { ok(file); return; }
            var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
            ok(new File([b], name, { type: "image/jpeg" }));
          }, "image/jpeg", QUALITY);
        });
      }, function () { return file; });
    }

    function addKept(p) {
      var l = document.createElement("label");
      l.className = "kept-photo";
      var cb = document.createElement("input");
      cb.type = "checkbox";
      cb.name = "upload";
      cb.value = p.id;
      cb.checked = true;
      cb.setAttribute("aria-label", box.getAttribute("data-keep-label") || "");
      var img = document.createElement("img");
      img.src = p.Thumb;
      img.alt = p.name;
      img.setAttribute("data-test", "kept-photo");
      l.appendChild(cb);
      l.appendChild(img);
      box.appendChild(l);
    }

    function upload(files) {
      var fd = new FormData();
      files.forEach(function (f) { fd.append("photos", f, f.name); });
      return new Promise(function (ok, fail) {
        var x = new XMLHttpRequest();
        x.open("POST", input.getAttribute("data-upload"));
        x.setRequestHeader("Accept", "application/json");
        x.upload.onprogress = function (ev) {
          if (ev.lengthComputable) setBusy(button.getAttribute("data-uploading") + " " + Math.floor(100 * ev.loaded / ev.total) + "%");
        };
        x.onload = function () {
          var j = null;
          try { j = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
          if (x.status === 201 && j) ok(j.photos || []); else fail((j && j.detail) || String(x.status));
        };
        x.onerror = function () { fail(input.getAttribute("data-failed") || "error"); };
        x.send(fd);
      });
    }

    if (input && box) {
      input.addEventListener("change", function () {
        var room = MAX_PHOTOS - box.querySelectorAll("input[name=upload]:checked").length;
        var files = Array.prototype.slice.call(input.files || [], 0, Math.max(0, room));
        if (!files.length) return;
        dirty = true;
        busy++;
        setBusy(button.getAttribute("data-uploading") + " 0%");
        clearError(input);
        Promise.all(files.map(shrink)).then(upload).then(function (photos) {
          photos.forEach(addKept);
          input.value = ""; // sent: the form carries their ids, not the bytes again
        }, function (msg) {
          var text = String(msg), i = text.lastIndexOf(" / ");
          if (i >= 0) text = document.documentElement.lang === "en" ? text.slice(i + 3) : text.slice(0, i);
          showError(input, text);
        }).then(function () {
          busy--;
          if (!busy) setBusy("");
        });
      });
    }

    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });

    // Required fields, checked before anything is sent.
    form.addEventListener("submit", function (ev) {
      if (busy) { ev.preventDefault(); return; }
      var first = null;
      form.querySelectorAll("[data-required]").forEach(function (el) {
        var names = el.getAttribute("data-required").split(" ");
        // A field another part of the page has replaced is the server's to check.
        var present = names.some(function (n) { return form.querySelector("[name='" + n + "']"); });
        var filled = !present || names.some(function (n) {
          return Array.prototype.some.call(form.querySelectorAll("[name='" + n + "']"), function (x) {
            return (x.type === "radio" || x.type === "checkbox") ? x.checked : x.value.trim() !== "";
          });
        });
        var f = fieldOf(el), old = f.querySelector(".err[data-js]");
        if (old) { old.remove(); f.classList.remove("has-error"); }
        if (filled) return;
        var e = document.createElement("span");
        e.className = "err";
        e.setAttribute("data-js", "");
        e.setAttribute("role", "alert");
        e.textContent = el.getAttribute("data-message");
        f.classList.add("has-error");
        f.appendChild(e);
        if (!first) first = el;
      });
      if (first) {
        ev.preventDefault();
        var focus = first.matches("input,textarea,select") ? first : first.querySelector("input,textarea,select");
        if (focus) focus.focus();
        first.scrollIntoView({ block: "center" });
        return;
      }
      sending = true;
      // Disabled after this event, or the browser would not send it.
      setTimeout(function () { setBusy(button.getAttribute("data-sending")); }, 0);
    });

    // A filled form is not lost to a stray tap on "back".
    window.addEventListener("beforeunload", function (ev) {
      if (!dirty || sending) return;
      ev.preventDefault();
      ev.returnValue = "";
    });
  }

  document.querySelectorAll("form[data-report]").forEach(init);
})();
