package outbox

import "time"

// backoff is the wait before try n+1 after n failed tries: base·2^(n-1),
// capped, with "equal jitter" — half of it fixed, half drawn from rnd in
// [0,1) — so a channel coming back is not hit by every waiting row at the
// same instant, yet no row waits less than half its step.
func backoff(n int, base, limit time.Duration, rnd float64) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + time.Duration(rnd*float64(d/2))
}
