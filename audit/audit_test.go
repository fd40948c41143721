package audit_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// The places of these tests, as node paths: a street (/1/) with two
// communities, 学苑 (/1/2/) and 吉祥 (/1/3/), a grid of 学苑 (/1/2/5/), and
// community 20 (/1/20/), whose path begins with 学苑's digits.
var (
	admin   = &linli.Actor{AccountID: 1, Username: "admin", DisplayName: "管理员", Grants: []linli.Grant{{Role: linli.RoleAdmin, NodePath: "/"}}}
	street  = &linli.Actor{AccountID: 2, Username: "street", DisplayName: "街道", Grants: []linli.Grant{{Role: linli.RoleStreetStaff, NodePath: "/1/"}}}
	xueyuan = &linli.Actor{AccountID: 3, Username: "xueyuan", DisplayName: "学苑社区", Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/2/"}}}
	jixiang = &linli.Actor{AccountID: 4, Username: "jixiang", DisplayName: "吉祥社区", Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/3/"}}}
	grid1   = &linli.Actor{AccountID: 5, Username: "grid1", DisplayName: "网格员", Grants: []linli.Grant{{Role: linli.RoleGridWorker, NodePath: "/1/2/5/"}}}
	head    = &linli.Actor{AccountID: 6, Username: "building", DisplayName: "楼栋长", Grants: []linli.Grant{{Role: linli.RoleBuildingHead, NodePath: "/1/2/5/"}}}
)

var at = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// record appends one entry, as a service does inside its transaction.
func record(t *testing.T, db *storage.DB, ctx context.Context, a *linli.Actor, c audit.Change) {
	t.Helper()
	if err := db.InTx(ctx, func(tx *storage.Tx) error { return audit.Record(ctx, tx, a, at, c) }); err != nil {
		t.Fatal(err)
	}
}

// seed writes one entry per place; the summary names the place.
func seed(t *testing.T, db *storage.DB) {
	ctx := linli.WithIP(context.Background(), "10.1.2.3")
	for i, scope := range []string{"/1/2/", "/1/2/5/", "/1/3/", "/1/20/", "/1/", "/"} {
		record(t, db, ctx, admin, audit.Change{Action: "node.update", Entity: "node", EntityID: int64(100 + i), ScopePath: scope,
			Summary: "改了" + scope, Before: map[string]string{"name": "旧"}, After: map[string]string{"name": "新"}})
	}
	record(t, db, ctx, nil, audit.Change{Action: "person.reveal", Entity: "person", EntityID: 9, ScopePath: "/1/2/5/", Summary: "查看了电话"})
	record(t, db, ctx, xueyuan, audit.Change{Action: "household.create", Entity: "household", EntityID: 7, Summary: "全局记录"})
}

func server(t *testing.T, db *storage.DB) *webtest.Server {
	s := webtest.New(t, audit.Pages())
	(&audit.Log{DB: db}).Routes(s.Router, s.Renderer)
	return s
}

func entries(t *testing.T, c *webtest.Client, query string) []audit.Entry {
	t.Helper()
	res := c.Get("/api/audit" + query)
	if res.Status != http.StatusOK {
		t.Fatalf("GET /api/audit%s: %d %s", query, res.Status, res)
	}
	var out struct{ Entries []audit.Entry }
	res.Decode(t, &out)
	return out.Entries
}

func scopes(es []audit.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.ScopePath)
	}
	return strings.Join(out, " ")
}

