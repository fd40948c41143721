package main

// linli backup and linli restore.
//
// SQLite: the backup is VACUUM INTO on the live database, one read
// transaction, so it is consistent while the server goes on writing, and
// it holds the attachments (they are rows). The restore checks the copy
// (SQLite's integrity check, migrations this binary knows), puts it in
// place under the data directory's lock, and keeps any database it
// replaces beside it.
//
// PostgreSQL: pg_dump --format=custom (a consistent snapshot while
// serving) and pg_restore; the commands only add the checks around them.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"linli/attach"
	"linli/cases"
	"linli/storage"
)

// lockName is the file in the data directory a running Linli holds an
// exclusive lock on (flock), with its process id inside for the message
// others show. The lock, not the file, is what counts: a server killed
// with SIGKILL leaves the file but the kernel drops the lock.
const lockName = "linli.lock"

// dbSummary is what a backup or a restore says it holds, so an operator
// (and the backup test) can compare the two.
type dbSummary struct {
	Cases, Attachments, Migration int64
}

func (s dbSummary) String() string {
	return fmt.Sprintf("%d cases, %d attachments, migration %04d", s.Cases, s.Attachments, s.Migration)
}

func summarize(ctx context.Context, db *storage.DB) (dbSummary, error) {
	var s dbSummary
	var err error
	if s.Cases, err = cases.Count(ctx, db); err != nil {
		return s, err
	}
	if s.Attachments, err = attach.Count(ctx, db); err != nil {
		return s, err
	}
	st, err := db.Status(ctx)
	for _, m := range st {
		if m.Applied && int64(m.Version) > s.Migration {
			s.Migration = int64(m.Version)
		}
	}
	return s, err
}

