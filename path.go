package linli

import (
	"strconv"
	"strings"
)

// Node paths are materialised ("/1/4/9/"): the ids from the root down,
// each followed by a slash (see Within).

// CommonPath is the deepest node path containing both paths ("/" when
// they share no node): the place a matter spanning both belongs to.
func CommonPath(a, b string) string {
	as, bs := strings.Split(strings.Trim(a, "/"), "/"), strings.Split(strings.Trim(b, "/"), "/")
	var out []string
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i] && as[i] != ""; i++ {
		out = append(out, as[i])
	}
	if len(out) == 0 {
		return "/"
	}
	return "/" + strings.Join(out, "/") + "/"
}

// PathNodeID is the id of the node a path ends at (0 for "/").
func PathNodeID(path string) int64 {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n, _ := strconv.ParseInt(segs[len(segs)-1], 10, 64)
	return n
}
