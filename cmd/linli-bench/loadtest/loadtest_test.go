package loadtest

import (
	"context"
	"database/sql"
	"io"
	"os"
	"testing"
	"time"

	"linli/storage/storagetest"
)

func TestLoopbackURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.3.4.5:80/", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"https://127.0.0.1", true},
		{"http://10.0.0.1:8080", false},
		{"http://192.168.1.10", false},
		{"http://8.8.8.8", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://[::2]:8080", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
	} {
		_, err := loopbackURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("loopbackURL(%q): err %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestLoadtestRefuses(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"--url", "http://10.1.2.3:8080", "--mode", "create"},
		{"--mode", "sideways"},
		{"--concurrency", "0"},
		{"--mode", "mixed", "--record", "x.txt"},
	} {
		if err := Command(ctx, args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestLoadtestRawPostgres runs the raw baseline in a scratch schema and
// checks it leaves none behind.
func TestLoadtestRawPostgres(t *testing.T) {
	dsn := os.Getenv("LINLI_TEST_POSTGRES")
	if dsn == "" {
		storagetest.SkipOrFail(t, "LINLI_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	count := func() (n int) {
		if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'loadtest\_%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	rep, err := rawPhase(ctx, Config{DB: dsn, Duration: 300 * time.Millisecond, Concurrency: 4, MaxRequests: 100_000}, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Engine != "postgres" || rep.Total.OK == 0 || len(rep.Total.Failed) > 0 {
		t.Errorf("raw on %s: %d ok, failed %v (%s)", rep.Engine, rep.Total.OK, rep.Total.Failed, rep.Sample)
	}
	if after := count(); after != before {
		t.Errorf("%d loadtest schemas before, %d after: the scratch schema was left behind", before, after)
	}
}
