package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"linli/live"
	"linli/storage"
	"linli/storage/storagetest"
)

// Several `linli serve` processes of the built binary on one PostgreSQL
// (README "Running several replicas"): what is made on one is valid on
// the other, a change on one is seen on the other at once (not after a
// cache's TTL), a live event published on one reaches a stream on the
// other, one killed with SIGKILL under load loses nothing acknowledged
// while the other carries on, and both come back by themselves when
// PostgreSQL restarts. PostgreSQL only (LINLI_TEST_POSTGRES; strict mode
// fails without it); skipped with -short.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	db, dsn := demoPostgresDSN(t)
	if db == nil {
		return
	}
	bin := buildLinli(t)
	a, b := startReplica(t, bin, dsn), startReplica(t, bin, dsn)

	t.Run("sessions and tokens", func(t *testing.T) {
		c := newReplicaClient(t)
		c.login(a, "grid1")
		var me struct {
			Username string `json:"username"`
		}
		if st := c.json(b, "GET", "/api/me", nil, &me); st != 200 || me.Username != "grid1" {
			t.Fatalf("session of A on B: %d %+v", st, me)
		}
		tokID, tok := c.newToken(a, "两个副本")
		bearer := newReplicaClient(t)
		bearer.token = tok
		if st := bearer.json(b, "GET", "/api/me", nil, &me); st != 200 || me.Username != "grid1" {
			t.Fatalf("token of A on B: %d", st)
		}
		// B has the token's actor in its cache now (tokenTTL, 2 s); A
		// revokes it, and B refuses it as soon as it hears A's signal.
		if st := c.json(a, "DELETE", fmt.Sprintf("/api/tokens/%d", tokID), nil, nil); st != 204 && st != 200 {
			t.Fatalf("revoke on A: %d", st)
		}
		soon(t, "token revoked on A refused on B", func() bool { return bearer.json(b, "GET", "/api/me", nil, nil) == 401 })
	})

	t.Run("category change seen at once", func(t *testing.T) {
		staff, street := newReplicaClient(t), newReplicaClient(t)
		staff.login(b, "xueyuan")
		street.login(a, "street")
		report := map[string]any{"category": "noise", "title": "夜间噪声", "location_id": 7, "source": "hotline", "reporter_name": "来电人"}
		if st := staff.json(b, "POST", "/api/cases", report, nil); st != 201 {
			t.Fatalf("report on B: %d", st) // B caches the category now (5 s)
		}
		var list struct {
			Categories []struct {
				ID   int64  `json:"id"`
				Code string `json:"code"`
			} `json:"categories"`
		}
		street.json(a, "GET", "/api/categories", nil, &list)
		var noise int64
		for _, c := range list.Categories {
			if c.Code == "noise" {
				noise = c.ID
			}
		}
		off := false
		in := map[string]any{"name": "噪声扰民", "name_en": "Noise", "route": "grid", "response_limit": "2wh", "resolve_limit": "1wd",
			"ack_limit": "15m", "escalation": []string{"community"}, "priority": "normal", "active": &off}
		if st := street.json(a, "PUT", fmt.Sprintf("/api/categories/%d", noise), in, nil); st != 200 {
			t.Fatalf("deactivate on A: %d", st)
		}
		soon(t, "a report of the category A deactivated refused on B", func() bool { return staff.json(b, "POST", "/api/cases", report, nil) == 422 })
	})

	t.Run("live event from A on a stream of B", func(t *testing.T) {
		guard, staff := newReplicaClient(t), newReplicaClient(t)
		guard.login(b, "ydguard")
		staff.login(a, "lindao")
		var alerts struct {
			Alerts []struct {
				ID int64 `json:"id"`
			} `json:"alerts"`
		}
		if st := staff.json(a, "GET", "/api/cameras/alerts?state=open&state=acknowledged", nil, &alerts); st != 200 || len(alerts.Alerts) == 0 {
			t.Fatalf("open alerts on A: %d, %d", st, len(alerts.Alerts))
		}
		id := alerts.Alerts[0].ID
		events := guard.stream(t, b, "/api/cameras/stream")
		start := time.Now()
		// Closing answers for an open alert and an acknowledged one alike.
		if st := staff.json(a, "POST", fmt.Sprintf("/api/cameras/alerts/%d/close", id), map[string]string{"outcome": "handled", "note": "已处理"}, nil); st != 200 {
			t.Fatalf("close on A: %d", st)
		}
		select {
		case e := <-events:
			var ch struct {
				What  string `json:"what"`
				Alert struct {
					ID int64 `json:"id"`
				} `json:"alert"`
			}
			if err := json.Unmarshal([]byte(e.data), &ch); err != nil || e.typ != "alert-update" || ch.Alert.ID != id || ch.What != "handled" {
				t.Fatalf("B's stream got %+v", e)
			}
			t.Logf("acknowledged on A, on B's stream %v later", time.Since(start))
		case <-time.After(10 * time.Second):
			t.Fatal("no event on B's stream 10 s after the change on A")
		}
	})

	t.Run("SIGKILL under load", func(t *testing.T) {
		// A third replica, to be killed; B carries on.
		c := startReplica(t, bin, dsn)
		load := startCreationLoad(t, []*replica{c, b}, 4)
		load.waitAcked(t, c, 100)
		c.gone.Store(true)
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = c.cmd.Wait()
		killedAt := load.ackedOn(b)
		load.waitAcked(t, b, killedAt+100) // B carries on
		acked := load.stop()
		checkAcknowledged(t, db, acked)
		t.Logf("%d cases acknowledged (%d by the killed replica), all present with their timelines", len(acked), load.ackedOn(c))
	})
}

