package cases

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/calendar"
	"linli/storage"
)

// The seed taxonomy: community categories and the standard urban
// management event and component classes, each with its route, time
// limits and escalation chain. Time limits follow published local rules of
// digital urban management and the 12345 hotline (exposed
// refuse 4 working hours, road cleaning 2, illegal structure 20 working
// days; hotline enquiry 2, request 10, complaint 15 working days;
// emergencies 30 minutes / 24 hours). A deployment edits them (API
// PUT /api/categories/{id}); the seed is written only into an empty table.
//
//go:embed categories.json
var seedCategories []byte

type seedCategory struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	NameEN     string         `json:"name_en"`
	Class      string         `json:"class"`
	Route      string         `json:"route"`
	Priority   string         `json:"priority"`
	Response   string         `json:"response"`
	Resolve    string         `json:"resolve"`
	Ack        string         `json:"ack"`
	Escalation string         `json:"escalation"`
	Children   []seedCategory `json:"children"`
}

// Seed indexes the cases waiting for the search index (IndexPending) and
// writes the seed taxonomy when there are no categories yet. It runs at start.
func (s *Service) Seed(ctx context.Context) error {
	// Cases written before the search index existed are indexed first.
	if _, err := s.IndexPending(ctx); err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM categories`).Scan(&n); err != nil || n > 0 {
		return err
	}
	var groups []seedCategory
	if err := json.Unmarshal(seedCategories, &groups); err != nil {
		return err
	}
	now := storage.Millis(s.now())
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		for gi, g := range groups {
			gid, err := tx.Insert(ctx, `INSERT INTO categories (code, name, name_en, class, route, sort, updated_at) VALUES (?, ?, ?, ?, '', ?, ?)`,
				g.Code, g.Name, g.NameEN, g.Class, gi*100, now)
			if err != nil {
				return err
			}
			for ci, c := range g.Children {
				if c.Ack == "" {
					c.Ack = "30m"
				}
				if c.Priority == "" {
					c.Priority = string(Normal)
				}
				for _, l := range []string{c.Response, c.Resolve, c.Ack} {
					if _, err := calendar.ParseLimit(l); err != nil {
						return fmt.Errorf("category %s: %w", c.Code, err)
					}
				}
				if _, err := tx.Exec(ctx, `INSERT INTO categories (code, parent_id, name, name_en, class, route, response_limit, resolve_limit, ack_limit, escalation, priority, sort, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					c.Code, gid, c.Name, c.NameEN, g.Class, c.Route, c.Response, c.Resolve, c.Ack, c.Escalation, c.Priority, gi*100+ci+1, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

const categoryColumns = `id, code, COALESCE(parent_id, 0), name, name_en, class, route, response_limit, resolve_limit, ack_limit, escalation, priority, active, sort`

func scanCategory(r scanner) (Category, error) {
	var c Category
	var esc string
	var active int64
	err := r.Scan(&c.ID, &c.Code, &c.ParentID, &c.Name, &c.NameEN, &c.Class, &c.Route, &c.Response, &c.Resolve, &c.Ack, &esc, &c.Priority, &active, &c.Sort)
	if err != nil {
		return c, err
	}
	c.Active = active != 0
	if esc != "" {
		c.Escalation = strings.Split(esc, ",")
	}
	c.ResponseLimit, _ = calendar.ParseLimit(c.Response)
	c.ResolveLimit, _ = calendar.ParseLimit(c.Resolve)
	c.AckLimit, _ = calendar.ParseLimit(c.Ack)
	return c, nil
}

// Categories lists the taxonomy (groups have an empty route).
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return storage.Select(ctx, s.DB, func(rows *sql.Rows) (Category, error) { return scanCategory(rows) },
		`SELECT `+categoryColumns+` FROM categories ORDER BY sort, id`)
}

func (s *Service) category(ctx context.Context, q storage.Querier, id int64, code string) (Category, error) {
	var c Category
	var err error
	if code != "" {
		c, err = scanCategory(q.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE code = ?`, code))
	} else {
		c, err = scanCategory(q.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
	}
	if err != nil || c.Route == "" || !c.Active {
		return c, linli.Invalid("类别不存在或已停用 / unknown or inactive category",
			linli.FieldError{Field: "category", Reason: "类别不存在或已停用 / unknown or inactive category"})
	}
	return c, nil
}

// categoryCached is category by code through a short-lived cache (every
// report looks its category up); UpdateCategory clears it on every
// replica (ChannelCategories).
func (s *Service) categoryCached(ctx context.Context, code string) (Category, error) {
	s.catMu.Lock()
	if time.Since(s.catAt) > 5*time.Second {
		s.cats, s.catAt = map[string]Category{}, time.Now()
	}
	c, ok := s.cats[code]
	s.catMu.Unlock()
	if ok {
		return c, nil
	}
	c, err := s.category(ctx, s.DB, 0, code)
	if err != nil {
		return c, err
	}
	s.catMu.Lock()
	s.cats[code] = c
	s.catMu.Unlock()
	return c, nil
}

// CategoryInput changes a category's rules.
type CategoryInput struct {
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en"`
	Route      string   `json:"route"`
	Response   string   `json:"response_limit"`
	Resolve    string   `json:"resolve_limit"`
	Ack        string   `json:"ack_limit"`
	Escalation []string `json:"escalation"`
	Priority   Priority `json:"priority"`
	Active     *bool    `json:"active"` // required: a PUT replaces the rules whole
}

func validLevel(l string) bool {
	return l == "community" || l == "street" || l == "district" || (strings.HasPrefix(l, "department:") && len(l) > len("department:"))
}

// UpdateCategory changes a category (admins and street staff; a street's
// categories are city-wide, so community staff cannot).
func (s *Service) UpdateCategory(ctx context.Context, a *linli.Actor, id int64, in CategoryInput) (Category, error) {
	if !a.HasRole(linli.RoleAdmin) && !a.HasRole(linli.RoleStreetStaff) {
		return Category{}, linli.Errorf(linli.EForbidden, "只有管理员和街道可以修改类别 / only administrators and street staff configure categories")
	}
	// An unknown category is a 404 whatever the body says.
	if _, err := scanCategory(s.DB.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id)); err != nil {
		return Category{}, linli.Errorf(linli.ENotFound, "类别不存在 / category not found")
	}
	var v linli.Validation
	if in.Active == nil {
		v.Add("active", "请明确是否启用 / active is required (true or false)")
	}
	if in.Name = strings.TrimSpace(in.Name); in.Name == "" || utf8.RuneCountInString(in.Name) > 30 {
		v.Add("name", "名称必填，不超过30字 / name is required, at most 30 characters")
	}
	if in.Route != "grid" && in.Route != "property" && !(strings.HasPrefix(in.Route, "department:") && len(in.Route) > 11) {
		v.Add("route", "派遣规则应为 grid、property 或 department:代码 / route must be grid, property or department:CODE")
	}
	for f, l := range map[string]string{"response_limit": in.Response, "resolve_limit": in.Resolve, "ack_limit": in.Ack} {
		if _, err := calendar.ParseLimit(l); err != nil {
			v.Add(f, "时限格式如 4wh、15wd、30m、24h / limit like 4wh, 15wd, 30m, 24h")
		}
	}
	for _, l := range in.Escalation {
		if !validLevel(l) {
			v.Add("escalation", "升级层级应为 community、street、district 或 department:代码 / unknown level "+l)
		}
	}
	if in.Priority.Label() == "" {
		v.Add("priority", "优先级应为 normal、urgent 或 emergency / unknown priority")
	}
	if err := v.Err(); err != nil {
		return Category{}, err
	}
	var out Category
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
		if err != nil {
			return linli.Errorf(linli.ENotFound, "类别不存在 / category not found")
		}
		if _, err := tx.Exec(ctx, `UPDATE categories SET name = ?, name_en = ?, route = ?, response_limit = ?, resolve_limit = ?, ack_limit = ?, escalation = ?, priority = ?, active = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.NameEN, in.Route, in.Response, in.Resolve, in.Ack, strings.Join(in.Escalation, ","), in.Priority, storage.Int(*in.Active), storage.Millis(s.now()), id); err != nil {
			return err
		}
		out, err = scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := tx.Notify(ctx, ChannelCategories, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "category.update", Entity: "category", EntityID: id, ScopePath: "/",
			Summary: "修改案件类别「" + out.Name + "」", Before: before, After: out})
	})
	return out, err
}