// An actor reads the entries of the places where it holds audit.read, and
// none else, newest first: a community its own subtree (not the community
// whose path merely begins with the same digits), the street its
// communities, the administrator everything. Those without audit.read
// are refused, by the API and the page alike.
func TestScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		s := server(t, db)
		for _, tc := range []struct {
			who  *linli.Actor
			want string
		}{
			{xueyuan, "/1/2/5/ /1/2/5/ /1/2/"},
			{jixiang, "/1/3/"},
			{street, "/1/2/5/ /1/ /1/20/ /1/3/ /1/2/5/ /1/2/"},
			{admin, "/ /1/2/5/ / /1/ /1/20/ /1/3/ /1/2/5/ /1/2/"},
		} {
			c := s.As(t, tc.who)
			if got := scopes(entries(t, c, "")); got != tc.want {
				t.Errorf("%s reads %q, want %q", tc.who.Username, got, tc.want)
			}
			// The page shows the same entries, and no others.
			page := c.Get("/audit").String()
			for _, scope := range []string{"/", "/1/", "/1/2/", "/1/2/5/", "/1/3/", "/1/20/"} {
				shown := strings.Contains(page, "改了"+scope+"<")
				if want := strings.Contains(" "+tc.want+" ", " "+scope+" "); shown != want {
					t.Errorf("%s's page shows the entry of %s: %v, want %v", tc.who.Username, scope, shown, want)
				}
			}
		}
		// A narrower scope may be asked for; one outside the actor's is refused.
		// (The filter has no scope parameter on the wire; Log.List has.)
		log := &audit.Log{DB: db}
		if es, err := log.List(context.Background(), street, audit.Filter{Scope: "/1/3/"}); err != nil || scopes(es) != "/1/3/" {
			t.Errorf("street narrowed to 吉祥: %q, %v", scopes(es), err)
		}
		if _, err := log.List(context.Background(), xueyuan, audit.Filter{Scope: "/1/"}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("学苑 widening to the street: %v, want forbidden", err)
		}

		// Grid workers and building heads cannot read the audit log.
		for _, a := range []*linli.Actor{grid1, head} {
			c := s.As(t, a)
			res := c.Get("/api/audit")
			if res.Status != http.StatusForbidden {
				t.Fatalf("%s GET /api/audit: %d, want 403", a.Username, res.Status)
			}
			if p := res.Problem(t); p.Code != linli.EForbidden || strings.Contains(res.String(), "改了") {
				t.Errorf("%s: %+v", a.Username, p)
			}
			if res := c.Get("/audit"); res.Status != http.StatusForbidden || strings.Contains(res.String(), "改了") {
				t.Errorf("%s GET /audit: %d, want 403 and no entries", a.Username, res.Status)
			}
		}
		if res := s.Anon(t).Get("/api/audit"); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", res.Status)
		}
		if res := s.Anon(t).Get("/audit"); res.Status != http.StatusSeeOther {
			t.Errorf("anonymous page: %d, want 303 to the login page", res.Status)
		}
	})
}

// An entry keeps who, what, where, from which address, and the record
// before and after; work Linli does itself is the system's, and a record
// without a place is global ("/").
func TestRecord(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		es := entries(t, server(t, db).As(t, admin), "?entity=node&entity_id=100")
		if len(es) != 1 {
			t.Fatalf("entries of node 100: %+v", es)
		}
		e := es[0]
		if e.AccountID != 1 || e.Actor != "管理员" || e.Action != "node.update" || e.ScopePath != "/1/2/" || e.IP != "10.1.2.3" ||
			e.Before != `{"name":"旧"}` || e.After != `{"name":"新"}` || !e.At.Equal(at) {
			t.Errorf("entry %+v", e)
		}
		sys := entries(t, server(t, db).As(t, admin), "?action=person.reveal")
		if len(sys) != 1 || sys[0].Actor != "系统" || sys[0].AccountID != 0 {
			t.Errorf("an entry without an actor: %+v, want the system's", sys)
		}
		global := entries(t, server(t, db).As(t, admin), "?entity=household")
		if len(global) != 1 || global[0].ScopePath != "/" || global[0].Actor != "学苑社区" {
			t.Errorf("an entry without a place: %+v, want scope /", global)
		}
	})
}

// Filters narrow the list; before pages backwards; a limit past 500 is
// the default 100; a filter that is not a number is a 400 naming it.
func TestFilters(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		s := server(t, db)
		c := s.As(t, admin)
		all := entries(t, c, "")
		if len(all) != 8 {
			t.Fatalf("%d entries, want 8", len(all))
		}
		if got := entries(t, c, "?action=node.update"); len(got) != 6 {
			t.Errorf("action=node.update: %d entries, want 6", len(got))
		}
		if got := entries(t, c, "?entity=node&entity_id=103"); len(got) != 1 || got[0].ScopePath != "/1/20/" {
			t.Errorf("node 103: %+v", got)
		}
		page1 := entries(t, c, "?limit=3")
		page2 := entries(t, c, fmt.Sprintf("?limit=3&before=%d", page1[2].ID))
		if len(page1) != 3 || len(page2) != 3 || page2[0].ID != all[3].ID || page2[0].ID >= page1[2].ID {
			t.Errorf("paging: %v then %v of %v", ids(page1), ids(page2), ids(all))
		}
		if got := entries(t, c, "?limit=501"); len(got) != 8 {
			t.Errorf("limit=501: %d entries", len(got))
		}
		for _, q := range []string{"before=x", "entity_id=one", "limit=ten"} {
			res := c.Get("/api/audit?" + q)
			field, _, _ := strings.Cut(q, "=")
			if res.Status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", q, res.Status)
				continue
			}
			if p := res.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != field {
				t.Errorf("%s: errors %+v, want one on %s", q, p.Errors, field)
			}
		}
	})
}

