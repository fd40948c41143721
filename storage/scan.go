package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Querier is what a read needs: the database outside a transaction (*DB)
// or a write transaction (*Tx). Every capability reads through it, so one
// function serves both a page and a check inside a change.
type Querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *Row
}

var (
	_ Querier = (*DB)(nil)
	_ Querier = (*Tx)(nil)
)

// Row is the result of QueryRow. Its Scan adds the statement's first words
// to an error, so a failure in the log says which query it was;
// errors.Is(err, sql.ErrNoRows) still holds.
type Row struct {
	row *sql.Row
	q   string
	err error // the query was not sent: queued writes before it failed
}

// Scan copies the row's columns into dest.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if err := r.row.Scan(dest...); err != nil {
		return withStatement(r.q, err)
	}
	return nil
}

// Err returns the error of the query, if any, without scanning.
func (r *Row) Err() error {
	if r.err != nil {
		return r.err
	}
	return withStatement(r.q, r.row.Err())
}

// Each runs query and calls each for every row. It always closes the rows
// and returns rows.Err(): a connection lost halfway must be an error, never
// a short list.
func Each(ctx context.Context, q Querier, each func(*sql.Rows) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return withStatement(query, rows.Err())
}

// Select runs query and returns one value per row, made by scan.
func Select[T any](ctx context.Context, q Querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := Each(ctx, q, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, query, args...)
	return out, err
}

// Scalars returns the one column of every row (ids, names, counts).
func Scalars[T any](ctx context.Context, q Querier, query string, args ...any) ([]T, error) {
	return Select(ctx, q, func(rows *sql.Rows) (T, error) {
		var v T
		err := rows.Scan(&v)
		return v, err
	}, query, args...)
}

// StatementError is a database error with the statement it came from.
type StatementError struct {
	Statement string // the first words of the SQL, enough to find it
	Err       error
}

func (e *StatementError) Error() string { return "storage: " + e.Statement + ": " + e.Err.Error() }
func (e *StatementError) Unwrap() error { return e.Err }

// withStatement wraps err with the head of the statement q, once.
func withStatement(q string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*StatementError); ok {
		return err
	}
	return &StatementError{Statement: statementHead(q), Err: err}
}

// statementHead is the statement's first words, whitespace folded, cut at
// about 60 characters: "SELECT name, phone FROM people WHERE id = ?".
func statementHead(q string) string {
	head := strings.Join(strings.Fields(q), " ")
	if len(head) > 60 {
		cut := 60
		for cut > 0 && head[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		head = head[:cut] + "…"
	}
	return head
}

// Placeholders returns "?,?,…" with n marks, for IN lists.
func Placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// Args turns a slice of values into query arguments.
func Args[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// ScopeFilter is the SQL condition "column lies under one of scopes"
// (materialised paths, so a prefix test) and its arguments; with no
// scopes it is a condition that holds for nothing, so a caller without
// any grant sees nothing rather than everything.
func ScopeFilter(column string, scopes []string) (string, []any) {
	if len(scopes) == 0 {
		return "1 = 0", nil
	}
	conds := make([]string, len(scopes))
	args := make([]any, len(scopes))
	for i, sc := range scopes {
		conds[i] = column + " LIKE ?"
		args[i] = sc + "%"
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// DriverMessage is the database's own message for err, without the
// statement Linli adds: what to search for a constraint's or a column's
// name ("accounts.phone", "nodes_code") when a unique violation may come
// from more than one of them. The statement itself names every column, so
// searching the whole error would always match.
func DriverMessage(err error) string {
	var se *StatementError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
