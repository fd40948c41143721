package campaigns_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli"
	"linli/campaigns"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// TestTaskCompletion: an inspector marks the tasks of 荟萃花园南区 walked
// (households absent or without a device accounted for) and the board
// counts the estate done although most households have no finding;
// reopening one task takes it back. Bad counts are named; people off the
// task may not; a closed campaign refuses.
func TestTaskCompletion(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newBoardFixture(t, db)
		grid := f.a("grid1")
		tasks, err := f.svc.Tasks(f.ctx, grid, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var huicui []campaigns.Task
		for _, x := range tasks {
			if linli.Within(x.Path, f.huicui.Path) {
				huicui = append(huicui, x)
			}
		}
		if len(huicui) < 1 {
			t.Fatalf("tasks in 荟萃花园南区: %d", len(huicui))
		}
		first := huicui[0]
		left := first.Households - first.Inspected
		if left < 2 {
			t.Fatalf("task %s: %d households, %d inspected", first.Title, first.Households, first.Inspected)
		}
		for _, c := range []struct {
			name  string
			in    campaigns.CompleteInput
			field string
		}{
			{"negative", campaigns.CompleteInput{Absent: -1}, "absent"},
			{"more than left", campaigns.CompleteInput{Absent: 1, NoDevice: left}, "no_device"},
			{"unaccounted without a note", campaigns.CompleteInput{Absent: 1}, "note"},
		} {
			_, err := f.svc.CompleteTask(f.ctx, grid, first.ID, c.in)
			if linli.ErrorCode(err) != linli.EInvalid || len(linli.ErrorFields(err)) != 1 || linli.ErrorFields(err)[0].Field != c.field {
				t.Errorf("%s: %v %v, want field %s", c.name, err, linli.ErrorFields(err), c.field)
			}
		}
		if _, err := f.svc.CompleteTask(f.ctx, f.a("contractor"), first.ID, campaigns.CompleteInput{NoDevice: left}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("the contractor (in the group, not on the task): %v", err)
		}
		if _, err := f.svc.CompleteTask(f.ctx, f.a("resident"), first.ID, campaigns.CompleteInput{NoDevice: left}); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("a resident: %v", err)
		}
		board := func() campaigns.EstateBoard {
			t.Helper()
			b, err := f.svc.Board(f.ctx, f.a("xueyuan"), f.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range b.Estates {
				if e.ID == f.huicui.ID {
					return e
				}
			}
			t.Fatal("no 荟萃花园南区 on the board")
			return campaigns.EstateBoard{}
		}
		absent, none := 0, 0
		for i, x := range huicui {
			rest := x.Households - x.Inspected
			in := campaigns.CompleteInput{Absent: min(1, rest), NoDevice: rest - min(1, rest)}
			if i == 0 && rest > 1 { // one leaves a household unaccounted for, with a note
				in = campaigns.CompleteInput{NoDevice: rest - 1, Note: "502 户门锁更换，改日再访"}
			}
			if e := board(); e.Done {
				t.Fatalf("done before task %d of %d was complete: %+v", i+1, len(huicui), e)
			}
			got, err := f.svc.CompleteTask(f.ctx, grid, x.ID, in)
			if err != nil {
				t.Fatalf("complete %s: %v %v", x.Title, err, linli.ErrorFields(err))
			}
			if got.CompletedAt == nil || got.Absent != in.Absent || got.NoDevice != in.NoDevice || got.CompletedBy != grid.AccountID {
				t.Errorf("completed task: %+v", got)
			}
			absent, none = absent+in.Absent, none+in.NoDevice
		}
		e := board()
		if !e.Done || e.TasksDone != len(huicui) || e.Tasks != len(huicui) || e.Absent != absent || e.NoDevice != none {
			t.Errorf("after every task: %+v (absent %d, no device %d)", e, absent, none)
		}
		if e.Inspected >= e.Households {
			t.Fatalf("the fixture inspected every household (%d/%d): the test proves nothing", e.Inspected, e.Households)
		}
		b, err := f.svc.Board(f.ctx, f.a("xueyuan"), f.c.ID)
		if err != nil || b.EstatesDone != 2 || b.EstatesTodo != 0 || b.TasksDone != len(huicui) {
			t.Errorf("board: %v done %d to do %d tasks done %d", err, b.EstatesDone, b.EstatesTodo, b.TasksDone)
		}
		if _, err := f.svc.ReopenTask(f.ctx, grid, first.ID); err != nil {
			t.Fatal(err)
		}
		if e := board(); e.Done || e.TasksDone != len(huicui)-1 {
			t.Errorf("after reopening: %+v", e)
		}
		if _, err := f.svc.ReopenTask(f.ctx, grid, first.ID); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("reopen an open task: %v", err)
		}
		if _, err := f.svc.Close(f.ctx, f.a("xueyuan"), f.c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CompleteTask(f.ctx, grid, first.ID, campaigns.CompleteInput{NoDevice: left}); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("complete in a closed campaign: %v", err)
		}
	})
}

// TestTaskCompletionPages: the task page's form names a count that is
// not a number next to its field and stores nothing; a good one marks the
// task walked (the page shows it, with 重新打开); the API answers problem
// JSON naming the field.
func TestTaskCompletionPages(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	_, ts := f.active()
	t1, _ := f.task1(ts)
	srv := webtest.New(t, campaigns.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	grid := srv.As(t, f.a("grid1"))
	page := fmt.Sprintf("/campaign-tasks/%d", t1.ID)
	if body := grid.Get(page).String(); !strings.Contains(body, `action="`+page+`/complete"`) {
		t.Fatal("the task page has no completion form")
	}
	res := grid.PostForm(page+"/complete", url.Values{"absent": {"两户"}, "no_device": {"0"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.String(), `id="f-absent"`) || !strings.Contains(res.String(), "请填整数") {
		t.Fatalf("bad count: %d %.300s", res.Status, res.Body)
	}
	p := grid.JSON("POST", "/api/campaign-tasks/"+fmt.Sprint(t1.ID)+"/complete", map[string]any{"absent": 0, "no_device": t1.Households + 1}).Problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "no_device" {
		t.Errorf("API problem: %+v", p)
	}
	res = grid.PostForm(page+"/complete", url.Values{"absent": {"1"}, "no_device": {fmt.Sprint(t1.Households - 1)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("complete: %d %.300s", res.Status, res.Body)
	}
	body := grid.Get(page).String()
	if !strings.Contains(body, `data-test="completed"`) || !strings.Contains(body, `data-test="absent">1<`) || !strings.Contains(body, `data-test="reopen"`) {
		t.Errorf("task page after completion: %.2000s", body[strings.Index(body, "<main"):])
	}
	if res := grid.PostForm(page+"/reopen", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("reopen: %d", res.Status)
	}
	if body := grid.Get(page).String(); strings.Contains(body, `data-test="completed"`) {
		t.Error("still completed after reopening")
	}
}
