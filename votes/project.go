package votes

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"linli"
	"linli/registry"
	"linli/storage"
)

// projectOf asks the Projects hook about a project named by a vote or a
// cost plan. A project the actor may not see (or that does not exist) is
// a field error on project_id; one it sees but may not manage is 403.
func (s *Service) projectOf(ctx context.Context, a *linli.Actor, projectID int64, what string) (ProjectScope, *linli.FieldError, error) {
	if s.projects == nil {
		return ProjectScope{}, nil, linli.Errorf(linli.EInternal, "无法核实项目 / the projects capability is not wired")
	}
	ps, err := s.projects.VoteScope(ctx, a, projectID)
	if linli.ErrorCode(err) == linli.ENotFound {
		return ps, &linli.FieldError{Field: "project_id", Reason: "项目不存在 / no such project"}, nil
	}
	if err != nil {
		return ps, nil, err
	}
	if !ps.Manage {
		return ps, nil, linli.Errorf(linli.EForbidden, "无权为此项目%s / not allowed to %s for this project", what, whatEn(what))
	}
	return ps, nil, nil
}

func whatEn(what string) string {
	if what == "制定分摊方案" {
		return "make cost plans"
	}
	return "open votes"
}

// inProjectScope reports a field error on scope_id unless the node lies
// inside (or is) one of the project's scope nodes.
func (s *Service) inProjectScope(ctx context.Context, ps ProjectScope, n registry.Node) *linli.FieldError {
	for _, sc := range ps.Scope {
		if linli.Within(n.Path, sc.Path) {
			return nil
		}
	}
	var names []string
	for _, sc := range ps.Scope {
		name, err := s.placeName(ctx, s.db, sc.ID)
		if err != nil || name == "" {
			name = sc.Name
		}
		names = append(names, name)
	}
	here, err := s.placeName(ctx, s.db, n.ID)
	if err != nil || here == "" {
		here = n.Name
	}
	list := strings.Join(names, "、")
	return &linli.FieldError{Field: "scope_id", Reason: fmt.Sprintf("%s不在项目范围（%s）内 / %s is outside the project's scope (%s)", here, list, here, list)}
}

// unitsOf lists the units the project covers: a unit of its scope, and
// every unit of a building or estate of its scope, once each, in register
// order (building, then unit).
func (s *Service) unitsOf(ctx context.Context, ps ProjectScope) ([]registry.Node, error) {
	var out []registry.Node
	seen := map[int64]bool{}
	for _, sc := range ps.Scope {
		ns, err := s.registry.NodesUnder(ctx, s.db, sc.Path, registry.KindBuilding, registry.KindUnit)
		if err != nil {
			return nil, err
		}
		buildings := map[int64]registry.Node{}
		var units []registry.Node
		for _, n := range ns {
			if n.Kind == registry.KindBuilding {
				buildings[n.ID] = n
			} else {
				units = append(units, n)
			}
		}
		// Register order: the building's sort and id, then the unit's (a
		// unit scope has no building under it: one unit, nothing to sort).
		slices.SortStableFunc(units, func(x, y registry.Node) int {
			bx, by := buildings[x.ParentID], buildings[y.ParentID]
			return cmp.Or(cmp.Compare(bx.Sort, by.Sort), cmp.Compare(x.ParentID, y.ParentID), cmp.Compare(x.Sort, y.Sort), cmp.Compare(x.ID, y.ID))
		})
		for _, u := range units {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// ProjectGate says what is missing before the project may leave its
// consent-vote phase. Every unit the project covers (a unit of its scope;
// each unit of a building or estate of its scope) must be covered by the
// latest of the project's votes held on the unit or on a place above it
// (a building-wide vote covers its units; a vote held again supersedes
// the earlier one), and that vote must be closed (closed by a manager, or
// past closes_at) and valid. Lines name each unit without a vote
// ("荟萃花园南区1号楼4单元尚未表决"), each vote still open
// ("…表决尚未结束") and each vote that failed ("3单元表决未通过：还需…").
// It runs without an actor: the project is read as linli.System().
func (s *Service) ProjectGate(ctx context.Context, projectID int64) ([]string, error) {
	if s.projects == nil {
		return nil, linli.Errorf(linli.EInternal, "无法核实项目 / the projects capability is not wired")
	}
	ps, err := s.projects.VoteScope(ctx, linli.System(), projectID)
	if err != nil {
		return nil, err
	}
	units, err := s.unitsOf(ctx, ps)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return []string{"项目范围内没有单元，无法表决 / the project's scope holds no unit to vote"}, nil
	}
	vs, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Vote, error) { return s.scanVote(r) },
		`SELECT `+voteColumns+voteFrom+` WHERE v.project_id = ? ORDER BY v.id`, projectID)
	if err != nil {
		return nil, err
	}
	var missing []string
	judged := map[int64]bool{} // votes already reported on (a building vote covers several units)
	for _, u := range units {
		var cover *Vote
		for i := range vs { // oldest first: the last match is the latest
			if linli.Within(u.Path, vs[i].Path) {
				cover = &vs[i]
			}
		}
		if cover == nil {
			name, err := s.placeName(ctx, s.db, u.ID)
			if err != nil {
				return nil, err
			}
			missing = append(missing, fmt.Sprintf("%s尚未表决 / %s has no vote", name, name))
			continue
		}
		if judged[cover.ID] {
			continue
		}
		judged[cover.ID] = true
		v, err := s.complete(ctx, s.db, *cover)
		if err != nil {
			return nil, err
		}
		if v.State != StateClosed {
			closes := v.ClosesAt.In(s.zone()).Format("2006-01-02 15:04")
			missing = append(missing, fmt.Sprintf("%s表决尚未结束（%s截止） / the vote of %s is still open (it closes at %s)", v.Scope, closes, v.Scope, closes))
			continue
		}
		t, err := s.tally(ctx, s.db, v)
		if err != nil {
			return nil, err
		}
		if t.Valid {
			continue
		}
		var zh, en []string
		// The project page is read by property, contractors and
		// departments too: counts, not the households that have not agreed.
		for _, line := range append(append([]string{}, t.Problems...), t.forReader(false).Missing...) {
			z, e, _ := strings.Cut(line, " / ")
			zh, en = append(zh, z), append(en, e)
		}
		missing = append(missing, fmt.Sprintf("%s表决未通过：%s / the vote of %s is not valid: %s", v.Scope, strings.Join(zh, "；"), v.Scope, strings.Join(en, "; ")))
	}
	return missing, nil
}
