package notices_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/jobs"
	"linli/notices"
	"linli/storage"
	"linli/storage/storagetest"
)

// A scheduled notice withdrawn before its time is never published: its
// timer is gone, nobody receives it, and the withdrawal is audited. A
// published notice cannot be withdrawn; a grid worker cannot withdraw.
func TestWithdrawScheduled(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := f.windNotice()
		in.Urgency, in.ValidFrom, in.ValidUntil = notices.Important, time.Time{}, time.Time{}
		in.PublishAt = f.w.Clock.Now().Add(2 * time.Hour)
		d := f.publish(in)
		if _, err := f.svc.Withdraw(f.ctx, f.a("grid1"), d.ID); code(err) != linli.EForbidden {
			t.Errorf("grid worker withdraws: %v", err)
		}
		if _, err := f.svc.Withdraw(f.ctx, f.a("jixiang"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("another community's staff withdraws: %v", err)
		}
		got, err := f.svc.Withdraw(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil || got.State != notices.Withdrawn {
			t.Fatalf("withdraw: %+v %v", got.Notice, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notice.withdraw' AND entity_id = ?`, d.ID); n != 1 {
			t.Errorf("%d audit rows", n)
		}
		runner := &jobs.Runner{DB: db, Clock: f.w.Clock, Handlers: f.svc.Parts().Jobs}
		f.w.Clock.Advance(3 * time.Hour)
		if n, err := runner.RunDue(f.ctx); err != nil || n != 0 {
			t.Fatalf("ran %d after withdrawal: %v", n, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notice_recipients WHERE notice_id = ?`, d.ID); n != 0 {
			t.Errorf("%d recipients of a withdrawn notice", n)
		}
		if st := f.count(`SELECT COUNT(*) FROM notices WHERE id = ? AND state = 'withdrawn' AND published_at = 0`, d.ID); st != 1 {
			t.Error("the notice is not left withdrawn")
		}
		if _, err := f.svc.Get(f.ctx, f.a("resident"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("a resident sees a withdrawn notice: %v", err)
		}
		if _, err := f.svc.Withdraw(f.ctx, f.a("xueyuan"), d.ID); code(err) != linli.EConflict {
			t.Errorf("withdrawn twice: %v", err)
		}
		now := f.publish(f.windNotice())
		if _, err := f.svc.Withdraw(f.ctx, f.a("xueyuan"), now.ID); code(err) != linli.EConflict {
			t.Errorf("published notice withdrawn: %v", err)
		}
	})
}

// Through HTTP: the page offers the button for a scheduled notice, the
// form withdraws it, and the API answers 409 problem JSON for a published one.
func TestWithdrawHTTP(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	staff := srv.As(t, f.a("xueyuan"))
	in := f.jsonNotice()
	in["publish_at"] = f.w.Clock.Now().Add(time.Hour).Format(time.RFC3339)
	var d notices.Detail
	staff.JSON("POST", "/api/notices", in).Decode(t, &d)
	page := fmt.Sprintf("/notices/%d", d.ID)
	if p := staff.Get(page).String(); !strings.Contains(p, `action="/notices/`+fmt.Sprint(d.ID)+`/withdraw"`) {
		t.Fatalf("no withdraw button for staff: %.300s", p)
	}
	if p := srv.As(t, f.a("grid1")).Get(page).String(); strings.Contains(p, `data-test="withdraw"`) {
		t.Error("a grid worker is offered the withdraw button")
	}
	if res := staff.PostForm(page+"/withdraw", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw form: %d %s", res.Status, res)
	}
	if p := staff.Get(page).String(); strings.Contains(p, `data-test="withdraw"`) || !strings.Contains(p, "已撤回") {
		t.Error("the withdrawn notice's page still offers the button or does not say 已撤回")
	}
	var pub notices.Detail
	staff.JSON("POST", "/api/notices", f.jsonNotice()).Decode(t, &pub)
	res := staff.JSON("POST", fmt.Sprintf("/api/notices/%d/withdraw", pub.ID), nil)
	if p := res.Problem(t); res.Status != http.StatusConflict || p.Code == "" {
		t.Errorf("withdrawing a published notice: %d %s", res.Status, res)
	}
}
