package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linli/registry"
	"linli/registry/ledger"
)

// This file tests that an import does only what its user saw and meant:
// template leftovers are refused, every import can be previewed, and a
// confirmation commits exactly the preview or nothing. It began with the
// downloaded template, re-uploaded with its example rows, replacing the
// owners of 荟萃花园南区 1号楼 3单元 302 with 张三 and 李四.

func init() {
	oaWritten["ImportPreview"], oaWritten["HouseholdDiff"], oaWritten["FieldChange"] = registry.ImportPreview{}, registry.HouseholdDiff{}, registry.FieldChange{}
}

// importURL is the API import route of a community with a query.
func importURL(community int64, query string) string {
	u := fmt.Sprintf("/api/communities/%d/import", community)
	if query != "" {
		u += "?" + query
	}
	return u
}

// dryRun previews a file through the API and fails unless it is 200.
func dryRun(t *testing.T, c *client, community int64, name string, data []byte) registry.ImportPreview {
	t.Helper()
	body, hdr := multipartFile(t, name, data)
	res, b := c.call("POST", importURL(community, "dry_run=true"), body, hdr)
	if res.StatusCode != 200 {
		t.Fatalf("dry run %s: %d %.1000s", name, res.StatusCode, b)
	}
	var p registry.ImportPreview
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// registerState is what the tests compare to see that nothing was written:
// every household of the community with its members, plain.
func registerState(t *testing.T, c *client, community int64) string {
	t.Helper()
	res, data := c.call("GET", fmt.Sprintf("/api/nodes/%d/export?format=csv", community), nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("export: %d %s", res.StatusCode, data)
	}
	return string(data)
}

func TestImportTemplateLeftoversRefused(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		xueyuan := s.login(t, "xueyuan")
		hh302, err := s.Registry.HouseholdByRoom(context.Background(), p.huicuiU3, "302")
		if err != nil {
			t.Fatal(err)
		}
		before302 := household(t, xueyuan, hh302)
		before := registerState(t, xueyuan, p.xueyuan)

		res, xlsx := xueyuan.call("GET", "/api/ledger/template.xlsx", nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("template: %d", res.StatusCode)
		}
		res, csvTemplate := xueyuan.call("GET", "/api/ledger/template.csv", nil, nil)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv template: %d %v", res.StatusCode, res.Header)
		}
		// The CSV template as Excel on a Chinese Windows saves it.
		gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(bytes.TrimPrefix(csvTemplate, []byte("\ufeff")))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			data []byte
		}{{"住户台账模板.xlsx", xlsx}, {"住户台账模板.csv", csvTemplate}, {"模板GB18030.csv", gbk}} {
			for _, query := range []string{"", "dry_run=true"} {
				body, hdr := multipartFile(t, tc.name, tc.data)
				pr, _ := checkProblem(t, tc.name+" "+query, 422)(xueyuan.call("POST", importURL(p.xueyuan, query), body, hdr))
				var rows []int
				for _, e := range pr.Errors {
					rows = append(rows, e.Row)
					if e.Field != "row" || !strings.Contains(e.Reason, "示例行") || !strings.Contains(e.Reason, "example row") {
						t.Errorf("%s: problem %+v does not name the example row", tc.name, e)
					}
				}
				if !slices.Equal(rows, []int{2, 3}) {
					t.Errorf("%s %s: problems on rows %v, want the example rows 2 and 3: %+v", tc.name, query, rows, pr.Errors)
				}
			}
		}
		// The page says so too and shows no preview to confirm.
		st, page := xueyuan.upload(p.xueyuan, "住户台账模板.xlsx", xlsx)
		if st != 422 || !bytes.Contains(page, []byte("import-problems")) || bytes.Contains(page, []byte("import-preview")) ||
			!bytes.Contains(page, []byte("第2行是模板的示例行")) {
			t.Errorf("page upload of the template: %d, problems shown %v", st, bytes.Contains(page, []byte("import-problems")))
		}

		if after := household(t, xueyuan, hh302); !slices.Equal(memberNames(after), memberNames(before302)) || after.Area != before302.Area {
			t.Errorf("302 after uploading the template: %v %s, was %v %s", memberNames(after), after.Area, memberNames(before302), before302.Area)
		}
		if registerState(t, xueyuan, p.xueyuan) != before {
			t.Errorf("the register changed after uploading the template")
		}
	})
}

func memberNames(h registry.Household) []string {
	var out []string
	for _, m := range h.Members {
		out = append(out, m.Name)
	}
	return out
}

