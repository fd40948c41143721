package consent

// Benchmarks of the two rule sets at the sizes Linli meets (a unit of 12
// households, a building of 96, the MaxOwners limit), each with a baseline
// in the same run: one pass summing areas and counting agreeing ballots —
// the least any tally must do. Figures: docs/performance.md.
//
//	go test -run '^$' -bench . -benchmem ./consent/

import (
	"fmt"
	"testing"
)

func benchUnit(n int) []Household {
	hs := make([]Household, n)
	choices := []Choice{Agree, Agree, Agree, Disagree, Abstain, ""}
	for i := range hs {
		hs[i] = Household{ID: int64(i + 1), Label: fmt.Sprintf("1-%d-%d01", i/12+1, i%6+1), AreaCenti: 8000 + int64(i%7)*731,
			Choice: choices[i%len(choices)], Floor: i%6 + 1}
	}
	return hs
}

var sinkArea, sinkAgree int64

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{12, 96, MaxOwners} {
		hs := benchUnit(n)
		rule := Rule{Matter: Renovation, Required: []int64{1}}
		b.Run(fmt.Sprintf("baseline/%d", n), func(b *testing.B) {
			for b.Loop() {
				var area, agree int64
				for _, h := range hs {
					area += h.AreaCenti
					if h.Choice == Agree {
						agree++
					}
				}
				sinkArea, sinkAgree = area, agree
			}
		})
		b.Run(fmt.Sprintf("evaluate/%d", n), func(b *testing.B) {
			for b.Loop() {
				if t := Evaluate(rule, hs); len(t.Problems) > 0 {
					b.Fatal(t.Problems)
				}
			}
		})
	}
}

func BenchmarkAllocate(b *testing.B) {
	for _, n := range []int{12, 96, MaxOwners} {
		hs := benchUnit(n)
		s := DefaultScheme(6)
		b.Run(fmt.Sprintf("allocate/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Allocate(48_000_000, 12_000_000, s, hs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
