package outbox

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// A channel's Send returns nil (delivered), or an error that says what to
// do next: a *Failure with its Kind, or any other error, which is treated
// as temporary.
type FailureKind int

const (
	// Temporary: try again after the backoff (timeouts, 5xx, a malformed
	// answer, a refused connection).
	Temporary FailureKind = iota
	// Permanent: the answer will not change (a 4xx, an address the
	// receiver rejects): the row is dead at once.
	Permanent
	// RateLimited: the receiver asked us to slow down (HTTP 429, WeCom
	// 45009, DingTalk 130101/410100): try again no sooner than RetryAfter.
	RateLimited
	// NotConfigured: no channel to send it by. The row stays pending,
	// without counting a try, and is looked at again later.
	NotConfigured
)

// Failure is a failed delivery. Its message must carry no secret: the
// worker redacts known secrets again before storing it, but channels build
// it from what the receiver said, not from URLs.
type Failure struct {
	Kind       FailureKind
	RetryAfter time.Duration // for RateLimited; 0: the backoff alone
	Msg        string
}

func (f *Failure) Error() string { return f.Msg }

func temporary(format string, args ...any) error {
	return &Failure{Kind: Temporary, Msg: fmt.Sprintf(format, args...)}
}

func permanent(format string, args ...any) error {
	return &Failure{Kind: Permanent, Msg: fmt.Sprintf(format, args...)}
}

func rateLimited(after time.Duration, format string, args ...any) error {
	return &Failure{Kind: RateLimited, RetryAfter: after, Msg: fmt.Sprintf(format, args...)}
}

func notConfigured(format string, args ...any) error {
	return &Failure{Kind: NotConfigured, Msg: fmt.Sprintf(format, args...)}
}

// failureOf classifies err.
func failureOf(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	return &Failure{Kind: Temporary, Msg: err.Error()}
}

// redact removes secrets from an error message: every secret given, and
// the query and user info of any URL the error quotes (net/http's errors
// quote the whole URL, and a robot's key is in its query).
func redact(msg string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "••••")
		}
	}
	var b strings.Builder
	for _, w := range strings.SplitAfter(msg, " ") {
		trimmed := strings.Trim(w, "\" ,:;()")
		if strings.Contains(trimmed, "://") {
			if u, err := url.Parse(trimmed); err == nil && u.Host != "" {
				w = strings.Replace(w, trimmed, MaskURL(trimmed), 1)
			}
		}
		b.WriteString(w)
	}
	// The message is kept in a text column, which PostgreSQL refuses to
	// hold invalid UTF-8 in: a gateway answering in GBK, or a snippet cut
	// inside a character, would fail the transaction recording a whole
	// pass's outcomes.
	out := strings.ToValidUTF8(b.String(), "\uFFFD")
	if len(out) > 1000 {
		cut := 1000
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut]
	}
	return out
}

// MaskURL shows where a URL points without its secrets: scheme, host and
// path, user info and every query value masked.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "••••"
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += "••••@"
	}
	out += u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		var parts []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			parts = append(parts, k+"=••••")
		}
		out += "?" + strings.Join(parts, "&")
	}
	return out
}
