package main

import (
	"fmt"
	"testing"

	"linli/happiness"
)

// TestHappinessIndexCountsMatchTheLists: the public index counts each
// community's entries with one query per capability (the wired
// HappinessCounts); every count must equal what the community's list
// shows, projects and mediations included.
func TestHappinessIndexCountsMatchTheLists(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		anon := s.anon(t)
		var index struct {
			Communities []happiness.Community `json:"communities"`
		}
		if st := anon.json("GET", "/api/happiness", nil, &index); st != 200 || len(index.Communities) == 0 {
			t.Fatalf("index: %d %+v", st, index)
		}
		kinds := map[string]int{}
		for _, c := range index.Communities {
			var l happiness.List
			if st := anon.json("GET", fmt.Sprintf("/api/happiness/%d", c.ID), nil, &l); st != 200 {
				t.Fatalf("list %d: %d", c.ID, st)
			}
			if len(l.Entries) != c.Entries {
				t.Errorf("%s: the index counts %d entries, the list has %d", c.Name, c.Entries, len(l.Entries))
			}
			for _, e := range l.Entries {
				kinds[e.Kind]++
			}
		}
		if kinds["project"] == 0 || kinds["dispute"] == 0 {
			t.Errorf("the demo's lists hold %v; want the elevator project and the Jixiang mediation", kinds)
		}
	})
}
