package auth

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/registry"
	"linli/web"
)

// PickWorkers answers the account search of a form's picker (a project's
// people): active accounts holding a role other than resident or
// administrator in the place at path or above it — those WorkerIn accepts
// there — whose name or username contains q; ten, or with an empty q a
// hundred (the choices of the form without its script). Only those who
// manage projects or users at path may search; phones are masked. Each
// hint names the role in the language lang ("zh" or "en").
func (s *Service) PickWorkers(ctx context.Context, a *linli.Actor, path, q, lang string) ([]web.Choice, error) {
	if !a.Can(linli.PermProjectsManage, path) && !a.Can(linli.PermUsersManage, path) {
		return nil, linli.Errorf(linli.EForbidden, "无权查找该地的人员 / not allowed to look up people there")
	}
	var roles []linli.Role
	for _, r := range linli.Roles() {
		if r != linli.RoleResident && r != linli.RoleAdmin {
			roles = append(roles, r)
		}
	}
	hs, err := s.Holders(ctx, s.DB, HolderQuery{Roles: roles, Under: path, OrAbove: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	limit := 10
	if q == "" {
		limit = 100
	}
	var out []web.Choice
	for _, h := range hs {
		if q != "" && !strings.Contains(strings.ToLower(h.Name), q) {
			continue
		}
		hint := ""
		for _, g := range h.Grants {
			if linli.Within(g.NodePath, path) || linli.Within(path, g.NodePath) {
				hint = g.Role.Label()
				if lang == "en" {
					hint = g.Role.LabelEN()
				}
				hint += " · " + g.NodeName
				break
			}
		}
		if h.Phone != "" {
			hint += " · " + registry.MaskPhone(h.Phone)
		}
		out = append(out, web.Choice{ID: h.ID, Label: h.Name, Hint: hint})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func (h *HTTP) apiPickWorkers(w http.ResponseWriter, r *http.Request) error {
	node, err := strconv.ParseInt(r.URL.Query().Get("node"), 10, 64)
	if err != nil || node <= 0 {
		return linli.Invalid("node 应为地点编号 / node must be a place id", linli.FieldError{Field: "node", Reason: "应为正整数 / must be a positive integer"})
	}
	n, err := h.Registry.NodeByID(r.Context(), node)
	if err == nil && !registry.Sees(web.ActorFrom(r.Context()), n.Path) {
		// A place outside the actor's line answers as an unknown one.
		err = linli.Errorf(linli.ENotFound, "地点不存在 / place not found")
	}
	if err != nil {
		return err
	}
	cs, err := h.PickWorkers(r.Context(), web.ActorFrom(r.Context()), n.Path, r.URL.Query().Get("q"), web.Lang(r))
	if err != nil {
		return err
	}
	web.WriteChoices(w, cs)
	return nil
}
