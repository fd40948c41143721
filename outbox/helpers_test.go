package outbox

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"linli"
	"linli/registry"
	"linli/storage"
)

var t0 = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)

// newWorker is a worker on a fake clock with a fixed jitter of one half.
func newWorker(db *storage.DB, clock *linli.FakeClock, s Settings) *Worker {
	return &Worker{DB: db, Clock: clock, Settings: s, Rand: func() float64 { return 0.5 }, Nodes: registry.New(db, clock),
		Client: &http.Client{Timeout: 2 * time.Second}, Name: "test-worker",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func enqueue(t testing.TB, db *storage.DB, at time.Time, m Message) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		id, err = Enqueue(context.Background(), tx, at, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// addChannel stores a configured channel directly (the page's own tests
// go through the service).
func addChannel(t testing.TB, db *storage.DB, nodeID int64, kind, name, url, secret string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(context.Background(), `INSERT INTO outbox_channels (node_id, kind, name, url, secret, enabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, 0, 0)`, nodeID, kind, name, url, secret)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type rowState struct {
	Status    string
	Attempts  int
	LastError string
	NextAt    time.Time
	SentAt    time.Time
}

func stateOf(t testing.TB, db *storage.DB, id int64) rowState {
	t.Helper()
	var s rowState
	var next, sent int64
	if err := db.QueryRow(context.Background(), `SELECT status, attempts, last_error, next_at, sent_at FROM outbox WHERE id = ?`, id).
		Scan(&s.Status, &s.Attempts, &s.LastError, &next, &sent); err != nil {
		t.Fatal(err)
	}
	s.NextAt, s.SentAt = storage.FromMillis(next), storage.FromMillis(sent)
	return s
}

func runDue(t testing.TB, w *Worker) int {
	t.Helper()
	n, err := w.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
