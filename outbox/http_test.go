package outbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

type fixture struct {
	db                  *storage.DB
	srv                 *webtest.Server
	admin, staffA, grid *linli.Actor
	rowA, rowB, rowSys  int64
}

// newFixture: a street (/1/) with communities A (/1/2/) and B (/1/3/), a
// dead message in each and a registration code of no community.
func newFixture(t *testing.T, db *storage.DB) *fixture {
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		for _, n := range []struct {
			id         int64
			parent     any
			name, path string
		}{{1, nil, "郇阳街道", "/1/"}, {2, int64(1), "郇阳社区", "/1/2/"}, {3, int64(1), "东关社区", "/1/3/"}} {
			if _, err := tx.Exec(ctx, `INSERT INTO nodes (id, parent_id, kind, name, path, depth, created_at, updated_at) VALUES (?, ?, 'community', ?, ?, 1, 0, 0)`,
				n.id, n.parent, n.name, n.path); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db,
		admin:  &linli.Actor{AccountID: 1, DisplayName: "管理员", Grants: []linli.Grant{{Role: linli.RoleAdmin, NodeID: 1, NodePath: "/1/", NodeName: "郇阳街道"}}},
		staffA: &linli.Actor{AccountID: 2, DisplayName: "社区甲", Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodeID: 2, NodePath: "/1/2/", NodeName: "郇阳社区"}}},
		grid:   &linli.Actor{AccountID: 3, DisplayName: "网格员", Grants: []linli.Grant{{Role: linli.RoleGridWorker, NodeID: 2, NodePath: "/1/2/", NodeName: "郇阳社区"}}},
	}
	f.rowA = enqueue(t, db, t0, Message{Channel: SMS, To: "13800001111", NodeID: 2, Kind: "case", Text: "郇阳的消息"})
	f.rowB = enqueue(t, db, t0, Message{Channel: SMS, To: "13800002222", NodeID: 3, Kind: "case", Text: "东关的消息"})
	f.rowSys = enqueue(t, db, t0, Message{Channel: SMS, To: "13800003333", Kind: "signup_code", Text: "验证码"})
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE outbox SET status = 'dead', attempts = 8, last_error = 'HTTP 503'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.srv = webtest.New(t, Pages())
	clock := linli.NewFakeClock(t0)
	New(db, clock, Settings{}, registry.New(db, clock)).Routes(f.srv.Router, f.srv.Renderer)
	return f
}

func ids(t *testing.T, res *webtest.Response) []int64 {
	t.Helper()
	var body struct{ Items []Entry }
	res.Decode(t, &body)
	var out []int64
	for _, e := range body.Items {
		out = append(out, e.ID)
	}
	return out
}

func TestStaffSeeTheirScopeOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		a := f.srv.As(t, f.staffA)
		if got := ids(t, a.Get("/api/outbox")); len(got) != 1 || got[0] != f.rowA {
			t.Fatalf("community A's staff see %v, want only %d", got, f.rowA)
		}
		if got := ids(t, f.srv.As(t, f.admin).Get("/api/outbox?status=dead")); len(got) != 3 {
			t.Fatalf("the administrator sees %v", got)
		}
		for _, p := range []string{fmt.Sprintf("/api/outbox/%d", f.rowB), fmt.Sprintf("/api/outbox/%d", f.rowSys)} {
			if res := a.Get(p); res.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.Status)
			}
		}
		if res := a.JSON("POST", fmt.Sprintf("/api/outbox/%d/retry", f.rowB), nil); res.Status != http.StatusNotFound {
			t.Errorf("retry of another community's row: %d", res.Status)
		}
		if s := stateOf(t, db, f.rowB); s.Status != Dead {
			t.Fatalf("another community's row changed: %+v", s)
		}
		if res := f.srv.As(t, f.grid).Get("/api/outbox"); res.Status != http.StatusForbidden {
			t.Errorf("a grid worker: %d, want 403", res.Status)
		}
		if res := a.Get("/api/outbox?status=lost"); res.Status != http.StatusUnprocessableEntity || res.Problem(t).Errors[0].Field != "status" {
			t.Errorf("bad status filter: %d %s", res.Status, res.Body)
		}
		// The phone is masked.
		var body struct{ Items []Entry }
		a.Get("/api/outbox").Decode(t, &body)
		if body.Items[0].Recipient != "138****1111" {
			t.Errorf("recipient %q", body.Items[0].Recipient)
		}
	})
}

