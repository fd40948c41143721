package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

const matterColumns = `m.id, m.subject_kind, m.subject_id, m.title, m.scope_id, m.scope_path, m.created_at`

// scanMatter reads a matter row; its scope's name comes from registry
// (scopeNames).
func scanMatter(r interface{ Scan(...any) error }) (Matter, error) {
	var m Matter
	var kind string
	var sid, created int64
	err := r.Scan(&m.ID, &kind, &sid, &m.Title, &m.ScopeID, &m.Path, &created)
	m.Subject = links.Ref{Kind: kind, ID: sid}.String()
	m.CreatedAt = storage.FromMillis(created)
	return m, err
}

func errNoMatter() error {
	return linli.Errorf(linli.ENotFound, "走访事项不存在 / visit matter not found")
}

// scopeNames fills the name of each matter's scope node, in one read
// (registry.NodesAt).
func (s *Service) scopeNames(ctx context.Context, q storage.Querier, ms []Matter) error {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ScopeID
	}
	nodes, err := s.registry.NodesAt(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i].Scope = nodes[ms[i].ScopeID].Name
	}
	return nil
}

// oneMatter reads one matter by the condition, with its scope's name.
func (s *Service) oneMatter(ctx context.Context, q storage.Querier, where string, args ...any) (Matter, error) {
	m, err := scanMatter(q.QueryRow(ctx, `SELECT `+matterColumns+` FROM visit_matters m WHERE `+where, args...))
	if err != nil {
		return m, err
	}
	ms := []Matter{m}
	err = s.scopeNames(ctx, q, ms)
	return ms[0], err
}

func (s *Service) matter(ctx context.Context, q storage.Querier, id int64) (Matter, error) {
	m, err := s.oneMatter(ctx, q, `m.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return m, errNoMatter()
	}
	return m, err
}

// matterBySubject finds the matter of a subject; ok is false when there is
// none yet.
func (s *Service) matterBySubject(ctx context.Context, q storage.Querier, subject links.Ref) (Matter, bool, error) {
	if subject.Kind == KindMatter {
		m, err := s.matter(ctx, q, subject.ID)
		if linli.ErrorCode(err) == linli.ENotFound {
			return m, false, nil
		}
		return m, err == nil, err
	}
	m, err := s.oneMatter(ctx, q, `m.subject_kind = ? AND m.subject_id = ?`, subject.Kind, subject.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// overlaps reports whether the actor reads visits somewhere the scope
// path overlaps: inside it, or above it.
func overlaps(a *linli.Actor, path string) bool {
	for _, sc := range readScopes(a) {
		if linli.Within(path, sc) || linli.Within(sc, path) {
			return true
		}
	}
	return false
}

// Matter returns one visit matter the actor may see: one whose scope
// overlaps the actor's.
func (s *Service) Matter(ctx context.Context, a *linli.Actor, id int64) (Matter, error) {
	m, err := s.matter(ctx, s.db, id)
	if err != nil {
		return m, err
	}
	if !overlaps(a, m.Path) {
		return Matter{}, errNoMatter()
	}
	return m, nil
}

// Matters lists the visit matters overlapping the actor's scopes, newest
// first.
func (s *Service) Matters(ctx context.Context, a *linli.Actor) ([]Matter, error) {
	scopes := readScopes(a)
	if len(scopes) == 0 {
		return nil, errForbidden()
	}
	var or []string
	var args []any
	for _, sc := range scopes {
		or = append(or, "m.scope_path LIKE ? OR ? LIKE m.scope_path || '%'")
		args = append(args, sc+"%", sc)
	}
	out, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Matter, error) { return scanMatter(r) },
		`SELECT `+matterColumns+` FROM visit_matters m WHERE `+strings.Join(or, " OR ")+` ORDER BY m.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Matter{}
	}
	return out, s.scopeNames(ctx, s.db, out)
}

