package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"linli/storage/storagetest"
)

// A private PostgreSQL for the tests that restart it
// (TestReplicasSurvivePostgresRestart): the shared test server is not
// theirs to restart.

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
	// One buffer each: the two processes' stderr are copied by two goroutines.
	var dumpErrs, errs bytes.Buffer
	dump.Stderr, restore.Stderr, restore.Stdout = &dumpErrs, &errs, io.Discard
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	if err := restore.Run(); err != nil {
		t.Fatalf("psql: %v\n%s\n%s", err, errs.String(), dumpErrs.String())
	}
	if err := dump.Wait(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, dumpErrs.String())
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
