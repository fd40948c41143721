package webhooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"linli"
	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
	"linli/webhooks"
)

// A URL that is not https (or http to an intranet host where the
// deployment allows it) is refused with a 422 naming the field, through
// the API and on the page, and nothing is stored; so are an unknown event,
// a node outside the actor's scope and, for community staff, no scope.
func TestSubscriptionInputRefused(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		xueyuan, jixiang := f.node(pXueyuan...).ID, f.node(pJixiang...).ID
		strict := webhooks.New(db, f.w.Clock, f.w.Registry, false)
		srv := webtest.New(t, webhooks.Pages())
		f.svc.Routes(srv.Router, srv.Renderer)
		strictSrv := webtest.New(t, webhooks.Pages())
		strict.Routes(strictSrv.Router, strictSrv.Renderer)
		staff := f.actor("xueyuan")
		good := map[string]any{"name": "12345", "url": "https://hotline.example.cn/linli", "events": []string{"case.created"}, "scope": []int64{xueyuan}}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range good {
				m[kk] = vv
			}
			m[k] = v
			return m
		}
		for _, tc := range []struct {
			name  string
			srv   *webtest.Server
			body  map[string]any
			field string
		}{
			{"http to the internet", srv, with("url", "http://hotline.example.cn/linli"), "url"},
			{"http to loopback, not allowed", strictSrv, with("url", "http://127.0.0.1:9000/hook"), "url"},
			{"ftp", srv, with("url", "ftp://example.cn/x"), "url"},
			{"no host", srv, with("url", "https:///x"), "url"},
			{"credentials", srv, with("url", "https://user:pw@example.cn/x"), "url"},
			{"empty", srv, with("url", ""), "url"},
			{"unknown event", srv, with("events", []string{"case.deleted"}), "events"},
			{"no events", srv, with("events", []string{}), "events"},
			{"another community", srv, with("scope", []int64{jixiang}), "scope"},
			{"whole deployment by community staff", srv, with("scope", []int64{}), "scope"},
		} {
			res := tc.srv.As(t, staff).JSON("POST", "/api/webhooks", tc.body)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s, want 422", tc.name, res.Status, res.Body)
				continue
			}
			if p := res.Problem(t); len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
				t.Errorf("%s: problem %+v, want field %s", tc.name, p, tc.field)
			}
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM webhook_subscriptions`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d subscriptions stored after refusals (%v)", n, err)
		}
		// The page shows the reason beside the field and keeps the input.
		res := srv.As(t, staff).PostForm("/webhooks", url.Values{"name": {"12345"}, "url": {"http://hotline.example.cn/x"},
			"events": {"case.rated"}, "scope": {fmt.Sprint(xueyuan)}, "enabled": {"1"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.String(), `data-test="err-url"`) ||
			!strings.Contains(res.String(), "http://hotline.example.cn/x") {
			t.Errorf("page: %d, want 422 with the error beside url:\n%s", res.Status, res.Body)
		}
		// Allowed: https anywhere, http to an intranet host when allowed.
		for _, u := range []string{"https://hotline.example.cn/linli", "http://10.1.2.3:8080/hook", "http://dashboard.internal/hook", "http://[::1]:81/"} {
			if res := srv.As(t, staff).JSON("POST", "/api/webhooks", with("url", u)); res.Status != http.StatusCreated {
				t.Errorf("%s: %d %s", u, res.Status, res.Body)
			}
		}
		// An administrator may subscribe to the whole deployment.
		if res := srv.As(t, f.actor("admin")).JSON("POST", "/api/webhooks", with("scope", []int64{})); res.Status != http.StatusCreated {
			t.Errorf("administrator, whole deployment: %d %s", res.Status, res.Body)
		}
	})
}

// The secret is shown once, on creation, and masked afterwards in the API,
// the pages and the audit log; another community's staff do not see the
// subscription; the pages read in English.
func TestSubscriptionSecretShownOnce(t *testing.T) {
	t.Parallel()
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	srv := webtest.New(t, webhooks.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	staff := srv.As(t, f.actor("xueyuan"))
	res := staff.PostForm("/webhooks", url.Values{"name": {"12345 热线"}, "url": {"https://hotline.example.cn/linli?token=abc"},
		"events": {"case.created", "case.rated"}, "scope": {fmt.Sprint(f.node(pXueyuan...).ID)}, "enabled": {"1"}})
	if res.Status != http.StatusCreated || !strings.Contains(res.String(), `data-test="signing-secret"`) {
		t.Fatalf("create: %d\n%s", res.Status, res.Body)
	}
	var secret string
	if err := db.QueryRow(f.ctx, `SELECT secret FROM webhook_subscriptions`).Scan(&secret); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.String(), secret) {
		t.Fatal("the creating page does not show the secret")
	}
	var list struct{ Items []webhooks.Subscription }
	staff.Get("/api/webhooks").Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Secret != "••••" || strings.Contains(list.Items[0].URL, "abc") {
		t.Fatalf("list %+v", list.Items)
	}
	id := list.Items[0].ID
	var audit string
	if err := db.QueryRow(f.ctx, `SELECT after_json FROM audit_log WHERE action = 'webhook.create'`).Scan(&audit); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{staff.Get("/webhooks").String(), staff.Get(fmt.Sprintf("/webhooks/%d", id)).String(),
		staff.Get(fmt.Sprintf("/api/webhooks/%d", id)).String(), audit} {
		if strings.Contains(body, secret) || strings.Contains(body, "token=abc") {
			t.Errorf("the secret or the URL's token shows again:\n%s", body)
		}
	}
	other := srv.As(t, f.actor("jixiang"))
	if res := other.Get(fmt.Sprintf("/api/webhooks/%d", id)); res.Status != http.StatusNotFound {
		t.Errorf("another community's staff: %d, want 404", res.Status)
	}
	if res := srv.As(t, f.actor("grid1")).Get("/api/webhooks"); res.Status != http.StatusForbidden {
		t.Errorf("a grid worker: %d, want 403", res.Status)
	}
	en := staff.English()
	en.Get("/webhooks")
	en.Get(fmt.Sprintf("/webhooks/%d", id))
	if miss := srv.Untranslated(); len(miss) > 0 {
		t.Errorf("untranslated on the English pages: %q", miss)
	}
}

// The delivery log of a subscription shows each delivery's event, status,
// tries and last error; a dead one is redelivered from the page (audited),
// then sent; redelivering one that is not dead is a 409.
func TestDeliveryLogRedeliver(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		srv := webtest.New(t, webhooks.Pages())
		f.svc.Routes(srv.Router, srv.Renderer)
		var gone atomic.Bool
		gone.Store(true)
		hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if gone.Load() {
				http.Error(w, "no such hook", http.StatusGone)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		hs := startHTTP(t, hook)
		staffActor := f.actor("xueyuan")
		c, err := f.svc.Create(f.ctx, staffActor, webhooks.Input{Name: "dash", URL: hs + "/hook", Events: []string{webhooks.CaseCreated},
			Scope: []int64{f.node(pXueyuan...).ID}})
		if err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		kase := f.leak("resident")
		f.deliver()
		staff := srv.As(t, staffActor)
		var log struct{ Items []webhooks.Delivery }
		staff.Get(fmt.Sprintf("/api/webhooks/%d/deliveries", c.ID)).Decode(t, &log)
		if len(log.Items) != 1 {
			t.Fatalf("log %+v", log.Items)
		}
		d := log.Items[0]
		if d.Event != webhooks.CaseCreated || d.Subject != fmt.Sprintf("case:%d", kase.ID) || d.Status != outbox.Dead || d.Attempts != 1 || !strings.Contains(d.LastError, "410") {
			t.Fatalf("delivery %+v, want a dead case.created after one try with HTTP 410", d)
		}
		page := staff.Get(fmt.Sprintf("/webhooks/%d", c.ID)).String()
		for _, want := range []string{fmt.Sprintf(`data-id="%d" data-status="dead"`, d.ID), "案件上报", "410", `data-test="redeliver"`} {
			if !strings.Contains(page, want) {
				t.Errorf("log page lacks %q", want)
			}
		}
		gone.Store(false)
		res := staff.PostForm(fmt.Sprintf("/webhooks/%d/deliveries/%d/redeliver", c.ID, d.ID), url.Values{})
		if res.Status != http.StatusSeeOther && res.Status != http.StatusFound {
			t.Fatalf("redeliver: %d %s", res.Status, res.Body)
		}
		if n := f.deliver(); n != 1 {
			t.Fatalf("sent %d after redeliver, want 1", n)
		}
		staff.Get(fmt.Sprintf("/api/webhooks/%d/deliveries", c.ID)).Decode(t, &log)
		if log.Items[0].Status != outbox.Sent {
			t.Errorf("after redeliver: %+v", log.Items[0])
		}
		if res := staff.JSON("POST", fmt.Sprintf("/api/webhooks/%d/deliveries/%d/redeliver", c.ID, d.ID), nil); res.Status != http.StatusConflict {
			t.Errorf("redelivering a sent delivery: %d, want 409", res.Status)
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.redeliver' AND entity_id = ?`, c.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d redeliver audit rows (%v)", n, err)
		}
		// Another community's staff cannot redeliver it.
		if res := srv.As(t, f.actor("jixiang")).JSON("POST", fmt.Sprintf("/api/webhooks/%d/deliveries/%d/redeliver", c.ID, d.ID), nil); res.Status != http.StatusNotFound {
			t.Errorf("another community: %d, want 404", res.Status)
		}
	})
}

// startHTTP serves h on a loopback port and returns its base URL.
func startHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	r := &receiver{t: t, handler: h}
	r.up()
	t.Cleanup(r.down)
	return "http://" + r.addr
}
