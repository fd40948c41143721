package webhooks_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/demo/demotest"
	"linli/jobs"
	"linli/outbox"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// fixture is the demo world with the subscriptions service, the outbox
// worker resolving subscriptions through it, the job runner (overdue and
// escalation) and a real HTTP receiver, all on the fake clock.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	w      *demotest.World
	svc    *webhooks.Service
	worker *outbox.Worker
	runner *jobs.Runner
	rcv    *receiver
	actors map[string]*linli.Actor
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	// Tuesday 2026-03-10 09:00 in Beijing: an ordinary working day.
	w := demotest.New(t, db, time.Date(2026, time.March, 10, 9, 0, 0, 0, demotest.Beijing))
	svc := webhooks.New(db, w.Clock, w.Registry, true)
	f := &fixture{t: t, ctx: context.Background(), db: db, w: w, svc: svc,
		runner: &jobs.Runner{DB: db, Clock: w.Clock, Handlers: w.Cases.JobHandlers()}}
	f.worker = &outbox.Worker{DB: db, Clock: w.Clock, Nodes: w.Registry, Endpoint: svc.Endpoint, Rand: func() float64 { return 0 },
		Client: &http.Client{Timeout: 5 * time.Second}, Name: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.rcv = startReceiver(t, w.Clock)
	f.actors = w.Actors(t, "admin", "xueyuan", "grid1", "resident", "jixiang", "jxresident")
	return f
}

func (f *fixture) actor(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s in the fixture", u)
	}
	return a
}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

var (
	pXueyuan = []string{"运城市", "盐湖区", "东城街道", "学苑社区"}
	pJixiang = []string{"运城市", "盐湖区", "东城街道", "吉祥社区"}
)

// subscribe creates a subscription to the receiver's path and registers
// its secret with the receiver.
func (f *fixture) subscribe(who, path string, events []string, scope ...int64) webhooks.Created {
	f.t.Helper()
	c, err := f.svc.Create(f.ctx, f.actor(who), webhooks.Input{Name: path, URL: f.rcv.url(path), Events: events, Scope: scope})
	if err != nil {
		f.t.Fatalf("subscribe %s: %v %v", path, err, linli.ErrorFields(err))
	}
	f.rcv.secret(path, c.SigningSecret)
	return c
}

func (f *fixture) leak(who string) cases.Case {
	f.t.Helper()
	c, err := f.w.Cases.Open(f.ctx, f.actor(who), cases.NewCase{Category: "water_leak", Title: "卫生间天花板渗水", HouseholdID: household(f.actor(who))})
	if err != nil {
		f.t.Fatalf("%s reports: %v %v", who, err, linli.ErrorFields(err))
	}
	return c
}

func (f *fixture) act(who string, id int64, in cases.ActionInput) cases.Case {
	f.t.Helper()
	f.w.Clock.Advance(time.Minute)
	c, err := f.w.Cases.Act(f.ctx, f.actor(who), id, in)
	if err != nil {
		f.t.Fatalf("%s %s on case %d: %v %v", who, in.Action, id, err, linli.ErrorFields(err))
	}
	return c
}

// household is the household of a resident's grant.
func household(a *linli.Actor) int64 {
	for _, g := range a.Grants {
		if g.HouseholdID != 0 {
			return g.HouseholdID
		}
	}
	return 0
}

