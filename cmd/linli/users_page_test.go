package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestAccountPageShowsTheFacts: an account's page says, before its roles,
// the masked phone, when it last logged in, and whether it uses two-step
// verification — what a manager checks before resetting anything.
func TestAccountPageShowsTheFacts(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		s.login(t, "grid1") // so that grid1 has a last login
		st, body := s.login(t, "xueyuan").do("GET", fmt.Sprintf("/users/%d", accountID(t, s, "grid1")), nil)
		if st != 200 {
			t.Fatalf("account page: %d", st)
		}
		page := string(body)
		i := strings.Index(page, `data-test="account-facts"`)
		if i < 0 || i > strings.Index(page, `data-test="grants"`) {
			t.Fatalf("no facts before the roles:\n%s", page)
		}
		facts := page[i:strings.Index(page, `data-test="grants"`)]
		for _, want := range []string{"最近登录", `data-test="factor-state">未启用`} {
			if !strings.Contains(facts, want) {
				t.Errorf("facts lack %q:\n%s", want, facts)
			}
		}
		if strings.Contains(facts, "从未登录") {
			t.Error("grid1 has logged in, the page says never")
		}
		if regexp.MustCompile(`1[3-9]\d{9}`).MatchString(facts) {
			t.Errorf("a phone number unmasked:\n%s", facts)
		}
	})
}