func summarizeFile(ctx context.Context, path string) (dbSummary, error) {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return dbSummary{}, err
	}
	defer db.Close()
	return summarize(ctx, db)
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("backup", stderr)
	f.common(&cfg)
	var out string
	f.StringVar(&out, "o", "", "the backup file to write (must not exist)")
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: linli backup [--data DIR | --db postgres://…] -o FILE")
		f.PrintDefaults()
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if out == "" {
		f.Usage()
		return errors.New("backup needs -o FILE")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name (a backup never overwrites one)", out)
	}
	start := time.Now()
	if cfg.DB != "" {
		if err := pgTool(ctx, stderr, "pg_dump", "--format=custom", "--no-owner", "--file="+out, cfg.DB); err != nil {
			os.Remove(out)
			return err
		}
		fi, err := os.Stat(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s (pg_dump custom format, %d bytes) in %s\n", out, fi.Size(), time.Since(start).Round(time.Millisecond))
		return nil
	}
	src := cfg.DSN()
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", src, err)
	}
	db, err := storage.Open(ctx, src)
	if err != nil {
		return err
	}
	defer db.Close()
	// Written beside the target and renamed when whole: a backup cut
	// short never looks like a good one.
	part := out + ".partial"
	os.Remove(part)
	if err := db.BackupSQLite(ctx, part); err != nil {
		os.Remove(part)
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(part); err != nil {
		os.Remove(part)
		return err
	}
	if err := storage.CheckSQLite(ctx, part); err != nil {
		os.Remove(part)
		return fmt.Errorf("backup: the copy: %w", err)
	}
	if err := os.Rename(part, out); err != nil {
		os.Remove(part)
		return err
	}
	s, err := summarizeFile(ctx, out)
	if err != nil {
		return err
	}
	fi, _ := os.Stat(out)
	fmt.Fprintf(stdout, "backup written to %s (%d bytes) in %s: %s\n", out, fi.Size(), time.Since(start).Round(time.Millisecond), s)
	return nil
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("restore", stderr)
	f.common(&cfg)
	var from string
	var force bool
	f.StringVar(&from, "from", "", "the backup file (from linli backup)")
	f.BoolVar(&force, "force", false, "replace a database that is there (SQLite: the old files are kept beside it)")
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: linli restore --from FILE [--data DIR | --db postgres://…] [--force]")
		f.PrintDefaults()
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if from == "" {
		f.Usage()
		return errors.New("restore needs --from FILE")
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if cfg.DB != "" {
		return restorePostgres(ctx, cfg.DB, from, force, stdout, stderr)
	}
	return restoreSQLite(ctx, cfg, from, force, stdout)
}

func restoreSQLite(ctx context.Context, cfg Config, from string, force bool, stdout io.Writer) error {
	// The lock first: a server on this directory keeps it, and its
	// database is never replaced under it, --force or not.
	unlock, err := lockData(cfg.Data)
	if err != nil {
		return fmt.Errorf("restore: %w; stop it first", err)
	}
	defer unlock()
	if err := storage.CheckSQLite(ctx, from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	target := cfg.DSN()
	if _, err := os.Stat(target); err == nil && !force {
		what := "a database"
		if s, err := summarizeFile(ctx, target); err == nil {
			what = "a database (" + s.String() + ")"
		}
		return fmt.Errorf("restore: %s holds %s; add --force to replace it (it is kept beside as %s.before-restore-…)", target, what, filepath.Base(target))
	}
	// Copy into the directory, check the copy, then rename over: the
	// target is either the old database or the whole new one.
	part := target + ".restoring"
	if err := copyFile(from, part); err != nil {
		os.Remove(part)
		return err
	}
	if err := checkRestored(ctx, part); err != nil {
		removeDB(part)
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(target); err == nil {
		kept := target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		for _, sfx := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+sfx, kept+sfx); err != nil && !errors.Is(err, os.ErrNotExist) {
				removeDB(part)
				return err
			}
		}
		fmt.Fprintf(stdout, "the database that was there is kept as %s\n", kept)
	}
	for _, sfx := range []string{"-wal", "-shm"} {
		os.Remove(part + sfx) // checkRestored closed it: nothing is left in them
	}
	if err := os.Rename(part, target); err != nil {
		return err
	}
	s, err := summarizeFile(ctx, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %s\n", from, target, s)
	return nil
}

// checkRestored opens a copy the way the server will and refuses a
// database this binary cannot serve.
func checkRestored(ctx context.Context, path string) error {
	if err := storage.CheckSQLite(ctx, path); err != nil {
		return err
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	unknown, err := db.Unknown(ctx)
	if err != nil {
		return fmt.Errorf("%s is not a Linli database: %w", path, err)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("the backup was written by a newer Linli (migrations %v are unknown to this one); restore it with that version", unknown)
	}
	return nil
}

func restorePostgres(ctx context.Context, dsn, from string, force bool, stdout, stderr io.Writer) error {
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// Other sessions on the database: a Linli serving it. pg_restore
	// --clean under it would drop its tables as it runs.
	var others int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&others); err != nil {
		return err
	}
	if others > 0 {
		return fmt.Errorf("restore: %d other sessions are connected to this database (a running Linli?); stop them first", others)
	}
	var has bool
	if err := db.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&has); err != nil {
		return err
	}
	args := []string{"--no-owner", "--exit-on-error", "--single-transaction", "--dbname=" + dsn}
	if has {
		if !force {
			what := "a Linli database"
			if s, err := summarize(ctx, db); err == nil {
				what += " (" + s.String() + ")"
			}
			return fmt.Errorf("restore: the target holds %s; add --force to replace it", what)
		}
		args = append(args, "--clean", "--if-exists")
	}
	db.Close() // pg_restore must be the only session
	if err := pgTool(ctx, stderr, "pg_restore", append(args, from)...); err != nil {
		return err
	}
	db2, err := storage.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db2.Close()
	unknown, err := db2.Unknown(ctx)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		fmt.Fprintf(stderr, "warning: the restored database has migrations %v unknown to this Linli\n", unknown)
	}
	s, err := summarize(ctx, db2)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s: %s\n", from, s)
	return nil
}

// pgTool runs pg_dump or pg_restore, with its messages on stderr.
func pgTool(ctx context.Context, stderr io.Writer, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is not installed (Debian: apt-get install postgresql-client; its major version must be at least the server's)", name)
	}
	var msg strings.Builder
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stderr = io.MultiWriter(stderr, &msg)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(msg.String()))
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func removeDB(path string) {
	for _, sfx := range []string{"", "-wal", "-shm"} {
		os.Remove(path + sfx)
	}
}