// deliver runs the worker once over every due row.
func (f *fixture) deliver() int {
	f.t.Helper()
	n, err := f.worker.RunDue(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// got is one delivery the receiver accepted.
type got struct {
	Delivery string
	Body     struct {
		Type       string            `json:"type"`
		Version    int               `json:"version"`
		ID         string            `json:"id"`
		OccurredAt time.Time         `json:"occurred_at"`
		Subject    string            `json:"subject"`
		Data       webhooks.CaseData `json:"data"`
	}
	Raw        string
	Signatures int // values in X-Linli-Signature
}

// receiver is an integrator's endpoint: it verifies every request's
// signature and timestamp the way README tells receivers to, refuses a
// bad one with 401, and keeps what it accepted per path. It can be
// taken down (its listener closed) and brought back on the same address.
type receiver struct {
	t       *testing.T
	clock   linli.Clock
	addr    string
	mu      sync.Mutex
	secrets map[string]string
	got     map[string][]got
	bad     int
	srv     *http.Server
	handler http.Handler // nil: serve
}

func startReceiver(t *testing.T, clock linli.Clock) *receiver {
	r := &receiver{t: t, clock: clock, secrets: map[string]string{}, got: map[string][]got{}}
	r.up()
	t.Cleanup(r.down)
	return r
}

func (r *receiver) url(path string) string { return "http://" + r.addr + path }

func (r *receiver) secret(path, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[path] = s
}

func (r *receiver) up() {
	addr := r.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	h := r.handler
	if h == nil {
		h = http.HandlerFunc(r.serve)
	}
	r.srv = &http.Server{Handler: h}
	go func() { _ = r.srv.Serve(ln) }()
}

func (r *receiver) down() {
	if r.srv != nil {
		_ = r.srv.Close()
		r.srv = nil
	}
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	secret := r.secrets[req.URL.Path]
	ts := req.Header.Get("X-Linli-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	want := outbox.WebhookSignature(secret, ts, body)
	// The header holds one signature per secret during a rotation's
	// overlap (comma-separated): any may match.
	sigs := strings.Split(req.Header.Get("X-Linli-Signature"), ",")
	if secret == "" || err != nil || r.clock.Now().Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute ||
		!slices.ContainsFunc(sigs, func(sig string) bool { return hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) }) {
		r.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var g got
	g.Delivery, g.Raw, g.Signatures = req.Header.Get("X-Linli-Delivery"), string(body), len(sigs)
	if err := json.Unmarshal(body, &g.Body); err != nil {
		r.bad++
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.got[req.URL.Path] = append(r.got[req.URL.Path], g)
	w.WriteHeader(http.StatusNoContent)
}

// received returns what path accepted, as "type subject [from→to]".
func (r *receiver) received(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, g := range r.got[path] {
		s := g.Body.Type + " " + g.Body.Subject
		if g.Body.Type == webhooks.CaseStateChanged {
			s += " " + g.Body.Data.FromState + "→" + g.Body.Data.State
		}
		out = append(out, s)
	}
	return out
}

// forCase keeps the entries of one case.
func forCase(all []string, id int64) []string {
	var out []string
	for _, s := range all {
		if fs := strings.Fields(s); len(fs) > 1 && fs[1] == "case:"+strconv.FormatInt(id, 10) {
			out = append(out, s)
		}
	}
	return out
}

// Every event of the case loop reaches each subscription that wants it,
// once, signed, in the order it happened per case; a subscription sees
// nothing outside its scope, one for case.rated only nothing else, and a
// receiver that is down gets the events later, in order, once the worker
// retries after its backoff.
func TestWebhookEventsDelivered(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		xueyuan, jixiang := f.node(pXueyuan...), f.node(pJixiang...)
		all := f.subscribe("xueyuan", "/all", webhooks.Types(), xueyuan.ID)
		f.subscribe("xueyuan", "/rated", []string{webhooks.CaseRated}, xueyuan.ID)
		f.subscribe("jixiang", "/jixiang", webhooks.Types(), jixiang.ID)
		f.subscribe("admin", "/city", webhooks.Types()) // the whole deployment

		// A case through the whole loop, rated.
		c1 := f.leak("resident")
		f.act("xueyuan", c1.ID, cases.ActionInput{Action: cases.ActAccept})
		f.act("xueyuan", c1.ID, cases.ActionInput{Action: cases.ActDispatch})
		if n := f.deliver(); n != 6 {
			t.Errorf("first pass sent %d, want 6 (3 events × /all and /city)", n)
		}
		f.act("grid1", c1.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", c1.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已修好"})
		f.act("xueyuan", c1.ID, cases.ActionInput{Action: cases.ActVerify})
		f.act("xueyuan", c1.ID, cases.ActionInput{Action: cases.ActClose})
		f.act("resident", c1.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied})

		// A second case goes overdue and escalates (the jobs), while the
		// receiver is down.
		c2 := f.leak("resident")
		f.act("xueyuan", c2.ID, cases.ActionInput{Action: cases.ActAccept})
		c2 = f.act("xueyuan", c2.ID, cases.ActionInput{Action: cases.ActDispatch})
		f.deliver()
		f.rcv.down()
		f.w.Clock.Set(c2.ResolveDue.Add(time.Minute))
		if _, err := f.runner.RunDue(f.ctx); err != nil {
			t.Fatal(err)
		}
		// A case of another community: only /jixiang and /city.
		c3 := f.leak("jxresident")
		if n := f.deliver(); n != 0 {
			t.Fatalf("sent %d while the receiver is down", n)
		}
		log, err := f.svc.Deliveries(f.ctx, f.actor("xueyuan"), all.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || log[0].Status != outbox.Pending {
			t.Fatalf("log %+v", log)
		}
		waiting := 0
		for _, d := range log {
			if d.Status == outbox.Pending {
				waiting++
				if d.Attempts > 1 || (d.Attempts == 1 && d.LastError == "") {
					t.Errorf("waiting delivery %+v", d)
				}
			}
		}
		if waiting != 2 { // overdue and escalated of c2
			t.Errorf("%d deliveries of /all wait, want 2: %+v", waiting, log[:3])
		}
		// Still down after the first backoff step: tried again, waits longer.
		f.w.Clock.Advance(20 * time.Second)
		f.deliver()
		f.rcv.up()
		if n := f.deliver(); n != 0 {
			t.Errorf("sent %d before the backoff ran out", n)
		}
		f.w.Clock.Advance(time.Hour)
		if n := f.deliver(); n == 0 {
			t.Fatal("nothing redelivered after the receiver came back")
		}

		id := func(c cases.Case) string { return "case:" + strconv.FormatInt(c.ID, 10) }
		wantC1 := []string{
			"case.created " + id(c1),
			"case.state_changed " + id(c1) + " reported→accepted",
			"case.state_changed " + id(c1) + " accepted→dispatched",
			"case.state_changed " + id(c1) + " dispatched→acknowledged",
			"case.state_changed " + id(c1) + " acknowledged→handled",
			"case.state_changed " + id(c1) + " handled→verified",
			"case.state_changed " + id(c1) + " verified→closed",
			"case.rated " + id(c1),
		}
		wantC2 := []string{
			"case.created " + id(c2),
			"case.state_changed " + id(c2) + " reported→accepted",
			"case.state_changed " + id(c2) + " accepted→dispatched",
			"case.overdue " + id(c2),
			"case.escalated " + id(c2),
		}
		for _, path := range []string{"/all", "/city"} {
			got := f.rcv.received(path)
			if g := forCase(got, c1.ID); !slices.Equal(g, wantC1) {
				t.Errorf("%s, case 1:\n got %q\nwant %q", path, g, wantC1)
			}
			if g := forCase(got, c2.ID); !slices.Equal(g, wantC2) {
				t.Errorf("%s, case 2:\n got %q\nwant %q", path, g, wantC2)
			}
		}
		if g := forCase(f.rcv.received("/all"), c3.ID); len(g) != 0 {
			t.Errorf("/all (学苑社区) got the 吉祥社区 case: %q", g)
		}
		if g := f.rcv.received("/jixiang"); !slices.Equal(g, []string{"case.created " + id(c3)}) {
			t.Errorf("/jixiang got %q, want only its own case's creation", g)
		}
		if g := forCase(f.rcv.received("/city"), c3.ID); !slices.Equal(g, []string{"case.created " + id(c3)}) {
			t.Errorf("/city got %q for the 吉祥社区 case", g)
		}
		if g := f.rcv.received("/rated"); !slices.Equal(g, []string{"case.rated " + id(c1)}) {
			t.Errorf("/rated got %q, want only the rating", g)
		}
		// Each delivery once (by its id), well formed, without personal data.
		f.rcv.mu.Lock()
		defer f.rcv.mu.Unlock()
		if f.rcv.bad != 0 {
			t.Errorf("%d requests failed the receiver's checks", f.rcv.bad)
		}
		for path, gs := range f.rcv.got {
			seen := map[string]bool{}
			for _, g := range gs {
				if seen[g.Delivery] {
					t.Errorf("%s: delivery %s twice", path, g.Delivery)
				}
				seen[g.Delivery] = true
				b := g.Body
				if b.Version != 1 || b.ID == "" || b.OccurredAt.IsZero() || b.Data.CaseID == 0 || b.Data.Number == "" {
					t.Errorf("%s: malformed body %s", path, g.Raw)
				}
				for _, private := range []string{"卫生间天花板渗水", c1.ReporterName, "reporter", "phone", "description"} {
					if private != "" && strings.Contains(g.Raw, private) {
						t.Errorf("%s: body carries %q: %s", path, private, g.Raw)
					}
				}
			}
		}
		for _, g := range f.rcv.got["/all"] {
			if g.Body.Type == webhooks.CaseRated && g.Body.Data.Rating != string(cases.Satisfied) {
				t.Errorf("rated body %s", g.Raw)
			}
			if g.Body.Type == webhooks.CaseEscalated && (!g.Body.Data.Automatic || g.Body.Data.Level == "") {
				t.Errorf("escalated body %s", g.Raw)
			}
		}
	})
}
