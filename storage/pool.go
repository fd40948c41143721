package storage

import "fmt"

// DefaultPool is how many connections a PostgreSQL database opens at
// most for its work (besides the case-number counter's small pool, the
// replicas' listener and a standby's pool).
const DefaultPool = 32

// SetPoolSize bounds the PostgreSQL connections this process opens for
// its work. Each replica of a city opens up to this many, so the sum over
// the replicas has to fit PostgreSQL's max_connections (default 100)
// with room for the counter pools, the listeners and the command line:
// a city of five replicas on a default server wants about 15 each. Fewer
// connections means fewer transactions in flight to share a WAL flush;
// see docs/scale.md. SQLite has its own fixed pools: an error.
func (db *DB) SetPoolSize(n int) error {
	if db.Dialect != Postgres {
		return fmt.Errorf("the connection pool size applies to PostgreSQL only (SQLite writes through one connection)")
	}
	if n < 2 || n > 1000 {
		return fmt.Errorf("connection pool size %d: want 2 to 1000", n)
	}
	db.write.SetMaxOpenConns(n)
	db.write.SetMaxIdleConns(n)
	return nil
}
