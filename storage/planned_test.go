package storage_test

import (
	"context"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// A heavy read (storage.HeavyRead) on PostgreSQL is planned for its own
// values each time: no prepared statement is left on the server, where a
// generic plan kept after five runs served every later value (the city
// statistics' grid ranking read 5,000 rows one by one through it). An
// ordinary read keeps its prepared statement.
func TestHeavyReadsArePlannedForTheirValues(t *testing.T) {
	db := storagetest.Postgres(t)
	if db == nil {
		return
	}
	ctx := context.Background()
	// One connection, so the statements counted are the ones it prepared.
	db.Pools()["main"].SetMaxOpenConns(1)
	prepared := func(marker string) int {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE ?`, "%"+marker+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 0; i < 7; i++ {
		var v int
		if err := db.QueryRow(storage.HeavyRead(ctx), `SELECT ? + 0 AS heavy_marker_1`, i).Scan(&v); err != nil || v != i {
			t.Fatalf("heavy read: %d %v", v, err)
		}
		if err := db.QueryRow(ctx, `SELECT ? + 0 AS light_marker_1`, i).Scan(&v); err != nil || v != i {
			t.Fatalf("ordinary read: %d %v", v, err)
		}
	}
	if n := prepared("heavy_marker_1"); n != 0 {
		t.Errorf("%d prepared statements for the heavy read, want none", n)
	}
	if n := prepared("light_marker_1"); n == 0 {
		t.Errorf("no prepared statement for the ordinary read: the test cannot tell the two apart")
	}
	rows, err := db.Query(storage.HeavyRead(ctx), `SELECT g FROM generate_series(1, ?) g`, 3)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Close(); err != nil || n != 3 {
		t.Errorf("heavy Query: %d rows, %v", n, err)
	}
}
