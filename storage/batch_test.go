package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// Concurrent batched writers: each success is committed, each failure is
// rolled back alone (its savepoint), and hooks run only for successes.
func TestBatchCommitsTogetherAndIsolatesFailures(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const n = 200
		var wg sync.WaitGroup
		var mu sync.Mutex
		hooks := 0
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = db.Batch(ctx, func(tx *storage.Tx) error {
					if _, err := tx.Insert(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES (?, 1, 1)`, fmt.Sprint("p", i)); err != nil {
						return err
					}
					tx.AfterCommit(func() { mu.Lock(); hooks++; mu.Unlock() })
					if i%10 == 0 {
						return errors.New("refused")
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		failed := 0
		for i, err := range errs {
			if (i%10 == 0) != (err != nil) {
				t.Fatalf("request %d: err = %v", i, err)
			}
			if err != nil {
				failed++
			}
		}
		var rows int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != n-failed || hooks != n-failed {
			t.Fatalf("rows = %d, hooks = %d, want %d", rows, hooks, n-failed)
		}
	})
}

func TestBatchSurvivesAPanic(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	err := db.Batch(ctx, func(tx *storage.Tx) error { panic("boom") })
	if err == nil {
		t.Fatal("panic not reported")
	}
	if err := db.Batch(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES ('x', 1, 1)`)
		return err
	}); err != nil {
		t.Fatalf("batch after panic: %v", err)
	}
}
