package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"linli/demo/story"
)

// TestDemoPrintsStoryResidents: the owners' accounts `linli demo` prints
// for the elevator story exist and log in with the demo password.
func TestDemoPrintsStoryResidents(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	var out bytes.Buffer
	printDemo(&out, s.URL, s.Data, "", time.Second)
	names := story.Residents()
	if len(names) == 0 {
		t.Fatal("the story adds no residents")
	}
	for _, u := range names {
		if !strings.Contains(out.String(), u) {
			t.Errorf("linli demo does not print %s", u)
		}
		s.login(t, u) // fails the test if the account is missing
	}
}
