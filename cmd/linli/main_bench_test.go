package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestMainLeavesBenchTools: the load and data generators live in
// cmd/linli-bench; the server binary refuses their old command lines and
// its help does not offer them.
func TestMainLeavesBenchTools(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"loadtest", "--url", "http://127.0.0.1:8080", "--data", dir}, `unknown command "loadtest"`},
		{[]string{"stats", "generate", "--grids", "1", "--data", dir}, "usage: linli stats rebuild"},
		{[]string{"stats", "bench", "--n", "1", "--data", dir}, "usage: linli stats rebuild"},
	} {
		err := run(ctx, tc.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("linli %s: error %v, want %q (it belongs to linli-bench)", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	for _, gone := range []string{"loadtest", "generate", "bench"} {
		if strings.Contains(usage, gone) {
			t.Errorf("linli's usage still mentions %q", gone)
		}
	}
}
