// Command linli-bench holds the measuring tools, kept out of the server
// binary: a load generator for a running Linli, and a generator and timer
// for city-sized statistics. They write in bulk, straight into the tables,
// which is why they are not part of `linli`.
//
//	linli-bench loadtest        drive the HTTP API of a Linli on this machine
//	linli-bench stats-generate  fill a fresh database with a city and millions of cases
//	linli-bench stats-bench     time the statistics queries on such a database
//	linli-bench report-bench    time the monthly report of a district on it
//	linli-bench list-generate   fill a fresh database with one street of a million cases
//	linli-bench list-bench      time the case lists, board and search on it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	_ "time/tzdata" // intranet machines may lack a zoneinfo database

	"linli"
	"linli/cmd/linli-bench/loadtest"
	"linli/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "linli-bench:", err)
		}
		os.Exit(2)
	}
}

const usage = `linli-bench — Linli's measuring tools (not part of the server)

Usage:
  linli-bench loadtest --url http://127.0.0.1:8080 [--mode create|mixed|baseline|all] …
                                     load a running Linli on this machine (loopback only)
  linli-bench loadtest --verify FILE --url URL --data DIR|--db URL
                                     check the cases a --record run wrote down
  linli-bench stats-generate --data DIR|--db URL [--grids N] [--cases N] [--days N]
                                     fill a FRESH database with a city and its cases
  linli-bench stats-bench --data DIR|--db URL [--n RUNS]
                                     time the statistics queries on it
  linli-bench report-bench --data DIR|--db URL [--n RUNS] [--month 2026-11]
                                     time the monthly report of its district (baseline: the statistics page)
  linli-bench list-generate --data DIR|--db URL [--cases N] [--communities N]
                                     fill a FRESH database with one street of cases
  linli-bench list-bench --data DIR|--db URL [--n RUNS]
                                     time the case lists, board and search on it

--data and --db can also be set by LINLI_DATA and LINLI_DB. Run
"linli-bench COMMAND -h" for the flags of one command.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "loadtest":
		return loadtest.Command(ctx, rest, stdout, stderr)
	case "stats-generate", "stats-bench", "report-bench":
		return runStats(ctx, cmd, rest, stdout, stderr)
	case "list-generate", "list-bench":
		return runList(ctx, cmd, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// config is the database the statistics tools work on.
type config struct {
	Data  string // data directory; the SQLite file is DIR/linli.db, as for `linli serve`
	DB    string // postgres:// URL; empty means SQLite in Data
	Zone  string
	Clock linli.Clock
}

// open opens and migrates the database, as the server does at start.
func (c config) open(ctx context.Context) (*storage.DB, error) {
	dsn := c.DB
	if dsn == "" {
		dsn = filepath.Join(c.Data, "linli.db")
	}
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx, func() int64 { return storage.Millis(c.Clock.Now()) })
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		slog.Info("migrated database", "applied", n, "db", db.Label)
	}
	return db, nil
}

func runStats(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	cfg := config{Clock: linli.SystemClock{}}
	f := flag.NewFlagSet("linli-bench "+cmd, flag.ContinueOnError)
	f.SetOutput(stderr)
	envString(f, &cfg.Data, "data", "./linli-data", "data directory")
	envString(f, &cfg.DB, "db", "", "PostgreSQL URL (postgres://…); empty uses SQLite in the data directory")
	envString(f, &cfg.Zone, "zone", "Asia/Shanghai", "time zone of the statistics' days")
	var grids, total, days, runs int
	var month, cpuProfile string
	if cmd == "report-bench" {
		f.StringVar(&month, "month", "", "the month, 2026-11 (default: last month)")
	}
	if cmd == "stats-generate" {
		f.IntVar(&grids, "grids", 5000, "number of grids")
		f.IntVar(&total, "cases", 1000000, "number of cases")
		f.IntVar(&days, "days", 365, "spread the cases over this many days back from now")
	} else {
		f.IntVar(&runs, "n", 50, "runs per query")
		f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the timed runs to this file (go tool pprof)")
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", cmd, f.Arg(0))
	}
	if cpuProfile != "" {
		out, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch cmd {
	case "stats-bench":
		return runStatsBench(ctx, cfg, runs, stdout)
	case "report-bench":
		return runReportBench(ctx, cfg, runs, month, stdout)
	}
	return runStatsGenerate(ctx, cfg, grids, total, days, stdout)
}

// envString registers a string flag whose default comes from its LINLI_*
// variable (--db is LINLI_DB), as the server's flags do.
func envString(f *flag.FlagSet, p *string, name, def, help string) {
	env := "LINLI_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	f.StringVar(p, name, def, help+" (env "+env+")")
}
