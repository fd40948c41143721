// Package loadtest is `linli-bench loadtest`: it drives the real HTTP API
// of a Linli running on this machine and sets the figures beside two baselines: the same server
// answering GET /healthz (what the HTTP stack costs) and the same rows
// inserted straight into a scratch database (what the storage costs).
// scripts/crashtest.sh uses --record and --verify to check that no
// acknowledged case is lost when the server is killed mid-load.
//
// It only ever targets loopback addresses, and every loop ends by time
// (--warmup + --duration per phase) and by count (--max-requests).
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/cases"
	"linli/storage"
	"linli/web"
)

// Config is what one load test run does.
type Config struct {
	URL         string        // a running Linli, loopback only
	Mode        string        // create, mixed, baseline or all
	Duration    time.Duration // measured time of each phase
	Warmup      time.Duration // unmeasured load before each measurement
	Concurrency int
	// Communities is where the create phase reports: 1 or 2, the demo
	// residents of that many demo communities; more, that many load
	// communities under the first street, reported in by the demo admin,
	// a load spread as a city's is.
	Communities int
	MaxRequests int64  // hard cap per phase (requests or raw transactions)
	Password    string // of the demo accounts
	DB          string // postgres:// for the raw baseline's scratch schema and --verify's check
	Data        string // data directory: the raw baseline's scratch SQLite goes there; --verify checks its linli.db
	Record      string // create: append "id number account" for every 201
	Verify      string // check the cases of this record file, then stop
}

// Command runs `linli-bench loadtest ARGS`: a load run, or with --verify
// the check of a record file.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := Config{}
	f := flag.NewFlagSet("linli-bench loadtest", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of a running Linli on this machine (loopback only)")
	f.StringVar(&cfg.Mode, "mode", "all", "create, mixed, baseline (GET /healthz and raw inserts) or all")
	f.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time of each phase")
	f.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "unmeasured load before each phase's measurement")
	f.IntVar(&cfg.Concurrency, "concurrency", 64, "concurrent workers")
	f.IntVar(&cfg.Communities, "communities", 2, "create: 1 or 2 demo communities' residents report; more: the admin reports in that many load communities (made once, named 压测社区 N)")
	f.Int64Var(&cfg.MaxRequests, "max-requests", 2_000_000, "hard cap on requests (raw: transactions) per phase")
	f.StringVar(&cfg.Password, "password", "Linli-demo-2026", "password of the demo accounts")
	envString(f, &cfg.DB, "db", "PostgreSQL URL: the raw baseline uses a scratch schema there; --verify checks that database")
	envString(f, &cfg.Data, "data", "data directory: the raw baseline puts a scratch SQLite file there (default: the temp dir); --verify checks its linli.db")
	f.StringVar(&cfg.Record, "record", "", "create mode: append \"id number account\" to this file for every 201")
	f.StringVar(&cfg.Verify, "verify", "", "check that every case of this record file exists and is whole, then exit")
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("loadtest: unexpected argument %q", f.Arg(0))
	}
	if cfg.Verify != "" {
		return verifyRecord(ctx, cfg, stdout)
	}
	rep, err := Run(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	return nil
}

// envString registers a string flag whose default is its LINLI_* variable
// (--db is LINLI_DB), the way the server's flags read theirs.
func envString(f *flag.FlagSet, p *string, name, help string) {
	env := "LINLI_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	f.StringVar(p, name, os.Getenv(env), help+" (env "+env+")")
}

// loopbackURL accepts only http(s) URLs on 127.0.0.0/8, ::1 or localhost:
// a load test sends traffic to this machine and nowhere else. Names other
// than localhost are refused rather than resolved.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("loadtest: --url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("loadtest: --url %q: want http:// or https://", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("loadtest: --url host %q is not a loopback address (127.0.0.0/8, ::1, localhost); load tests target this machine only", host)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

func (c Config) check() error {
	switch {
	case !slices.Contains([]string{"create", "mixed", "baseline", "all"}, c.Mode):
		return fmt.Errorf("loadtest: --mode %q: want create, mixed, baseline or all", c.Mode)
	case c.Concurrency < 1 || c.Concurrency > 4096:
		return fmt.Errorf("loadtest: --concurrency %d: want 1…4096", c.Concurrency)
	case c.Duration <= 0 || c.Warmup < 0:
		return errors.New("loadtest: --duration must be positive and --warmup not negative")
	case c.Communities < 1 || c.Communities > maxLoadCommunities:
		return fmt.Errorf("loadtest: --communities %d: want 1…%d", c.Communities, maxLoadCommunities)
	case c.MaxRequests < 1:
		return errors.New("loadtest: --max-requests must be positive")
	case c.Record != "" && c.Mode != "create":
		return errors.New("loadtest: --record goes with --mode create")
	}
	return nil
}