func ids(es []audit.Entry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// The page shows 50 entries and a link to the older ones; the entity
// filter is shown with a way to clear it; in English, every text of the
// page has its translation.
func TestPage(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		for i := range 52 {
			record(t, db, ctx, xueyuan, audit.Change{Action: "node.update", Entity: "node", EntityID: int64(i + 1), ScopePath: "/1/2/", Summary: fmt.Sprintf("第%d条", i+1)})
		}
		s := server(t, db)
		c := s.As(t, xueyuan)
		body := c.Get("/audit").String()
		if !strings.Contains(body, "第52条") || !strings.Contains(body, "第3条<") || strings.Contains(body, "第2条<") {
			t.Errorf("the first page is not entries 52 to 3")
		}
		older := entries(t, c, "?limit=50")[49].ID
		if !strings.Contains(body, fmt.Sprintf(`href="/audit?before=%d" rel="next"`, older)) {
			t.Errorf("no link to entries before %d", older)
		}
		if body := c.Get(fmt.Sprintf("/audit?before=%d", older)).String(); !strings.Contains(body, "第2条<") || strings.Contains(body, "第3条<") || strings.Contains(body, `rel="next"`) {
			t.Errorf("the older page is not entries 2 and 1, without a further link")
		}
		body = c.Get("/audit?entity=node&entity_id=7").String()
		if !strings.Contains(body, `<span class="entity">node#7</span>`) || !strings.Contains(body, "第7条<") || strings.Contains(body, "第8条<") {
			t.Errorf("the filtered page does not show node#7 alone")
		}
		en := c.English()
		for _, path := range []string{"/audit", "/audit?entity=node&entity_id=7", fmt.Sprintf("/audit?before=%d", older), "/audit?entity=node&entity_id=999"} {
			if res := en.Get(path); res.Status != http.StatusOK || !strings.Contains(res.String(), "Audit log") {
				t.Errorf("English %s: %d", path, res.Status)
			}
		}
		s.As(t, grid1).English().Get("/audit")
		if miss := s.Untranslated(); len(miss) > 0 {
			t.Errorf("Chinese without English on the audit pages: %q", miss)
		}
	})
}

// Nothing on the wire changes the log: only reading is routed. (The
// database refuses UPDATE and DELETE on audit_log as well; storage tests
// that.)
func TestAppendOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		s := server(t, db)
		c := s.As(t, admin)
		before := entries(t, c, "")
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			for _, path := range []string{"/api/audit", fmt.Sprintf("/api/audit/%d", before[0].ID), "/audit"} {
				if res := c.JSON(m, path, map[string]any{"summary": "改写"}); res.Status != http.StatusMethodNotAllowed && res.Status != http.StatusNotFound {
					t.Errorf("%s %s: %d, want 405 or 404", m, path, res.Status)
				}
			}
		}
		if after := entries(t, c, ""); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the log changed:\n%v\n%v", before, after)
		}
	})
}

// The system's entries name it in the page's language; people keep their
// names.
func TestActorInLanguage(t *testing.T) {
	sys := audit.Entry{Actor: "系统"}
	if sys.ActorIn("en") != "System" || sys.ActorIn("zh") != "系统" {
		t.Errorf("system: %q / %q", sys.ActorIn("en"), sys.ActorIn("zh"))
	}
	if p := (audit.Entry{AccountID: 3, Actor: "系统"}); p.ActorIn("en") != "系统" {
		t.Errorf("an account named 系统 was renamed: %q", p.ActorIn("en"))
	}
}

// A read-only token's actor makes no change: every change records its
// entry in its own transaction, and Record refuses the entry (so the
// change rolls back) unless it is the record of a read — a reveal, a view.
func TestReadOnlyRecordsOnlyReads(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ro := xueyuan.Narrowed(linli.Grant{}, true)
		count := func() int {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			return audit.Record(ctx, tx, ro, at, audit.Change{Action: "node.update", Entity: "node", EntityID: 2, ScopePath: "/1/2/", Summary: "改名"})
		})
		if linli.ErrorCode(err) != linli.EForbidden || count() != 0 {
			t.Fatalf("a change by a read-only token: %v, %d rows", err, count())
		}
		record(t, db, ctx, ro, audit.Change{Action: "person.reveal", Entity: "person", EntityID: 9, ScopePath: "/1/2/", Summary: "查看", Read: true})
		record(t, db, ctx, xueyuan, audit.Change{Action: "node.update", Entity: "node", EntityID: 2, ScopePath: "/1/2/", Summary: "改名"})
		if n := count(); n != 2 {
			t.Errorf("%d rows, want the read and the login's change", n)
		}
	})
}
