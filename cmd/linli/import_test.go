package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linli"
	"linli/registry"
	"linli/registry/ledger"
)

// This file tests the household ledger import and export through the real
// server: multipart uploads of files built with package ledger.

// writeLedger writes households as a ledger file in dir and returns its bytes.
func writeLedger(t *testing.T, dir, name string, hs []ledger.Household) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".csv") {
		err = ledger.WriteCSV(&buf, hs)
	} else {
		err = ledger.WriteXLSX(&buf, hs)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// upload posts a file to the community's import endpoint.
func upload(t *testing.T, c *client, community int64, name string, data []byte) (*http.Response, []byte) {
	t.Helper()
	body, hdr := multipartFile(t, name, data)
	return c.call("POST", fmt.Sprintf("/api/communities/%d/import", community), body, hdr)
}

func owner(name, phone, id string) ledger.Member {
	return ledger.Member{Name: name, Relation: ledger.RelationOwner, IsOwner: true, Phone: phone, IDNumber: id}
}

func TestImportAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		p := demoPlaces(t, s)
		xueyuan := s.login(t, "xueyuan")
		dir := t.TempDir()
		count := func(table string) int {
			t.Helper()
			var n int
			if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		inCommunity := func(id int64) int {
			t.Helper()
			var n int
			if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM households WHERE path LIKE ?`, nodePath(t, s, id)+"%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		idNumber := func(first17 string) string { return first17 + string(ledger.IDCheckChar(first17)) }

		t.Run("good file", func(t *testing.T) {
			hs := []ledger.Household{
				{Estate: "书香苑", Building: "9号楼", Unit: "1单元", Floor: 1, Room: "101", AreaCenti: 8655, Note: "新建楼栋",
					Members: []ledger.Member{owner("导入甲", "13900007001", idNumber("14080219800101123")),
						{Name: "导入乙", Relation: ledger.RelationFamily, Phone: "13900007002"}}},
				{Estate: "书香苑", Building: "9号楼", Unit: "1单元", Floor: 2, Room: "201", AreaCenti: 9010,
					Members: []ledger.Member{owner("导入丙", "13900007003", "")}},
				{Estate: "槐荫小区", Building: "9号楼", Unit: "2单元", Floor: -1, Room: "B01", AreaCenti: 3000},
			}
			for _, name := range []string{"好台账.xlsx", "好台账.csv"} {
				data := writeLedger(t, dir, name, hs)
				before := count("households")
				res, b := upload(t, xueyuan, p.xueyuan, name, data)
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d %s", name, res.StatusCode, b)
				}
				var got registry.ImportResult
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				want := registry.ImportResult{Households: 3, Created: 3, People: 3, BuildingsCreated: 2, UnitsCreated: 2}
				if name == "好台账.csv" { // the same file again: everything is on file already, nothing is rewritten
					want = registry.ImportResult{Households: 3, Unchanged: 3, People: 3}
				}
				if got != want {
					t.Errorf("%s: result %+v, want %+v", name, got, want)
				}
				if after := count("households"); after != before+want.Created {
					t.Errorf("%s: households %d → %d, want +%d", name, before, after, want.Created)
				}
			}
			// The households are in the register, masked, where the file put them.
			var list struct {
				Households []registry.Household
				Total      int
			}
			wantStatus(t, xueyuan, "GET", fmt.Sprintf("/api/households?node_id=%d&q=%s", p.shuxiang, urlQuery("导入甲")), nil, 200, &list)
			if list.Total != 1 {
				t.Fatalf("search 导入甲 in 书香苑: %d households", list.Total)
			}
			h := list.Households[0]
			if h.Building != "9号楼" || h.Unit != "1单元" || h.Room != "101" || h.Floor != 1 || h.Area != "86.55" || h.Note != "新建楼栋" || len(h.Members) != 2 {
				t.Errorf("imported household: %+v", h)
			}
			if h.Members[0].Phone != "139****7001" || !h.Members[0].IsOwner || h.Members[1].Relation != "family" {
				t.Errorf("imported members: %+v", h.Members)
			}
			// Re-importing kept the people (no duplicates, history stays linked).
			var people int
			if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE name LIKE '导入%'`).Scan(&people); err != nil {
				t.Fatal(err)
			}
			if people != 3 {
				t.Errorf("%d people named 导入*, want 3 after importing the same file twice", people)
			}
			// A grid worker sees them; the other community does not.
			wantStatus(t, s.login(t, "xueyuan"), "GET", fmt.Sprintf("/api/households/%d", h.ID), nil, 200, nil)
			wantProblem(t, s.login(t, "jixiang"), "GET", fmt.Sprintf("/api/households/%d", h.ID), nil, 404)
			if !hasAction(auditEntries(t, xueyuan, "action=registry.import"), "registry.import", p.xueyuan) {
				t.Errorf("no registry.import audit entry")
			}
		})

		t.Run("bad rows", func(t *testing.T) {
			// Rows 2-6: each wrong in one way; row 7 is fine. The server
			// must list every problem and write nothing.
			hs := []ledger.Household{
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 0, Room: "901", AreaCenti: 8655, // no floor 0
					Members: []ledger.Member{owner("坏行甲", "13900008001", "")}},
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 5, Room: "902", AreaCenti: 0, // no area
					Members: []ledger.Member{owner("坏行乙", "13900008002", "")}},
				{Estate: "不存在的小区", Building: "1号楼", Unit: "1单元", Floor: 3, Room: "903", AreaCenti: 8655,
					Members: []ledger.Member{owner("坏行丙", "13900008003", "")}},
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 3, Room: "904", AreaCenti: 8655,
					Members: []ledger.Member{owner("坏行丁", "12345", "")}}, // not a phone number
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 3, Room: "905", AreaCenti: 8655,
					Members: []ledger.Member{owner("坏行戊", "13900008005", "140802198001010011")}}, // wrong check digit
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 2, Room: "906", AreaCenti: 8655,
					Members: []ledger.Member{owner("好行己", "13900008006", "")}},
			}
			want := []linli.FieldError{{Row: 2, Field: "楼层"}, {Row: 3, Field: "建筑面积(㎡)"}, {Row: 4, Field: "小区"}, {Row: 5, Field: "手机号"}, {Row: 6, Field: "身份证号"}}
			for _, name := range []string{"坏台账.xlsx", "坏台账.csv"} {
				data := writeLedger(t, dir, name, hs)
				households, people := count("households"), count("people")
				res, b := upload(t, xueyuan, p.xueyuan, name, data)
				pr, _ := checkProblem(t, name, 422)(res, b)
				got := map[[2]any]bool{}
				for _, e := range pr.Errors {
					got[[2]any{e.Row, e.Field}] = true
					if e.Reason == "" {
						t.Errorf("%s: row %d %s has no reason", name, e.Row, e.Field)
					}
					if e.Row == 7 {
						t.Errorf("%s: the good row 7 is reported: %+v", name, e)
					}
				}
				for _, w := range want {
					if !got[[2]any{w.Row, w.Field}] {
						t.Errorf("%s: no problem reported for row %d column %s; got %+v", name, w.Row, w.Field, pr.Errors)
					}
				}
				if h, n := count("households"), count("people"); h != households || n != people {
					t.Errorf("%s: households %d → %d, people %d → %d after a rejected import", name, households, h, people, n)
				}
			}
			// Register problems alone (the file itself is well formed) are
			// also reported all together.
			reg := []ledger.Household{
				{Estate: "不存在的小区", Building: "1号楼", Unit: "1单元", Floor: 3, Room: "301", AreaCenti: 8655},
				{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 7, Room: "701", AreaCenti: 8655}, // the unit has 6 floors
				{Estate: "吉祥花园", Building: "1号楼", Unit: "1单元", Floor: 3, Room: "399", AreaCenti: 8655},   // another community's estate
			}
			households := count("households")
			res, b := upload(t, xueyuan, p.xueyuan, "登记错误.xlsx", writeLedger(t, dir, "登记错误.xlsx", reg))
			pr, _ := checkProblem(t, "register problems", 422)(res, b)
			got := map[[2]any]bool{}
			for _, e := range pr.Errors {
				got[[2]any{e.Row, e.Field}] = true
			}
			for _, w := range []linli.FieldError{{Row: 2, Field: "小区"}, {Row: 3, Field: "楼层"}, {Row: 4, Field: "小区"}} {
				if !got[[2]any{w.Row, w.Field}] {
					t.Errorf("register problems: nothing for row %d %s in %+v", w.Row, w.Field, pr.Errors)
				}
			}
			if n := count("households"); n != households {
				t.Errorf("households %d → %d after a rejected import", households, n)
			}
		})

		t.Run("round trip", func(t *testing.T) {
			before := inCommunity(p.xueyuan)
			total := count("households")
			res, data := xueyuan.call("GET", fmt.Sprintf("/api/nodes/%d/export", p.xueyuan), nil, nil)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export: %d %v", res.StatusCode, res.Header)
			}
			exported, bad, err := ledger.Parse(bytes.NewReader(data), "xlsx")
			if err != nil || len(bad) > 0 || len(exported) != before {
				t.Fatalf("export parses to %d households (want %d), problems %v, err %v", len(exported), before, bad, err)
			}
			// The export has the plain phone numbers (it is audited).
			plain := false
			for _, h := range exported {
				for _, m := range h.Members {
					plain = plain || ledger.ValidPhone(m.Phone) && !strings.Contains(m.Phone, "*")
				}
			}
			if !plain {
				t.Errorf("the export holds no plain phone number")
			}
			if !hasAction(auditEntries(t, xueyuan, "action=registry.export"), "registry.export", p.xueyuan) {
				t.Errorf("no registry.export audit entry")
			}
			owner602 := household(t, xueyuan, p.hh602).Members[0]

			res, b := upload(t, xueyuan, p.xueyuan, "导出.xlsx", data)
			if res.StatusCode != 200 {
				t.Fatalf("re-import the export: %d %.2000s", res.StatusCode, b)
			}
			var got registry.ImportResult
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Households != before || got.Unchanged != before || got.Updated != 0 || got.Created != 0 || got.BuildingsCreated != 0 || got.UnitsCreated != 0 {
				t.Errorf("re-import: %+v, want %d unchanged and nothing created or updated", got, before)
			}
			if after := inCommunity(p.xueyuan); after != before || count("households") != total {
				t.Errorf("households in 学苑社区 %d → %d", before, after)
			}
			if h := household(t, xueyuan, p.hh602); h.Members[0].PersonID != owner602.PersonID || h.Members[0].Phone != owner602.Phone {
				t.Errorf("602's owner after the round trip: %+v, was %+v", h.Members[0], owner602)
			}

			// CSV too, for one estate.
			res, data = xueyuan.call("GET", fmt.Sprintf("/api/nodes/%d/export?format=csv", p.huicui), nil, nil)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv export: %d %v", res.StatusCode, res.Header)
			}
			res, b = upload(t, xueyuan, p.xueyuan, "荟萃.csv", data)
			if err := json.Unmarshal(b, &got); res.StatusCode != 200 || err != nil || got.Unchanged != 96 || got.Updated != 0 || got.Created != 0 {
				t.Errorf("re-import the csv export: %d %+v %.300s", res.StatusCode, got, b)
			}
			wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/nodes/%d/export?format=pdf", p.huicui), nil, 422)
			// Grid workers may reveal one phone at a time, not export all.
			wantProblem(t, s.login(t, "grid1"), "GET", fmt.Sprintf("/api/nodes/%d/export", p.huicui), nil, 403)
		})

		t.Run("unreadable files", func(t *testing.T) {
			households := count("households")
			for _, tc := range []struct {
				name string
				data []byte
			}{
				{"假表格.xlsx", []byte("这不是一个Excel文件，只是几个字。")},
				{"截断.xlsx", writeLedger(t, dir, "截断.xlsx", []ledger.Household{{Estate: "书香苑", Building: "1号楼", Unit: "1单元", Floor: 1, Room: "101", AreaCenti: 100}})[:300]},
				{"台账.pdf", []byte("%PDF-1.4")},
				{"空.csv", []byte("")},
				{"无表头.csv", []byte("书香苑,1号楼,1单元,1,101,80\n")},
			} {
				res, b := upload(t, xueyuan, p.xueyuan, tc.name, tc.data)
				checkProblem(t, tc.name, 422)(res, b)
			}
			// No file field at all.
			res, b := xueyuan.call("POST", fmt.Sprintf("/api/communities/%d/import", p.xueyuan), strings.NewReader("--x--\r\n"),
				http.Header{"Content-Type": {"multipart/form-data; boundary=x"}})
			checkProblem(t, "no file", 422)(res, b)
			// Only communities take imports.
			res, b = upload(t, xueyuan, p.huicui, "好.csv", writeLedger(t, dir, "好.csv", []ledger.Household{{Estate: "书香苑", Building: "1号楼", Unit: "1单元", Floor: 1, Room: "199", AreaCenti: 100}}))
			checkProblem(t, "import into an estate", 422)(res, b)
			// Grid workers cannot import.
			res, b = upload(t, s.login(t, "grid1"), p.xueyuan, "好.csv", writeLedger(t, dir, "好.csv", nil))
			checkProblem(t, "grid worker import", 403)(res, b)
			if n := count("households"); n != households {
				t.Errorf("households %d → %d after refused uploads", households, n)
			}
		})

		t.Run("too large", func(t *testing.T) {
			big := bytes.Repeat([]byte("书香苑,1号楼,1单元,1,101,80.00\n"), (registry.MaxImportBytes/30)+1000)
			if len(big) <= registry.MaxImportBytes {
				t.Fatalf("test file of %d bytes is not over the limit", len(big))
			}
			res, b := upload(t, xueyuan, p.xueyuan, "巨大.csv", big)
			checkProblem(t, "21 MB upload", 413)(res, b)
		})

		t.Run("template", func(t *testing.T) {
			res, data := xueyuan.call("GET", "/api/ledger/template.xlsx", nil, nil)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("template: %d %v", res.StatusCode, res.Header)
			}
			// Its example rows are refused as they are (import_trust_test.go
			// uploads it).
			hs, bad, err := ledger.Parse(bytes.NewReader(data), "xlsx")
			if err != nil || len(bad) != 2 || len(hs) != 0 {
				t.Fatalf("the template parses to %d households, problems %v, err %v; want its 2 example rows refused", len(hs), bad, err)
			}
			// Anyone logged in may fetch it; anonymous callers may not.
			wantStatus(t, s.login(t, "resident"), "GET", "/api/ledger/template.xlsx", nil, 200, nil)
			wantProblem(t, s.anon(t), "GET", "/api/ledger/template.xlsx", nil, 401)
		})
	})
}