// soon waits for ok to hold, asking every 2 ms for at most 500 ms. A
// signal reaches the other replica a fraction of a millisecond after the
// commit (docs/scale.md), but the test's next request can still beat it;
// the caches it clears keep what they hold for 2 s (tokens) or 5 s
// (categories), so an answer within 500 ms is the signal's doing, not
// the cache's lifetime running out.
func soon(t *testing.T, what string, ok func() bool) {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > 500*time.Millisecond {
			t.Fatalf("%s: not within 500 ms", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("%s after %v", what, time.Since(start).Round(100*time.Microsecond))
}

// buildLinli builds this command into a temporary directory.
func buildLinli(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "linli")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replica is one `linli serve` process.
type replica struct {
	cmd  *exec.Cmd
	url  string
	logs *lockedLog
	gone atomic.Bool // killed by the test
}

type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startReplica starts `linli serve` on dsn on a port of the kernel's
// choosing and waits for /readyz. Rate limits are off (the load of one
// test address) and no role needs a second factor (the demo's accounts
// have none).
func startReplica(t *testing.T, bin, dsn string) *replica {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--data", t.TempDir(), "--totp-required", "none",
		"--limit-login-account", "off", "--limit-login-address", "off", "--limit-create-account", "off", "--limit-create-address", "off",
		"--limit-token-account", "off", "--limit-token-address", "off", "--log-level", "warn")
	r := &replica{cmd: cmd, logs: &lockedLog{}}
	cmd.Stderr = r.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
			}
		}
		if t.Failed() {
			t.Logf("replica %s log:\n%s", r.url, r.logs.String())
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "running at "); ok {
				urls <- strings.TrimSpace(u)
			}
		}
	}()
	select {
	case r.url = <-urls:
	case <-time.After(60 * time.Second):
		t.Fatalf("replica did not start in 60 s:\n%s", r.logs.String())
	}
	waitReady(t, r, 30*time.Second)
	return r
}

// ready asks /readyz.
func (r *replica) ready() bool {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(r.url + "/readyz")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == 200
}

