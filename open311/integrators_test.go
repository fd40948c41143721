package open311_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli"
	"linli/open311"
	"linli/storage"
	"linli/storage/storagetest"
)

// An integrator account: its key is shown once and stored only hashed;
// only staff who manage accounts on every place of its scope make, see
// and revoke it; each change is audited.
func TestIntegrators(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		key := f.hotline.APIKey
		if !strings.HasPrefix(key, "o311_") || len(key) < 40 || f.hotline.KeyHint != key[:9] {
			t.Fatalf("key %q hint %q", key, f.hotline.KeyHint)
		}
		if n := f.count(`SELECT COUNT(*) FROM open311_integrators WHERE key_hash = ? OR key_hint = ?`, key, key); n != 0 {
			t.Fatal("the key is stored in clear")
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'open311.integrator' AND entity_id = ?`, f.hotline.ID); n != 1 {
			t.Fatalf("audit rows %d", n)
		}
		list, err := f.svc.Integrators(f.ctx, f.actors["xueyuan"])
		if err != nil || len(list) != 1 || list[0].APIKey != "" || list[0].Scope[0].Name != "学苑社区" || list[0].Rate != open311.DefaultRate {
			t.Fatalf("list: %v %+v", err, list)
		}
		// The street sees it; 吉祥's staff do not, and cannot revoke it.
		if l, _ := f.svc.Integrators(f.ctx, f.actors["street"]); len(l) != 1 {
			t.Fatalf("street: %d", len(l))
		}
		if l, _ := f.svc.Integrators(f.ctx, f.actors["jixiang"]); len(l) != 0 {
			t.Fatalf("jixiang sees %d", len(l))
		}
		if _, err := f.svc.RevokeIntegrator(f.ctx, f.actors["jixiang"], f.hotline.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Fatalf("jixiang revokes: %v", err)
		}
		// Nobody makes an account for places they do not manage.
		// 吉祥's staff do not see 学苑社区: it answers like a place that
		// does not exist (the same error), so its id cannot be probed.
		unknown := func(who string, id int64) error {
			_, err := f.svc.CreateIntegrator(f.ctx, f.actors[who], open311.IntegratorInput{Name: "x", NodeIDs: []int64{id}})
			return err
		}
		if got, want := unknown("jixiang", f.node("学苑社区").ID), unknown("jixiang", 1<<40); linli.ErrorCode(want) != linli.EInvalid || fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("jixiang names 学苑社区: %#v; an unknown place: %#v", got, want)
		}
		for who, nodes := range map[string][]int64{"grid1": {f.node("学苑第一网格").ID}, "resident": {f.node("荟萃1号楼").ID}} {
			_, err := f.svc.CreateIntegrator(f.ctx, f.actors[who], open311.IntegratorInput{Name: "x", NodeIDs: nodes})
			if linli.ErrorCode(err) != linli.EForbidden {
				t.Errorf("%s: %v", who, err)
			}
		}
		_, err = f.svc.CreateIntegrator(f.ctx, f.actors["xueyuan"], open311.IntegratorInput{Name: " ", Rate: -3})
		fields := map[string]bool{}
		for _, fe := range linli.ErrorFields(err) {
			fields[fe.Field] = true
		}
		if !fields["name"] || !fields["rate_per_minute"] || !fields["node_ids"] {
			t.Fatalf("validation: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.svc.RevokeIntegrator(f.ctx, f.actors["xueyuan"], f.hotline.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'open311.revoke' AND entity_id = ?`, f.hotline.ID); n != 1 {
			t.Fatalf("revoke audit rows %d", n)
		}
	})
}

