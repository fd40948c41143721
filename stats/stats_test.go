package stats

import "testing"

func TestRatesOf(t *testing.T) {
	w := DefaultWeights()
	// Each rate over its cohort (package comment): response over the
	// response cohort, closure, on-time and extension over the due cohort.
	c := Counters{Dispatched: 25, ResponseDue: 20, RespondedOnTime: 19, Due: 10, DueClosed: 8, Closed: 8, ClosedOnTime: 6, Satisfied: 6, Basic: 2, Unsatisfied: 2, Resolved: 8, Rework: 2, Extended: 3, DueExtended: 1}
	r := w.RatesOf(c)
	check := func(name string, got Rate, want float64) {
		t.Helper()
		if !got.Valid || got.Value < want-1e-9 || got.Value > want+1e-9 {
			t.Errorf("%s = %+v, want %v", name, got, want)
		}
	}
	check("response", r.Response, 0.95)
	check("resolution", r.Resolution, 0.8)
	check("satisfaction", r.Satisfaction, (6+0.9*2)/10.0) // satisfied + 0.9 × basic, over rated
	check("closure", r.Closure, 0.8)
	check("on time", r.OnTime, 0.6)
	check("rework", r.Rework, 0.25)
	check("extension", r.Extension, 0.1)
	check("composite", r.Composite, 0.3*0.95+0.35*0.8+0.35*0.78)
}

func TestRatesWithoutData(t *testing.T) {
	r := DefaultWeights().RatesOf(Counters{Dispatched: 4, ResponseDue: 4, RespondedOnTime: 2})
	if r.Satisfaction.Valid || r.Closure.Valid || r.Satisfaction.Percent() != "—" {
		t.Errorf("rates over nothing must be unknown, got %+v", r)
	}
	// The composite uses only the known parts: response alone here.
	if !r.Composite.Valid || r.Composite.Value != 0.5 {
		t.Errorf("composite = %+v, want 0.5 from response alone", r.Composite)
	}
	if got := (Rate{Value: 1, Valid: true}).Percent(); got != "100%" {
		t.Errorf("Percent = %q", got)
	}
	if got := (Rate{Value: 0.9655, Valid: true}).Percent(); got != "96.5%" && got != "96.6%" {
		t.Errorf("Percent = %q", got)
	}
}

func TestCityWeights(t *testing.T) {
	w := Weights{Basic: 0.8, Response: 0.1, Resolution: 0.5, Satisfaction: 0.4}
	r := w.RatesOf(Counters{Dispatched: 1, ResponseDue: 1, RespondedOnTime: 1, Satisfied: 0, Basic: 1, Resolved: 1})
	if r.Satisfaction.Value != 0.8 {
		t.Errorf("basic weight not applied: %v", r.Satisfaction.Value)
	}
	want := 0.1*1 + 0.5*1 + 0.4*0.8
	if d := r.Composite.Value - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("composite = %v, want %v", r.Composite.Value, want)
	}
}

// The November of the issue: 11 closures dated in November over 8 cases
// due in November used to show 100 % (11/8, clamped). Over the due cohort
// the rates are the cohort's own; and a count that broke the cohort rule
// is not hidden by a clamp.
func TestClosureRatesOverTheDueCohort(t *testing.T) {
	r := DefaultWeights().RatesOf(Counters{Closed: 11, Due: 8, DueClosed: 7, ClosedOnTime: 6})
	if r.Closure.Value != 7.0/8 || r.OnTime.Value != 0.75 {
		t.Errorf("closure %v, on time %v; want 0.875 and 0.75", r.Closure.Value, r.OnTime.Value)
	}
	if got := ratio(11, 8); got.Value != 11.0/8 {
		t.Errorf("ratio(11, 8) = %v: a broken count must show, not be clamped to 1", got.Value)
	}
}
