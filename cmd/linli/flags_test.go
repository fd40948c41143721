package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// A bad LINLI_* value is an error, not a silent fallback to the default.
func TestBadEnvironmentValueIsReported(t *testing.T) {
	t.Setenv("LINLI_WEIGHTS", "0.3,x,0.4")
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "LINLI_WEIGHTS") {
		t.Fatalf("err = %v, want one naming LINLI_WEIGHTS", err)
	}
	t.Setenv("LINLI_WEIGHTS", "")
	err = run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--basic-weight", "2"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "basic weight") {
		t.Fatalf("err = %v, want the basic-weight range error", err)
	}
}

// --db-pool takes a number of connections for PostgreSQL; a bad number
// and SQLite are refused before the server starts.
func TestDBPoolFlag(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--db-pool", "1"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "2 to 1000") {
		t.Fatalf("--db-pool 1: %v", err)
	}
	err = run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--db-pool", "8"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL only") {
		t.Fatalf("--db-pool on SQLite: %v", err)
	}
	t.Setenv("LINLI_DB_POOL", "many")
	err = run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "LINLI_DB_POOL") {
		t.Fatalf("LINLI_DB_POOL=many: %v", err)
	}
}
