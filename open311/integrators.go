package open311

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// Integrator is an outside system allowed to post service requests.
type Integrator struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	KeyHint   string    `json:"key_hint"` // the key's first characters
	Scope     []Place   `json:"scope"`
	Rate      int       `json:"rate_per_minute"`
	Moderated bool      `json:"moderated"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
	// APIKey is returned once, when the account is made; only its
	// SHA-256 is stored.
	APIKey string `json:"api_key,omitempty"`
}

// Place is a node of an integrator's scope.
type Place struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// IntegratorInput makes an integrator account.
type IntegratorInput struct {
	Name      string  `json:"name"`
	NodeIDs   []int64 `json:"node_ids"`
	Rate      int     `json:"rate_per_minute"` // 0: 60
	Moderated bool    `json:"moderated"`
}

// DefaultRate is the requests a minute an integrator may make when its
// account says nothing else.
const DefaultRate = 60

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

func errNoIntegrator() error {
	return linli.Errorf(linli.ENotFound, "接入方不存在 / integrator not found")
}

// CreateIntegrator makes an integrator account for places the actor
// manages accounts in (users.manage on every one). The api_key is in the
// answer, once.
func (s *Service) CreateIntegrator(ctx context.Context, a *linli.Actor, in IntegratorInput) (Integrator, error) {
	var v linli.Validation
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 80 {
		v.Add("name", "必填，不超过 80 字 / required, at most 80 characters")
	}
	if in.Rate == 0 {
		in.Rate = DefaultRate
	}
	if in.Rate < 1 || in.Rate > 10000 {
		v.Add("rate_per_minute", "1 到 10000 / 1 to 10000")
	}
	if len(in.NodeIDs) == 0 {
		v.Add("node_ids", "请至少选择一个地点 / choose at least one place")
	}
	if err := v.Err(); err != nil {
		return Integrator{}, err
	}
	if !a.CanAny(linli.PermUsersManage) {
		return Integrator{}, errForbidden()
	}
	out := Integrator{Name: in.Name, Rate: in.Rate, Moderated: in.Moderated, CreatedAt: s.now()}
	seen := map[int64]bool{}
	for _, id := range in.NodeIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		n, err := s.reg.NodeByID(ctx, id)
		if err != nil || !registry.Sees(a, n.Path) {
			// A place the actor does not see answers like one that does
			// not exist: its id cannot be probed.
			return Integrator{}, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_ids", Reason: "地点不存在 / place not found"})
		}
		if !a.Can(linli.PermUsersManage, n.Path) {
			return Integrator{}, errForbidden()
		}
		out.Scope = append(out.Scope, Place{ID: n.ID, Name: n.Name, Path: n.Path})
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	out.APIKey = "o311_" + hex.EncodeToString(b)
	out.KeyHint = out.APIKey[:9]
	scope := scopeOf(out.Scope)
	now := storage.Millis(out.CreatedAt)
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		out.ID, err = tx.Insert(ctx, `INSERT INTO open311_integrators (name, key_hash, key_hint, rate_per_minute, moderated, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			out.Name, hashKey(out.APIKey), out.KeyHint, out.Rate, storage.Int(out.Moderated), a.AccountID, now)
		if err != nil {
			return err
		}
		for _, p := range out.Scope {
			if _, err := tx.Exec(ctx, `INSERT INTO open311_integrator_nodes (integrator_id, node_id, path) VALUES (?, ?, ?)`, out.ID, p.ID, p.Path); err != nil {
				return err
			}
		}
		mod, modEN := "", ""
		if out.Moderated {
			mod, modEN = "，需审核", ", moderated"
		}
		return audit.Record(ctx, tx, a, out.CreatedAt, audit.Change{Action: "open311.integrator", Entity: "open311_integrator", EntityID: out.ID, ScopePath: scope,
			Summary:   fmt.Sprintf("新增 Open311 接入方 %s（每分钟 %d 次%s）", out.Name, out.Rate, mod),
			SummaryEN: fmt.Sprintf("Added Open311 integrator %s (%d a minute%s)", out.Name, out.Rate, modEN),
			After:     map[string]any{"name": out.Name, "scope": placeIDs(out.Scope), "rate_per_minute": out.Rate, "moderated": out.Moderated}})
	})
	return out, err
}

// scopeOf is the path the audit row of an integrator is filed under: the
// deepest path every place of its scope lies in.
func scopeOf(ps []Place) string {
	if len(ps) == 0 {
		return "/"
	}
	common := ps[0].Path
	for _, p := range ps[1:] {
		for !linli.Within(p.Path, common) {
			i := strings.LastIndex(strings.TrimSuffix(common, "/"), "/")
			if i < 0 {
				return "/"
			}
			common = common[:i+1]
		}
	}
	return common
}

