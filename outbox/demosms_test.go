package outbox

import (
	"net/http"
	"strings"
	"testing"

	"linli"
	"linli/storage/storagetest"
)

// TestDemoSMS: the demo's gateway, configured through Config as `linli
// demo` does, receives the worker's text over HTTP (the row becomes sent)
// and refuses a body without a phone with a 400.
func TestDemoSMS(t *testing.T) {
	d, err := StartDemoSMS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	var c Config
	d.Apply(&c)
	s, err := c.Settings()
	if err != nil || s.SMS == nil {
		t.Fatalf("settings: %v %+v", err, s)
	}
	db := storagetest.SQLite(t)
	w := newWorker(db, linli.NewFakeClock(t0), s)
	id := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000007", Text: "【郇阳社区】大风蓝色预警：请加固楼顶热水器"})
	runDue(t, w)
	if st := stateOf(t, db, id); st.Status != Sent {
		t.Fatalf("%+v", st)
	}
	texts, total := d.Texts()
	if total != 1 || len(texts) != 1 || texts[0].Phone != "13800000007" || !strings.Contains(texts[0].Text, "大风蓝色预警") {
		t.Fatalf("received %d: %+v", total, texts)
	}
	resp, err := http.Post(d.URL(), "application/json", strings.NewReader(`{"text":"no phone"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("no phone: %d", resp.StatusCode)
	}
	if _, total := d.Texts(); total != 1 {
		t.Errorf("a refused text was kept: %d", total)
	}
}
