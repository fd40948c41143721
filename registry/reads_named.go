package registry

import (
	"context"
	"database/sql"
	"strings"

	"linli"
	"linli/storage"
)

// Named finds a place of one kind by what a person types on the command
// line: its division code, its name (when one place of that kind has it),
// or its names from a root separated by "/" (运城市/盐湖区/东城街道/学苑社区).
// No permission check: the CLI runs as the system.
func (s *Service) Named(ctx context.Context, kind Kind, text string) (Node, error) {
	text = strings.TrimSpace(text)
	if strings.Contains(text, "/") {
		n, err := s.FindNode(ctx, splitNames(text))
		if err == nil && n.Kind != kind {
			err = errNotFound(kind.Label()+"「"+text+"」", string(kind)+" "+text)
		}
		return n, err
	}
	ns, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Node, error) { return scanNode(rows) },
		`SELECT `+nodeColumns+` FROM nodes n WHERE n.kind = ? AND (n.code = ? OR n.name = ?) ORDER BY n.id LIMIT 2`, kind, text, text)
	switch {
	case err != nil:
		return Node{}, err
	case len(ns) == 0:
		return Node{}, errNotFound(kind.Label()+"「"+text+"」", string(kind)+" "+text)
	case len(ns) > 1:
		return Node{}, linli.Invalid("有多个同名的"+kind.Label()+"，请写代码或完整路径 / more than one "+string(kind)+" has this name: give its code or its path",
			linli.FieldError{Field: string(kind), Reason: "同名 / ambiguous: " + text})
	}
	return ns[0], nil
}

func splitNames(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
