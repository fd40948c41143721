package campaigns_test

import (
	"fmt"
	"testing"

	"linli"
	"linli/campaigns"
	"linli/cases"
	"linli/storage/storagetest"
)

// BenchmarkRecordFinding times recording a finding with one photo (the
// phone's form, through the service) beside its baseline in the same run,
// opening a case with one photo: the issue asks for at most twice a case.
//
//	go test ./campaigns/ -run '^$' -bench . -benchtime 300x
func BenchmarkRecordFinding(b *testing.B) {
	db := storagetest.SQLite(b)
	f := newFixture(b, db)
	_, ts := f.active()
	var all []struct{ task, household int64 }
	for _, t := range ts {
		hs, err := f.w.Registry.HouseholdsUnder(f.ctx, db, t.Path)
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range hs {
			all = append(all, struct{ task, household int64 }{t.ID, h.ID})
		}
	}
	photo := pngPhoto(b)
	grid, res := f.a("grid1"), f.a("xueyuan") // staff report for any household of the community
	b.Run("finding", func(b *testing.B) {
		i := 0
		for b.Loop() {
			x := all[i%len(all)]
			in := campaigns.FindingInput{TaskID: x.task, HouseholdID: x.household, Answers: fine(), IdempotencyKey: fmt.Sprintf("bench-%d", i)}
			if _, err := f.svc.Record(f.ctx, grid, in, photo); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("case", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := f.w.Cases.Open(f.ctx, res, cases.NewCase{Category: "public_facility", Title: "路灯不亮", Photos: photo["photo"], HouseholdID: all[0].household,
				IdempotencyKey: fmt.Sprintf("bench-%d", i)}); err != nil {
				b.Fatal(err, linli.ErrorFields(err))
			}
			i++
		}
	})
}
