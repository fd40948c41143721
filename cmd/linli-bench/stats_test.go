package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/registry"
	"linli/stats"
	"linli/storage/storagetest"
)

// The generator's bulk writes (COPY on PostgreSQL, multi-row INSERTs on
// SQLite) give every rollup each case once, and its street rollup is its
// community rollup summed by the tree — over two streets.
func TestStatsGenerateRollups(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			cfg := config{Zone: "Asia/Shanghai", Clock: linli.NewFakeClock(time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC))}
			if engine == "sqlite" {
				cfg.Data = t.TempDir()
			} else {
				dsn := os.Getenv("LINLI_TEST_POSTGRES")
				if dsn == "" {
					storagetest.SkipOrFail(t, "LINLI_TEST_POSTGRES is not set")
				}
				admin, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer admin.Close()
				schema := fmt.Sprintf("statsgen_%d", time.Now().UnixNano())
				if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _, _ = admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`) })
				sep := "?"
				if strings.Contains(dsn, "?") {
					sep = "&"
				}
				cfg.DB = dsn + sep + "search_path=" + schema
			}
			const total = 3000
			// 25 communities: more than a "small scope", so the city's grids
			// and categories come from the district rollups by month.
			if err := runStatsGenerate(ctx, cfg, 250, total, 60, io.Discard); err != nil {
				t.Fatal(err)
			}
			db, err := cfg.open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var closed int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE closed_at <> 0`).Scan(&closed); err != nil {
				t.Fatal(err)
			}
			for _, tb := range cases.StatTables {
				var reported, c int
				if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(reported), 0), COALESCE(SUM(closed), 0) FROM `+tb.Name).Scan(&reported, &c); err != nil {
					t.Fatal(err)
				}
				if reported != total || c != closed {
					t.Errorf("%s: %d reported, %d closed; want %d, %d", tb.Name, reported, c, total, closed)
				}
			}
			var streets, wrong int
			if err := db.QueryRow(ctx, `SELECT COUNT(DISTINCT community_id) FROM stats_street_day`).Scan(&streets); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (
				SELECT s.id, st.period, SUM(st.reported) AS r, SUM(st.due_closed) AS dc, SUM(st.responded_on_time) AS rot FROM stats_community_day st
				JOIN nodes c ON c.id = st.community_id JOIN nodes s ON s.id = c.parent_id GROUP BY s.id, st.period) a
				LEFT JOIN stats_street_day b ON b.community_id = a.id AND b.period = a.period
				WHERE COALESCE(b.reported, -1) <> a.r OR COALESCE(b.due_closed, -1) <> a.dc OR COALESCE(b.responded_on_time, -1) <> a.rot`).Scan(&wrong); err != nil {
				t.Fatal(err)
			}
			if streets != 3 || wrong != 0 {
				t.Errorf("%d streets in the street rollup (want 3), %d street-days differing from their communities' sums", streets, wrong)
			}
			// The city by grid and by category, over whole months: every case once.
			reg := registry.New(db, cfg.Clock)
			zone, _ := time.LoadLocation(cfg.Zone)
			st := &stats.Service{DB: db, Registry: reg, Weights: stats.DefaultWeights(), Zone: zone, Clock: cfg.Clock}
			var city int64
			if err := db.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'city'`).Scan(&city); err != nil {
				t.Fatal(err)
			}
			now := cfg.Clock.Now()
			for _, by := range []stats.Group{stats.ByGrid, stats.ByCategory} {
				r, err := st.Report(ctx, linli.System(), stats.Query{NodeID: city, From: now.AddDate(0, 0, -70), To: now, By: by})
				if err != nil {
					t.Fatal(err)
				}
				sum := 0
				for _, row := range r.Rows {
					sum += row.Reported
				}
				if !r.Monthly || sum != total || len(r.Ranking) != 20 {
					t.Errorf("city by %s: monthly %v, %d reported in its rows (want %d), %d ranked", by, r.Monthly, sum, total, len(r.Ranking))
				}
			}
		})
	}
}
