package mediation_test

import (
	"strconv"
	"strings"
	"testing"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// TestMediationNewPageNeedsMediationRightsOnTheCase: the form opened from
// a case lists the households (with their owners) and the staff of the
// case's community. Reading the case is not enough for that: a worker of
// 学苑社区 who lives in 吉祥社区 reads the case she reported at home, but
// she does not mediate in 吉祥社区, so the form refuses as the POST does
// and names no household of it.
func TestMediationNewPageNeedsMediationRightsOnTheCase(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.leakCase() // reported by jxresident, 吉祥社区
		res := *f.actor("jxresident")
		xy := f.node("运城市", "盐湖区", "东城街道", "学苑社区")
		res.Grants = append(append([]linli.Grant(nil), res.Grants...), linli.Grant{Role: linli.RoleCommunityStaff, NodeID: xy.ID, NodePath: xy.Path})
		if _, err := f.cs.Get(f.ctx, &res, c.ID); err != nil {
			t.Fatalf("the reporter reads her case: %v", err)
		}
		s := webtest.New(t, f.svc.Parts().Pages)
		f.svc.Parts().Routes(s.Router, s.Renderer)
		got := s.As(t, &res).Get("/mediation/new?case_id=" + strconv.FormatInt(c.ID, 10))
		body := string(got.Body)
		if got.Status != 422 || strings.Contains(body, "<option") {
			t.Errorf("a worker of another community: %d, want 422 and no list of 吉祥社区's households:\n%.2000s", got.Status, body)
		}
		// The community's own staff get the form with its households.
		own := s.As(t, f.actor("jixiang")).Get("/mediation/new?case_id=" + strconv.FormatInt(c.ID, 10))
		if own.Status != 200 || !strings.Contains(string(own.Body), "吉祥花园") {
			t.Errorf("吉祥社区's staff: %d, want the form with the households", own.Status)
		}
	})
}
