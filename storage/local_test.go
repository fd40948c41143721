package storage_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

type localKey struct{}

// Local makes a DB's value once, however many ask at once and whether
// through the DB or a transaction; another DB has its own.
func TestLocalMadeOncePerDB(t *testing.T) {
	ctx := context.Background()
	a, b := storagetest.SQLite(t), storagetest.SQLite(t)
	var made atomic.Int64
	init := func(db *storage.DB) any {
		made.Add(1)
		return &struct{ db *storage.DB }{db}
	}
	vals := make([]any, 16)
	var wg sync.WaitGroup
	for i := range vals {
		wg.Go(func() { vals[i] = a.Local(localKey{}, init) })
	}
	wg.Wait()
	var inTx any
	if err := a.InTx(ctx, func(tx *storage.Tx) error {
		inTx = tx.Local(localKey{}, init)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, v := range append(vals, inTx) {
		if v != vals[0] {
			t.Fatal("two values for one DB")
		}
	}
	if vals[0].(*struct{ db *storage.DB }).db != a {
		t.Fatal("init was not given its DB")
	}
	if made.Load() != 1 {
		t.Fatalf("made %d times, want 1", made.Load())
	}
	if b.Local(localKey{}, init) == vals[0] || made.Load() != 2 {
		t.Fatal("another DB shares the value")
	}
}
