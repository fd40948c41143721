package webhooks_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
	"linli/webhooks"
)

// Rotating a subscription's secret: the new secret is returned once; for
// the overlap every delivery carries both signatures, so a receiver still
// holding the old secret and one already holding the new both accept it;
// after the overlap, or with none, only the new secret signs. Audited
// without either secret; outside the actor's scope a 404, an overlap
// over a week a 422 naming overlap_hours.
func TestRotateSecret(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		sub := f.subscribe("xueyuan", "/rot", []string{webhooks.CaseCreated}, f.node(pXueyuan...).ID)
		old := sub.SigningSecret
		last := func() got {
			t.Helper()
			f.leak("resident")
			f.deliver()
			f.rcv.mu.Lock()
			defer f.rcv.mu.Unlock()
			gs := f.rcv.got["/rot"]
			if f.rcv.bad != 0 || len(gs) == 0 {
				t.Fatalf("receiver refused %d deliveries, accepted %d", f.rcv.bad, len(gs))
			}
			return gs[len(gs)-1]
		}
		if g := last(); g.Signatures != 1 {
			t.Fatalf("before rotating: %d signatures", g.Signatures)
		}

		c, err := f.svc.Rotate(f.ctx, f.actor("xueyuan"), sub.ID, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if c.SigningSecret == "" || c.SigningSecret == old || c.Secret != "••••" || !c.PreviousUntil.Equal(f.w.Clock.Now().Add(24*time.Hour).Truncate(time.Millisecond)) {
			t.Fatalf("rotated: %+v", c)
		}
		// The receiver still has the old secret: accepted, two signatures.
		if g := last(); g.Signatures != 2 {
			t.Fatalf("during the overlap: %d signatures, want 2", g.Signatures)
		}
		// It switches to the new one within the overlap: accepted.
		f.rcv.secret("/rot", c.SigningSecret)
		if g := last(); g.Signatures != 2 {
			t.Fatalf("new secret during the overlap: %d signatures", g.Signatures)
		}
		// After the overlap only the new secret signs.
		f.w.Clock.Advance(25 * time.Hour)
		if g := last(); g.Signatures != 1 {
			t.Fatalf("after the overlap: %d signatures, want 1", g.Signatures)
		}
		if got, err := f.svc.Get(f.ctx, f.actor("xueyuan"), sub.ID); err != nil || !got.PreviousUntil.IsZero() {
			t.Fatalf("after the overlap the subscription shows %v (%v)", got.PreviousUntil, err)
		}

		// No overlap: the previous secret stops at once.
		c2, err := f.svc.Rotate(f.ctx, f.actor("xueyuan"), sub.ID, 0)
		if err != nil || !c2.PreviousUntil.IsZero() {
			t.Fatalf("rotation without overlap: %+v %v", c2, err)
		}
		f.leak("resident")
		f.deliver()
		f.rcv.mu.Lock()
		refused := f.rcv.bad
		f.rcv.mu.Unlock()
		if refused != 1 {
			t.Fatalf("a receiver with the replaced secret: %d refusals, want 1", refused)
		}

		// Refusals.
		if _, err := f.svc.Rotate(f.ctx, f.actor("jixiang"), sub.ID, time.Hour); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("another community's staff: %v, want not found", err)
		}
		_, err = f.svc.Rotate(f.ctx, f.actor("xueyuan"), sub.ID, 8*24*time.Hour)
		if fe := linli.ErrorFields(err); linli.ErrorCode(err) != linli.EInvalid || len(fe) == 0 || fe[0].Field != "overlap_hours" {
			t.Errorf("overlap of 8 days: %v %v", err, fe)
		}

		// Audited twice, with neither secret.
		rows, err := storage.Scalars[string](f.ctx, db, `SELECT summary || ' ' || after_json FROM audit_log WHERE action = 'webhook.rotate' AND entity_id = ?`, sub.ID)
		if err != nil || len(rows) != 2 {
			t.Fatalf("%d rotation audit rows (%v), want 2", len(rows), err)
		}
		for _, secret := range []string{old, c.SigningSecret, c2.SigningSecret} {
			if strings.Contains(strings.Join(rows, " "), secret) {
				t.Errorf("the audit holds a secret: %s", rows)
			}
		}
	})
}

// The subscription's page rotates with a button: the answer shows the new
// secret once and the overlap; the API answers it as signing_secret.
func TestRotatePage(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		sub := f.subscribe("xueyuan", "/page", []string{webhooks.CaseCreated}, f.node(pXueyuan...).ID)
		srv := webtest.New(t, webhooks.Pages())
		f.svc.Routes(srv.Router, srv.Renderer)
		staff := srv.As(t, f.actor("xueyuan"))
		page := staff.Get("/webhooks/" + itoa(sub.ID)).String()
		if !strings.Contains(page, `action="/webhooks/`+itoa(sub.ID)+`/rotate"`) || !strings.Contains(page, `data-test="rotate"`) {
			t.Fatalf("the page has no rotate button:\n%s", page)
		}
		res := staff.PostForm("/webhooks/"+itoa(sub.ID)+"/rotate", url.Values{"overlap_hours": {"72"}})
		body := res.String()
		if res.Status != http.StatusOK || !strings.Contains(body, `data-test="signing-secret"`) || !strings.Contains(body, `data-test="overlap"`) {
			t.Fatalf("rotate page: %d\n%s", res.Status, body)
		}
		i := strings.Index(body, "whsec_")
		secret := body[i : i+len("whsec_")+48]
		if strings.Contains(staff.Get("/webhooks/"+itoa(sub.ID)).String(), secret) {
			t.Error("the new secret is shown again after the answer")
		}
		api := staff.JSON("POST", "/api/webhooks/"+itoa(sub.ID)+"/rotate", map[string]any{"overlap_hours": 0})
		var c webhooks.Created
		api.Decode(t, &c)
		if api.Status != http.StatusOK || !strings.HasPrefix(c.SigningSecret, "whsec_") || c.SigningSecret == secret || !c.PreviousUntil.IsZero() {
			t.Fatalf("API rotate: %d %s", api.Status, api.Body)
		}
		if res := staff.JSON("POST", "/api/webhooks/"+itoa(sub.ID)+"/rotate", map[string]any{"overlap_hours": 500}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("overlap of 500 hours: %d", res.Status)
		}
		// In English, every word of the form and the answer is translated.
		en := staff.English().PostForm("/webhooks/"+itoa(sub.ID)+"/rotate", url.Values{"overlap_hours": {"24"}}).String()
		if !strings.Contains(en, "New signing secret") || !strings.Contains(en, "Rotate the signing secret") {
			t.Errorf("English answer lacks its words:\n%s", en)
		}
		if miss := srv.Untranslated(); len(miss) > 0 {
			t.Errorf("untranslated on the webhook page: %q", miss)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
