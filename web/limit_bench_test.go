package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"linli"
	"linli/web"
)

// BenchmarkRouteLimit times one request through the router on a route
// with the report limits (per account and per address, never refused at
// this rate) beside the same route without a limit: the difference is
// what the buckets cost a report.
func BenchmarkRouteLimit(b *testing.B) {
	clock := linli.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	rt := web.NewRouter(nil, nil, nil)
	rt.UseLimiter(web.NewLimiter(clock, nil))
	huge := web.Rate{N: 1 << 30, Per: time.Second}
	rt.LimitRoute("POST /limited", web.RouteLimit{Name: "create", PerAccount: huge, PerAddress: huge})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	rt.Handle("POST /limited", web.Public, ok)
	rt.Handle("POST /plain", web.Public, ok)
	for _, path := range []string{"/plain", "/limited"} {
		b.Run(path[1:], func(b *testing.B) {
			req := httptest.NewRequest("POST", path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				rt.ServeHTTP(w, req)
				if w.Code != http.StatusCreated {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
