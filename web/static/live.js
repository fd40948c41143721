// Linli.live(url, {onEvent(type, data, id), onState(state), types}) follows
// a live stream (package live on the server) over EventSource, which
// reconnects by itself and resends the id of the last event it saw, so the
// server replays what was missed. onEvent gets each event once: its type
// (the SSE event name), its data parsed as JSON (the raw text if it is not
// JSON) and its numeric id; an id already handled — one a reconnect
// replays again — is skipped. onState reports "open" and "reconnecting",
// so a page can show that the connection dropped. types lists the event
// names to follow (EventSource hears a named event only when asked for
// it); by default "message", "alert" and "alert-update". The returned
// object's close() stops it.
//
// When the server answers a reconnect with an error (a proxy's 502, 503
// while Linli restarts) EventSource gives up for good; this client then
// opens a new one after a few seconds, with ?last_event_id= set to the
// last id it handled, since a new EventSource does not carry it over.
(function () {
  "use strict";

  var KEEP = 1000; // ids remembered for skipping repeats

  function live(url, opts) {
    opts = opts || {};
    var types = opts.types || ["message", "alert", "alert-update"];
    var seen = {}, order = [], last = 0, state = "", es = null, timer = null, wait = 2000, closed = false;

    function setState(s) {
      if (s !== state) {
        state = s;
        if (opts.onState) opts.onState(s);
      }
    }

    function handle(ev) {
      var id = Number(ev.lastEventId);
      if (id > 0) {
        if (seen[id]) return;
        seen[id] = true;
        order.push(id);
        if (order.length > KEEP) delete seen[order.shift()];
        if (id > last) last = id;
      }
      var data = ev.data;
      try { data = JSON.parse(ev.data); } catch (e) { /* not JSON: pass the text */ }
      if (opts.onEvent) opts.onEvent(ev.type, data, id);
    }

    function resumeURL() {
      var u = new URL(url, window.location.href);
      if (last > 0) u.searchParams.set("last_event_id", String(last));
      return u.toString();
    }

    function open() {
      timer = null;
      es = new EventSource(resumeURL());
      types.forEach(function (t) { es.addEventListener(t, handle); });
      es.onopen = function () {
        wait = 2000;
        setState("open");
      };
      es.onerror = function () {
        setState("reconnecting");
        if (es.readyState === EventSource.CLOSED && !closed) {
          timer = window.setTimeout(open, wait + Math.random() * 1000);
          wait = Math.min(wait * 2, 30000);
        }
      };
    }

    open();
    return {
      close: function () {
        closed = true;
        if (timer) window.clearTimeout(timer);
        if (es) es.close();
      }
    };
  }

  window.Linli = window.Linli || {};
  window.Linli.live = live;
})();
