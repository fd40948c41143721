package cases

import (
	"slices"
	"testing"
)

func TestMachine(t *testing.T) {
	tests := []struct {
		from State
		a    Action
		to   State
		ok   bool
	}{
		{Reported, ActAccept, Accepted, true},
		{Reported, ActDispatch, Reported, false}, // must be registered first
		{Accepted, ActDispatch, Dispatched, true},
		{Dispatched, ActAcknowledge, Acknowledged, true},
		{Dispatched, ActHandle, Dispatched, false}, // report in first
		{Acknowledged, ActHandle, Handled, true},
		{InProgress, ActHandle, Handled, true},
		{Handled, ActVerify, Verified, true},
		{Handled, ActClose, Handled, false}, // verification comes first
		{Verified, ActClose, Closed, true},
		{Closed, ActRate, Closed, true},
		{Closed, ActReopen, Dispatched, true},
		{InProgress, ActShelve, Shelved, true},
		{Shelved, ActResume, InProgress, true},
		{Rejected, ActAccept, Rejected, false},
		{Merged, ActNote, Merged, false},
		{Closed, ActWhistle, Closed, false},
		{Acknowledged, ActTransfer, Dispatched, true},
	}
	for _, tt := range tests {
		to, ok := Next(tt.from, tt.a)
		if to != tt.to || ok != tt.ok {
			t.Errorf("%s --%s--> %s %v; want %s %v", tt.from, tt.a, to, ok, tt.to, tt.ok)
		}
	}
}

func TestEveryStateAndActionIsLabelledAndReachable(t *testing.T) {
	for _, s := range States() {
		if s.Label() == "" {
			t.Errorf("state %s has no label", s)
		}
	}
	for _, a := range Actions() {
		if a.Label() == "" {
			t.Errorf("action %s has no label", a)
		}
	}
	// Every state but the first is the target of some action.
	for _, s := range States()[1:] {
		found := false
		for _, tr := range machine() {
			if tr.To == s {
				found = true
			}
		}
		if !found {
			t.Errorf("state %s cannot be reached", s)
		}
	}
	if !slices.Contains(Allowed(Handled), ActVerify) || slices.Contains(Allowed(Handled), ActAcknowledge) {
		t.Errorf("Allowed(handled) = %v", Allowed(Handled))
	}
}