func placeIDs(ps []Place) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// Integrators lists the accounts whose whole scope the actor manages
// accounts in, newest first.
func (s *Service) Integrators(ctx context.Context, a *linli.Actor) ([]Integrator, error) {
	if !a.CanAny(linli.PermUsersManage) {
		return nil, errForbidden()
	}
	all, err := s.integrators(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []Integrator{}
	for _, in := range all {
		if mayManage(a, in) {
			out = append(out, in)
		}
	}
	return out, nil
}

func mayManage(a *linli.Actor, in Integrator) bool {
	for _, p := range in.Scope {
		if !a.Can(linli.PermUsersManage, p.Path) {
			return false
		}
	}
	return len(in.Scope) > 0
}

// integrators loads the accounts (one, by its key's hash, when hash is
// given) with their scopes.
func (s *Service) integrators(ctx context.Context, hash string) ([]Integrator, error) {
	cond, args := "", []any{}
	if hash != "" {
		cond, args = ` WHERE key_hash = ? AND revoked_at = 0`, []any{hash}
	}
	list, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Integrator, error) {
		var in Integrator
		var mod int
		var created, revoked int64
		err := r.Scan(&in.ID, &in.Name, &in.KeyHint, &in.Rate, &mod, &created, &revoked)
		in.Moderated, in.CreatedAt, in.Revoked = mod == 1, storage.FromMillis(created), revoked != 0
		return in, err
	}, `SELECT id, name, key_hint, rate_per_minute, moderated, created_at, revoked_at FROM open311_integrators`+cond+` ORDER BY id DESC`, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	idx := map[int64]int{}
	ids := make([]int64, len(list))
	for i, in := range list {
		idx[in.ID], ids[i] = i, in.ID
	}
	type scoped struct {
		id int64
		p  Place
	}
	rows, err := storage.Select(ctx, s.db, func(r *sql.Rows) (scoped, error) {
		var x scoped
		return x, r.Scan(&x.id, &x.p.ID, &x.p.Path)
	}, `SELECT integrator_id, node_id, path FROM open311_integrator_nodes WHERE integrator_id IN (`+storage.Placeholders(len(ids))+`) ORDER BY integrator_id, path`, storage.Args(ids)...)
	if err != nil {
		return nil, err
	}
	nodeIDs := make([]int64, 0, len(rows))
	for _, x := range rows {
		nodeIDs = append(nodeIDs, x.p.ID)
	}
	names, err := s.reg.NodesAt(ctx, s.db, nodeIDs)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		x.p.Name = names[x.p.ID].Name
		in := &list[idx[x.id]]
		in.Scope = append(in.Scope, x.p)
	}
	for i := range list {
		sort.Slice(list[i].Scope, func(a, b int) bool { return list[i].Scope[a].Path < list[i].Scope[b].Path })
	}
	return list, nil
}

// RevokeIntegrator ends an account: its key is refused from then on.
func (s *Service) RevokeIntegrator(ctx context.Context, a *linli.Actor, id int64) (Integrator, error) {
	all, err := s.Integrators(ctx, a)
	if err != nil {
		return Integrator{}, err
	}
	var in Integrator
	for _, x := range all {
		if x.ID == id {
			in = x
		}
	}
	if in.ID == 0 {
		return in, errNoIntegrator()
	}
	if in.Revoked {
		return in, nil
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE open311_integrators SET revoked_at = ? WHERE id = ?`, storage.Millis(now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "open311.revoke", Entity: "open311_integrator", EntityID: id, ScopePath: scopeOf(in.Scope),
			Summary: "停用 Open311 接入方 " + in.Name, SummaryEN: "Revoked Open311 integrator " + in.Name})
	})
	in.Revoked = true
	return in, err
}

// integratorForKey is the live account an api_key belongs to; an empty,
// unknown or revoked key is a 403 (the standard's answer to a bad key).
func (s *Service) integratorForKey(ctx context.Context, key string) (Integrator, error) {
	if key == "" {
		return Integrator{}, linli.Errorf(linli.EForbidden, "缺少 api_key / api_key is required")
	}
	list, err := s.integrators(ctx, hashKey(key))
	if err != nil {
		return Integrator{}, err
	}
	if len(list) == 0 {
		return Integrator{}, linli.Errorf(linli.EForbidden, "api_key 无效 / invalid api_key")
	}
	return list[0], nil
}

// inScope reports whether path lies in the integrator's scope.
func (in Integrator) inScope(path string) bool {
	for _, p := range in.Scope {
		if linli.Within(path, p.Path) {
			return true
		}
	}
	return false
}

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权操作 / not allowed")
}
