package webhooks

import (
	"net/netip"
	"net/url"
	"strings"
)

// CheckURL says what is wrong with a receiver's URL, or "" when it may be
// used. It must be an absolute https URL without credentials in it; plain
// http is accepted only when the deployment allows it for the intranet
// (linli serve --webhook-allow-http) and the host is an intranet one: a
// loopback, private or link-local address, "localhost", a name without a
// dot, or a name under .local, .lan, .internal or .intranet. The reason
// is in both languages, for a 422.
func CheckURL(raw string, allowIntranetHTTP bool) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "必填 / required"
	}
	if len(raw) > 2000 {
		return "过长 / too long"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" || u.Hostname() == "" {
		return "应为完整网址，如 https://example.com/hook / must be an absolute URL such as https://example.com/hook"
	}
	if u.User != nil {
		return "网址中不能包含用户名或密码 / must not carry a user name or password"
	}
	if u.Fragment != "" {
		return "网址不能包含 # 片段 / must not have a #fragment"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if !allowIntranetHTTP {
			return "须使用 https / must use https"
		}
		if !Intranet(u.Hostname()) {
			return "http 仅限内网地址，其他须使用 https / http only to an intranet host; use https"
		}
		return ""
	}
	return "须使用 https / must use https"
}

// Intranet reports whether host (without port) is a loopback, private or
// link-local address, or a name that only resolves inside a network.
func Intranet(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast()
	}
	if host == "localhost" || !strings.Contains(host, ".") {
		return true
	}
	for _, suffix := range []string{".localhost", ".local", ".lan", ".internal", ".intranet"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}