// unitLedger exports one unit and parses it: the households as on file.
func unitLedger(t *testing.T, c *client, unit int64) []ledger.Household {
	t.Helper()
	res, data := c.call("GET", fmt.Sprintf("/api/nodes/%d/export", unit), nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("export: %d %s", res.StatusCode, data)
	}
	hs, bad, err := ledger.Parse(bytes.NewReader(data), "xlsx")
	if err != nil || len(bad) > 0 {
		t.Fatalf("export parses with %v %v", bad, err)
	}
	return hs
}

func TestImportPreviewAndConfirm(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		p := demoPlaces(t, s)
		xueyuan := s.login(t, "xueyuan")
		dir := t.TempDir()
		hh302, err := s.Registry.HouseholdByRoom(ctx, p.huicuiU3, "302")
		if err != nil {
			t.Fatal(err)
		}

		// The unit as on file, with 302 changed in every way a field can
		// change, and one household that is new.
		hs := unitLedger(t, xueyuan, p.huicuiU3)
		i302 := slices.IndexFunc(hs, func(h ledger.Household) bool { return h.Room == "302" })
		if i302 < 0 || len(hs[i302].Members) < 2 {
			t.Fatalf("302 in the export: %+v", hs)
		}
		old302 := hs[i302]
		was := slices.Clone(old302.Members)
		h := &hs[i302]
		h.AreaCenti += 150
		h.Note = "预览测试"
		h.Members = []ledger.Member{was[0], {Name: "预览新人", Relation: ledger.RelationTenant, Phone: "13900009001"}}
		h.Members[0].Phone = "13900009000"
		hs = append(hs, ledger.Household{Estate: "书香苑", Building: "9号楼", Unit: "1单元", Floor: 1, Room: "191", AreaCenti: 7000,
			Members: []ledger.Member{owner("预览业主", "13900009002", "")}})
		data := writeLedger(t, dir, "预览.xlsx", hs)

		before := registerState(t, xueyuan, p.xueyuan)
		pv := dryRun(t, xueyuan, p.xueyuan, "预览.xlsx", data)
		if registerState(t, xueyuan, p.xueyuan) != before {
			t.Fatalf("a dry run wrote to the register")
		}
		if pv.Households != len(hs) || len(pv.Add) != 1 || len(pv.Change) != 1 || pv.Unchanged != len(hs)-2 || pv.Token == "" {
			t.Fatalf("preview: %d households, %d add, %d change, %d unchanged, token %q", pv.Households, len(pv.Add), len(pv.Change), pv.Unchanged, pv.Token)
		}
		if a := pv.Add[0]; a.Room != "191" || a.HouseholdID != 0 || !hasField(a.Fields, "成员 预览业主", "", "业主，139****9002") {
			t.Errorf("added household: %+v", a)
		}
		c := pv.Change[0]
		if c.HouseholdID != hh302 || c.Room != "302" {
			t.Errorf("changed household: %+v", c)
		}
		mask := func(p string) string { return registry.MaskPhone(p) }
		for _, want := range []registry.FieldChange{
			{Field: "建筑面积(㎡)", Old: ledger.FormatArea(old302.AreaCenti), New: ledger.FormatArea(old302.AreaCenti + 150)},
			{Field: "备注", Old: old302.Note, New: "预览测试"},
			{Field: "成员 预览新人", Old: "", New: "租户，139****9001"},
			{Field: "成员 " + was[1].Name, New: ""},
		} {
			if !hasField(c.Fields, want.Field, want.Old, want.New) && !(want.New == "" && hasFieldNamed(c.Fields, want.Field, "")) {
				t.Errorf("302's diff has no %s %q → %q: %+v", want.Field, want.Old, want.New, c.Fields)
			}
		}
		// The owner's phone changed: old → new, masked both sides.
		if f := fieldOf(c.Fields, "成员 "+was[0].Name); f == nil || !strings.Contains(f.Old, mask(was[0].Phone)) || !strings.Contains(f.New, "139****9000") {
			t.Errorf("owner's phone change: %+v", f)
		}
		if bytes.Contains(mustJSON(t, pv), []byte("13900009000")) || (was[0].Phone != "" && bytes.Contains(mustJSON(t, pv), []byte(was[0].Phone))) {
			t.Errorf("the preview shows a plain phone number")
		}

		// Confirming commits exactly that.
		var res registry.ImportResult
		wantStatus(t, xueyuan, "POST", importURL(p.xueyuan, "token="+pv.Token), nil, 200, &res)
		if res.Created != 1 || res.Updated != 1 || res.Unchanged != len(hs)-2 || res.BuildingsCreated != 1 {
			t.Errorf("confirm: %+v", res)
		}
		got := household(t, xueyuan, hh302)
		if got.Area != ledger.FormatArea(old302.AreaCenti+150) || got.Note != "预览测试" || !slices.Equal(memberNames(got), []string{was[0].Name, "预览新人"}) {
			t.Errorf("302 after the confirmation: %+v", got)
		}
		// A preview is confirmed once.
		wantProblem(t, xueyuan, "POST", importURL(p.xueyuan, "token="+pv.Token), nil, 404)

		// The register changes between preview and confirmation: 409,
		// nothing written, the other change kept.
		hs = unitLedger(t, xueyuan, p.huicuiU3)
		i302 = slices.IndexFunc(hs, func(h ledger.Household) bool { return h.Room == "302" })
		hs[i302].Note = "第二次预览"
		pv = dryRun(t, xueyuan, p.xueyuan, "第二次.csv", writeLedger(t, dir, "第二次.csv", hs))
		if len(pv.Change) != 1 || pv.Unchanged != len(hs)-1 {
			t.Fatalf("second preview: %+v", pv)
		}
		hh301, err := s.Registry.HouseholdByRoom(ctx, p.huicuiU3, "301")
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/households/%d/members", hh301), registry.MemberInput{Name: "中途加入", Relation: "tenant"}, 201, nil)
		changed := registerState(t, xueyuan, p.xueyuan)
		pr, _ := wantProblem(t, xueyuan, "POST", importURL(p.xueyuan, "token="+pv.Token), nil, 409)
		if pr.Code != "conflict" {
			t.Errorf("code %q", pr.Code)
		}
		if registerState(t, xueyuan, p.xueyuan) != changed {
			t.Errorf("a refused confirmation wrote to the register")
		}
		if n := household(t, xueyuan, hh302).Note; n != "预览测试" {
			t.Errorf("302's note %q after a refused confirmation", n)
		}
		// Nobody else can confirm someone's preview, not even staff above.
		pv = dryRun(t, xueyuan, p.xueyuan, "第三次.csv", writeLedger(t, dir, "第三次.csv", hs))
		wantProblem(t, s.login(t, "street"), "POST", importURL(p.xueyuan, "token="+pv.Token), nil, 404)
		wantProblem(t, s.login(t, "grid1"), "POST", importURL(p.xueyuan, "token="+pv.Token), nil, 403)
		wantProblem(t, xueyuan, "POST", importURL(p.xueyuan, "token="+pv.Token+"&dry_run=true"), nil, 422)
		wantProblem(t, xueyuan, "POST", importURL(p.xueyuan, "dry_run=maybe"), nil, 422)
	})
}

