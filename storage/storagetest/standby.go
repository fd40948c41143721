package storagetest

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Replicated is a private PostgreSQL primary with a hot standby streaming
// from it, each its own postmaster on a loopback port, in a temporary
// directory: a standby test must not reconfigure the shared test server.
// Every statement either server runs is logged (log_statement=all), so a
// test can tell which one answered a query.
type Replicated struct {
	Primary, Standby       string // postgres:// URLs of the database "linli" on each
	PrimaryLog, StandbyLog string // the servers' logs

	dir, bin string
	as       *owner
	procs    map[string]*proc
}

// proc is a running postmaster; exited is closed when it has ended.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// StartReplicated initialises a primary (wal_level=replica), copies it with
// pg_basebackup -R, starts the copy as a hot standby, and removes both when
// the test ends, failed or not. It runs with the PostgreSQL suites
// (LINLI_TEST_POSTGRES set) and needs the server's programs (initdb,
// pg_basebackup, postgres: the newest /usr/lib/postgresql/*/bin, or
// LINLI_TEST_PG_BIN); without them it skips, or fails under strict mode.
// initdb refuses to run as root: as root, the servers run as the OS user
// postgres.
func StartReplicated(t testing.TB) *Replicated {
	t.Helper()
	if os.Getenv("LINLI_TEST_POSTGRES") == "" {
		SkipOrFail(t, "LINLI_TEST_POSTGRES is not set")
	}
	bin, err := pgBin()
	if err != nil {
		SkipOrFail(t, err.Error())
	}
	as, err := serverOwner()
	if err != nil {
		SkipOrFail(t, err.Error())
	}
	dir, err := os.MkdirTemp("", "linli-standby-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // registered first: runs after the servers stop
	if err := as.own(dir); err != nil {
		t.Fatal(err)
	}
	r := &Replicated{dir: dir, bin: bin, as: as, procs: map[string]*proc{},
		PrimaryLog: filepath.Join(dir, "primary.log"), StandbyLog: filepath.Join(dir, "standby.log")}
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.run("initdb", "-D", filepath.Join(dir, "primary"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", ports[0])
	if err := r.start(t, "primary", ports[0], admin, "-c", "wal_level=replica", "-c", "max_wal_senders=4", "-c", "fsync=off"); err != nil {
		t.Fatal(err)
	}
	if err := exec1(admin, `CREATE DATABASE linli`); err != nil {
		t.Fatal(err)
	}
	if err := r.run("pg_basebackup", "-h", "127.0.0.1", "-p", fmt.Sprint(ports[0]), "-U", "postgres", "-D", filepath.Join(dir, "standby"),
		"-R", "-X", "stream", "--checkpoint=fast", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	standbyAdmin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", ports[1])
	if err := r.start(t, "standby", ports[1], standbyAdmin, "-c", "hot_standby=on"); err != nil {
		t.Fatal(err)
	}
	r.Primary = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/linli?sslmode=disable", ports[0])
	r.Standby = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/linli?sslmode=disable", ports[1])
	return r
}

// run runs one of the server's programs as the servers' owner.
func (r *Replicated) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(r.bin, name), args...)
	cmd.Dir = r.dir
	r.as.apply(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// start starts a postmaster on the data directory dir/name and waits until
// it takes connections (a standby: once it is consistent).
func (r *Replicated) start(t testing.TB, name string, port int, admin string, conf ...string) error {
	log, err := os.OpenFile(filepath.Join(r.dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	args := append([]string{"-D", filepath.Join(r.dir, name), "-p", fmt.Sprint(port), "-k", r.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "log_statement=all", "-c", "log_line_prefix=@@%a@@ "}, conf...)
	cmd := exec.Command(filepath.Join(r.bin, "postgres"), args...)
	cmd.Dir = r.dir
	cmd.Stdout, cmd.Stderr = log, log
	r.as.apply(cmd)
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	r.procs[name] = p
	exited := p.exited
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = p.stop() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ping(admin)
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(filepath.Join(r.dir, name+".log"))
			return fmt.Errorf("%s exited: %s", name, b)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer: %w", name, err)
		}
	}
}

// stop shuts a postmaster down (fast: SIGINT), killing it if it lingers.
func (p *proc) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
		return nil
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("postmaster %d ignored SIGINT for 15 s: killed", p.cmd.Process.Pid)
	}
}

// StopStandby shuts the standby down (an outage, for a fallback test).
func (r *Replicated) StopStandby(t testing.TB) {
	t.Helper()
	if err := r.procs["standby"].stop(); err != nil {
		t.Fatal(err)
	}
}

// WaitReplay waits until the standby has replayed everything the primary
// has written so far.
func (r *Replicated) WaitReplay(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := sql.Open("pgx", r.Primary)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s, err := sql.Open("pgx", r.Standby)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lsn string
	if err := p.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var done bool
		err := s.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&done)
		if err == nil && done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the standby did not replay up to %s: %v", lsn, err)
		case <-tick.C:
		}
	}
}

// Statement is one statement a server logged: the session's
// application_name and the SQL.
type Statement struct {
	App, SQL string
}

// Statements returns the statements a server's log holds after its first
// skip bytes (a log's size, taken earlier with LogSize, reads only what
// came since).
func Statements(t testing.TB, log string, skip int64) []Statement {
	t.Helper()
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(skip, 0); err != nil {
		t.Fatal(err)
	}
	var out []Statement
	var cur *Statement
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "@@") {
			if cur != nil && strings.HasPrefix(line, "\t") {
				cur.SQL += "\n" + line[1:]
			}
			continue
		}
		cur = nil
		app, msg, ok := strings.Cut(line[2:], "@@ ")
		if !ok {
			continue
		}
		var sqlText string
		switch {
		case strings.HasPrefix(msg, "LOG:  statement: "):
			sqlText = strings.TrimPrefix(msg, "LOG:  statement: ")
		case strings.HasPrefix(msg, "LOG:  execute "):
			_, sqlText, ok = strings.Cut(strings.TrimPrefix(msg, "LOG:  execute "), ": ")
			if !ok {
				continue
			}
		default:
			continue
		}
		out = append(out, Statement{App: app, SQL: sqlText})
		cur = &out[len(out)-1]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// LogSize is a log's size now, for Statements.
func LogSize(t testing.TB, log string) int64 {
	t.Helper()
	st, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// pgBin finds the directory of the PostgreSQL server's programs.
func pgBin() (string, error) {
	if d := os.Getenv("LINLI_TEST_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("no PostgreSQL server programs (initdb, pg_basebackup, postgres): set LINLI_TEST_PG_BIN")
}

// version is the major version in /usr/lib/postgresql/NN/bin.
func version(dir string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(dir)), &v)
	return v
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func exec1(dsn, q string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(q)
	return err
}
