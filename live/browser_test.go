package live

// web/static/live.js in headless Chromium, against a scripted stream: the
// browser's own EventSource reconnecting with Last-Event-ID, live.js
// reopening a stream the server refused (which EventSource gives up on)
// with ?last_event_id=, and skipping an id it already handled. Chromium is
// found through $LINLI_CHROMIUM, /usr/bin/chromium or chromium on PATH;
// without one the test skips, or fails under LINLI_TEST_STRICT=1.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/web"
)

const browserPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>live</title>
<script src="/static/live.js" defer></script>
<script src="/page.js" defer></script>
</head><body></body></html>`

// The page follows two streams: the scripted one and the hub's.
const browserScript = `
window.got = []; window.states = []; window.hub = [];
Linli.live("/scripted", {
  onEvent: function (type, data, id) { window.got.push(type + ":" + id + ":" + data.n); },
  onState: function (s) { window.states.push(s); }
});
Linli.live("/hub?topic=t", {
  types: ["alert-update"],
  onEvent: function (type, data, id) { window.hub.push(type + ":" + id + ":" + JSON.stringify(data)); }
});
`

func chromium() string {
	if p := os.Getenv("LINLI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func TestBrowserLiveJS(t *testing.T) {
	path := chromium()
	if path == "" {
		if os.Getenv("LINLI_TEST_STRICT") == "1" {
			t.Fatal("LINLI_TEST_STRICT=1 and no Chromium: install chromium or set LINLI_CHROMIUM")
		}
		t.Skip("no Chromium: install chromium or set LINLI_CHROMIUM")
	}

	// The scripted stream: the first connection sends events 1 and 2 and
	// ends; EventSource reconnects by itself with Last-Event-ID, and is
	// refused (a proxy's 503); live.js opens a new stream with
	// ?last_event_id=, which sends 2 again and then 3.
	var mu sync.Mutex
	var asked []string // Last-Event-ID header | last_event_id query, per connection
	hub := NewHub(Options{})
	mux := http.NewServeMux()
	mux.Handle("GET /static/", web.Static())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, browserPage)
	})
	mux.HandleFunc("GET /page.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, browserScript)
	})
	mux.HandleFunc("GET /scripted", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Header.Get("Last-Event-ID")+"|"+r.URL.Query().Get("last_event_id"))
		n := len(asked)
		mu.Unlock()
		if n == 2 {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		if n == 1 {
			fmt.Fprint(w, "retry: 50\n\nevent: alert\nid: 1\ndata: {\"n\":1}\n\nevent: alert\nid: 2\ndata: {\"n\":2}\n\n")
			return
		}
		fmt.Fprint(w, "event: alert\nid: 2\ndata: {\"n\":2}\n\nevent: alert-update\nid: 3\ndata: {\"n\":3}\n\n")
		_ = rc.Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("GET /hub", func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, r.URL.Query()["topic"], nil)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(func() { hub.Close(); ts.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatalf("open the page: %v", err)
	}

	// live.js waits 2–3 s before reopening a refused stream.
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`window.got && window.got.length >= 3`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("events: %v", err)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[string](`window.got.join(",") + " / " + window.states.join(",")`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "alert:1:1,alert:2:2,alert-update:3:3 / open,reconnecting,open"; got != want {
		t.Errorf("page saw %q, want %q (event 2 once, though sent twice)", got, want)
	}
	mu.Lock()
	if fmt.Sprint(asked) != "[| 2| |2]" {
		t.Errorf("connections asked %q: want none, then the header 2 (EventSource), then ?last_event_id=2 (live.js)", asked)
	}
	mu.Unlock()

	// The hub's own framing, read by the browser: a multi-line JSON
	// document comes back whole.
	waitSubscribers(t, hub, 1)
	hub.Publish(Event{ID: 9, Topic: "t", Type: "alert-update", Data: []byte("{\n  \"a\": \"x\",\n  \"b\": [1, 2]\n}")})
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`window.hub.length >= 1`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("hub event: %v", err)
	}
	if got, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`window.hub.join(",")`)); got != `alert-update:9:{"a":"x","b":[1,2]}` {
		t.Errorf("hub event in the page: %q", got)
	}
}

// waitSubscribers waits (bounded) until the hub has n streams.
func waitSubscribers(t *testing.T, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Stats().Subscribers != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", h.Stats().Subscribers, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
