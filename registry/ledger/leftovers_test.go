package ledger

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const testHeader = "小区,楼栋,单元,楼层,房号,建筑面积(㎡),姓名,与户关系,是否业主,手机号,身份证号,备注"

// A template downloaded, filled in below its examples and uploaded: the
// example rows are refused, in every form a user can bring them back.
func TestExampleRowsRefused(t *testing.T) {
	var csvTemplate bytes.Buffer
	if err := TemplateCSV(&csvTemplate); err != nil {
		t.Fatal(err)
	}
	real := "\r\n荟萃花园南区,1号楼,3单元,4,402,90.00,王五,业主,是,13900000001,,\r\n"
	// What Excel on a Chinese Windows saves as "CSV (逗号分隔)".
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(append(bytes.TrimPrefix(csvTemplate.Bytes(), []byte("\ufeff")), real...))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data string
		want []string
	}{
		{"csv template", csvTemplate.String() + real, []string{"2 row", "3 row"}},
		{"gb18030 csv template", string(gbk), []string{"2 row", "3 row"}},
		{"note cleared, people kept", testHeader + "\n" +
			"荟萃花园南区,1号楼,3单元,3,302,86.50,张三,业主,是,13800000000,,\n" +
			"荟萃花园南区,1号楼,3单元,3,302,86.50,李四,家属,否,," + Examples()[0].Members[1].IDNumber + ",\n" + real,
			[]string{"2 row", "3 row"}},
		{"marker in an extra column", "序号," + testHeader + "\n示例,荟萃花园南区,1号楼,3单元,3,302,86.50,赵六,业主,是,,,\n" + "1," + strings.TrimPrefix(real, "\r\n"),
			[]string{"2 row"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, errs := parseFile(t, writeFile(t, "t.csv", []byte(tc.data)), "csv")
			if got := fieldList(errs); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			for _, e := range errs {
				if !strings.Contains(e.Reason, "示例行") || !strings.Contains(e.Reason, "example row") {
					t.Errorf("reason %q does not say it is an example row", e.Reason)
				}
			}
			if len(hs) != 1 || hs[0].Room != "402" {
				t.Errorf("households %+v, want only 402", hs)
			}
		})
	}
	// 张三 is a common name: only the template's made-up numbers make him
	// an example.
	data := testHeader + "\n荟萃花园南区,1号楼,3单元,3,302,86.50,张三,业主,是,13812345678,,\n"
	if _, errs := parseFile(t, writeFile(t, "zs.csv", []byte(data)), "csv"); len(errs) > 0 {
		t.Errorf("a real 张三 is refused: %v", errs)
	}
}

// Text of the template that is not data: a repeated header, a 必填/选填
// hint row, the guide's rules pasted in. A real note starting 注： is data.
func TestInstructionRowsRefused(t *testing.T) {
	data := testHeader + "\n" +
		"必填,必填,必填,必填,必填,必填,有人员时必填,填了姓名时必填,选填,选填,选填,选填\n" +
		testHeader + "\n" +
		",," + guide[len(guide)-1][2] + ",,,,,,,,,\n" +
		"填写说明：每户一行,,,,,,,,,,,\n" +
		"荟萃花园南区,1号楼,3单元,4,402,90.00,王五,业主,是,,,注：已出租\n"
	hs, errs := parseFile(t, writeFile(t, "i.csv", []byte(data)), "csv")
	if got, want := fieldList(errs), []string{"2 row", "3 row", "4 row", "5 row"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("problems %q, want %q: %v", got, want, errs)
	}
	if !strings.Contains(errs[1].Reason, "重复了表头") || !strings.Contains(errs[0].Reason, "填写说明") {
		t.Errorf("reasons %v", errs)
	}
	if len(hs) != 1 || hs[0].Note != "注：已出租" {
		t.Errorf("households %+v", hs)
	}
}

// A title merged across the top of the sheet is skipped; the header is the
// row with the column titles. Anything else above the header is refused.
func TestTitleRowAboveHeader(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	_ = f.SetCellValue(sheet, "A1", "学苑社区住户台账")
	if err := f.MergeCell(sheet, "A1", "L1"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue(sheet, "A2", "制表日期：2026年3月")
	header := Header()
	_ = f.SetSheetRow(sheet, "A4", &header)
	_ = f.SetSheetRow(sheet, "A5", &[]any{"荟萃花园南区", "1号楼", "3单元", 4, "402", "90", "王五", "业主", "是"})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	hs, errs := parseFile(t, writeFile(t, "title.xlsx", buf.Bytes()), "xlsx")
	if len(errs) > 0 {
		t.Fatalf("title row not recognised: %v", errs)
	}
	if len(hs) != 1 || hs[0].Row != 5 || hs[0].Room != "402" || hs[0].Members[0].Name != "王五" {
		t.Errorf("households %+v", hs)
	}

	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"csv title", "学苑社区住户台账,,,,,\n" + testHeader + "\n荟萃花园南区,1号楼,3单元,4,402,90\n", nil},
		{"tab-separated under a bare title", "学苑社区住户台账\n" + strings.ReplaceAll(testHeader, ",", "\t") + "\n荟萃花园南区\t1号楼\t3单元\t4\t402\t90\n", nil},
		{"data above the header", "荟萃花园南区,1号楼,3单元,4,401,90\n" + testHeader + "\n荟萃花园南区,1号楼,3单元,4,402,90\n", []string{"1 row"}},
		{"two-row title", "学苑社区住户台账,,,\n东城街道,学苑社区,2026年3月,制表人：王芳\n" + testHeader + "\n荟萃花园南区,1号楼,3单元,4,402,90\n", []string{"2 row"}},
		{"title over a broken header", "学苑社区住户台账\n小区,楼号,单元号,层,房号,面积\n", []string{"2 楼栋", "2 单元", "2 楼层", "2 建筑面积(㎡)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, errs := parseFile(t, writeFile(t, "t.csv", []byte(tc.data)), "csv")
			if got := fieldList(errs); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			for _, e := range errs {
				if e.Field == "row" && !strings.Contains(e.Reason, "请删除表头上方的标题行") {
					t.Errorf("reason %q", e.Reason)
				}
			}
			if tc.want == nil && (len(hs) != 1 || hs[0].Row != 3) {
				t.Errorf("households %+v", hs)
			}
		})
	}
}

// The template's sheets reordered and another sheet added in front: the
// ledger sheet is still the one read, never the instructions.
func TestLedgerSheetFoundByName(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetName(f.GetSheetName(0), GuideSheet)
	_ = f.SetSheetRow(GuideSheet, "A1", &[]string{"列 / Column", "是否必填 / Required"})
	if _, err := f.NewSheet("统计"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("统计", "A1", "合计")
	if _, err := f.NewSheet(LedgerSheet); err != nil {
		t.Fatal(err)
	}
	header := Header()
	_ = f.SetSheetRow(LedgerSheet, "A1", &header)
	_ = f.SetSheetRow(LedgerSheet, "A2", &[]any{"荟萃花园南区", "1号楼", "3单元", 4, "402", "90"})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	hs, errs := parseFile(t, writeFile(t, "sheets.xlsx", buf.Bytes()), "xlsx")
	if len(errs) > 0 || len(hs) != 1 || hs[0].Room != "402" {
		t.Errorf("households %+v, problems %v", hs, errs)
	}
}
