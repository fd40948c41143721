package projects

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/web"
)

// PickProjects answers the project search of a form's picker (a vote's
// project, a meeting's subject): projects the actor may read whose title
// contains q (or whose id is q), newest first — ten, or with an empty q
// the hundred newest (the choices of the form without its script).
func (s *Service) PickProjects(ctx context.Context, a *linli.Actor, q string) ([]web.Choice, error) {
	ps, err := s.List(ctx, a, Filter{})
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	limit := 10
	if q == "" {
		limit = 100
	}
	var out []web.Choice
	for _, p := range ps {
		id := strconv.FormatInt(p.ID, 10)
		if q != "" && q != id && !strings.Contains(strings.ToLower(p.Title), q) {
			continue
		}
		out = append(out, web.Choice{ID: p.ID, Value: "project:" + id, Label: p.Title, Hint: p.Phase.Label() + " · " + p.Place})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// Later's PickProjects is Service.PickProjects of the service Set named.
func (l *Later) PickProjects(ctx context.Context, a *linli.Actor, q string) ([]web.Choice, error) {
	return l.s.PickProjects(ctx, a, q)
}

func (s *Service) apiPickProjects(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.PickProjects(r.Context(), web.ActorFrom(r.Context()), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	web.WriteChoices(w, cs)
	return nil
}
