package audit

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"linli"
	"linli/storage"
)

// MinRetention is the least time an audit entry is kept: six months, as
// the Cybersecurity Law (art. 21) asks of network logs, counted as 180
// days. A deployment may keep entries longer, never shorter.
const MinRetention = 180 * 24 * time.Hour

// CheckRetention refuses a retention period shorter than MinRetention.
func CheckRetention(keep time.Duration) error {
	if keep < MinRetention {
		return fmt.Errorf("audit retention %s is shorter than the legal minimum of %d days (six months); it can only be raised",
			days(keep), int(MinRetention/(24*time.Hour)))
	}
	return nil
}

func days(d time.Duration) string { return fmt.Sprintf("%g days", d.Hours()/24) }

// Retention removes audit entries older than Keep, each only after it is
// written to a file in Dir: gzip-compressed JSON lines, one Entry a line,
// named audit-<first id>-<last id>.jsonl.gz, synced to disk before the
// rows go. The export is recorded in audit_exports in the transaction that
// removes the rows, and the database refuses to delete an entry no export
// covers (migration 0059). If the file cannot be written, nothing is
// removed and the run fails (the timer tries again later). If the
// transaction fails after the file was written, the rows stay and the next
// run writes them again: an entry may be in two files, never in none.
type Retention struct {
	DB    *storage.DB
	Clock linli.Clock
	Keep  time.Duration // at least MinRetention
	Dir   string        // where the exports go
	Batch int           // entries per run (default 50,000)
}

// Exported is what one run wrote and removed.
type Exported struct {
	File    string
	Entries int
	More    bool // the batch was full: older entries remain for the next run
}

// Run exports and removes one batch of expired entries in tx (a timer's
// transaction): the oldest first.
func (r *Retention) Run(ctx context.Context, tx *storage.Tx) (Exported, error) {
	if err := CheckRetention(r.Keep); err != nil {
		return Exported{}, err
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 50_000
	}
	now := r.Clock.Now()
	cutoff := storage.Millis(now.Add(-r.Keep))
	entries, err := storage.Select(ctx, tx, scanEntry, `SELECT id, at, account_id, actor, action, entity, entity_id, scope_path, summary, summary_en, before_json, after_json, ip
		FROM audit_log WHERE at < ? ORDER BY id LIMIT ?`, cutoff, batch)
	if err != nil || len(entries) == 0 {
		return Exported{}, err
	}
	first, last := entries[0].ID, entries[len(entries)-1].ID
	name := fmt.Sprintf("audit-%012d-%012d.jsonl.gz", first, last)
	sum, err := writeExport(filepath.Join(r.Dir, name), entries)
	if err != nil {
		return Exported{}, fmt.Errorf("audit retention: export to %s: %w (nothing removed)", r.Dir, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit_exports (file, first_id, last_id, cutoff_at, entries, sha256, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		name, first, last, cutoff, len(entries), sum, storage.Millis(now)); err != nil {
		return Exported{}, err
	}
	res, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE id BETWEEN ? AND ? AND at < ?`, first, last, cutoff)
	if err != nil {
		return Exported{}, err
	}
	if n, _ := res.RowsAffected(); n != int64(len(entries)) {
		return Exported{}, fmt.Errorf("audit retention: %d entries exported but %d would be removed", len(entries), n)
	}
	out := Exported{File: name, Entries: len(entries), More: len(entries) == batch}
	return out, Record(ctx, tx, linli.System(), now, Change{Action: "audit.export", Entity: "audit_export", ScopePath: "/",
		Summary:   fmt.Sprintf("审计日志超过保存期限的%d条记录已导出至「%s」并删除", len(entries), name),
		SummaryEN: fmt.Sprintf("Exported %d audit entries past the retention period to “%s” and removed them", len(entries), name),
		After:     map[string]any{"file": name, "first_id": first, "last_id": last, "entries": len(entries), "sha256": sum}})
}

func scanEntry(rows *sql.Rows) (Entry, error) {
	var e Entry
	var at int64
	err := rows.Scan(&e.ID, &at, &e.AccountID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.ScopePath, &e.Summary, &e.SummaryEN, &e.Before, &e.After, &e.IP)
	e.At = storage.FromMillis(at)
	return e, err
}

// writeExport writes the entries to path through a temporary file in the
// same directory, synced, then renamed, and the directory synced: after it
// returns the file is whole on disk. It returns the SHA-256 of the file.
func writeExport(path string, entries []Entry) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".audit-export-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	zw := gzip.NewWriter(io.MultiWriter(f, h))
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
