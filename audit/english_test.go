package audit_test

import (
	"strings"
	"testing"

	"linli/audit"
	"linli/storage"
	"linli/storage/storagetest"
)

// The summaries the capabilities write read in English, with only what
// they quote (names, titles, typed text) left in Chinese.
func TestEnglishSummaries(t *testing.T) {
	for _, tc := range []struct{ action, zh, want string }{
		{"node.create", "新建区县「临猗县」", "Created district/county “临猗县”"},
		{"grant.create", "授予「xueyuan」社区工作人员角色", "Granted “xueyuan” the role Community staff"},
		{"registry.import", "导入住户台账：84户（新增84，更新0，未变0），285人", "Imported the household ledger: 84 households (84 new, 0 changed, 0 unchanged), 285 people"},
		{"project.advance", "项目「加装电梯」由协商进入表决", "Project “加装电梯” moved from consultation to consent vote"},
		{"visit.create", "走访 1号楼1单元101（加装电梯）：未决定 · 采光、噪音", "Visited 1号楼1单元101 (加装电梯): undecided · light, noise"},
		{"vote.ballot", "1号楼1单元101户对「征询」投弃权（纸质票，收票人柴晓燕 / paper, collected by 柴晓燕）", "1号楼1单元101 voted abstain on “征询” (paper, collected by 柴晓燕)"},
		{"dispute.accept", "受理人民调解 （2026）1号：漏水纠纷（申请人畅庆、被申请人杨琴）", "Accepted mediation （2026）1号: 漏水纠纷 (applicant 畅庆, respondent 杨琴)"},
		{"meeting.sign_in", "许春慧 在「协调会」签到", "许春慧 signed in at “协调会”"},
		{"project.photos", "上传1张完工后照片", "Added 1 photo(s) (after)"},
		// An unknown sentence: the action and what it quoted.
		{"widget.frob", "调整了「甲」和「乙」", "Widget frob: “甲”, “乙”"},
	} {
		if got := audit.English(tc.action, tc.zh, nil); got != tc.want {
			t.Errorf("%s %q:\n got %q\nwant %q", tc.action, tc.zh, got, tc.want)
		}
	}
}

// Record stores the English beside the Chinese; a row written before
// (summary_en empty) is worded when an English page shows it; a Chinese
// page shows the Chinese.
func TestSummaryInEnglish(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		record(t, db, ctx, admin, audit.Change{Action: "node.create", Entity: "node", EntityID: 1, ScopePath: "/1/", Summary: "新建社区「学苑社区」"})
		record(t, db, ctx, admin, audit.Change{Action: "node.update", Entity: "node", EntityID: 1, ScopePath: "/1/", Summary: "修改社区「学苑」",
			SummaryEN: "Renamed by hand"})
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, account_id, actor, action, entity, entity_id, scope_path, summary, before_json, after_json, ip)
			VALUES (1, 1, 'admin', 'node.delete', 'node', 2, '/1/', '删除网格「第九网格」', '', '', '')`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		en, err := storage.Scalars[string](ctx, db, `SELECT summary_en FROM audit_log ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(en, "|") != "Created community “学苑社区”|Renamed by hand|" {
			t.Errorf("stored English: %q", en)
		}
		s := server(t, db)
		page := s.As(t, admin).English().Get("/audit").String()
		for _, want := range []string{"Created community “学苑社区”", "Renamed by hand", "Deleted grid “第九网格”"} {
			if !strings.Contains(page, want) {
				t.Errorf("English page lacks %q", want)
			}
		}
		for _, zh := range []string{"新建", "删除网格"} {
			if strings.Contains(page, zh) {
				t.Errorf("English page shows %q", zh)
			}
		}
		if page := s.As(t, admin).Get("/audit").String(); !strings.Contains(page, "删除网格「第九网格」") || strings.Contains(page, "Deleted grid") {
			t.Errorf("Chinese page does not show the Chinese summary")
		}
	})
}