// Run runs the phases of cfg.Mode; progress goes to log.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	if cfg.Communities == 0 {
		cfg.Communities = 2 // the flag's default, for callers that build a Config
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	base, err := loopbackURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	c := newLoadClient(base, cfg.Concurrency)
	defer c.http.CloseIdleConnections()
	rep := &Report{cfg: cfg, base: base}
	// does reports whether the run includes a phase of one of the modes;
	// once interrupted (Ctrl+C, SIGTERM) no further phase starts.
	does := func(modes ...string) bool {
		return ctx.Err() == nil && (cfg.Mode == "all" || slices.Contains(modes, cfg.Mode))
	}
	if does("baseline") {
		fmt.Fprintln(log, "loadtest: GET /healthz")
		rep.add(healthzPhase(ctx, c, cfg))
	}
	var teams []loadTeam
	if does("create", "mixed") {
		if teams, err = loginTeams(ctx, c, cfg.Password); err != nil {
			return nil, err
		}
	}
	if does("create") {
		fmt.Fprintln(log, "loadtest: create")
		var rec *recordFile
		if cfg.Record != "" {
			if rec, err = openRecord(cfg.Record); err != nil {
				return nil, err
			}
		}
		reporters, err := createReporters(ctx, c, cfg, teams)
		if err != nil {
			return nil, err
		}
		rep.add(createPhase(ctx, c, cfg, reporters, rec))
		if rec != nil {
			if err := rec.close(); err != nil {
				return nil, err
			}
			rep.Recorded = rec.n
		}
	}
	if does("mixed") {
		fmt.Fprintln(log, "loadtest: mixed")
		rep.add(mixedPhase(ctx, c, cfg, teams))
	}
	if does("baseline") {
		fmt.Fprintln(log, "loadtest: raw inserts")
		p, err := rawPhase(ctx, cfg, false)
		if err != nil {
			return nil, err
		}
		rep.add(p)
		if p.Engine == string(storage.SQLite) && does("baseline") { // on PostgreSQL, Batch is InTx
			fmt.Fprintln(log, "loadtest: raw inserts, group commit")
			if p, err = rawPhase(ctx, cfg, true); err != nil {
				return nil, err
			}
			rep.add(p)
		}
	}
	return rep, nil
}

// loadClient talks to the server: keep-alive connections for every
// worker, no compression, no proxy.
type loadClient struct {
	base string
	http *http.Client
}

