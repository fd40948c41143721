package ledger

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// exampleID makes a valid, made-up ID number for the template from a
// birth date and sequence; 140802 is the division code of the seed's
// district, used so the example looks local.
func exampleID(birth, seq string) string {
	first17 := "140802" + birth + seq
	return first17 + string(IDCheckChar(first17))
}

// ExampleNote is the 备注 of the template's example rows. It starts with
// the marker Parse refuses ("示例行"), so an example row left in the file is
// reported instead of imported; see leftovers.go.
const ExampleNote = "示例行，导入前请删除 / example row, delete before importing"

// Examples are the two rows of the template: one household of two people,
// which shows that the household columns repeat on every person's row.
// Their phone and ID numbers are made up and recognised by Parse even when
// the user has cleared the note, so they must not look like anyone's.
func Examples() []Household {
	return []Household{{
		Row: 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: 3, Room: "302", AreaCenti: 8650,
		Members: []Member{
			{Name: "张三", Relation: RelationOwner, Phone: "13800000000", IDNumber: exampleID("19800101", "999"), IsOwner: true},
			{Name: "李四", Relation: RelationFamily, Phone: "0359-2000000", IDNumber: exampleID("19820202", "998")},
		},
		Note: ExampleNote,
	}}
}

// guide is the 填写说明 sheet: column, whether required, rule in Chinese,
// rule in English.
var guide = [][4]string{
	{"列 / Column", "是否必填 / Required", "填写说明", "Notes"},
	{"小区", "必填", "小区名称，如“荟萃花园南区”。", "Estate name."},
	{"楼栋", "必填", "如“1号楼”。", "Building, e.g. 1号楼."},
	{"单元", "必填", "如“3单元”。", "Unit (stairwell), e.g. 3单元."},
	{"楼层", "必填", "整数1到99；地下室填-1到-5；没有0层。同一户各行须相同。", "Whole number 1..99, basements -1..-5, never 0; the same on every row of a household."},
	{"房号", "必填", "如“302”。小区、楼栋、单元、房号相同的行属于同一户。", "Room, e.g. 302. Rows with the same estate, building, unit and room are one household."},
	{"建筑面积(㎡)", "必填", "单位平方米，最多两位小数，如86.50；大于0且不超过100000。同一户各行须相同。", "Floor area in m², at most two decimals, more than 0 and at most 100000; the same on every row of a household."},
	{"姓名", "有人员时必填", "一人一行：一户有几人就填几行，每行重复填写前六列。户内暂无登记人员时，填一行并把姓名及其后各列留空。", "One row per person, repeating the first six columns; a household with nobody recorded is one row with the person columns empty."},
	{"与户关系", "填了姓名时必填", "业主、家属、租户或其他；也可填本人、户主、配偶、子女、父母、租客。“是否业主”为“是”时可留空，视为业主。", "业主 owner, 家属 family, 租户 tenant or 其他 other (also 本人, 户主, 配偶, 子女, 父母, 租客); may be blank when 是否业主 is 是."},
	{"是否业主", "选填", "是或否（也可填Y/N、1/0）。留空时，与户关系为业主即视为业主。", "是 yes or 否 no (also Y/N, 1/0); blank means yes only when the relation is 业主."},
	{"手机号", "选填", "11位手机号，或带区号的固定电话，如0359-2345678。", "11-digit mobile, or landline with area code such as 0359-2345678."},
	{"身份证号", "选填", "18位居民身份证号，末位可为X。本列已设为文本格式，请勿改为数字，否则Excel会把号码改成1.40802E+17。同一身份证号只能出现在一户中。", "18-character resident ID number, last character may be X. Keep the column as text. One ID number belongs to one household only."},
	{"备注", "选填", "任意说明，一户多行的备注会合并。", "Any remark; remarks on several rows of a household are joined."},
	{"", "", "", ""},
	{"规则", "", "第1行是表头，列名不要改；列的顺序可以调整，多出的列（如序号）会被忽略。表头上方不要加标题行。", "Row 1 is the header; keep the titles. Columns may be reordered; extra columns (序号 …) are ignored. Put no title row above the header."},
	{"", "", "完全空白的行会被跳过。", "Blank rows are skipped."},
	{"", "", "同一户内同一人（姓名和手机号相同，或身份证号相同）不能重复登记。", "The same person (same name and phone, or same ID number) must not be listed twice in a household."},
	{"", "", "导入时检查每一行，所有问题都会列出行号、列名和原因；全部改正后才能导入。", "Every row is checked on import and every problem listed with row, column and reason; fix them all to import."},
	{"", "", fmt.Sprintf("一个文件最多%d行。也可以另存为CSV（UTF-8）后上传。", MaxRows), fmt.Sprintf("At most %d rows per file. CSV (UTF-8) is accepted too.", MaxRows)},
	{"", "", "表中黄色的示例行（备注为“示例行”）请在填写前删除；导入时如仍有示例行，整个文件不会导入。", "Delete the yellow example rows (备注 says 示例行) before filling in; a file that still has them is not imported."},
}

// Template writes the empty ledger to fill in: the header and the example
// rows on the first sheet, and the rules on a second sheet named GuideSheet.
func Template(w io.Writer) error {
	f, sw, err := newLedgerBook()
	if err != nil {
		return err
	}
	defer f.Close()
	// Yellow and italic, and text like the digit columns: a user who types
	// over an example row instead of deleting it keeps leading zeros.
	example, err := f.NewStyle(&excelize.Style{
		NumFmt: 49,
		Font:   &excelize.Font{Italic: true, Color: "7F6000"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
	})
	if err != nil {
		return err
	}
	if err := writeRows(sw, Examples(), example); err != nil {
		return err
	}
	if err := writeGuide(f); err != nil {
		return fmt.Errorf("ledger: write %s: %w", GuideSheet, err)
	}
	return f.Write(w)
}

// TemplateCSV writes the template as CSV: the header and the example rows
// (WriteCSV's encoding), for offices that keep their ledger in a text file.
// It has no room for the rules; they are on the xlsx template's GuideSheet.
func TemplateCSV(w io.Writer) error { return WriteCSV(w, Examples()) }

func writeGuide(f *excelize.File) error {
	if _, err := f.NewSheet(GuideSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, line := range guide {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(GuideSheet, cell, &[]string{line[0], line[1], line[2], line[3]}); err != nil {
			return err
		}
	}
	last := len(guide)
	if err := f.SetCellStyle(GuideSheet, "A2", fmt.Sprintf("D%d", last), wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(GuideSheet, "A1", "D1", bold); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 14, "B": 16, "C": 60, "D": 60} {
		if err := f.SetColWidth(GuideSheet, col, col, width); err != nil {
			return err
		}
	}
	return f.SetPanes(GuideSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