// The page and the API: the key appears on the answer to the creation
// only; revoking asks first; the page reads in English.
func TestIntegratorPagesAndAPI(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	staff := f.srv.As(t, f.actors["xueyuan"])
	page := staff.Get("/open311/integrators")
	if page.Status != 200 || !strings.Contains(page.String(), "12345 热线平台") || strings.Contains(page.String(), f.hotline.APIKey) {
		t.Fatalf("list page: %d", page.Status)
	}
	form := url.Values{"name": {"城市管理平台"}, "node_ids": {itoa(f.node("学苑社区").ID)}, "rate_per_minute": {"120"}, "moderated": {"1"}}
	made := staff.PostForm("/open311/integrators", form)
	body := made.String()
	i := strings.Index(body, `data-test="api-key">`)
	if made.Status != 200 || i < 0 {
		t.Fatalf("create: %d %s", made.Status, body)
	}
	key := body[i+len(`data-test="api-key">`):]
	key = key[:strings.Index(key, "<")]
	if status, _ := f.post("/open311/v2/requests.json", url.Values{"api_key": {key}, "service_code": {"noise"}, "lat": {inXueyuan[0]}, "long": {inXueyuan[1]}}); status != 200 {
		t.Fatalf("the new key: %d", status)
	}
	if again := staff.Get("/open311/integrators").String(); strings.Contains(again, key) {
		t.Fatal("the key is shown again")
	}
	bad := staff.PostForm("/open311/integrators", url.Values{"name": {""}, "rate_per_minute": {"many"}})
	if bad.Status != 422 || !strings.Contains(bad.String(), `data-test="err-node_ids"`) {
		t.Fatalf("refused form: %d", bad.Status)
	}
	// Revoking asks first, then acts.
	path := "/open311/integrators/" + itoa(f.hotline.ID) + "/revoke"
	ask := staff.PostForm(path, url.Values{})
	if ask.Status != 200 || !strings.Contains(ask.String(), "confirm") {
		t.Fatalf("confirmation: %d", ask.Status)
	}
	if n := f.count(`SELECT COUNT(*) FROM open311_integrators WHERE revoked_at <> 0`); n != 0 {
		t.Fatal("revoked before the confirmation")
	}
	if done := staff.PostForm(path, url.Values{"confirm": {"1"}}); done.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", done.Status)
	}
	if n := f.count(`SELECT COUNT(*) FROM open311_integrators WHERE revoked_at <> 0`); n != 1 {
		t.Fatal("not revoked")
	}
	// The API.
	var created open311.Integrator
	api := f.srv.BearerAs(t, f.actors["xueyuan"])
	r := api.JSON("POST", "/api/open311/integrators", map[string]any{"name": "区级平台", "node_ids": []int64{f.node("学苑社区").ID}})
	r.Decode(t, &created)
	if r.Status != 201 || !strings.HasPrefix(created.APIKey, "o311_") {
		t.Fatalf("api create: %d %s", r.Status, r)
	}
	var got struct {
		Integrators []open311.Integrator `json:"integrators"`
	}
	api.Get("/api/open311/integrators").Decode(t, &got)
	if len(got.Integrators) != 3 || got.Integrators[0].APIKey != "" {
		t.Fatalf("api list: %+v", got)
	}
	if r := f.srv.BearerAs(t, f.actors["jixiang"]).JSON("POST", "/api/open311/integrators/"+itoa(created.ID)+"/revoke", nil); r.Status != 404 {
		t.Fatalf("jixiang revokes: %d", r.Status)
	}
	if r := api.JSON("POST", "/api/open311/integrators/"+itoa(created.ID)+"/revoke", nil); r.Status != 200 {
		t.Fatalf("api revoke: %d %s", r.Status, r)
	}
	if r := f.srv.Anon(t).Get("/api/open311/integrators"); r.Status != 401 {
		t.Fatalf("anonymous: %d", r.Status)
	}
	// English.
	en := staff.English().Get("/open311/integrators")
	if en.Status != 200 || !strings.Contains(en.String(), "Open311 integrators") {
		t.Fatalf("english: %d", en.Status)
	}
	if miss := f.srv.Untranslated(); len(miss) > 0 {
		t.Fatalf("untranslated: %q", miss)
	}
}

// A list attribute carries its values; others have no values element.
func TestAttributeValuesXML(t *testing.T) {
	b, err := xml.Marshal(open311.Definition{Code: "x", Attributes: []open311.Attribute{{Code: "kind", Datatype: "singlevaluelist", Values: []open311.Value{{Key: "a", Name: "甲"}}}}})
	if err != nil || !strings.Contains(string(b), `<values><value><key>a</key><name>甲</name></value></values></attribute>`) {
		t.Fatalf("%v %s", err, b)
	}
	b, _ = xml.Marshal(open311.Definition{Code: "x", Attributes: []open311.Attribute{{Code: "room", Datatype: "string"}}})
	if strings.Contains(string(b), "values") {
		t.Fatalf("%s", b)
	}
}
