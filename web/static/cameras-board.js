// The guard-room board (package cameras, /cameras/board): the open alerts
// as tiles, kept live over the stream (live.js), with a short beep for a
// new alert that the guard can mute (remembered in this browser), the
// acknowledgement from the tile, and a line that says when the connection
// dropped. Tiles of closed alerts go; the page keeps at most MAX tiles, so
// a board left open all night does not grow.
(function () {
  "use strict";

  var MAX = 200;
  var MUTE_KEY = "linli.cameras.muted";
  var board = document.querySelector(".cm-board");
  if (!board || !window.Linli || !window.Linli.live) return;
  var labels = JSON.parse(board.getAttribute("data-labels") || "{}");
  var tiles = board.querySelector(".cm-tiles");
  var conn = board.querySelector(".cm-conn");
  var muteBtn = board.querySelector("[data-test=mute]");
  var audio = null;
  var muted = window.localStorage.getItem(MUTE_KEY) === "1";

  function L(k) { return labels[k] || k; }

  function showMute() {
    if (!audio && !muted) muteBtn.textContent = L("soundStart");
    else muteBtn.textContent = muted ? L("soundOff") : L("soundOn");
    muteBtn.setAttribute("aria-pressed", muted ? "true" : "false");
  }

  // Browsers start sound only after a gesture: the first click unlocks
  // it; later clicks toggle the mute.
  muteBtn.addEventListener("click", function () {
    if (!audio) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) audio = new Ctx();
      if (muted) muted = false;
    } else {
      muted = !muted;
    }
    window.localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
    showMute();
  });

  // beep plays two short tones made here (no audio file).
  function beep() {
    if (muted || !audio) return;
    if (audio.state === "suspended") audio.resume();
    [0, 0.3].forEach(function (at) {
      var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + at;
      o.type = "sine";
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
      o.connect(g);
      g.connect(audio.destination);
      o.start(t);
      o.stop(t + 0.22);
    });
  }

  function empty() {
    board.querySelector(".cm-empty").hidden = tiles.children.length > 0;
  }

  function text(cls, s) {
    var d = document.createElement("div");
    d.className = cls;
    d.textContent = s;
    return d;
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString();
  }

  function ackButton(id) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn";
    b.setAttribute("data-test", "ack");
    b.textContent = L("ack");
    b.addEventListener("click", function () {
      b.disabled = true;
      fetch("/api/cameras/alerts/" + id + "/ack", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: "{}"
      }).then(function (res) { if (!res.ok) b.disabled = false; }, function () { b.disabled = false; });
    });
    return b;
  }

  function tile(a) {
    var li = document.createElement("li");
    li.className = "cm-tile cm-" + a.state;
    li.setAttribute("data-test", "tile");
    li.setAttribute("data-id", String(a.id));
    li.appendChild(text("cm-what", L(a.rule_kind)));
    li.appendChild(text("cm-cam", a.camera));
    var more = when(a.at);
    if (a.zone) more += " · " + L("zone") + " " + a.zone;
    if (a.label) more += " · " + (labels["object." + a.label] || a.label);
    li.appendChild(text("cm-when", more));
    li.appendChild(text("cm-state", L(a.state)));
    if (a.state === "open") li.appendChild(ackButton(a.id));
    var link = document.createElement("a");
    link.href = "/cameras/alerts/" + a.id;
    link.textContent = "›";
    li.appendChild(link);
    return li;
  }

  // Tiles drawn by the server get the same button as new ones.
  Array.prototype.forEach.call(tiles.querySelectorAll("form"), function (f) {
    var id = f.closest("li").getAttribute("data-id");
    f.parentNode.replaceChild(ackButton(id), f);
  });

  function onEvent(type, ch) {
    if (!ch || !ch.alert) return;
    var a = ch.alert;
    var old = tiles.querySelector('[data-id="' + a.id + '"]');
    var open = a.state === "open" || a.state === "acknowledged";
    if (!open) {
      if (old) old.remove();
    } else if (old) {
      old.replaceWith(tile(a));
    } else {
      tiles.insertBefore(tile(a), tiles.firstChild);
      if (type === "alert") beep();
      while (tiles.children.length > MAX) tiles.lastChild.remove();
    }
    empty();
  }

  function onState(s) {
    conn.textContent = s === "open" ? L("open") : L("lost");
    board.classList.toggle("cm-lost", s !== "open");
  }

  showMute();
  empty();
  window.Linli.live(board.getAttribute("data-stream"), { onEvent: onEvent, onState: onState });
})();
