package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linli/storage"
)

// The restore's refusals on SQLite, without a server: what is not a
// database, a database that is there (without --force), a directory a
// server holds. scripts/backuptest.sh does the whole round trip under load
// on both engines.
func TestBackupRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	db, err := storage.Open(ctx, filepath.Join(src, "linli.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, func() int64 { return 0 }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	run1 := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		return out.String() + errb.String(), err
	}
	backup := filepath.Join(dir, "b.db")
	if out, err := run1("backup", "--data", src, "-o", backup); err != nil || !strings.Contains(out, "0 cases, 0 attachments") {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, err := run1("backup", "--data", src, "-o", backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file: %v", err)
	}
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a database at all"), 0o600)
	dst := filepath.Join(dir, "dst")
	if _, err := run1("restore", "--from", junk, "--data", dst); err == nil || !strings.Contains(err.Error(), "not an SQLite database") {
		t.Fatalf("restore of junk: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "linli.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("restore of junk left a database: %v", err)
	}
	if out, err := run1("restore", "--from", backup, "--data", dst); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	if _, err := run1("restore", "--from", backup, "--data", dst); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a database without --force: %v", err)
	}
	unlock, err := lockData(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockData(dst); !errors.Is(err, errDataLocked) {
		t.Fatalf("a second lock: %v", err)
	}
	if _, err := run1("restore", "--from", backup, "--data", dst, "--force"); !errors.Is(err, errDataLocked) {
		t.Fatalf("restore --force into a served directory: %v", err)
	}
	unlock()
	if out, err := run1("restore", "--from", backup, "--data", dst, "--force"); err != nil || !strings.Contains(out, "kept as") {
		t.Fatalf("restore --force: %v %s", err, out)
	}
	kept, _ := filepath.Glob(filepath.Join(dst, "linli.db.before-restore-*"))
	if len(kept) == 0 {
		t.Fatal("--force did not keep the database it replaced")
	}
}
