package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"linli/mediation"
)

// TestMediationPartyCopyHTTP: the agreement lists each party's basic
// situation as the official template does; the print view masks the
// contacts, the parties' copies (a post, by the mediators only) show them
// in full and are audited.
func TestMediationPartyCopyHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		_, d := mediationClosed(t, s)
		jx := s.login(t, "jixiang")
		page := fmt.Sprintf("/mediation/%d/agreement", d.Dispute.ID)
		st, b := jx.do("GET", page, nil)
		if st != 200 {
			t.Fatalf("print view: %d", st)
		}
		for _, want := range []string{"性别：女", "民族：汉族", "出生日期：1968-03-12", "职业：退休职工", "性别：男", "年龄：45岁", "职业：个体经营者", "联系方式", "****"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("print view lacks %q", want)
			}
		}
		st, b = jx.form(page+"/party-copy", url.Values{})
		if st != 200 || !strings.Contains(string(b), `data-test="party-copy"`) || strings.Contains(string(b), "****") || !strings.Contains(string(b), `data-test="doc-phone">1`) {
			t.Errorf("the parties' copy page: %d, full contacts missing: %.2000s", st, b)
		}
		var det mediation.Detail
		wantStatus(t, jx, "POST", fmt.Sprintf("/api/mediation/%d/agreement/party-copy", d.Dispute.ID), nil, 200, &det)
		if !det.PartyCopy || strings.Contains(det.Dispute.Parties[0].Phone, "*") || det.Dispute.Parties[0].Phone == "" {
			t.Errorf("API party copy: %+v", det.Dispute.Parties)
		}
		wantProblem(t, s.login(t, "jxresident"), "POST", fmt.Sprintf("/api/mediation/%d/agreement/party-copy", d.Dispute.ID), nil, 403)
		wantProblem(t, s.login(t, "xueyuan"), "POST", fmt.Sprintf("/api/mediation/%d/agreement/party-copy", d.Dispute.ID), nil, 404)
		var n int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'dispute.print_copy' AND entity_id = ?`, d.Dispute.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d print audit rows (%v), want 2", n, err)
		}
	})
}
