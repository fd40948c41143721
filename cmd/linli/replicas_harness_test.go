package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"linli/storage"
)

// What the replica tests (replicas_test.go) drive: `linli serve`
// processes of the built binary, clients that talk to any of them, a
// creation load that keeps what was acknowledged.

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
