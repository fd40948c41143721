package calendar

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
)

// Admin lets an administrator enter or upload a year's holidays and
// make-up days (the notice appears each November; a deployment must not
// wait for a release). Years entered are stored in calendar_years
// (migration 0030), validated exactly like a year file, audited, and
// merged over Base — the embedded years and --calendar-dir — into the
// calendar the services use, which Use swaps without a restart.
type Admin struct {
	DB    *storage.DB
	Clock linli.Clock
	// Base is the calendar before the stored years: embedded plus
	// --calendar-dir.
	Base *Calendar
	// Use installs a merged calendar (the wiring passes
	// cases.Service.UseCalendar); it must be safe for concurrent use.
	Use func(*Calendar)

	mu sync.Mutex // one Save at a time builds on the latest years
}

// StoredYear is a year entered in the UI or API.
type StoredYear struct {
	Year
	UpdatedBy int64     `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// YearInfo is one loaded year as the admin page lists it.
type YearInfo struct {
	Year      int       `json:"year"`
	Source    string    `json:"source"`
	Holidays  int       `json:"holidays"` // ranges
	Workdays  int       `json:"workdays"`
	Stored    bool      `json:"stored"` // entered in the UI/API (else shipped or from --calendar-dir)
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (ad *Admin) stored(ctx context.Context, q storage.Querier) ([]StoredYear, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (StoredYear, error) {
		var year int
		var data string
		var s StoredYear
		var at int64
		if err := rows.Scan(&year, &data, &s.UpdatedBy, &at); err != nil {
			return s, err
		}
		y, err := ParseYear(strings.NewReader(data))
		if err != nil {
			return s, fmt.Errorf("calendar: stored year %d: %w", year, err)
		}
		s.Year, s.UpdatedAt = y, storage.FromMillis(at)
		return s, nil
	}, `SELECT year, data, updated_by, updated_at FROM calendar_years ORDER BY year`)
}

func merge(base *Calendar, stored []StoredYear) (*Calendar, error) {
	ys := make([]Year, len(stored))
	for i, s := range stored {
		ys[i] = s.Year
	}
	return base.With(ys...)
}

// Load merges the stored years over Base and installs the result; the
// wiring calls it at start.
func (ad *Admin) Load(ctx context.Context) (*Calendar, error) {
	stored, err := ad.stored(ctx, ad.DB)
	if err != nil {
		return nil, err
	}
	c, err := merge(ad.Base, stored)
	if err != nil {
		return nil, err
	}
	if ad.Use != nil {
		ad.Use(c)
	}
	return c, nil
}

// Years lists the loaded years: shipped, from the directory and stored.
func (ad *Admin) Years(ctx context.Context, a *linli.Actor) ([]YearInfo, error) {
	if !a.HasRole(linli.RoleAdmin) {
		return nil, forbidden()
	}
	stored, err := ad.stored(ctx, ad.DB)
	if err != nil {
		return nil, err
	}
	c, err := merge(ad.Base, stored)
	if err != nil {
		return nil, err
	}
	at := map[int]time.Time{}
	for _, s := range stored {
		at[s.Year.Year] = s.UpdatedAt
	}
	var out []YearInfo
	for _, y := range c.Years() {
		t, ok := at[y.Year]
		out = append(out, YearInfo{Year: y.Year, Source: y.Source, Holidays: len(y.Holidays), Workdays: len(y.Workdays), Stored: ok, UpdatedAt: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// Save validates one year file (the format of calendar/data/README.md:
// dates inside the year, ranges in order and not overlapping, make-up
// days on weekends and never inside a day off, no unknown fields), checks
// it agrees with the neighbouring years, stores it (replacing a stored
// version), writes the audit row, and after commit installs the new
// calendar: deadlines computed from then on use it.
func (ad *Admin) Save(ctx context.Context, a *linli.Actor, raw []byte) (Year, error) {
	if !a.HasRole(linli.RoleAdmin) {
		return Year{}, forbidden()
	}
	y, err := ParseYear(bytes.NewReader(raw))
	if err != nil {
		return Year{}, err
	}
	if strings.TrimSpace(y.Source) == "" {
		return Year{}, linli.Invalid("请填写通知名称和日期 / name the notice and its date", linli.FieldError{Field: "source", Reason: "必填 / required"})
	}
	ad.mu.Lock()
	defer ad.mu.Unlock()
	now := ad.Clock.Now()
	err = ad.DB.InTx(ctx, func(tx *storage.Tx) error {
		stored, err := ad.stored(ctx, tx)
		if err != nil {
			return err
		}
		var before any
		others := stored[:0:0]
		for _, s := range stored {
			if s.Year.Year == y.Year {
				before = s.Year
				continue
			}
			others = append(others, s)
		}
		merged, err := merge(ad.Base, append(others, StoredYear{Year: y}))
		if err != nil {
			return linli.Invalid(linli.ErrorMessage(err), linli.FieldError{Field: "year", Reason: linli.ErrorMessage(err)})
		}
		data, err := json.Marshal(y)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_years (year, data, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			y.Year, string(data), a.AccountID, storage.Millis(now)); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "calendar.year.save", Entity: "calendar_year", EntityID: int64(y.Year), ScopePath: "/",
			Summary: fmt.Sprintf("录入%d年工作日历（%d段放假，%d个调休上班日）", y.Year, len(y.Holidays), len(y.Workdays)), Before: before, After: y}); err != nil {
			return err
		}
		if ad.Use != nil {
			tx.AfterCommit(func() { ad.Use(merged) })
		}
		return nil
	})
	return y, err
}

func forbidden() error {
	return linli.Errorf(linli.EForbidden, "只有管理员可以维护工作日历 / only an administrator may edit the working calendar")
}
