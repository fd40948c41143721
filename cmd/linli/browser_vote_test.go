package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConsentVote plays issue #4's consent vote through the pages:
// community staff open a renovation vote for 荟萃花园南区 1号楼 3单元 (12
// households; 102, whose exclusive part the shaft occupies, must consent
// itself) and record a paper ballot for every household; 102 disagrees for
// fear of the wall, so the tally is not valid and says 102 must consent,
// and the building view marks 102 for attention. The grid worker, on a
// phone, records a visit about the vote with the concern 结构安全. Back at
// the vote, the objection shows the visit; 102's new paper ballot agrees,
// recorded by staff with a reason,
// the objection is resolved, the tally turns valid, and a cost plan made
// from the vote's link shows its table on the vote page: ¥300,000.00 in
// all, floors 1 and 2 paying nothing.
func TestBrowserConsentVote(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	if b == nil {
		return
	}
	start := time.Now()
	ctx := context.Background()
	building, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
	if err != nil {
		t.Fatal(err)
	}
	// The objector is the household that must consent itself: with 12
	// households, one other disagreeing household still leaves 11/12 ≥ 3/4
	// agreeing, and the tally would be valid despite the objection.
	const objector, reason, collector = "102", "担心墙体安全", "王秀兰"

	// 1. Staff open the vote through the form.
	b.login("xueyuan")
	b.open("/votes/new")
	scope := eval[string](b, `(Array.from(document.querySelectorAll('[data-test=vote-scope] option')).find(o => o.textContent.trim() === "荟萃花园南区1号楼3单元") || {value: ""}).value`)
	if scope == "" {
		t.Fatalf("the scope list has no 荟萃花园南区1号楼3单元: %s", eval[string](b, `document.querySelector('[data-test=vote-scope]').innerText.slice(0, 400)`))
	}
	// The time fields are in Beijing time and start at "now".
	beijing := time.FixedZone("CST", 8*3600)
	now := s.Clock.Now().In(beijing)
	if got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID("f-opens_at"))); err != nil || got != now.Format("2006-01-02T15:04") {
		t.Errorf("opens_at starts as %q (%v), want now in Beijing time %s", got, err, now.Format("2006-01-02T15:04"))
	}
	b.do("fill the vote form",
		chromedp.SetValue(chromedp.CSS(`[data-test=vote-scope]`), scope),
		chromedp.SendKeys(chromedp.ID("f-title"), "3单元加装电梯表决（浏览器测试）"),
		chromedp.SetValue(chromedp.CSS(`[data-test=vote-matter]`), "renovation"),
		chromedp.SetValue(chromedp.ID("f-closes_at"), now.AddDate(0, 0, 14).Format("2006-01-02")+"T18:00"),
		chromedp.SendKeys(chromedp.ID("f-required_rooms"), objector),
	)
	b.submit("[data-test=vote-submit]")
	votePath := b.path()
	voteID, err := strconv.ParseInt(strings.TrimPrefix(votePath, "/votes/"), 10, 64)
	if err != nil || voteID <= 0 {
		t.Fatalf("after creating the vote the browser is at %s: %s", votePath, eval[string](b, `(document.querySelector("[data-test=form-error]")||{}).textContent||""`))
	}
	if got := b.text("[data-test=vote-state]"); got != "投票中" {
		t.Errorf("the new vote's state shows %q, want 投票中", got)
	}
	if n := b.count(`tr[data-test=household]`); n != 12 {
		t.Fatalf("the vote lists %d households, want 12", n)
	}
	if n := b.count(`tr[data-test=household][data-room="102"] [data-test=required]`); n != 1 {
		t.Errorf("102 is not marked as required to consent")
	}
	if st := eval[string](b, `document.querySelector('[data-test=tally]').dataset.state`); st != "invalid" {
		t.Errorf("tally before any ballot: %s", st)
	}
	if b.count("[data-test=cost-hidden]") != 1 || b.count("[data-test=cost-table]") != 0 {
		t.Errorf("the cost table is not hidden before the vote is valid")
	}
	householdID := func(room string) int64 {
		t.Helper()
		id, _ := strconv.ParseInt(eval[string](b, fmt.Sprintf(`(document.querySelector('tr[data-test=household][data-room="%s"]')||{dataset:{}}).dataset.id||""`, room)), 10, 64)
		if id == 0 {
			t.Fatalf("no household %s on the vote page", room)
		}
		return id
	}
	objectorID := householdID(objector)
	householdOf301 := householdID("301")

	// ballot records one paper ballot through the form.
	ballot := func(room, choice, why string) {
		t.Helper()
		opt := eval[string](b, fmt.Sprintf(`(document.querySelector('[data-test=ballot-household] option[data-room="%s"]')||{value:""}).value`, room))
		if opt == "" {
			t.Fatalf("household %s is not in the paper ballot form", room)
		}
		b.do("fill the ballot for "+room,
			chromedp.SetValue(chromedp.CSS(`[data-test=ballot-household]`), opt),
			chromedp.SendKeys(chromedp.CSS(`[data-test=ballot-collector]`), collector),
		)
		b.tap("[data-test=choice-" + choice + "]")
		if why != "" {
			b.do("give the reason", chromedp.SendKeys(chromedp.CSS(`[data-test=ballot-reason]`), why))
		}
		b.submit("[data-test=ballot-submit]")
		if b.path() != votePath {
			t.Fatalf("after the ballot for %s the browser is at %s", room, b.path())
		}
		if n := b.count("[data-test^=err-]"); n != 0 {
			t.Fatalf("ballot for %s refused: %s", room, eval[string](b, `Array.from(document.querySelectorAll('[data-test^=err-]'), e => e.textContent).join("; ")`))
		}
		if got := eval[string](b, fmt.Sprintf(`document.querySelector('tr[data-test=household][data-room="%s"]').dataset.choice`, room)); got != choice {
			t.Fatalf("after the ballot, %s's choice shows %q, want %s", room, got, choice)
		}
	}

	// 2. A paper ballot for every household; 102 disagrees with a reason.
	for floor := 1; floor <= 6; floor++ {
		for _, n := range []int{1, 2} {
			room := fmt.Sprintf("%d0%d", floor, n)
			if room == objector {
				ballot(room, "disagree", reason)
			} else {
				ballot(room, "agree", "")
			}
		}
	}
	if st := eval[string](b, `document.querySelector('[data-test=tally]').dataset.state`); st != "invalid" || b.count("[data-test=tally-invalid]") != 1 {
		t.Fatalf("with 102 disagreeing the tally is %s, want invalid", st)
	}
	if got := b.text("[data-test=tally-participating]"); got != "12/12" {
		t.Errorf("participation shown %q, want 12/12", got)
	}
	missing := eval[[]string](b, `Array.from(document.querySelectorAll('[data-test=missing-line]'), e => e.textContent.trim())`)
	if len(missing) != 1 || !strings.Contains(missing[0], "3单元102") || !strings.Contains(missing[0], "须同意") {
		t.Errorf("missing lines %q, want one saying 3单元102 must consent", missing)
	}
	objection := fmt.Sprintf(`li[data-test=objection][data-household="%d"]`, objectorID)
	if b.count(objection+`[data-state=open]`) != 1 {
		t.Fatalf("no open objection for 102")
	}
	if got := b.text(objection); !strings.Contains(got, reason) {
		t.Errorf("the objection reads %q, want the reason %s", got, reason)
	}
	if b.count("[data-test=cost-hidden]") != 1 || b.count("[data-test=cost-table]") != 0 {
		t.Errorf("the cost table shows while the vote is not valid")
	}

	// 3. The building view, coloured by this vote: 102 needs attention,
	// the other eleven of 3单元 agree.
	layerPath := fmt.Sprintf("/buildings/%d?layer=vote:%d", building.ID, voteID)
	// Choosing the vote in the layer picker reloads the view coloured by
	// it (app.js submits the form; the page's CSP forbids inline handlers).
	b.open(fmt.Sprintf("/buildings/%d", building.ID))
	eval[bool](b, fmt.Sprintf(`(() => { const s = document.querySelector('[data-test=layer-select]');
		s.value = 'vote:%d'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, voteID))
	b.do("wait for the layer", chromedp.WaitVisible(`[data-test=layer]`))
	if got, _ := url.QueryUnescape(eval[string](b, `location.search`)); got != fmt.Sprintf("?layer=vote:%d", voteID) {
		t.Errorf("after picking the layer the page is at %q", got)
	}
	b.open(layerPath)
	mark := func(hid int64) string {
		return eval[string](b, fmt.Sprintf(`(document.querySelector('table[data-test=building-grid] a[data-test=household][href="/households/%d"]')||{className:"missing"}).className`, hid))
	}
	if c := mark(objectorID); !strings.Contains(c, "mark-attention") {
		t.Errorf("building view: 102 has class %q, want mark-attention (an open objection)", c)
	}
	if c := mark(householdOf301); !strings.Contains(c, "mark-agree") {
		t.Errorf("building view: 301 has class %q, want mark-agree", c)
	}
	if got := b.text("[data-test=legend-mark-agree]"); got != "11" {
		t.Errorf("building view legend: %s agree, want 11", got)
	}
	if got := b.text("[data-test=legend-mark-attention]"); got != "1" {
		t.Errorf("building view legend: %s needing attention, want 1", got)
	}

	// 4. The grid worker, on a phone, sees the objection and records a
	// visit to 102 about the vote.
	b.mobile()
	b.switchUser("grid1")
	b.open(votePath)
	if b.count(objection+`[data-state=open]`) != 1 {
		t.Errorf("the grid worker does not see 102's open objection")
	}
	if w := eval[int](b, "document.documentElement.scrollWidth - window.innerWidth"); w > 0 {
		t.Errorf("on a 390 px phone the vote page is %d px wider than the screen", w)
	}
	// The objection offers the visit form for its household and the vote.
	if href, _ := url.QueryUnescape(eval[string](b, `document.querySelector('[data-test=objection-visit]')?.getAttribute('href') || ''`)); href != fmt.Sprintf("/visits/new?household_id=%d&subject=vote:%d", objectorID, voteID) {
		t.Errorf("the objection's visit link is %q", href)
	}
	b.tap("[data-test=objection-visit]")
	if got := b.text("[data-test=household]"); !strings.Contains(got, "102") {
		t.Fatalf("the visit form is for %q, want 102", got)
	}
	if b.count(`input[name=matter_title]`) == 1 {
		b.do("name the matter", chromedp.SendKeys(chromedp.ID("f-matter_title"), "3单元加装电梯表决"))
	}
	b.tap("[data-test=stance-undecided]")
	b.tap("[data-test=concern-structural_safety]")
	b.do("write the notes", chromedp.SendKeys(chromedp.ID("f-notes"), "看了施工图纸，了解了墙体加固方案"))
	b.submit("[data-test=submit-visit]")
	if !strings.HasPrefix(b.path(), "/visits/") || b.path() == "/visits/new" {
		t.Fatalf("after saving the visit the browser is at %s: %s", b.path(), eval[string](b, `Array.from(document.querySelectorAll('[data-test^=err-],[data-test=form-error]'), e => e.textContent).join("; ")`))
	}
	visitPath := b.path()
	if got := b.text("[data-test=concerns]"); !strings.Contains(got, "结构安全") {
		t.Errorf("the visit's concerns read %q, want 结构安全", got)
	}
	if got := b.text("[data-test=notes]"); !strings.Contains(got, "看了施工图纸") {
		t.Errorf("the visit's notes read %q", got)
	}
	if w := eval[int](b, "document.documentElement.scrollWidth - window.innerWidth"); w > 0 {
		t.Errorf("on a 390 px phone the visit page is %d px wider than the screen", w)
	}

	// 5. Back on a desktop as staff: the objection shows the visit.
	b.do("desktop again", chromedp.EmulateReset())
	b.switchUser("xueyuan")
	b.open(votePath)
	links := eval[[]string](b, `Array.from(document.querySelectorAll('`+objection+` [data-test=objection-visits] a'), a => a.getAttribute("href") + " " + a.textContent.trim())`)
	if len(links) != 1 || !strings.HasPrefix(links[0], visitPath+" ") || !strings.Contains(links[0], "结构安全") {
		t.Errorf("the objection's visits %q, want the visit %s about 结构安全", links, visitPath)
	}

	// 6. 102 changes its vote: a new paper ballot, agree, that staff
	// record with the reason (a staff decision closes the objection; a
	// proxy's paper ballot would not).
	ballot(objector, "agree", "看了施工图纸，同意加装")
	if b.count(objection+`[data-state=resolved] [data-test=objection-resolved]`) != 1 {
		t.Errorf("after 102 agreed the objection is not shown resolved")
	}
	history := eval[[]string](b, `Array.from(document.querySelectorAll('tr[data-test=household][data-room="102"] [data-test=history] li'), e => e.textContent.trim())`)
	if len(history) != 2 || !strings.Contains(history[0], "反对") || !strings.Contains(history[0], reason) || !strings.Contains(history[1], "同意") {
		t.Errorf("102's ballot history %q, want the disagree with its reason, then agree", history)
	}
	if st := eval[string](b, `document.querySelector('[data-test=tally]').dataset.state`); st != "valid" || b.count("[data-test=tally-valid]") != 1 {
		t.Fatalf("after 102 agreed the tally is %s, want valid; missing: %s", st,
			eval[string](b, `Array.from(document.querySelectorAll('[data-test=missing-line]'), e => e.textContent).join("; ")`))
	}
	if n := b.count("[data-test=missing-line]"); n != 0 {
		t.Errorf("a valid tally still lists %d missing lines", n)
	}

	b.open(layerPath)
	if c := mark(objectorID); !strings.Contains(c, "mark-agree") {
		t.Errorf("building view after the change: 102 has class %q, want mark-agree", c)
	}
	if got := b.text("[data-test=legend-mark-agree]"); got != "12" {
		t.Errorf("building view legend after the change: %s agree, want 12", got)
	}
	b.open(votePath)

	// 7. A cost plan from the vote's link, with the default coefficients.
	if st := b.load("click 制定分摊方案", chromedp.Click(chromedp.CSS(`a[data-test=new-cost-plan]`))); st != 200 {
		t.Fatalf("click 制定分摊方案: status %d", st)
	}
	for fl, want := range map[int]string{1: "0", 2: "0", 3: "0.7", 6: "1"} {
		got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(fmt.Sprintf(`[data-test=coef_%d]`, fl))))
		if err != nil {
			t.Fatal(err)
		}
		if decimal(got) != want {
			t.Errorf("default coefficient of floor %d = %q, want %s", fl, got, want)
		}
	}
	b.do("fill the cost plan",
		chromedp.SendKeys(chromedp.ID("f-total"), "460000"),
		chromedp.Clear(chromedp.ID("f-subsidy")),
		chromedp.SendKeys(chromedp.ID("f-subsidy"), "160000"),
	)
	b.submit("[data-test=plan-submit]")
	if b.path() != votePath {
		t.Fatalf("after saving the plan the browser is at %s, want back on the vote: %s", b.path(), eval[string](b, `Array.from(document.querySelectorAll('[data-test^=err-],[data-test=form-error]'), e => e.textContent).join("; ")`))
	}

	// 8. The vote page now shows the cost table.
	b.open(votePath)
	if b.count("[data-test=cost-hidden]") != 0 {
		t.Errorf("the valid vote still hides its costs")
	}
	if n := b.count("[data-test=cost-table] tr[data-test=bill]"); n != 12 {
		t.Fatalf("the cost table has %d bills, want 12", n)
	}
	if got := b.text("[data-test=cost-sum]"); got != "¥300,000.00" {
		t.Errorf("cost sum %q, want ¥300,000.00", got)
	}
	if sum := eval[int](b, `Array.from(document.querySelectorAll('[data-test=cost-table] tr[data-test=bill]'), r => +r.dataset.fen).reduce((a, b) => a + b, 0)`); sum != 30000000 {
		t.Errorf("the bills add up to %d fen, want 30000000", sum)
	}
	for _, room := range []string{"101", "102", "201", "202"} {
		if got := eval[string](b, fmt.Sprintf(`document.querySelector('[data-test=cost-table] tr[data-test=bill][data-room="%s"]').dataset.fen`, room)); got != "0" {
			t.Errorf("%s (floors 1–2) pays %s fen, want 0", room, got)
		}
	}
	for _, room := range []string{"301", "602"} {
		if got := eval[string](b, fmt.Sprintf(`document.querySelector('[data-test=cost-table] tr[data-test=bill][data-room="%s"]').dataset.fen`, room)); got == "0" {
			t.Errorf("%s pays nothing", room)
		}
	}
	t.Logf("browser story took %s", time.Since(start).Round(time.Millisecond))
}

// decimal drops the trailing zeros of a decimal number ("0.70" → "0.7",
// "1.0" → "1", "0.00" → "0").
func decimal(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