// CreateMatter creates a visit matter explicitly, or — for a subject that
// already has one — returns it with the scope widened to cover the given
// place. A general matter (no subject) needs a title. Needs PermVisitsWrite
// on the scope.
func (s *Service) CreateMatter(ctx context.Context, a *linli.Actor, in MatterInput) (Matter, error) {
	var v linli.Validation
	in.Title, in.Subject = strings.TrimSpace(in.Title), strings.TrimSpace(in.Subject)
	var subject links.Ref
	if in.Subject != "" {
		var err error
		subject, err = links.Parse(in.Subject)
		if err != nil || !validSubjectKind(subject.Kind) || subject.Kind == KindMatter {
			v.Add("subject", "走访事项应为 project:ID、vote:ID 或 dispute:ID / subject must be project:ID, vote:ID or dispute:ID")
		}
	} else if in.Title == "" {
		v.Add("title", "请填写事项名称 / title is required")
	}
	if utf8.RuneCountInString(in.Title) > maxTitle {
		v.Add("title", fmt.Sprintf("事项名称不超过%d字 / at most %d characters", maxTitle, maxTitle))
	}
	if in.ScopeID <= 0 {
		v.Add("scope_id", "请选择范围 / scope is required")
	}
	if err := v.Err(); err != nil {
		return Matter{}, err
	}
	scope, err := s.registry.NodeByID(ctx, in.ScopeID)
	if linli.ErrorCode(err) == linli.ENotFound {
		return Matter{}, linli.Invalid("地点不存在 / no such place", linli.FieldError{Field: "scope_id", Reason: "地点不存在 / no such place"})
	}
	if err != nil {
		return Matter{}, err
	}
	if !a.Can(linli.PermVisitsWrite, scope.Path) {
		if !registry.Sees(a, scope.Path) {
			// A place the actor cannot see is answered like one that
			// does not exist.
			return Matter{}, linli.Invalid("地点不存在 / no such place", linli.FieldError{Field: "scope_id", Reason: "地点不存在 / no such place"})
		}
		return Matter{}, linli.Errorf(linli.EForbidden, "无权在此范围组织走访 / not allowed to organise visits here")
	}
	if err := s.checkSubject(ctx, a, subject); err != nil {
		return Matter{}, err
	}
	if err := s.sameCommunity(ctx, a, subject, scope.Path); err != nil {
		return Matter{}, err
	}
	var m Matter
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if !subject.IsZero() {
			old, ok, err := s.matterBySubject(ctx, tx, subject)
			if err != nil {
				return err
			}
			if ok {
				if m, err = s.widen(ctx, tx, a, old, scope.Path); err != nil {
					return err
				}
				if in.Title != "" && in.Title != m.Title {
					if _, err := tx.Exec(ctx, `UPDATE visit_matters SET title = ?, updated_at = ? WHERE id = ?`, in.Title, ms(s.now()), m.ID); err != nil {
						return err
					}
					m.Title = in.Title
					return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "visit_matter.update", Entity: "visit_matter", EntityID: m.ID,
						ScopePath: m.Path, Summary: "走访事项更名为「" + m.Title + "」", Before: old, After: m})
				}
				return nil
			}
		}
		m, err = s.insertMatter(ctx, tx, a, subject, in.Title, scope.ID, scope.Path)
		return err
	})
	return m, err
}

