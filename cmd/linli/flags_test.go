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