func TestRetryFromDeadIsAudited(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		a := f.srv.As(t, f.staffA)
		res := a.PostForm(fmt.Sprintf("/outbox/%d/retry", f.rowA), url.Values{})
		if res.Status != http.StatusSeeOther && res.Status != http.StatusFound {
			t.Fatalf("retry: %d %s", res.Status, res.Body)
		}
		if s := stateOf(t, db, f.rowA); s.Status != Pending || s.Attempts != 0 || !s.NextAt.Equal(t0) {
			t.Fatalf("after retry: %+v", s)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry' AND entity_id = ? AND scope_path = '/1/2/'`, f.rowA).Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit rows", n)
		}
		if res := a.JSON("POST", fmt.Sprintf("/api/outbox/%d/retry", f.rowA), nil); res.Status != http.StatusConflict {
			t.Errorf("retrying a pending row: %d, want 409", res.Status)
		}
	})
}

func TestChannelInputValidated(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	a := f.srv.As(t, f.staffA)
	count := func() int {
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox_channels`).Scan(&n)
		return n
	}
	res := a.JSON("POST", "/api/outbox/channels", ChannelInput{NodeID: 2, Kind: WeCom, Name: "群", URL: "ftp://qyapi.weixin.qq.com/x"})
	if res.Status != http.StatusUnprocessableEntity || res.Problem(t).Errors[0].Field != "url" || count() != 0 {
		t.Fatalf("ftp URL: %d %s, %d stored", res.Status, res.Body, count())
	}
	res = a.JSON("POST", "/api/outbox/channels", ChannelInput{NodeID: 3, Kind: WeCom, Name: "群", URL: "https://qyapi.weixin.qq.com/x"})
	if res.Status != http.StatusUnprocessableEntity || res.Problem(t).Errors[0].Field != "node_id" || count() != 0 {
		t.Fatalf("another community: %d %s", res.Status, res.Body)
	}
	// The form shows the error beside the field, keeps nothing.
	page := a.PostForm("/outbox/channels", url.Values{"node_id": {"2"}, "kind": {"dingtalk"}, "name": {"钉钉"}, "url": {"javascript:alert(1)"}, "secret": {"SECtopsecret"}})
	if page.Status != http.StatusUnprocessableEntity || !strings.Contains(page.String(), `data-test="err-url"`) || strings.Contains(page.String(), "SECtopsecret") || count() != 0 {
		t.Fatalf("form: %d, %d stored: %.400s", page.Status, count(), page.Body)
	}
	// Saved: the key in the URL and the secret show as ••••.
	res = a.JSON("POST", "/api/outbox/channels", ChannelInput{NodeID: 2, Kind: DingTalk, Name: "钉钉", URL: "https://oapi.dingtalk.com/robot/send?access_token=tok123456", Secret: "SECtopsecret", Enabled: true})
	if res.Status != http.StatusCreated {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	for _, body := range []string{res.String(), a.Get("/api/outbox/channels").String(), a.Get("/outbox/channels").String()} {
		if strings.Contains(body, "tok123456") || strings.Contains(body, "SECtopsecret") || !strings.Contains(body, "••••") {
			t.Fatalf("a secret shows: %.600s", body)
		}
	}
}

func TestPagesInBothLanguages(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	a := f.srv.As(t, f.staffA)
	for _, c := range []*webtest.Client{a, a.English()} {
		for _, p := range []string{"/outbox", "/outbox?status=dead&channel=sms", "/outbox/channels"} {
			res := c.Get(p)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %.300s", p, res.Status, res.Body)
			}
		}
	}
	if page := a.Get("/outbox").String(); !strings.Contains(page, `data-test="dead-letters"`) || !strings.Contains(page, `data-test="retry"`) || strings.Contains(page, "东关的消息") {
		t.Fatalf("page: %.800s", page)
	}
	if zh := a.Get("/outbox?status=dead").String(); !strings.Contains(zh, ">失败</span>") || !strings.Contains(zh, `<td class="name">短信</td>`) {
		t.Errorf("the Chinese page names status and channel in Chinese: %.600s", zh)
	}
	if en := a.English().Get("/outbox?status=dead").String(); !strings.Contains(en, ">Dead</span>") || !strings.Contains(en, `<td class="name">SMS</td>`) {
		t.Errorf("the English page: %.600s", en)
	}
	if miss := f.srv.Untranslated(); len(miss) > 0 {
		t.Fatalf("no English for %q", miss)
	}
}
