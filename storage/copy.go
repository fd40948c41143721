package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// CopyRows writes many rows into one table in bulk, for the measuring
// tools that fill a fresh database (linli-bench): PostgreSQL's COPY
// through pgx, multi-row INSERTs in one transaction on SQLite. It is not
// for the service's writes: no AfterCommit, no audit, and on PostgreSQL
// the rows are one statement of their own, outside any InTx.
func (db *DB) CopyRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if db.Dialect == Postgres {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy into %s: not a pgx connection", table)
			}
			n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
			if err == nil && n != int64(len(rows)) {
				err = fmt.Errorf("copy into %s: %d of %d rows", table, n, len(rows))
			}
			return withStatement("COPY "+table, err)
		})
	}
	// SQLite allows 32,766 bound values per statement.
	per := max(1, 32000/len(columns))
	row := "(" + Placeholders(len(columns)) + ")"
	return db.InTx(ctx, func(tx *Tx) error {
		for i := 0; i < len(rows); i += per {
			batch := rows[i:min(i+per, len(rows))]
			args := make([]any, 0, len(batch)*len(columns))
			for _, r := range batch {
				args = append(args, r...)
			}
			q := `INSERT INTO ` + table + ` (` + strings.Join(columns, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+",", len(batch)), ",")
			// Not through the statement cache: these texts are used once.
			if _, err := tx.tx.ExecContext(ctx, q, args...); err != nil {
				return withStatement(q, err)
			}
		}
		return nil
	})
}
