package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// BackupSQLite writes a consistent copy of an SQLite database to path with
// VACUUM INTO. The copy is one read transaction: writers go on meanwhile
// (WAL), and the copy holds every transaction committed before it began
// and none after. Attachments are rows (blobs), so they are in the copy.
// path must not exist.
func (db *DB) BackupSQLite(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("storage: BackupSQLite on " + string(db.Dialect))
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("storage: backup %s: the file exists", path)
	}
	// The read pool is read-only; VACUUM INTO only reads the database,
	// but it needs a connection that may create the target file.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return withStatement("VACUUM INTO", err)
	}
	return nil
}

// CheckSQLite runs SQLite's integrity check on the file at path, opened
// read-only and without changing it, and returns its answer when it is
// not "ok".
func CheckSQLite(ctx context.Context, path string) error {
	head := make([]byte, 16)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	_, err = f.Read(head)
	f.Close()
	if err != nil || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("%s is not an SQLite database", path)
	}
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}
	return nil
}

// Unknown lists the applied migrations this binary does not know: a
// database written by a newer Linli. Opening it would run old code on a
// newer schema.
func (db *DB) Unknown(ctx context.Context) ([]int, error) {
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	got, err := db.applied(ctx)
	if err != nil {
		return nil, err
	}
	var out []int
	for v := range got {
		if !known[v] {
			out = append(out, v)
		}
	}
	return out, nil
}
