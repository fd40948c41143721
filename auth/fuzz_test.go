package auth

import (
	"testing"

	"linli/web/webtest"
)

// FuzzAuthInputs: the JSON bodies of login, registration, accounts,
// roles, claims and the second factor decode or are refused with a 400
// naming the field; an account's rules (AccountInput.validate, with the
// password policy) refuse with a 422 naming the field and are stable on
// their own output; a typed code normalises to itself.
func FuzzAuthInputs(f *testing.F) {
	for _, s := range []string{
		`{"username":"wang.fang","phone":"138 0013 8000","display_name":"王芳","password":"Xueyuan2026","grant":{"role":"community_staff","node_id":4}}`,
		`{"username":"ab","phone":"+86 138-0013-8000","display_name":"  ","password":"wang.fang"}`,
		`{"username":"li_si","display_name":"` + "李\u3000四" + `","password":"13800138000a","phone":"13800138000"}`,
		`{"login":"13800138000","password":"x"}`, `{"challenge":"c","code":"123 456"}`, `{"code":"abcd-efgh"}`,
		`{"old_password":"a","password":"b","sign_out_everywhere":true}`, `{"role":"resident","household_id":9}`,
		`{"phone":"13800138000","code":"123456","display_name":"张三","password":"Zhangsan1"}`,
		`{"approve":false,"note":"不是业主"}`, `{"disabled":true}`, `{"name":"导入脚本"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *AccountInput) error { return in.validate() })
		webtest.Input(t, body, func(in *PasswordChange) error { return CheckPolicy(in.Password, "", "") })
		webtest.Input[GrantInput](t, body, nil)
		webtest.Input[RegisterInput](t, body, nil)
		webtest.Input[Decision](t, body, nil)
		webtest.Input(t, body, func(in *codeInput) error {
			if c := normalizeCode(in.Code); normalizeCode(c) != c {
				t.Fatalf("normalizeCode(%q) = %q, normalised again %q", in.Code, c, normalizeCode(c))
			}
			return nil
		})
		webtest.Input[struct {
			Login    string `json:"login"`
			Password string `json:"password"`
		}](t, body, nil)
		webtest.Input[struct {
			Challenge string `json:"challenge"`
			Code      string `json:"code"`
		}](t, body, nil)
		webtest.Input[struct {
			Disabled bool `json:"disabled"`
		}](t, body, nil)
	})
}