func waitReady(t *testing.T, r *replica, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !r.ready() {
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %v:\n%s", r.url, within, r.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replicaClient talks to any replica: cookies are kept by host, not port,
// so a session opened on one is sent to all (as behind a load balancer).
type replicaClient struct {
	t     *testing.T
	http  *http.Client
	token string
}

func newReplicaClient(t *testing.T) *replicaClient {
	jar, _ := cookiejar.New(nil)
	return &replicaClient{t: t, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *replicaClient) request(r *replica, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, r.url+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// try sends a request; err when the replica did not answer.
func (c *replicaClient) try(r *replica, method, path string, body any) (int, []byte, error) {
	req, err := c.request(r, method, path, body)
	if err != nil {
		return 0, nil, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (c *replicaClient) json(r *replica, method, path string, body, v any) int {
	c.t.Helper()
	st, b, err := c.try(r, method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s%s: %v", method, r.url, path, err)
	}
	if v != nil && st < 300 && len(b) > 0 {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("%s %s: %d, not JSON: %s", method, path, st, b)
		}
	}
	if st >= 500 {
		c.t.Logf("%s %s%s: %d %s", method, r.url, path, st, b)
	}
	return st
}

// newToken makes an API token on r and returns its id and secret.
func (c *replicaClient) newToken(r *replica, name string) (int64, string) {
	c.t.Helper()
	var made struct {
		Token string `json:"token"`
	}
	if st := c.json(r, "POST", "/api/tokens", map[string]string{"name": name}, &made); st != 201 {
		c.t.Fatalf("token on %s: %d", r.url, st)
	}
	var list struct {
		Tokens []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"tokens"`
	}
	c.json(r, "GET", "/api/tokens", nil, &list)
	for _, tk := range list.Tokens {
		if tk.Name == name {
			return tk.ID, made.Token
		}
	}
	c.t.Fatalf("token %q not listed", name)
	return 0, ""
}

func (c *replicaClient) login(r *replica, user string) {
	c.t.Helper()
	if st := c.json(r, "POST", "/api/login", map[string]string{"login": user, "password": demoPassword}, nil); st != 200 {
		c.t.Fatalf("login %s on %s: %d", user, r.url, st)
	}
}

type sseEvent struct{ id, typ, data string }

// stream opens an event stream and hands on its events, once it is
// subscribed (the response's header came).
func (c *replicaClient) stream(t *testing.T, r *replica, path string) <-chan sseEvent {
	t.Helper()
	req, err := c.request(r, "GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	res, err := (&http.Client{Jar: c.http.Jar}).Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("stream %s: %d", path, res.StatusCode)
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.data != "" {
					out <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				e.typ = line[len("event: "):]
			case strings.HasPrefix(line, "id: "):
				e.id = line[len("id: "):]
			case strings.HasPrefix(line, "data: "):
				e.data += line[len("data: "):]
			}
		}
	}()
	return out
}

// creationLoad reports cases on several replicas at once and keeps the
// id of every case acknowledged (201), by replica.
type creationLoad struct {
	stopped atomic.Bool
	wg      sync.WaitGroup
	mu      sync.Mutex
	acked   map[*replica][]int64
}

func startCreationLoad(t *testing.T, on []*replica, workers int) *creationLoad {
	t.Helper()
	l := &creationLoad{acked: map[*replica][]int64{}}
	for _, r := range on {
		c := newReplicaClient(t)
		c.login(r, "xueyuan")
		for w := range workers {
			l.wg.Go(func() {
				for i := 0; !l.stopped.Load(); i++ {
					st, b, err := c.try(r, "POST", "/api/cases", map[string]any{"category": "water_leak", "title": fmt.Sprintf("副本测试 %d-%d", w, i),
						"location_id": 7, "source": "hotline", "reporter_name": "来电人"})
					if err != nil || st != 201 {
						if err != nil && r.gone.Load() {
							return // the replica is gone
						}
						time.Sleep(20 * time.Millisecond)
						continue
					}
					var cs struct {
						ID int64 `json:"id"`
					}
					if json.Unmarshal(b, &cs) == nil && cs.ID > 0 {
						l.mu.Lock()
						l.acked[r] = append(l.acked[r], cs.ID)
						l.mu.Unlock()
					}
				}
			})
		}
	}
	return l
}

func (l *creationLoad) ackedOn(r *replica) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked[r])
}

func (l *creationLoad) waitAcked(t *testing.T, r *replica, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for l.ackedOn(r) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s acknowledged %d cases in 60 s, want %d:\n%s", r.url, l.ackedOn(r), n, r.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the load and returns every acknowledged id.
func (l *creationLoad) stop() []int64 {
	l.stopped.Store(true)
	l.wg.Wait()
	var all []int64
	for _, ids := range l.acked {
		all = append(all, ids...)
	}
	return all
}

// checkAcknowledged checks that every acknowledged case is in the
// database with its timeline.
func checkAcknowledged(t *testing.T, db *storage.DB, ids []int64) {
	t.Helper()
	ctx := context.Background()
	for len(ids) > 0 {
		n := min(len(ids), 500)
		part := ids[:n]
		ids = ids[n:]
		var cases, timed int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE id IN (`+storage.Placeholders(n)+`)`, storage.Args(part)...).Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(DISTINCT case_id) FROM case_events WHERE case_id IN (`+storage.Placeholders(n)+`)`, storage.Args(part)...).Scan(&timed); err != nil {
			t.Fatal(err)
		}
		if cases != n || timed != n {
			t.Fatalf("of %d acknowledged cases, %d are present and %d have a timeline", n, cases, timed)
		}
	}
}

// TestReplicasSurvivePostgresRestart restarts a private PostgreSQL (not
// the shared test server: initdb into a temporary directory, a postmaster
// on a free loopback port) under a creation load on two replicas: both
// answer /readyz red while it is down and green again within 5 s of its
// being back, by themselves, and hear each other again.
func TestReplicasSurvivePostgresRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	_, demoDSN := demoPostgresDSN(t)
	if demoDSN == "" {
		return
	}
	pg := startPrivatePostgres(t)
	dsn := pg.load(t, demoDSN)
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bin := buildLinli(t)
	a, b := startReplica(t, bin, dsn), startReplica(t, bin, dsn)
	load := startCreationLoad(t, []*replica{a, b}, 2)
	load.waitAcked(t, a, 20)
	load.waitAcked(t, b, 20)

	type watch struct {
		mu         sync.Mutex
		red, green time.Time // first red; first green after it
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	watches := map[*replica]*watch{a: {}, b: {}}
	for r, w := range watches {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(25 * time.Millisecond):
				}
				ok := r.ready()
				w.mu.Lock()
				if !ok && w.red.IsZero() {
					w.red = time.Now()
				}
				if ok && !w.red.IsZero() && w.green.IsZero() {
					w.green = time.Now()
				}
				w.mu.Unlock()
			}
		})
	}
	pg.ctl(t, "stop", "-m", "fast")
	time.Sleep(time.Second) // down long enough for every replica to notice
	pg.ctl(t, "start")
	back := time.Now()
	deadline := back.Add(15 * time.Second)
	for {
		allGreen := true
		for _, w := range watches {
			w.mu.Lock()
			allGreen = allGreen && !w.green.IsZero()
			w.mu.Unlock()
		}
		if allGreen || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	for r, w := range watches {
		if w.red.IsZero() {
			t.Errorf("%s: /readyz never went red while PostgreSQL was down", r.url)
			continue
		}
		if w.green.IsZero() || w.green.Sub(back) > 5*time.Second {
			t.Errorf("%s: /readyz not green within 5 s of PostgreSQL being back (green %v after)", r.url, w.green.Sub(back))
			continue
		}
		t.Logf("%s: red, then green %v after PostgreSQL was back", r.url, w.green.Sub(back).Round(time.Millisecond))
	}
	// The load goes on on both, and they hear each other again.
	la, lb := load.ackedOn(a), load.ackedOn(b)
	load.waitAcked(t, a, la+20)
	load.waitAcked(t, b, lb+20)
	checkAcknowledged(t, db, load.stop())

	c := newReplicaClient(t)
	c.login(a, "grid1")
	tokID, tok := c.newToken(a, "重启之后")
	bearer := newReplicaClient(t)
	bearer.token = tok
	if st := bearer.json(b, "GET", "/api/me", nil, nil); st != 200 {
		t.Fatalf("token of A on B: %d", st)
	}
	c.json(a, "DELETE", fmt.Sprintf("/api/tokens/%d", tokID), nil, nil)
	soon(t, "after the restart, a token revoked on A refused on B", func() bool { return bearer.json(b, "GET", "/api/me", nil, nil) == 401 })
}

// privatePostgres is a postmaster of our own in a temporary directory.
type privatePostgres struct {
	bin, dir, port string
	asUser         []string // runuser -u postgres -- when running as root (initdb refuses root)
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bin := postgresBin()
	if bin == "" || runtime.GOOS != "linux" {
		storagetest.SkipOrFail(t, "no initdb and pg_ctl (PostgreSQL server binaries) to run a private PostgreSQL")
		return nil
	}
	dir, err := os.MkdirTemp("", "linli-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privatePostgres{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			storagetest.SkipOrFail(t, fmt.Sprintf("running as root and cannot hand a directory to user postgres: %v %s", err, out))
			return nil
		}
	}
	t.Cleanup(func() {
		_ = p.command("pg_ctl", "-D", p.data(), "-m", "immediate", "-w", "stop").Run()
		os.RemoveAll(dir)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	if out, err := p.command("initdb", "-D", p.data(), "-A", "trust", "-U", "postgres", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.ctl(t, "start")
	return p
}

func (p *privatePostgres) data() string { return filepath.Join(p.dir, "data") }

func (p *privatePostgres) command(name string, args ...string) *exec.Cmd {
	full := append(append([]string{}, p.asUser...), filepath.Join(p.bin, name))
	full = append(full, args...)
	return exec.Command(full[0], full[1:]...)
}

// ctl runs pg_ctl start|stop … and waits for it.
func (p *privatePostgres) ctl(t *testing.T, action string, args ...string) {
	t.Helper()
	all := []string{"-D", p.data(), "-w", "-l", filepath.Join(p.dir, "log")}
	if action == "start" {
		all = append(all, "-o", fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, p.dir))
	}
	all = append(append(all, args...), action)
	if out, err := p.command("pg_ctl", all...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		t.Fatalf("pg_ctl %s: %v\n%s\n%s", action, err, out, log)
	}
}

// load copies the database at from into a new database of the private
// server and returns its URL.
func (p *privatePostgres) load(t *testing.T, from string) string {
	t.Helper()
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%s/linli?sslmode=disable", p.port)
	if out, err := exec.Command(filepath.Join(p.bin, "createdb"), "-h", "127.0.0.1", "-p", p.port, "-U", "postgres", "linli").CombinedOutput(); err != nil {
		t.Fatalf("createdb: %v\n%s", err, out)
	}
	dump := exec.Command(filepath.Join(p.bin, "pg_dump"), "--no-owner", "-d", strings.Replace(from, "postgres://", "postgresql://", 1))
	restore := exec.Command(filepath.Join(p.bin, "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn)
	pipe, err := dump.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	restore.Stdin = pipe
	var errs bytes.Buffer
	dump.Stderr, restore.Stderr, restore.Stdout = &errs, &errs, io.Discard
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	if err := restore.Run(); err != nil {
		t.Fatalf("psql: %v\n%s", err, errs.String())
	}
	if err := dump.Wait(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, errs.String())
	}
	return dsn
}

// postgresBin is the directory of the PostgreSQL server's programs.
func postgresBin() string {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(ms) == 0 {
		return ""
	}
	return filepath.Dir(ms[len(ms)-1])
}

// TestReplicasRunEachTimerOnce: two replicas (two Mains in this process,
// each with its own pool on one PostgreSQL and a fake clock) run the due
// timers at the same moment — every deadline of the demo's open cases
// passed at once — and each timer's effect is written once: no case gets
// two "overdue" or two "warning" entries.
func TestReplicasRunEachTimerOnce(t *testing.T) {
	db, dsn := demoPostgresDSN(t)
	if db == nil {
		return
	}
	ctx := context.Background()
	other, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var mains [2]*Main
	for i, d := range []*storage.DB{db, other} {
		m, clock := newTestMain(t, d)
		if err := m.Open(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(60 * 24 * time.Hour)
		mains[i] = m
	}
	var before int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE action IN ('overdue', 'warning')`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ran := make([]int, 4)
	errs := make([]error, 4)
	for i := range ran {
		wg.Go(func() {
			for {
				n, err := mains[i%2].Jobs.RunDue(ctx)
				ran[i] += n
				if err != nil || n == 0 {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
	}
	var after int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE action IN ('overdue', 'warning')`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("no deadline passed: the test would prove nothing (ran %v)", ran)
	}
	var twice int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT case_id, action FROM case_events WHERE action IN ('overdue', 'warning')
		GROUP BY case_id, action HAVING COUNT(*) > 1) d`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Fatalf("%d (case, overdue|warning) pairs written more than once", twice)
	}
	t.Logf("timers run by the four runners of two replicas: %v; %d deadline entries written", ran, after-before)
}

// BenchmarkReplicaLiveEvent times a live event from the hub of one
// replica to a guard's board stream served by another (two Mains in this
// process on one PostgreSQL, each with its listener; the event relayed
// through NOTIFY), from Publish to the frame read by the client. Reports
// the median and the 99th percentile.
func BenchmarkReplicaLiveEvent(b *testing.B) {
	db, dsn := demoPostgresDSN(b)
	if db == nil {
		return
	}
	ctx := context.Background()
	other, err := storage.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	var mains [2]*Main
	for i, d := range []*storage.DB{db, other} {
		m, _ := newTestMain(b, d)
		m.Config.DB = dsn // so it listens
		if err := m.Open(ctx); err != nil {
			b.Fatal(err)
		}
		if err := m.Listen(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		mains[i] = m
	}
	for _, m := range mains {
		for !m.signals.Up() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	s := &testServer{Main: mains[1], URL: mains[1].URL()}
	guard := s.login(b, "ydguard")
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/cameras/stream", nil)
	res, err := guard.http.Do(req)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("stream: %v %v", err, res)
	}
	defer res.Body.Close()
	ids := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				ids <- id
			}
		}
	}()
	next := int64(1_000_000_000)
	// across: published on A, streamed by B; same: published on B, the
	// baseline of one replica in the same run.
	for _, bc := range []struct {
		name string
		on   *Main
	}{{"across", mains[0]}, {"same", mains[1]}} {
		b.Run(bc.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			for range b.N {
				next++
				start := time.Now()
				bc.on.Live.Publish(live.Event{ID: next, Topic: "camera/1", Type: "alert", Data: []byte(`{"bench":true}`)})
				select {
				case got := <-ids:
					if got != fmt.Sprint(next) {
						b.Fatalf("got id %s, want %d", got, next)
					}
				case <-time.After(10 * time.Second):
					b.Fatal("no event on the stream in 10 s")
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}
