package geomap

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// Tiles is an intranet tile server, if the deployment has one: a URL
// template with {z}, {x} and {y} (Web Mercator, XYZ numbering) and the
// attribution its licence asks to show. The zero value means no tiles.
type Tiles struct {
	URL         string // "http://tiles.intranet/{z}/{x}/{y}.png"
	Attribution string // "© 运城市自然资源局"
}

// On reports whether tiles are configured.
func (t Tiles) On() bool { return t.URL != "" }

// Check refuses a template that cannot work: not http(s) or a local path,
// or without {z}, {x} and {y}.
func (t Tiles) Check() error {
	if !t.On() {
		return nil
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(t.URL, p) {
			return errors.New("map tiles: the URL template needs {z}, {x} and {y}")
		}
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(t.URL))
	if err != nil {
		return errors.New("map tiles: " + err.Error())
	}
	local := u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/")
	if !local && ((u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return errors.New("map tiles: the URL must be http(s)://host/… or a path on this server")
	}
	return nil
}

// Origin is the tile server's scheme://host[:port], for the
// Content-Security-Policy's img-src; empty when there are no tiles or they
// are served from Linli's own origin (a path).
func (t Tiles) Origin() string {
	if !t.On() {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(t.URL))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// TileURL is the address of tile (x, y) at zoom z.
func (t Tiles) TileURL(z, x, y int) string {
	return strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y)).Replace(t.URL)
}
