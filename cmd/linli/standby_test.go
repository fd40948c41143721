package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/demo"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestHeavyPagesReadTheHotStandby runs Linli on a private PostgreSQL
// primary with --db-read on a real streaming standby of it (pg_basebackup
// -R, a second postmaster; both log every statement). The statistics, the
// case list's export and the monthly report are answered by the standby;
// no write ever reaches it; and when it stops, the statistics are served by
// the primary and /metrics says so.
func TestHeavyPagesReadTheHotStandby(t *testing.T) {
	r := storagetest.StartReplicated(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, r.Primary)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, func() int64 { return time.Now().UnixMilli() }); err != nil {
		t.Fatal(err)
	}
	m, clock := newTestMain(t, db)
	m.Config.DBRead = r.Standby
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	d := demo.Build()
	if _, err := demo.Load(ctx, m.Registry, m.Auth, d); err != nil { // places and accounts; no cases
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.server.Close() })
	s := &testServer{Main: m, URL: m.URL(), Clock: clock, Data: d}

	const filed = 3
	for i := range filed {
		fileReport(t, s, "楼上漏水 "+strconv.Itoa(i))
	}
	staff := s.login(t, "xueyuan")
	reported := func() int {
		t.Helper()
		var rep struct {
			Total struct {
				Reported int `json:"reported"`
			} `json:"total"`
		}
		if st := staff.json("GET", "/api/stats", nil, &rep); st != 200 {
			t.Fatalf("/api/stats: %d", st)
		}
		return rep.Total.Reported
	}
	reported() // folds the new cases' counters into the rollups, on the primary
	campaign := campaignFixture(t, s)["campaign"]
	r.WaitReplay(t)

	// Each heavy page, and the SQL that tells its main read: the
	// statistics' trend, the case list's page, the report's counts by
	// source, the campaign workbook's findings of a place. Each runs on
	// the standby and not on the primary.
	type page struct{ path, sql string }
	for _, p := range []page{
		{"/api/stats", "FROM stats_community_day st"},
		{"/stats", "FROM stats_community_day st"},
		{"/stats/export.xlsx", "FROM stats_community_day st"},
		{"/cases/export.xlsx?state=all", "FROM cases c"},
		{"/api/reports?month=2026-11", "GROUP BY c.category_id, c.location_id HAVING"},
		{"/reports/export.xlsx?month=2026-11", "GROUP BY c.category_id, c.location_id HAVING"},
		{"/campaigns/" + campaign + "/export.xlsx", "f.status = 'current' AND f.path LIKE"},
	} {
		fromP, fromS := storagetest.LogSize(t, r.PrimaryLog), storagetest.LogSize(t, r.StandbyLog)
		if st, b := staff.do("GET", p.path, nil); st != 200 {
			t.Errorf("GET %s: %d %.300s", p.path, st, b)
		}
		if !ran(storagetest.Statements(t, r.StandbyLog, fromS), p.sql, "linli-standby") {
			t.Errorf("GET %s: %q did not run on the standby", p.path, p.sql)
		}
		if ran(storagetest.Statements(t, r.PrimaryLog, fromP), p.sql, "") {
			t.Errorf("GET %s: %q ran on the primary", p.path, p.sql)
		}
	}
	if n := reported(); n != filed {
		t.Errorf("statistics from the replayed standby: %d reported; want %d", n, filed)
	}
	// Not one statement the standby ever ran (its whole log) writes.
	all := storagetest.Statements(t, r.StandbyLog, 0)
	if len(all) == 0 {
		t.Fatal("the standby's log holds no statement")
	}
	readOnly := regexp.MustCompile(`(?is)^\s*(--.*)?$|^\s*(SELECT|WITH|SHOW|VALUES|TABLE)\b`)
	for _, st := range all {
		if !readOnly.MatchString(st.SQL) {
			t.Errorf("the standby ran a statement that is not a read (%s): %.200s", st.App, st.SQL)
		}
		if regexp.MustCompile(`(?i)\b(INSERT|UPDATE|DELETE|MERGE)\b`).MatchString(st.SQL) {
			t.Errorf("the standby ran a statement that writes (%s): %.200s", st.App, st.SQL)
		}
	}
	metrics := func() string {
		st, b := s.anon(t).do("GET", "/metrics", nil)
		if st != 200 {
			t.Fatalf("/metrics: %d", st)
		}
		return string(b)
	}
	if v := metric(t, metrics(), "linli_db_standby_reads_total"); v < 3 {
		t.Errorf("linli_db_standby_reads_total = %v; want the heavy reads counted", v)
	}

	// The standby stops: the statistics are the primary's, and /metrics
	// tells the fallback.
	r.StopStandby(t)
	if n := reported(); n != filed {
		t.Errorf("statistics with the standby down: %d reported; want %d", n, filed)
	}
	if st, b := staff.do("GET", "/cases/export.xlsx?state=all", nil); st != 200 {
		t.Errorf("case export with the standby down: %d %.300s", st, b)
	}
	body := metrics()
	if v := metric(t, body, "linli_db_standby_up"); v != 0 {
		t.Errorf("linli_db_standby_up = %v with the standby down", v)
	}
	if v := metric(t, body, "linli_db_standby_fallbacks_total"); v < 1 {
		t.Errorf("linli_db_standby_fallbacks_total = %v; want the reads served by the primary counted", v)
	}
}

// ran reports whether a statement holding sql was run by a session named
// app ("": any).
func ran(sts []storagetest.Statement, sql, app string) bool {
	for _, st := range sts {
		if strings.Contains(st.SQL, sql) && (app == "" || st.App == app) {
			return true
		}
	}
	return false
}

// metric is the value of an unlabelled metric in a /metrics body.
func metric(t *testing.T, body, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}