// insertMatter creates a matter; a zero subject makes a general matter
// whose subject is itself.
func (s *Service) insertMatter(ctx context.Context, tx *storage.Tx, a *linli.Actor, subject links.Ref, title string, scopeID int64, scopePath string) (Matter, error) {
	now := ms(s.now())
	general := subject.IsZero()
	kind, sid := subject.Kind, subject.ID
	if general {
		kind, sid = KindMatter, 0
	}
	if title == "" {
		title = subjectLabel(subject)
	}
	id, err := tx.Insert(ctx, `INSERT INTO visit_matters (subject_kind, subject_id, title, scope_id, scope_path, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, kind, sid, title, scopeID, scopePath, a.AccountID, now, now)
	if err != nil {
		if storage.IsUnique(err) {
			return Matter{}, linli.Errorf(linli.EConflict, "该事项已在走访中 / this subject already has a visit matter")
		}
		return Matter{}, err
	}
	if general {
		if _, err := tx.Exec(ctx, `UPDATE visit_matters SET subject_id = ? WHERE id = ?`, id, id); err != nil {
			return Matter{}, err
		}
	}
	m, err := s.matter(ctx, tx, id)
	if err != nil {
		return m, err
	}
	return m, audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "visit_matter.create", Entity: "visit_matter", EntityID: id,
		ScopePath: scopePath, Summary: "新建走访事项「" + m.Title + "」", After: m})
}

// widen makes a matter's scope cover path, moving it up to the nearest
// place containing both.
func (s *Service) widen(ctx context.Context, tx *storage.Tx, a *linli.Actor, m Matter, path string) (Matter, error) {
	if linli.Within(path, m.Path) {
		return m, nil
	}
	np := linli.CommonPath(m.Path, path)
	nid := linli.PathNodeID(np)
	if nid == 0 {
		return m, linli.Errorf(linli.EConflict, "走访范围不能跨越不同的市 / a visit matter cannot span cities")
	}
	// A matter stays in one community: its subjects (a building's vote,
	// a community's project or dispute) do, and a matter widened to the
	// street would show its title and coverage to every visitor there.
	if top, err := s.registry.NodeByID(ctx, nid); err != nil {
		return m, err
	} else if !withinCommunity(top.Kind) {
		return m, linli.Invalid("走访事项属于另一个社区 / the visit matter belongs to another community",
			linli.FieldError{Field: "subject", Reason: "走访事项属于另一个社区 / the visit matter belongs to another community"})
	}
	if _, err := tx.Exec(ctx, `UPDATE visit_matters SET scope_id = ?, scope_path = ?, updated_at = ? WHERE id = ?`, nid, np, ms(s.now()), m.ID); err != nil {
		return m, err
	}
	before := m
	m, err := s.matter(ctx, tx, m.ID)
	if err != nil {
		return m, err
	}
	return m, audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "visit_matter.widen", Entity: "visit_matter", EntityID: m.ID,
		ScopePath: m.Path, Summary: "走访事项「" + m.Title + "」的范围扩大到" + m.Scope, Before: before, After: m})
}

// sameCommunity refuses a matter about subject placed at path when the
// subject (a vote, project or dispute, whose place its owner tells through
// links) lies in another community: the matter is the subject's, so it
// stays in the subject's community (someone who sees two communities
// could otherwise open a vote's matter in the wrong one).
func (s *Service) sameCommunity(ctx context.Context, a *linli.Actor, subject links.Ref, path string) error {
	if subject.IsZero() || subject.Kind == KindMatter || s.links == nil {
		return nil
	}
	it, ok, err := s.links.Describe(ctx, a, subject)
	if err != nil || !ok || it.Path == "" {
		return err
	}
	top, err := s.registry.NodeByID(ctx, linli.PathNodeID(linli.CommonPath(it.Path, path)))
	if linli.ErrorCode(err) == linli.ENotFound || (err == nil && !withinCommunity(top.Kind)) {
		return linli.Invalid("走访事项属于另一个社区 / the visit matter belongs to another community",
			linli.FieldError{Field: "subject", Reason: "走访事项属于另一个社区 / the visit matter belongs to another community"})
	}
	return err
}

// withinCommunity reports whether a place of this kind lies in one
// community (the community itself or below it).
func withinCommunity(k registry.Kind) bool {
	switch k {
	case registry.KindCommunity, registry.KindGrid, registry.KindEstate, registry.KindBuilding, registry.KindUnit:
		return true
	}
	return false
}