func hasField(fs []registry.FieldChange, field, old, new string) bool {
	f := fieldOf(fs, field)
	return f != nil && f.Old == old && f.New == new
}

func hasFieldNamed(fs []registry.FieldChange, field, new string) bool {
	f := fieldOf(fs, field)
	return f != nil && f.Old != "" && f.New == new
}

func fieldOf(fs []registry.FieldChange, field string) *registry.FieldChange {
	for i := range fs {
		if fs[i].Field == field {
			return &fs[i]
		}
	}
	return nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var tokenInPage = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

// The page: upload shows the preview (in English too), confirm commits it,
// a register changed in between is a 409 on the page; and a title row
// above the header is recognised.
func TestImportPagePreviewConfirm(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		m := &misses{seen: map[string][]string{}}
		s.Registry.Renderer.Untranslated = m.add
		t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
		xueyuan := english(t, s, "xueyuan")
		hh302, err := s.Registry.HouseholdByRoom(context.Background(), p.huicuiU3, "302")
		if err != nil {
			t.Fatal(err)
		}
		old := household(t, xueyuan, hh302)

		// A workbook as offices make them: a title merged across the top.
		f := excelize.NewFile()
		sheet := f.GetSheetName(0)
		_ = f.SetCellValue(sheet, "A1", "学苑社区住户台账")
		if err := f.MergeCell(sheet, "A1", "L1"); err != nil {
			t.Fatal(err)
		}
		header := ledger.Header()
		_ = f.SetSheetRow(sheet, "A2", &header)
		_ = f.SetSheetRow(sheet, "A3", &[]any{"荟萃花园南区", "1号楼", "3单元", 3, "302", "99.99", "页面预览", "业主", "是", "13900009100"})
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		m.at("/import preview")
		st, page := xueyuan.upload(p.xueyuan, "标题行.xlsx", buf.Bytes())
		if st != 200 || !bytes.Contains(page, []byte(`data-test="import-preview"`)) {
			t.Fatalf("upload with a title row: %d %.2000s", st, page)
		}
		for _, want := range []string{old.Area, "99.99", "页面预览", "139****9100", "Confirm import"} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("the preview page does not show %q", want)
			}
		}
		if h := household(t, xueyuan, hh302); h.Area != old.Area {
			t.Fatalf("uploading wrote to the register: %s", h.Area)
		}
		tok := tokenInPage.FindSubmatch(page)
		if tok == nil {
			t.Fatal("no token on the preview page")
		}
		m.at("/import/confirm")
		st, page = xueyuan.form("/import/confirm", url.Values{"community_id": {fmt.Sprint(p.xueyuan)}, "token": {string(tok[1])}})
		if st != 200 || !bytes.Contains(page, []byte("import-result")) {
			t.Fatalf("confirm: %d %.2000s", st, page)
		}
		if h := household(t, xueyuan, hh302); h.Area != "99.99" || !slices.Equal(memberNames(h), []string{"页面预览"}) {
			t.Errorf("302 after the page confirmation: %s %v", h.Area, memberNames(h))
		}

		// Preview, someone edits 302, confirm: refused on the page.
		_ = f.SetSheetRow(sheet, "A3", &[]any{"荟萃花园南区", "1号楼", "3单元", 3, "302", "88.88", "页面预览", "业主", "是", "13900009100"})
		buf.Reset()
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		_, page = xueyuan.upload(p.xueyuan, "标题行.xlsx", buf.Bytes())
		tok = tokenInPage.FindSubmatch(page)
		if tok == nil {
			t.Fatalf("no token on the second preview: %.2000s", page)
		}
		wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/households/%d/members", hh302), registry.MemberInput{Name: "页面中途", Relation: "family"}, 201, nil)
		m.at("/import/confirm 409")
		st, page = xueyuan.form("/import/confirm", url.Values{"community_id": {fmt.Sprint(p.xueyuan)}, "token": {string(tok[1])}})
		if st != http.StatusConflict || !bytes.Contains(page, []byte("import-error")) {
			t.Errorf("confirm after a change: %d %.1000s", st, page)
		}
		if h := household(t, xueyuan, hh302); h.Area != "99.99" || len(h.Members) != 2 {
			t.Errorf("302 after a refused confirmation: %s %v", h.Area, memberNames(h))
		}
		m.report(t, "import preview pages")
	})
}

