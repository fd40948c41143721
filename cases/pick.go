package cases

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/web"
)

// PickCases answers the case search of a form's picker (the merge form,
// a meeting's subject): cases the actor reads as staff or worker that the
// case search (search.go: the trigram index) finds for q — a fragment of
// the number, words of the title or description, the reporter's name, a
// room, a phone for those who may see phones — newest first, at most ten;
// with an empty q the fifty newest open ones (the choices of the form
// without its script). A single character, which the search refuses,
// answers nothing yet: the picker asks on every keystroke. The reporter's
// name and phone are not in the answer.
func (s *Service) PickCases(ctx context.Context, a *linli.Actor, q string) ([]web.Choice, error) {
	f := Filter{Query: strings.TrimSpace(q), Limit: 10}
	switch {
	case f.Query == "":
		f.States, f.Limit = openStates, 50
	case utf8.RuneCountInString(f.Query) < 2 && a.CanAny(linli.PermCasesRead):
		return []web.Choice{}, nil
	}
	cs, _, err := s.List(ctx, a, f)
	if err != nil {
		return nil, err
	}
	return caseChoices(cs), nil
}

// openStates are the states of a case not yet closed, for the pickers.
var openStates = []State{Reported, Accepted, Dispatched, Acknowledged, InProgress, Handled, Verified}

func caseChoices(cs []Case) []web.Choice {
	out := make([]web.Choice, 0, len(cs))
	for _, c := range cs {
		out = append(out, web.Choice{ID: c.ID, Value: "case:" + itoa(c.ID), Label: c.Number + " " + c.Title, Hint: c.State.Label() + " · " + c.Location})
	}
	return out
}

// mergeChoices are the cases a case may be merged into, for the merge
// form without its script: the newest open cases of its community.
func (s *Service) mergeChoices(ctx context.Context, a *linli.Actor, c Case) ([]web.Choice, error) {
	cs, _, err := s.List(ctx, a, Filter{NodeID: c.CommunityID, States: openStates, Limit: 100})
	if err != nil {
		return nil, err
	}
	out := caseChoices(cs)
	for i, x := range out {
		if x.ID == c.ID {
			return append(out[:i], out[i+1:]...), nil
		}
	}
	return out, nil
}

func (s *Service) apiPickCases(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.PickCases(r.Context(), web.ActorFrom(r.Context()), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	web.WriteChoices(w, cs)
	return nil
}