func newLoadClient(base string, conc int) *loadClient {
	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conc,
		MaxIdleConnsPerHost: conc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &loadClient{base: base, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// apiCall is one request: JSON in, JSON out (decoded on 2xx only).
type apiCall struct {
	token, method, path string
	body                any
	idemKey             string
	out                 any
}

// do sends the call and returns the status; on a non-2xx answer the error
// carries the start of the body.
func (c *loadClient) do(ctx context.Context, a apiCall) (int, error) {
	var rd io.Reader
	if a.body != nil {
		js, err := json.Marshal(a.body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, a.method, c.base+a.path, rd)
	if err != nil {
		return 0, err
	}
	if a.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.idemKey != "" {
		req.Header.Set("Idempotency-Key", a.idemKey)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 300))
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", a.method, a.path, res.StatusCode, bytes.TrimSpace(b))
	}
	if a.out != nil {
		if err := json.NewDecoder(res.Body).Decode(a.out); err != nil {
			_, _ = io.Copy(io.Discard, res.Body)
			return 0, fmt.Errorf("%s %s: %d, undecodable answer: %w", a.method, a.path, res.StatusCode, err)
		}
	}
	_, _ = io.Copy(io.Discard, res.Body) // drain so the connection is reused
	return res.StatusCode, nil
}

// loadAccount is a demo account logged in with a bearer token.
type loadAccount struct {
	user      string
	token     string
	household int64 // a resident's own household
	location  int64 // the node of its first grant
}

// login logs in once with the password, exchanges the session for a bearer
// token (so workers need no cookie jar) and reads the account's grants.
func (c *loadClient) login(ctx context.Context, user, password string) (*loadAccount, error) {
	js, _ := json.Marshal(map[string]string{"login": user, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/login", bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("log in %s: %w", user, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var session string
	for _, ck := range res.Cookies() {
		if ck.Name == web.SessionCookie {
			session = ck.Value
		}
	}
	if res.StatusCode != http.StatusOK || session == "" {
		return nil, fmt.Errorf("log in %s: status %d (is this a demo server? see --password)", user, res.StatusCode)
	}
	js, _ = json.Marshal(map[string]string{"name": "loadtest"})
	req, err = http.NewRequestWithContext(ctx, "POST", c.base+"/api/tokens", bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	res, err = c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("token for %s: %w", user, err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	err = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || err != nil || tok.Token == "" {
		return nil, fmt.Errorf("token for %s: status %d", user, res.StatusCode)
	}
	acc := &loadAccount{user: user, token: tok.Token}
	var me struct {
		Grants []struct {
			Role        string `json:"role"`
			NodeID      int64  `json:"node_id"`
			HouseholdID int64  `json:"household_id"`
		} `json:"grants"`
	}
	if _, err := c.do(ctx, apiCall{token: acc.token, method: "GET", path: "/api/me", out: &me}); err != nil {
		return nil, err
	}
	for _, g := range me.Grants {
		if acc.location == 0 {
			acc.location = g.NodeID
		}
		if g.Role == "resident" && g.HouseholdID != 0 {
			acc.household, acc.location = g.HouseholdID, g.NodeID
			break
		}
	}
	return acc, nil
}

// loadTeam is the people one case meets in its loop: the reporting resident,
// the community staff who accept, dispatch, verify and close, and the grid
// worker who acknowledges and handles it. The demo has two: 学苑社区 and
// 吉祥社区; workers alternate between them.
type loadTeam struct {
	resident, staff, grid *loadAccount
}

func loginTeams(ctx context.Context, c *loadClient, password string) ([]loadTeam, error) {
	var out []loadTeam
	for _, names := range [][3]string{{"resident", "xueyuan", "grid1"}, {"jxresident", "jixiang", "jxgrid"}} {
		var t loadTeam
		for i, p := range []**loadAccount{&t.resident, &t.staff, &t.grid} {
			acc, err := c.login(ctx, names[i], password)
			if err != nil {
				return nil, err
			}
			*p = acc
		}
		if t.resident.household == 0 {
			return nil, fmt.Errorf("loadtest: %s has no household grant", t.resident.user)
		}
		out = append(out, t)
	}
	return out, nil
}

// opLog is one worker's record of one operation: latencies of the measured
// window and the answers that were not 2xx, by status (0: no answer).
type opLog struct {
	lat    []time.Duration
	ok     int
	failed map[int]int
}

// loadPhase is one measured run of workers: load starts at once, measurement
// at from, and workers stop at until or when max requests were sent.
type loadPhase struct {
	name        string
	ctx         context.Context
	from, until time.Time
	max         int64
	sent        atomic.Int64
	mu          sync.Mutex
	sample      string      // the first failure, to show in the report
	warmFailed  map[int]int // failures during the warm-up, by status
}

func (p *loadPhase) fail(err error) {
	p.mu.Lock()
	if p.sample == "" {
		p.sample = err.Error()
	}
	p.mu.Unlock()
}

// loadWorker is one concurrent client of a phase.
type loadWorker struct {
	id  int
	ph  *loadPhase
	c   *loadClient
	ops map[string]*opLog
	seq int
	// finishing lets a case's loop that started in time run to its end
	// (a bounded number of calls), so late steps are not undercounted.
	finishing bool
}

// more reports whether the worker may start another request.
func (w *loadWorker) more() bool {
	return w.ph.ctx.Err() == nil && (w.finishing || time.Now().Before(w.ph.until)) && w.ph.sent.Load() < w.ph.max
}

// timed runs f as one counted operation and records it when it started in
// the measured window. f returns a status (2xx: success) and an error.
// It returns -1 without running f once the phase is over.
func (w *loadWorker) timed(op string, f func() (int, error)) int {
	if !w.more() || w.ph.sent.Add(1) > w.ph.max {
		return -1
	}
	start := time.Now()
	st, err := f()
	d := time.Since(start)
	if err != nil {
		w.ph.fail(err)
	}
	if start.Before(w.ph.from) {
		if st/100 != 2 || err != nil {
			w.ph.mu.Lock()
			w.ph.warmFailed[st]++
			w.ph.mu.Unlock()
		}
		return st
	}
	l := w.ops[op]
	if l == nil {
		l = &opLog{lat: make([]time.Duration, 0, 1024), failed: map[int]int{}}
		w.ops[op] = l
	}
	l.lat = append(l.lat, d)
	if st/100 == 2 && err == nil {
		l.ok++
	} else {
		l.failed[st]++
	}
	return st
}

// call sends one API request as one operation. A request that got no
// answer (server gone) is followed by a short pause, so a dead server is
// not hammered in a tight loop.
func (w *loadWorker) call(op string, a apiCall) int {
	st := w.timed(op, func() (int, error) { return w.c.do(w.ph.ctx, a) })
	if st == 0 {
		select {
		case <-w.ph.ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	return st
}

// runPhase starts cfg.Concurrency workers running body and merges their
// logs; order lists the operations in report order.
func runPhase(ctx context.Context, name string, cfg Config, c *loadClient, order []string, body func(w *loadWorker)) phaseReport {
	now := time.Now()
	ph := &loadPhase{name: name, ctx: ctx, from: now.Add(cfg.Warmup), until: now.Add(cfg.Warmup + cfg.Duration), max: cfg.MaxRequests, warmFailed: map[int]int{}}
	workers := make([]*loadWorker, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &loadWorker{id: i, ph: ph, c: c, ops: map[string]*opLog{}}
		workers[i] = w
		wg.Go(func() { body(w) })
	}
	wg.Wait()
	elapsed := time.Since(ph.from)
	rep := mergeLogs(name, elapsed, ph.sample, order, workers)
	rep.WarmupFailed = ph.warmFailed
	return rep
}

// healthzPhase measures the server stack answering a trivial handler.
func healthzPhase(ctx context.Context, c *loadClient, cfg Config) phaseReport {
	const op = "GET /healthz"
	return runPhase(ctx, "healthz", cfg, c, []string{op}, func(w *loadWorker) {
		for w.more() {
			w.call(op, apiCall{method: "GET", path: "/healthz"})
		}
	})
}

// loadCategories are grid-routed categories, so every case can run the
// whole loop with the grid worker.
var loadCategories = []string{"water_leak", "noise", "neighbour_dispute", "other"}

func loadCaseBody(acc *loadAccount, n int) map[string]any {
	return map[string]any{
		"category":     loadCategories[n%len(loadCategories)],
		"title":        fmt.Sprintf("压测上报 %d：楼上漏水", n),
		"description":  "卫生间顶棚渗水，墙皮起泡。（linli loadtest）",
		"source":       "resident",
		"household_id": acc.household,
	}
}

// loadRunID makes idempotency keys unique across runs on one database.
func loadRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type createdCase struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

// reporter is who reports in the create phase, and where: a demo resident
// in their household, or the admin at a load community.
type reporter struct {
	acc       *loadAccount
	community int64 // 0: acc's own household
}

func (r reporter) body(n int) map[string]any {
	b := loadCaseBody(r.acc, n)
	if r.community != 0 {
		delete(b, "household_id")
		b["location_id"] = r.community
	}
	return b
}

// createReporters picks the create phase's reporters by cfg.Communities:
// the first one or two demo teams' residents, or the admin in that many
// load communities. Worker i reports as reporters[i % len].
func createReporters(ctx context.Context, c *loadClient, cfg Config, teams []loadTeam) ([]reporter, error) {
	var out []reporter
	if cfg.Communities <= len(teams) {
		for _, t := range teams[:cfg.Communities] {
			out = append(out, reporter{acc: t.resident})
		}
		return out, nil
	}
	admin, err := c.login(ctx, "admin", cfg.Password)
	if err != nil {
		return nil, err
	}
	ids, err := loadCommunities(ctx, c, admin, cfg.Communities)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out = append(out, reporter{acc: admin, community: id})
	}
	return out, nil
}

type loadNode struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Code string `json:"code"`
}

// maxLoadCommunities: load community i gets the division code of the
// street's first 9 digits and 400+i, clear of the 001–199 of real
// residents' committees.
const maxLoadCommunities = 500

// loadCommunities returns n communities named 压测社区 1…n under the
// first street of the register, making those that do not exist yet (so
// runs on one database reuse them).
func loadCommunities(ctx context.Context, c *loadClient, admin *loadAccount, n int) ([]int64, error) {
	children := func(parent int64) ([]loadNode, error) {
		var out struct {
			Nodes []loadNode `json:"nodes"`
		}
		_, err := c.do(ctx, apiCall{token: admin.token, method: "GET", path: fmt.Sprintf("/api/nodes?parent_id=%d", parent), out: &out})
		return out.Nodes, err
	}
	var street loadNode
	for parent := int64(0); street.ID == 0; {
		ns, err := children(parent)
		if err != nil {
			return nil, err
		}
		if len(ns) == 0 {
			return nil, errors.New("loadtest: --communities: the register has no street")
		}
		if ns[0].Kind == "street" {
			street = ns[0]
		}
		parent = ns[0].ID
	}
	have := map[string]int64{}
	if len(street.Code) != 12 {
		return nil, fmt.Errorf("loadtest: --communities: street %s has no 12-digit code", street.Name)
	}
	ns, err := children(street.ID)
	if err != nil {
		return nil, err
	}
	for _, nd := range ns {
		have[nd.Name] = nd.ID
	}
	ids := make([]int64, 0, n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("压测社区 %d", i)
		if id, ok := have[name]; ok {
			ids = append(ids, id)
			continue
		}
		var made loadNode
		if _, err := c.do(ctx, apiCall{token: admin.token, method: "POST", path: "/api/nodes",
			body: map[string]any{"parent_id": street.ID, "kind": "community", "name": name, "code": fmt.Sprintf("%s%03d", street.Code[:9], 400+i),
				"abbr": fmt.Sprintf("LT%d", i)}, out: &made}); err != nil {
			return nil, fmt.Errorf("loadtest: make %s: %w", name, err)
		}
		ids = append(ids, made.ID)
	}
	return ids, nil
}

// createPhase: the reporters report cases, each with its own idempotency key.
func createPhase(ctx context.Context, c *loadClient, cfg Config, reporters []reporter, rec *recordFile) phaseReport {
	const op = "POST /api/cases"
	run := loadRunID()
	return runPhase(ctx, "create", cfg, c, []string{op}, func(w *loadWorker) {
		r := reporters[w.id%len(reporters)]
		acc := r.acc
		for w.more() {
			w.seq++
			var cc createdCase
			st := w.call(op, apiCall{token: acc.token, method: "POST", path: "/api/cases", body: r.body(w.seq),
				idemKey: fmt.Sprintf("lt-%s-%d-%d", run, w.id, w.seq), out: &cc})
			if st == http.StatusCreated && rec != nil {
				rec.add(cc.ID, cc.Number, acc.user)
			}
		}
	})
}

// MixedOps are the steps of one case's loop, then the two lists people
// open most, in report order.
var MixedOps = []string{"POST /api/cases", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate",
	"GET /api/cases/mine", "GET /api/cases/tasks", flowOp}

// flowOp is one whole loop (all the calls above), timed end to end; it is
// not counted in the phase's request total.
const flowOp = "flow (10 calls)"

// mixedPhase: each worker drives cases through the whole loop.
func mixedPhase(ctx context.Context, c *loadClient, cfg Config, teams []loadTeam) phaseReport {
	run := loadRunID()
	return runPhase(ctx, "mixed", cfg, c, MixedOps, func(w *loadWorker) {
		t := teams[w.id%len(teams)]
		for w.more() {
			w.seq++
			start := time.Now()
			var cc createdCase
			if w.call("POST /api/cases", apiCall{token: t.resident.token, method: "POST", path: "/api/cases", body: loadCaseBody(t.resident, w.seq),
				idemKey: fmt.Sprintf("lm-%s-%d-%d", run, w.id, w.seq), out: &cc}) != http.StatusCreated {
				continue
			}
			w.finishing = true
			path := fmt.Sprintf("/api/cases/%d/actions", cc.ID)
			steps := []struct {
				who  *loadAccount
				body map[string]any
			}{
				{t.staff, map[string]any{"action": "accept"}},
				{t.staff, map[string]any{"action": "dispatch"}}, // to the grid, by the category's rule
				{t.grid, map[string]any{"action": "acknowledge"}},
				{t.grid, map[string]any{"action": "handle", "note": "已上门维修，渗水点已封堵"}},
				{t.staff, map[string]any{"action": "verify"}},
				{t.staff, map[string]any{"action": "close"}},
				{t.resident, map[string]any{"action": "rate", "rating": "satisfied"}},
			}
			done := true
			for _, s := range steps {
				if w.call(s.body["action"].(string), apiCall{token: s.who.token, method: "POST", path: path, body: s.body}) != http.StatusOK {
					done = false
					break
				}
			}
			done = done && w.call("GET /api/cases/mine", apiCall{token: t.resident.token, method: "GET", path: "/api/cases/mine?limit=20"}) == http.StatusOK
			done = done && w.call("GET /api/cases/tasks", apiCall{token: t.grid.token, method: "GET", path: "/api/cases/tasks?limit=20"}) == http.StatusOK
			w.finishing = false
			if done && !start.Before(w.ph.from) {
				w.record(flowOp, time.Since(start))
			}
		}
	})
}

// record adds a composite measurement (no request of its own).
func (w *loadWorker) record(op string, d time.Duration) {
	l := w.ops[op]
	if l == nil {
		l = &opLog{failed: map[int]int{}}
		w.ops[op] = l
	}
	l.lat = append(l.lat, d)
	l.ok++
}

// recordFile appends one line per acknowledged case. Each line is one
// write(2), so it is in the kernel before the worker's next request and
// survives whatever happens to the server.
type recordFile struct {
	mu sync.Mutex
	f  *os.File
	n  int
}

func openRecord(path string) (*recordFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &recordFile{f: f}, nil
}

func (r *recordFile) add(id int64, number, user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := fmt.Fprintf(r.f, "%d %s %s\n", id, number, user); err == nil {
		r.n++
	}
}

func (r *recordFile) close() error {
	return errors.Join(r.f.Sync(), r.f.Close())
}

// rawPhase inserts rows shaped like a reported case straight into a
// scratch database on the same engine: one transaction per case with the
// case row, its first timeline step, the day's number counter and the
// statistics rollups — the writes the API makes, without HTTP, auth, JSON
// or the checks. With batch, the transactions go through storage's group
// commit (DB.Batch, as the API's writes do) instead of one commit each.
func rawPhase(ctx context.Context, cfg Config, batch bool) (phaseReport, error) {
	db, cleanup, err := openScratch(ctx, cfg)
	if err != nil {
		return phaseReport{}, fmt.Errorf("loadtest: scratch database: %w", err)
	}
	defer cleanup()
	ms := storage.Millis(time.Now())
	var community, category int64
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		var e error
		if community, e = tx.Insert(ctx, `INSERT INTO nodes (kind, name, path, depth, created_at, updated_at) VALUES ('community', '压测社区', '/loadtest/', 3, ?, ?)`, ms, ms); e != nil {
			return e
		}
		category, e = tx.Insert(ctx, `INSERT INTO categories (code, name, updated_at) VALUES ('water_leak', '漏水渗水', ?)`, ms)
		return e
	})
	if err != nil {
		return phaseReport{}, fmt.Errorf("loadtest: scratch database: %w", err)
	}
	name, op, write := "raw", "1 tx per case", db.InTx
	if batch {
		name, op, write = "rawbatch", "group commit (DB.Batch)", db.Batch
	}
	var n atomic.Int64
	rep := runPhase(ctx, name, cfg, nil, []string{op}, func(w *loadWorker) {
		for w.more() {
			w.timed(op, func() (int, error) {
				if err := write(ctx, func(tx *storage.Tx) error { return insertRawCase(ctx, tx, community, category, n.Add(1)) }); err != nil {
					return 0, err
				}
				return http.StatusCreated, nil
			})
		}
	})
	rep.Engine = string(db.Dialect)
	return rep, nil
}

// rawRows is how many rows one raw case writes: the case, its timeline
// step, the counter and its statistics change (folded into the rollups
// later, as the case service does).
const rawRows = 4

func insertRawCase(ctx context.Context, tx *storage.Tx, community, category, n int64) error {
	now := time.Now()
	ms := storage.Millis(now)
	day := now.Year()*10000 + int(now.Month())*100 + now.Day()
	seq, err := tx.Counter(ctx, `UPDATE case_counters SET last = last + 1 WHERE community_id = ? AND day = ? RETURNING last`,
		`INSERT INTO case_counters (community_id, day, last) VALUES (?, ?, 1)
		ON CONFLICT (community_id, day) DO UPDATE SET last = case_counters.last + 1 RETURNING last`, community, day)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("压测上报 %d：楼上漏水", n)
	id, err := tx.Insert(ctx, `INSERT INTO cases (number, community_id, grid_id, location_id, household_id, path, category_id, title, description,
		source, reporter_id, reporter_name, priority, public, state, idem_key, created_at, updated_at)
		VALUES (?, ?, 0, ?, 0, '/loadtest/', ?, ?, ?, 'resident', 1, '压测居民', 'normal', 0, 'reported', ?, ?, ?)`,
		fmt.Sprintf("LT-%08d-%04d", day, seq), community, community, category, title, "卫生间顶棚渗水，墙皮起泡。（linli loadtest）",
		"raw-"+strconv.FormatInt(n, 10), ms, ms)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, at, actor_id, actor_name, action, from_state, to_state, note, data, public)
		VALUES (?, ?, 1, '压测居民', 'report', '', 'reported', ?, '', 1)`, id, ms, title); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO stats_deltas (day, community_id, grid_id, category_id, col, d) VALUES (?, ?, 0, ?, 'reported', 1)`,
		day, community, category); err != nil {
		return err
	}
	return nil
}

// openScratch opens a fresh, migrated database that is not the live one:
// a new schema in the --db PostgreSQL database, or a new SQLite file (with
// the same pragmas, through storage.Open) in --data or the temp directory.
// cleanup drops it.
func openScratch(ctx context.Context, cfg Config) (*storage.DB, func(), error) {
	migrate := func(db *storage.DB) error {
		_, err := db.Migrate(ctx, func() int64 { return storage.Millis(time.Now()) })
		return err
	}
	if strings.HasPrefix(cfg.DB, "postgres://") || strings.HasPrefix(cfg.DB, "postgresql://") {
		admin, err := sql.Open("pgx", cfg.DB)
		if err != nil {
			return nil, nil, err
		}
		schema := "loadtest_" + loadRunID()
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, nil, err
		}
		drop := func() {
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}
		u, err := url.Parse(cfg.DB)
		if err != nil {
			drop()
			return nil, nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		db, err := storage.Open(ctx, u.String())
		if err != nil {
			drop()
			return nil, nil, err
		}
		if err := migrate(db); err != nil {
			db.Close()
			drop()
			return nil, nil, err
		}
		return db, func() { db.Close(); drop() }, nil
	}
	dir, err := os.MkdirTemp(cfg.Data, "linli-loadtest-raw-")
	if err != nil {
		return nil, nil, err
	}
	db, err := storage.Open(ctx, filepath.Join(dir, "raw.db"))
	if err == nil {
		if err = migrate(db); err != nil {
			db.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// opStats summarises one operation over the measured window.
type opStats struct {
	Op                 string
	N, OK              int
	Failed             map[int]int // non-2xx answers by status; 0 = no answer
	Rate               float64     // successes per second
	P50, P95, P99, Max time.Duration
}

// phaseReport is one phase: its operations and all its requests together.
type phaseReport struct {
	Name    string
	Engine  string // raw: the scratch database's engine
	Elapsed time.Duration
	Ops     []opStats
	Total   opStats
	Sample  string // the first failure seen, if any
	// WarmupFailed counts failures during the warm-up (not in Ops): an
	// error is an error whenever it happens.
	WarmupFailed map[int]int
}

func (p phaseReport) op(name string) opStats {
	for _, o := range p.Ops {
		if o.Op == name {
			return o
		}
	}
	return opStats{}
}

// FailedOver counts answers with a status ≥ min (500: server errors).
func (s opStats) FailedOver(min int) int {
	n := 0
	for st, k := range s.Failed {
		if st >= min {
			n += k
		}
	}
	return n
}

func mergeLogs(name string, elapsed time.Duration, sample string, order []string, workers []*loadWorker) phaseReport {
	seen := map[string]bool{}
	for _, w := range workers {
		for op := range w.ops {
			seen[op] = true
		}
	}
	names := slices.Clone(order)
	var extra []string
	for op := range seen {
		if !slices.Contains(order, op) {
			extra = append(extra, op)
		}
	}
	slices.Sort(extra)
	names = append(names, extra...)
	rep := phaseReport{Name: name, Elapsed: elapsed, Sample: sample}
	var all []*opLog
	for _, op := range names {
		if !seen[op] {
			continue
		}
		var logs []*opLog
		for _, w := range workers {
			if l := w.ops[op]; l != nil {
				logs = append(logs, l)
			}
		}
		rep.Ops = append(rep.Ops, summariseOp(op, elapsed, logs))
		if op != flowOp {
			all = append(all, logs...)
		}
	}
	rep.Total = summariseOp("all requests", elapsed, all)
	return rep
}

func summariseOp(op string, elapsed time.Duration, logs []*opLog) opStats {
	s := opStats{Op: op, Failed: map[int]int{}}
	n := 0
	for _, l := range logs {
		n += len(l.lat)
	}
	lat := make([]time.Duration, 0, n)
	for _, l := range logs {
		lat = append(lat, l.lat...)
		s.OK += l.ok
		for st, k := range l.failed {
			s.Failed[st] += k
		}
	}
	slices.Sort(lat)
	s.N = len(lat)
	if s.N > 0 {
		s.P50, s.P95, s.P99, s.Max = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99), lat[s.N-1]
	}
	if elapsed > 0 {
		s.Rate = float64(s.OK) / elapsed.Seconds()
	}
	return s
}

// percentile is the nearest-rank percentile q of sorted latencies.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Report is the whole run.
type Report struct {
	cfg      Config
	base     string
	Phases   []phaseReport
	Recorded int // cases written to cfg.Record
}

func (r *Report) add(p phaseReport) { r.Phases = append(r.Phases, p) }

func (r *Report) Phase(name string) (phaseReport, bool) {
	for _, p := range r.Phases {
		if p.Name == name {
			return p, true
		}
	}
	return phaseReport{}, false
}

func fmtMs(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func (r *Report) Print(w io.Writer) {
	c := r.cfg
	fmt.Fprintf(w, "\nLinli load test: %s, %d workers, %s warm-up + %s measured per phase, cap %d requests per phase, creations in %d communities\n",
		r.base, c.Concurrency, c.Warmup, c.Duration, c.MaxRequests, c.Communities)
	fmt.Fprintf(w, "machine: %d CPUs, %s/%s, %s; the load generator shares the CPUs with the server\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-15s %-26s %9s %9s %10s %8s %8s %8s %8s  %s\n", "phase", "operation", "n", "ok", "ok/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "failures")
	row := func(phase string, s opStats) {
		fmt.Fprintf(bw, "%-15s %-26s %9d %9d %10.1f %8s %8s %8s %8s  %s\n", phase, s.Op, s.N, s.OK, s.Rate, fmtMs(s.P50), fmtMs(s.P95), fmtMs(s.P99), fmtMs(s.Max), fmtFailures(s.Failed))
	}
	for _, p := range r.Phases {
		name := p.Name
		if p.Engine != "" {
			name += "/" + p.Engine
		}
		for _, o := range p.Ops {
			row(name, o)
		}
		if len(p.Ops) > 1 {
			row(name, p.Total)
		}
	}
	bw.Flush()
	for _, p := range r.Phases {
		if len(p.WarmupFailed) > 0 {
			fmt.Fprintf(w, "failures in %s during the warm-up: %s\n", p.Name, fmtFailures(p.WarmupFailed))
		}
		if p.Sample != "" {
			fmt.Fprintf(w, "first failure in %s: %.300s\n", p.Name, p.Sample)
		}
	}
	if raw, ok := r.Phase("raw"); ok {
		fmt.Fprintf(w, "raw: %.0f rows/s (%d rows written per case)\n", float64(rawRows)*raw.Total.Rate, rawRows)
	}
	if raw, ok := r.Phase("rawbatch"); ok {
		fmt.Fprintf(w, "rawbatch: %.0f rows/s (%d rows written per case)\n", float64(rawRows)*raw.Total.Rate, rawRows)
	}
	if mixed, ok := r.Phase("mixed"); ok {
		fmt.Fprintf(w, "mixed: %.1f whole loops/s, %.1f requests/s\n", mixed.op(flowOp).Rate, mixed.Total.Rate)
	}
	create, okC := r.Phase("create")
	health, okH := r.Phase("healthz")
	raw, okR := r.Phase("raw")
	if okC && okH && health.Total.Rate > 0 {
		fmt.Fprintf(w, "ratio create/healthz: %.3f\n", create.Total.Rate/health.Total.Rate)
	}
	if okC && okR && raw.Total.Rate > 0 {
		fmt.Fprintf(w, "ratio create/raw:     %.3f\n", create.Total.Rate/raw.Total.Rate)
	}
	if rb, ok := r.Phase("rawbatch"); okC && ok && rb.Total.Rate > 0 {
		fmt.Fprintf(w, "ratio create/rawbatch: %.3f\n", create.Total.Rate/rb.Total.Rate)
	}
	if r.Recorded > 0 || r.cfg.Record != "" {
		fmt.Fprintf(w, "recorded %d created cases in %s\n", r.Recorded, r.cfg.Record)
	}
}

func fmtFailures(m map[int]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		name := strconv.Itoa(k)
		if k == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, m[k]))
	}
	return strings.Join(parts, " ")
}

// RecordedCase is one line of a --record file.
type RecordedCase struct {
	ID     int64
	Number string
	User   string
}

func ReadRecord(path string) ([]RecordedCase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []RecordedCase
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if len(f) != 3 || err != nil {
			// A torn last line cannot happen (one write per line), so any
			// bad line means the file is not what we wrote.
			return nil, fmt.Errorf("%s:%d: want \"id number account\", got %q", path, i+1, line)
		}
		out = append(out, RecordedCase{ID: id, Number: f[1], User: f[2]})
	}
	return out, nil
}

// verifyRecord checks, after a crash and restart, that every case the
// server acknowledged with a 201 is there and whole: through the API as its
// reporter (the case with its number, a timeline whose first step is
// "report"), and in the database (no case anywhere without its timeline or
// its statistics). It returns an error naming what is lost or half-written.
func verifyRecord(ctx context.Context, cfg Config, out io.Writer) error {
	base, err := loopbackURL(cfg.URL)
	if err != nil {
		return err
	}
	recs, err := ReadRecord(cfg.Verify)
	if err != nil {
		return err
	}
	c := newLoadClient(base, 8)
	defer c.http.CloseIdleConnections()
	accounts := map[string]*loadAccount{}
	for _, r := range recs {
		if accounts[r.User] == nil {
			if accounts[r.User], err = c.login(ctx, r.User, cfg.Password); err != nil {
				return err
			}
		}
	}
	var (
		mu       sync.Mutex
		problems []string
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(recs)) && ctx.Err() == nil; i = next.Add(1) - 1 {
				if p := verifyCase(ctx, c, accounts[recs[i].User], recs[i]); p != "" {
					mu.Lock()
					problems = append(problems, p)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(out, "verify: %d recorded cases (201s) checked through the API, %d lost or half-written\n", len(recs), len(problems))
	if dsn := verifyDSN(cfg); dsn != "" {
		n, dbProblems, err := checkCaseTables(ctx, dsn)
		if err != nil {
			return fmt.Errorf("verify: database check: %w", err)
		}
		fmt.Fprintf(out, "verify: database holds %d cases, %d consistency problems\n", n, len(dbProblems))
		problems = append(problems, dbProblems...)
	} else {
		fmt.Fprintln(out, "verify: no --data or --db given: database check skipped")
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		for i, p := range problems {
			if i == 20 {
				fmt.Fprintf(out, "  … and %d more\n", len(problems)-20)
				break
			}
			fmt.Fprintln(out, "  "+p)
		}
		return fmt.Errorf("verify: %d problems: acknowledged cases lost or half-written", len(problems))
	}
	fmt.Fprintln(out, "verify: OK — every acknowledged case is present and whole")
	return nil
}

// verifyCase returns what is wrong with one recorded case, or "".
func verifyCase(ctx context.Context, c *loadClient, acc *loadAccount, r RecordedCase) string {
	var d struct {
		Case     createdCase `json:"case"`
		Timeline []struct {
			Action string `json:"action"`
		} `json:"timeline"`
	}
	st, err := c.do(ctx, apiCall{token: acc.token, method: "GET", path: fmt.Sprintf("/api/cases/%d", r.ID), out: &d})
	switch {
	case st == http.StatusNotFound:
		return fmt.Sprintf("case %d (%s): LOST — acknowledged with 201, now 404", r.ID, r.Number)
	case err != nil:
		return fmt.Sprintf("case %d (%s): %v", r.ID, r.Number, err)
	case d.Case.Number != r.Number:
		return fmt.Sprintf("case %d: number %q, the 201 said %q", r.ID, d.Case.Number, r.Number)
	case len(d.Timeline) == 0:
		return fmt.Sprintf("case %d (%s): HALF-WRITTEN — no timeline", r.ID, r.Number)
	case d.Timeline[0].Action != "report":
		return fmt.Sprintf("case %d (%s): HALF-WRITTEN — first timeline step is %q, not \"report\"", r.ID, r.Number, d.Timeline[0].Action)
	}
	return ""
}

// verifyDSN is the database the server uses, as serve would pick it.
func verifyDSN(cfg Config) string {
	if cfg.DB != "" {
		return cfg.DB
	}
	if cfg.Data != "" {
		return filepath.Join(cfg.Data, "linli.db") // where `linli serve --data DIR` keeps its SQLite file
	}
	return ""
}

// checkCaseTables counts the cases and looks, through the read pool, for
// any case whose transaction was not applied whole: a case row without
// its timeline, a timeline that does not start with the report, and a
// statistics rollup whose total disagrees with the cases (each report
// bumps "reported" in every rollup in the same transaction).
func checkCaseTables(ctx context.Context, dsn string) (int, []string, error) {
	if !strings.Contains(dsn, "://") {
		if _, err := os.Stat(dsn); err != nil {
			return 0, nil, err // storage.Open would create an empty database
		}
	}
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		return 0, nil, err
	}
	checks := []struct{ what, q string }{
		{"cases without any timeline step", `SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)`},
		{"cases whose first timeline step is not \"report\"", `SELECT COUNT(*) FROM cases c JOIN case_events e ON e.id = (SELECT MIN(x.id) FROM case_events x WHERE x.case_id = c.id) WHERE e.action <> 'report'`},
	}
	for _, t := range cases.StatTables {
		checks = append(checks, struct{ what, q string }{"cases minus " + t.Name + ".reported (must be 0)",
			`SELECT (SELECT COUNT(*) FROM cases) - (SELECT CAST(COALESCE(SUM(reported), 0) AS BIGINT) FROM ` + t.Name + `)
				- (SELECT CAST(COALESCE(SUM(d), 0) AS BIGINT) FROM stats_deltas WHERE col = 'reported')`})
	}
	var problems []string
	for _, c := range checks {
		var k int64
		if err := db.QueryRow(ctx, c.q).Scan(&k); err != nil {
			return 0, nil, fmt.Errorf("%s: %w", c.what, err)
		}
		if k != 0 {
			problems = append(problems, fmt.Sprintf("database: %s: %d", c.what, k))
		}
	}
	return n, problems, nil
}