// linli import --dry-run prints the plan and writes nothing; the template
// is refused from the command line too.
func TestImportCLIDryRun(t *testing.T) {
	demoSQLite(t).Close() // makes the demo template database
	demoTemplates.mu.Lock()
	src := demoTemplates.sqlite
	demoTemplates.mu.Unlock()
	data := t.TempDir()
	if err := copyFile(src, filepath.Join(data, "linli.db")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "cli.csv")
	hs := []ledger.Household{{Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: 3, Room: "302", AreaCenti: 12345,
		Members: []ledger.Member{owner("命令行", "13900009200", "")}}}
	var buf bytes.Buffer
	if err := ledger.WriteCSV(&buf, hs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	community := "运城市/盐湖区/东城街道/学苑社区"
	var out bytes.Buffer
	if err := run(ctx, []string{"import", "--data", data, "--dry-run", "--community", community, file}, &out, io.Discard); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	for _, want := range []string{"nothing written", "0 to add, 1 to change", "change row 2: 荟萃花园南区 1号楼 3单元 302", `建筑面积(㎡): "104.51" → "123.45"`, "成员 命令行"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
	// Nothing was written: a second dry run shows the same change.
	var again bytes.Buffer
	if err := run(ctx, []string{"import", "--data", data, "--dry-run", "--community", community, file}, &again, io.Discard); err != nil || again.String() != out.String() {
		t.Errorf("second dry run differs (%v):\n%s", err, again.String())
	}
	if err := os.WriteFile(file, mustTemplate(t), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"import", "--data", data, "--community", community, file}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "row 2") || !strings.Contains(err.Error(), "example row") {
		t.Errorf("importing the template from the CLI: %v", err)
	}
}

func mustTemplate(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := ledger.TemplateCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
