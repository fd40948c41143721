package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"linli/campaigns"
	"linli/storage"
)

// campaignDataStrings are the texts of notices and campaigns that are data
// (issue 11): what staff typed (titles, bodies, checklists with their
// options and units, guidance, notes), the names the services copy, and a
// number answer shown with its checklist's unit ("12年").
func campaignDataStrings(t *testing.T, db *storage.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	column := func(q string) []string {
		var vs []string
		rows, err := db.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	for _, q := range []string{
		`SELECT title FROM notices`, `SELECT body FROM notices`, `SELECT author FROM notices`, `SELECT name FROM notice_recipients`,
		`SELECT building FROM notice_recipients`, `SELECT note FROM notice_calls`, `SELECT by_name FROM notice_calls`,
		`SELECT title FROM campaigns`, `SELECT hazard_type FROM campaigns`, `SELECT note FROM campaigns`, `SELECT title FROM campaign_templates`,
		`SELECT hazard_type FROM campaign_templates`, `SELECT name FROM campaign_members`, `SELECT title FROM campaign_tasks`,
		`SELECT label FROM campaign_findings`, `SELECT note FROM campaign_findings`, `SELECT recorder_name FROM campaign_findings`,
		`SELECT guidance FROM campaign_plans`, `SELECT assignee_name FROM campaign_plans`, `SELECT done_note FROM campaign_plans`,
	} {
		out = append(out, column(q)...)
	}
	units := map[string]string{}
	lists := append(column(`SELECT items FROM campaign_templates`), column(`SELECT checklist FROM campaigns WHERE checklist <> ''`)...)
	for _, js := range lists {
		var c campaigns.Checklist
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			t.Fatalf("checklist %q: %v", js, err)
		}
		for _, it := range c {
			out = append(out, it.Label, it.Unit, it.Help)
			out = append(out, it.Options...)
			if it.Unit != "" {
				units[it.Key] = it.Unit
			}
		}
	}
	for _, js := range column(`SELECT answers FROM campaign_findings`) {
		var as map[string]string
		if err := json.Unmarshal([]byte(js), &as); err != nil {
			t.Fatalf("answers %q: %v", js, err)
		}
		for k, v := range as {
			if u := units[k]; u != "" {
				out = append(out, fmt.Sprintf("%s%s", v, u))
			}
		}
	}
	return out
}
