package cameras_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// tokens is a stand-in authenticator: the bearer token is the actor's
// name in the fixture.
type tokens map[string]*linli.Actor

func (m tokens) ActorForSession(_ context.Context, t string) (*linli.Actor, error) {
	return m.ActorForToken(context.TODO(), t)
}

func (m tokens) ActorForToken(_ context.Context, t string) (*linli.Actor, error) {
	if a, ok := m[t]; ok {
		return a, nil
	}
	return nil, linli.Errorf(linli.EUnauthorized, "no")
}

// sse is one open stream, read line by line.
type sse struct {
	lines  chan string
	cancel func()
}

func openStream(t *testing.T, url, token, lastID string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sse{lines: make(chan string, 100), cancel: func() { cancel(); res.Body.Close() }}
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(s.cancel)
	s.until(t, "retry:") // subscribed
	return s
}

// until reads up to a line starting with prefix and returns it (a bounded
// wait for the server, never a sleep for logic).
func (s *sse) until(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("stream ended before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			t.Fatalf("no %q within 5 s", prefix)
		}
	}
}

// next reads the next event: its type, id and change.
func (s *sse) next(t *testing.T) (string, string, cameras.Change) {
	t.Helper()
	typ := strings.TrimPrefix(s.until(t, "event: "), "event: ")
	id := strings.TrimPrefix(s.until(t, "id: "), "id: ")
	var ch cameras.Change
	if err := json.Unmarshal([]byte(strings.TrimPrefix(s.until(t, "data: "), "data: ")), &ch); err != nil {
		t.Fatal(err)
	}
	return typ, id, ch
}

// The board's stream: a new alert arrives live; a board that was away
// resumes from Last-Event-ID and gets what it missed, once; an
// acknowledgement reaches another guard's board; integrations read the
// same stream at /api/cameras/stream with a token.
func TestBoardStream(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := webtest.NewWithAuthenticator(t, tokens{"guard": f.a("guard"), "staff": f.a("xueyuan"), "jixiang": f.a("jixiang")}, cameras.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	raise := func(id string, min int) {
		at := t0.Add(time.Duration(min) * time.Minute)
		f.must(f.svc.Event(f.ctx, event("south_gate", id, feed.KindNew, at, at, "gate")))
	}
	a := openStream(t, srv.URL+"/cameras/board/stream", "guard", "")
	b := openStream(t, srv.URL+"/api/cameras/stream", "staff", "")
	raise("e1", 0)
	typ, id1, ch := a.next(t)
	if typ != cameras.EventAlert || ch.What != "raised" || ch.Alert.RuleKind != cameras.NightEntry || ch.Alert.Camera == "" {
		t.Fatalf("first: %s %s %+v", typ, id1, ch)
	}
	if _, idb, _ := b.next(t); idb != id1 {
		t.Fatalf("integration stream id %s, board %s", idb, id1)
	}
	a.cancel() // the guard's network drops
	raise("e2", 1)
	a2 := openStream(t, srv.URL+"/cameras/board/stream", "guard", id1)
	typ, id2, ch := a2.next(t)
	if typ != cameras.EventAlert || id2 == id1 || ch.Alert.EventID != "e2" {
		t.Fatalf("missed alert not replayed: %s %s %+v", typ, id2, ch)
	}
	if _, _, chb := b.next(t); chb.Alert.EventID != "e2" {
		t.Fatalf("staff stream: %+v", chb)
	}
	_, err := f.svc.Acknowledge(f.ctx, f.a("guard"), ch.Alert.ID, "")
	f.must(err)
	typ, _, up := b.next(t)
	if typ != cameras.EventUpdate || up.What != "acknowledged" || up.Alert.State != cameras.Acknowledged {
		t.Fatalf("update: %s %+v", typ, up)
	}
	if typ, _, up := a2.next(t); typ != cameras.EventUpdate || up.Alert.ID != ch.Alert.ID {
		t.Fatalf("guard's update: %s %+v", typ, up)
	}
	// Another community resumes from the start and hears nothing of these
	// cameras: its first line after the retry is not an event.
	c := openStream(t, srv.URL+"/api/cameras/stream", "jixiang", "0")
	select {
	case l := <-c.lines:
		if strings.HasPrefix(l, "event:") || strings.HasPrefix(l, "data:") {
			t.Fatalf("another community's stream: %q", l)
		}
	default:
	}
}

// The board page draws the open alerts as tiles, resumes its stream after
// the log's last id, and reads in English.
func TestBoardPage(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	f.raiseNightEntries(2)
	guard := srv.As(t, f.a("guard"))
	for _, c := range []*webtest.Client{guard, guard.English()} {
		r := c.Get("/cameras/board")
		if r.Status != 200 || strings.Count(r.String(), `data-test="tile"`) != 2 || !strings.Contains(r.String(), "last_event_id=2") {
			t.Fatalf("board: %d %s", r.Status, r)
		}
	}
	if u := srv.Untranslated(); len(u) > 0 {
		t.Errorf("untranslated: %q", u)
	}
}
