package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/campaigns"
)

// TestBrowserCampaignOffline is issue 11's "done when": on a phone a grid
// worker opens a task, goes offline, records findings with photos for
// three households, comes back online, and the findings arrive exactly
// once; staff set plans; the building view's campaign layer colours them.
func TestBrowserCampaignOffline(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	staff, err := s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	grid, err := s.Auth.ActorByUsername(ctx, "grid1")
	if err != nil {
		t.Fatal(err)
	}
	// The campaign over 荟萃花园南区 (one building) with its task given to
	// grid1, as the permission walk makes it: one hazard is recorded
	// already, with its plan. grid1 now walks three households of 2单元.
	ids := campaignFixture(t, s)
	cid, _ := strconv.ParseInt(ids["campaign"], 10, 64)
	taskID, _ := strconv.ParseInt(ids["ctask"], 10, 64)
	fid, _ := strconv.ParseInt(ids["cfinding"], 10, 64)
	earlier, err := s.Campaigns.Finding(ctx, staff, fid)
	if err != nil {
		t.Fatal(err)
	}
	estate := []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"}
	building, err := s.Registry.FindNode(ctx, append(estate, "1号楼"))
	if err != nil {
		t.Fatal(err)
	}
	unit, err := s.Registry.FindNode(ctx, append(estate, "1号楼", "2单元"))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := s.Registry.HouseholdsUnder(ctx, s.DB, unit.Path)
	if err != nil || len(hs) < 3 {
		t.Fatalf("households of 2单元: %v (%d)", err, len(hs))
	}
	hs = hs[:3]
	count := func(q string) int {
		var n int
		if err := s.DB.QueryRow(ctx, q, cid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	b := openTabFor(t, s, 3*time.Minute)
	b.mobile()
	b.login("grid1")
	b.open(fmt.Sprintf("/campaign-tasks/%d", taskID))
	if st := b.load("click 记录排查", chromedp.Click(chromedp.CSS(`a[data-test=inspect]`))); st != 200 {
		t.Fatalf("inspection form: status %d", st)
	}
	b.poll("the inspection form kept for offline use", `caches.open('linli-pages').then(c => c.match(location.href)).then(r => !!r)`)

	// On the roof: no network.
	b.network(false)
	photo := bigPhoto(t)
	form := `form[data-test=inspect-form]`
	brackets := []string{"断裂", "完好", "严重锈蚀或松动"} // hazard, fine, hazard
	var keys []string
	for i, h := range hs {
		keys = append(keys, eval[string](b, `document.querySelector('`+form+` [name=idempotency_key]').value`))
		b.do(fmt.Sprintf("record %s", h.Room),
			chromedp.SetValue(chromedp.CSS(form+` select[name=household_id]`), fmt.Sprint(h.ID)),
			chromedp.Click(chromedp.CSS(form+` input[name="answers.present"][value=yes]`)),
			chromedp.Click(chromedp.CSS(form+` input[name="answers.bracket"][value="`+brackets[i]+`"]`)),
			chromedp.Click(chromedp.CSS(form+` input[name="answers.anchored"][value=yes]`)),
			chromedp.SendKeys(chromedp.CSS(form+` input[name="answers.tilt"]`), "5"),
			chromedp.SetUploadFiles(chromedp.CSS(form+` input[name="answers.photo"]`), []string{photo}),
			chromedp.Click(chromedp.CSS(form+` [data-test=save-finding]`)),
		)
		b.poll(fmt.Sprintf("%s kept on the phone", h.Room),
			fmt.Sprintf(`document.querySelector('[data-test=offline-status]').textContent.includes('已保存在手机上，联网后自动发送（%d 条待发送）')`, i+1))
	}
	if n := count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`); n != 1 {
		t.Fatalf("%d findings reached the server while offline", n-1)
	}
	// Still there after the page is opened again with no network.
	if st := b.load("reload offline", chromedp.Reload()); st != 200 {
		t.Fatalf("the inspection form offline: status %d", st)
	}
	b.poll("three waiting after a reload", queueItems+`.length === 3`)
	if png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); err == nil { // a picture, not an assertion
		out := filepath.Join(os.TempDir(), "linli-campaign-offline.png")
		if os.WriteFile(out, png, 0o644) == nil {
			t.Logf("screenshot of the inspection form offline: %s", out)
		}
	}

	// Back on the ground: the queue empties and each finding arrives once.
	b.network(true)
	b.poll("the queue sent", queueItems+`.length === 0`)
	fs, err := s.Campaigns.Findings(ctx, staff, cid)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 4 {
		t.Fatalf("%d findings, want the earlier one and 3: %+v", len(fs), fs)
	}
	byHousehold := map[int64]campaigns.Finding{}
	for _, f := range fs {
		byHousehold[f.HouseholdID] = f
	}
	for i, h := range hs {
		f, ok := byHousehold[h.ID]
		if !ok {
			t.Errorf("no finding for %s", h.Room)
			continue
		}
		if f, err = s.Campaigns.Finding(ctx, staff, f.ID); err != nil { // with its photos
			t.Fatal(err)
		}
		if wantHazard := i != 1; f.Hazard != wantHazard || f.Answers["bracket"] != brackets[i] || len(f.Photos) != 1 || f.RecordedBy != grid.AccountID {
			t.Errorf("finding for %s: hazard %v, bracket %q, %d photos, by %d; want hazard %v, %q, 1 photo, by grid1",
				h.Room, f.Hazard, f.Answers["bracket"], len(f.Photos), f.RecordedBy, wantHazard, brackets[i])
		}
	}
	if n := count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`); n != 4 {
		t.Errorf("%d finding rows (versions and conflicts included), want 4", n)
	}
	// The queue sent each with the key the form held when it was recorded.
	for _, k := range keys {
		var n int
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_finding_keys WHERE idem_key LIKE ?`, "%"+k).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("key %s recorded %d times, want once", k, n)
		}
	}
	// A resend of the first (its answer lost on the way) is the same finding.
	resend := s.login(t, "grid1")
	jpg, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	body, ct := multipartBody(t, map[string]string{"idempotency_key": keys[0], "target": "household", "household_id": fmt.Sprint(hs[0].ID),
		"answers.present": "yes", "answers.bracket": brackets[0], "answers.anchored": "yes", "answers.tilt": "5"},
		map[string][2]string{"answers.photo": {"roof.jpg", string(jpg)}})
	req, _ := http.NewRequest("POST", s.URL+fmt.Sprintf("/campaign-tasks/%d/findings", taskID), body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", keys[0])
	res, err := resend.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`) != 4 {
		t.Errorf("resending the first finding's key: %d, %d rows; want 200 and still 4", res.StatusCode, count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`))
	}

	// Staff set a plan for each hazard, on the finding's page.
	b.load("log out", chromedp.Click(chromedp.CSS(`details.usermenu summary`)), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.poll("kept pages forgotten at logout", `caches.open('linli-pages').then(c => c.keys()).then(k => k.length === 0)`)
	b.login("xueyuan")
	plans := []struct {
		household int
		kind      campaigns.PlanKind
	}{{0, campaigns.PlanSelfFix}, {2, campaigns.PlanReinforce}}
	for _, p := range plans {
		f := byHousehold[hs[p.household].ID]
		b.open(fmt.Sprintf("/campaign-findings/%d", f.ID))
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`input[name=kind][value="` + string(p.kind) + `"]`)),
			chromedp.SetValue(chromedp.CSS(`input[name=due_on]`), "2026-12-20"),
		}
		if p.kind == campaigns.PlanSelfFix {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(`textarea[name=guidance]`), "用膨胀螺栓加固支架，更换断裂的支架"))
		}
		b.do("fill the plan", steps...)
		if st := b.load("save the plan", chromedp.Click(chromedp.CSS(`[data-test=set-plan]`))); st != 200 {
			t.Fatalf("save the plan for %s: status %d: %s", hs[p.household].Room, st, eval[string](b, "document.querySelector('main').innerText"))
		}
		if n := b.count(`[data-test=plan] a[href^="/campaign-plans/"]`); n != 1 {
			t.Errorf("the finding page of %s shows no plan after saving one", hs[p.household].Room)
		}
	}
	if n := count(`SELECT COUNT(*) FROM campaign_plans WHERE finding_id IN (SELECT id FROM campaign_findings WHERE campaign_id = ?)`); n != 3 {
		t.Errorf("%d plans, want the earlier one and 2", n)
	}

	// The building view's campaign layer.
	b.open(fmt.Sprintf("/buildings/%d?layer=campaign:%d", building.ID, cid))
	marks := eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll('a[data-test=household]'),
		a => [a.getAttribute('href').split('/').pop(), a.dataset.mark || '']))`)
	want := map[int64]string{hs[0].ID: "mark-disagree", hs[1].ID: "mark-agree", hs[2].ID: "mark-disagree", earlier.HouseholdID: "mark-disagree"}
	others := 0
	for id, mark := range marks {
		n, _ := strconv.ParseInt(id, 10, 64)
		if w, ok := want[n]; ok {
			if mark != w {
				t.Errorf("household %s on the campaign layer: %q, want %q", id, mark, w)
			}
		} else if mark != "mark-none" {
			others++
		}
	}
	if len(marks) != 96 || others != 0 {
		t.Errorf("%d households on the layer, %d of the uninspected not marked 未排查; want 96 and 0", len(marks), others)
	}
	if legend := b.text(`[data-test=layer] [data-test=legend]`); !strings.Contains(legend, "有隐患") {
		t.Errorf("layer legend %q lacks 有隐患", legend)
	}
}
