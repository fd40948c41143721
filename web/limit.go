package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"linli"
)

// Rate limits: token buckets in this process, one per limit and key
// ("account:42", "ip:10.0.0.7"). A bucket holds N tokens and refills N per
// Per; each request takes one, and an empty bucket answers 429 with
// Retry-After saying when the next token comes. The buckets live in the
// replica's memory, so with several replicas each allows its own share (a
// client spread over k replicas gets up to k times the rate); that is the
// price of needing no shared store, and the lockout of failed logins,
// which is in the database, is not per replica.

// Rate is N requests per Per, in bursts of up to N. Zero N is off.
type Rate struct {
	N   int
	Per time.Duration
}

// Off reports whether the rate limits nothing.
func (r Rate) Off() bool { return r.N <= 0 || r.Per <= 0 }

func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	for _, u := range []struct {
		s string
		d time.Duration
	}{{"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if r.Per == u.d {
			return fmt.Sprintf("%d/%s", r.N, u.s)
		}
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// ParseRate reads "10/m", "300/h", "5/s", "20/10m" or "off" (also "0").
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" || s == "" {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 0 {
		return Rate{}, fmt.Errorf("rate %q: want N/unit, e.g. 10/m, 300/h, or off", s)
	}
	d, ok := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[per]
	if !ok {
		if d, err = time.ParseDuration(per); err != nil || d <= 0 {
			return Rate{}, fmt.Errorf("rate %q: the unit is s, m, h or a duration such as 10m", s)
		}
	}
	return Rate{N: count, Per: d}, nil
}

// RetryError is a 429 that says when to come back (Retry-After).
type RetryError struct {
	Err   *linli.Error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap lets linli.ErrorCode and friends see the coded error.
func (e *RetryError) Unwrap() error { return e.Err }

// TooMany is a 429 with its Retry-After (rounded up to whole seconds).
func TooMany(after time.Duration, err *linli.Error) error {
	return &RetryError{Err: err, After: after}
}

// SetRetryAfter writes the Retry-After header of a RetryError (a page
// that renders its own 429 calls it).
func SetRetryAfter(w http.ResponseWriter, err error) {
	var re *RetryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(re.After.Seconds())))))
	}
}

// Limiter keeps the buckets and counts refusals by limit name on
// /metrics (linli_rate_limited_total).
type Limiter struct {
	clock   linli.Clock
	mu      sync.Mutex
	buckets map[string]*bucket
	refused *prometheus.CounterVec
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter builds a limiter on clock; reg (may be nil) gets the counter.
func NewLimiter(clock linli.Clock, reg prometheus.Registerer) *Limiter {
	if clock == nil {
		clock = linli.SystemClock{}
	}
	l := &Limiter{clock: clock, buckets: map[string]*bucket{}, refused: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linli_rate_limited_total", Help: "Requests refused with 429 by a rate limit, by limit name.",
	}, []string{"limit"})}
	if reg != nil {
		reg.MustRegister(l.refused)
	}
	return l
}

// Collector is the refusal counter, for a registry given later.
func (l *Limiter) Collector() prometheus.Collector { return l.refused }

// maxBuckets bounds the memory: past it, full buckets (keys that have not
// been seen for a whole refill period) are forgotten.
const maxBuckets = 100_000

// Take takes one token from the bucket of limit name and key: nil, or a
// 429 RetryError naming when the next token comes.
func (l *Limiter) Take(name, key string, r Rate) error {
	if l == nil || r.Off() {
		return nil
	}
	now := l.clock.Now()
	per := float64(r.Per) / float64(r.N) // time for one token
	l.mu.Lock()
	k := name + "\x00" + key
	b, ok := l.buckets[k]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: float64(r.N), at: now}
		l.buckets[k] = b
	}
	if el := now.Sub(b.at); el > 0 {
		b.tokens = math.Min(float64(r.N), b.tokens+float64(el)/per)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		l.mu.Unlock()
		return nil
	}
	wait := time.Duration((1 - b.tokens) * per)
	l.mu.Unlock()
	l.refused.WithLabelValues(name).Inc()
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return TooMany(wait, linli.Errorf(linli.ETooMany, "请求过于频繁，请%d秒后再试 / too many requests (%s), try again in %d s", secs, name, secs))
}

// prune forgets buckets that would be full by now; called with mu held.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.at) > time.Hour {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets { // still full: start over rather than grow
		l.buckets = map[string]*bucket{}
	}
}

// RouteLimit is the limit of one route: per account (the caller's, when
// logged in) and per client address. Callers with an API token are
// counted by the router's token limits instead.
type RouteLimit struct {
	Name       string // the metric's label: "create" counts as create_account / create_address
	PerAccount Rate
	PerAddress Rate
}

// LimitRoute sets the limit of a route pattern; call it before the route
// is registered.
func (rt *Router) LimitRoute(pattern string, l RouteLimit) {
	if rt.routeLimits == nil {
		rt.routeLimits = map[string]RouteLimit{}
	}
	rt.routeLimits[pattern] = l
}

// LimitTokens sets the limit of every request made with an API token, per
// account and per client address.
func (rt *Router) LimitTokens(perAccount, perAddress Rate) {
	rt.tokenLimit = RouteLimit{Name: "token", PerAccount: perAccount, PerAddress: perAddress}
}

// UseLimiter sets the buckets the limits take from.
func (rt *Router) UseLimiter(l *Limiter) { rt.limiter = l }

// Limiter returns the router's limiter (nil when none).
func (rt *Router) Limiter() *Limiter { return rt.limiter }

// TrustProxies names the reverse proxies whose X-Forwarded-For is
// believed: a request from one of them is the client the header's last
// address not itself a trusted proxy names. Without any, the client is
// the connection's address (RemoteAddr) and the header is ignored.
func (rt *Router) TrustProxies(prefixes []netip.Prefix) { rt.trusted = prefixes }

// clientIP is the request's client address (see TrustProxies).
func (rt *Router) clientIP(r *http.Request) string {
	ip := ClientIP(r)
	if len(rt.trusted) == 0 {
		return ip
	}
	if !rt.isTrusted(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		if _, err := netip.ParseAddr(h); err != nil {
			return ip // a garbled header: the proxy's own address
		}
		if !rt.isTrusted(h) {
			return h
		}
		ip = h
	}
	return ip
}

func (rt *Router) isTrusted(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range rt.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParsePrefixes reads a comma-separated list of addresses and CIDR
// prefixes ("10.0.0.0/8, 192.168.1.5").
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// limit applies a route's limit, or the token limit for token callers.
func (rt *Router) limit(rl RouteLimit, hasLimit bool, a *linli.Actor, token bool, ip string) error {
	if rt.limiter == nil {
		return nil
	}
	if token {
		rl, hasLimit = rt.tokenLimit, true
	}
	if !hasLimit {
		return nil
	}
	if a != nil && a.AccountID != 0 && !rl.PerAccount.Off() {
		if err := rt.limiter.Take(rl.Name+"_account", fmt.Sprint(a.AccountID), rl.PerAccount); err != nil {
			return err
		}
	}
	return rt.limiter.Take(rl.Name+"_address", ip, rl.PerAddress)
}
