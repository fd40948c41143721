// Linli's maps (package geomap draws them as SVG on the server): pan and
// zoom by changing the SVG's viewBox — drag or arrow keys to move, the
// wheel, a pinch, +/− or the buttons to zoom — and, on a report form, a
// click or the phone's location drops the pin and fills lat/lon, and the
// server names the grid the point lies in. Our own code, no library.
(function () {
  "use strict";

  function num(el, name) { return parseFloat(el.getAttribute(name)); }

  function setup(fig) {
    var svg = fig.querySelector("svg.geomap-svg");
    var box = fig.querySelector(".geomap-view");
    if (!svg || !box || fig.getAttribute("data-ready")) return;
    fig.setAttribute("data-ready", "1");
    var W = num(svg, "data-w"), H = num(svg, "data-h");
    var cx = num(svg, "data-cx"), cy = num(svg, "data-cy"), scale = num(svg, "data-scale");
    var vb = { x: 0, y: 0, w: W, h: H };
    var fixed = svg.querySelectorAll("[data-x]");

    // draw applies the view; pins, labels and the marker keep their size
    // on the screen, whatever the zoom and the map's width (a unit of
    // theirs is a CSS pixel).
    function draw() {
      svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].map(function (v) { return +v.toFixed(2); }).join(" "));
      var r = svg.getBoundingClientRect();
      var k = r.width ? Math.max(vb.w / r.width, vb.h / r.height) : vb.w / W;
      for (var i = 0; i < fixed.length; i++) {
        var el = fixed[i];
        el.setAttribute("transform", "translate(" + el.getAttribute("data-x") + " " + el.getAttribute("data-y") + ") scale(" + +k.toFixed(4) + ")");
      }
    }
    // zoom by factor f (>1 zooms in) about the SVG point (px, py).
    function zoom(f, px, py) {
      var w = Math.min(W * 2, Math.max(W / 32, vb.w / f));
      f = vb.w / w;
      if (px === undefined) { px = vb.x + vb.w / 2; py = vb.y + vb.h / 2; }
      vb.x = px - (px - vb.x) / f;
      vb.y = py - (py - vb.y) / f;
      vb.w = w;
      vb.h = w * H / W;
      draw();
    }
    function pan(dx, dy) { vb.x += dx; vb.y += dy; draw(); }
    function reset() { vb = { x: 0, y: 0, w: W, h: H }; draw(); }
    fig.redraw = draw;
    // toSVG turns a screen position into SVG coordinates.
    function toSVG(clientX, clientY) {
      var r = svg.getBoundingClientRect();
      // The SVG keeps its aspect ratio (xMidYMid meet).
      var k = Math.max(vb.w / r.width, vb.h / r.height);
      return {
        x: vb.x + vb.w / 2 + (clientX - r.left - r.width / 2) * k,
        y: vb.y + vb.h / 2 + (clientY - r.top - r.height / 2) * k,
        k: k
      };
    }

    fig.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-zoom]");
      if (!b) return;
      var z = b.getAttribute("data-zoom");
      if (z === "in") zoom(1.5);
      else if (z === "out") zoom(1 / 1.5);
      else reset();
    });
    box.addEventListener("keydown", function (ev) {
      var step = vb.w / 8;
      switch (ev.key) {
        case "ArrowLeft": pan(-step, 0); break;
        case "ArrowRight": pan(step, 0); break;
        case "ArrowUp": pan(0, -step); break;
        case "ArrowDown": pan(0, step); break;
        case "+": case "=": zoom(1.5); break;
        case "-": case "_": zoom(1 / 1.5); break;
        case "0": reset(); break;
        default: return;
      }
      ev.preventDefault();
    });
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = toSVG(ev.clientX, ev.clientY);
      zoom(Math.pow(1.0015, -ev.deltaY * (ev.deltaMode ? 30 : 1)), p.x, p.y);
    }, { passive: false });

    // Pointers: one drags, two pinch. A press that hardly moves is a click.
    var pts = {}, moved = 0, last = null, pinch = 0;
    function pair() {
      var ids = Object.keys(pts);
      if (ids.length < 2) return null;
      var a = pts[ids[0]], b = pts[ids[1]];
      return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button) return;
      pts[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
      last = { x: ev.clientX, y: ev.clientY };
      moved = 0;
      var p = pair();
      pinch = p ? p.d : 0;
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!pts[ev.pointerId]) return;
      // Keep the drag when the pointer leaves the map (a pointer the
      // browser does not know, as a synthetic one, cannot be captured).
      try { if (!svg.hasPointerCapture(ev.pointerId)) svg.setPointerCapture(ev.pointerId); } catch (e) { /* keep going */ }
      pts[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
      var p = pair();
      if (p && pinch) {
        var c = toSVG(p.x, p.y);
        zoom(p.d / pinch, c.x, c.y);
        pinch = p.d;
        moved += 10;
        return;
      }
      var k = toSVG(0, 0).k;
      moved += Math.abs(ev.clientX - last.x) + Math.abs(ev.clientY - last.y);
      pan(-(ev.clientX - last.x) * k, -(ev.clientY - last.y) * k);
      last = { x: ev.clientX, y: ev.clientY };
    });
    function up(ev) {
      delete pts[ev.pointerId];
      pinch = 0;
      var ids = Object.keys(pts);
      if (ids.length) last = pts[ids[0]];
    }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    // A drag that ends on a pin is not a click on it.
    svg.addEventListener("click", function (ev) {
      if (moved > 6) { ev.preventDefault(); ev.stopPropagation(); return; }
      if (fig.classList.contains("geomap-pick")) {
        var p = toSVG(ev.clientX, ev.clientY);
        place(p.x, p.y);
      }
    }, true);

    if (!fig.classList.contains("geomap-pick")) { draw(); return; }

    // Picking: the marker, the inputs, the grid's name.
    var marker = svg.querySelector(".geomap-marker");
    var lat = fig.querySelector("[data-geomap-lat]"), lon = fig.querySelector("[data-geomap-lon]");
    var say = fig.querySelector("[data-geomap-grid]");
    var seq = 0;
    function text(name) { return fig.getAttribute("data-text-" + name) || ""; }
    function lookup() {
      var url = fig.getAttribute("data-grid-url");
      if (!url || !lat.value) return;
      var mine = ++seq;
      fetch(url + "?lat=" + encodeURIComponent(lat.value) + "&lon=" + encodeURIComponent(lon.value),
        { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (x) {
          if (mine !== seq) return;
          var bad = !x.ok;
          var msg = x.ok ? text("grid") + x.j.place : ((x.j.errors && x.j.errors[0] && x.j.errors[0].reason) || x.j.detail || x.j.title || "");
          // Problems are "中文 / English": show the page's half.
          var i = msg.lastIndexOf(" / ");
          if (bad && i >= 0) msg = document.documentElement.lang.indexOf("en") === 0 ? msg.slice(i + 3) : msg.slice(0, i);
          say.textContent = msg;
          say.classList.toggle("err", bad);
          say.setAttribute("data-grid-id", x.ok ? x.j.id : "");
        })
        .catch(function () {});
    }
    // place moves the marker to SVG point (x, y) and fills the inputs.
    function place(x, y) {
      var wx = (x - W / 2) / scale + cx, wy = (y - H / 2) / scale + cy;
      var lo = wx / 256 * 360 - 180;
      var la = Math.atan(Math.sinh(Math.PI * (1 - 2 * wy / 256))) * 180 / Math.PI;
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      marker.setAttribute("data-x", +x.toFixed(1));
      marker.setAttribute("data-y", +y.toFixed(1));
      marker.removeAttribute("visibility");
      draw();
      lookup();
    }
    // placeLonLat puts the marker at a point from the phone.
    function placeLonLat(lo, la) {
      var s = Math.sin(Math.max(-85, Math.min(85, la)) * Math.PI / 180);
      var wx = (lo + 180) / 360 * 256, wy = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
      var x = (wx - cx) * scale + W / 2, y = (wy - cy) * scale + H / 2;
      place(x, y);
      vb.x = x - vb.w / 2; vb.y = y - vb.h / 2;
      draw();
    }
    var locate = fig.querySelector("[data-geomap-locate]");
    if (locate) {
      // Browsers give the location to HTTPS pages (and localhost) only.
      if (!navigator.geolocation || !window.isSecureContext) locate.hidden = true;
      locate.addEventListener("click", function () {
        say.textContent = text("locating");
        navigator.geolocation.getCurrentPosition(function (pos) {
          placeLonLat(pos.coords.longitude, pos.coords.latitude);
        }, function () {
          say.textContent = text("nolocation");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    draw();
    lookup(); // a point kept across a failed submission
  }

  var resized = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () {
      var figs = document.querySelectorAll("[data-geomap]");
      for (var i = 0; i < figs.length; i++) if (figs[i].redraw) figs[i].redraw();
    }, 100);
  });

  function all() {
    var figs = document.querySelectorAll("[data-geomap]");
    for (var i = 0; i < figs.length; i++) setup(figs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
