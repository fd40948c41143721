package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"linli/outbox"
)

// The deployment's SMS gateway comes from the flags' configuration: a
// text queued by cases (a registration code) reaches the gateway through
// the server's delivery worker, and the staff page shows it sent.
func TestOutboxDeliversThroughTheConfiguredGateway(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b map[string]string
		json.NewDecoder(r.Body).Decode(&b)
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
		io.WriteString(w, `{"code":0}`)
	}))
	defer gw.Close()
	m, _ := newTestMain(t, demoSQLite(t))
	m.Config.Channels = outbox.Config{SMSGateway: gw.URL + "/send", SMSBody: `{"to":"{{phone}}","msg":"{{text}}"}`, SMSOKField: "code=0",
		SMSHeaders: "Authorization: Bearer gw-secret-token"}
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.Cases.SendSMS(ctx, "signup_code", "13912345678", "您的验证码是 123456"); err != nil {
		t.Fatal(err)
	}
	// The demo's case notifications to accounts go out too.
	if n, err := m.Deliver.RunDue(ctx); err != nil || n < 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	found := 0
	for _, b := range got {
		if b["to"] == "13912345678" && b["msg"] == "您的验证码是 123456" {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("the code reached the gateway %d times (%d texts)", found, len(got))
	}
	// Start and Close: the worker stops with the server.
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	s := &testServer{Main: m, URL: m.URL()}
	c := s.login(t, "admin")
	st, body := c.do("GET", "/api/outbox?status=sent", nil)
	if st != 200 || !strings.Contains(string(body), `"kind":"signup_code"`) || !strings.Contains(string(body), "139****5678") {
		t.Fatalf("GET /api/outbox: %d %s", st, body)
	}
	st, body = c.do("GET", "/outbox/channels", nil)
	if st != 200 || bytes.Contains(body, []byte("gw-secret-token")) {
		t.Fatalf("channels page: %d, or the gateway's token shows", st)
	}
}

func TestBadChannelFlagIsReported(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--sms-gateway", "ftp://gateway.example/send?key=k"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "--sms-gateway") || strings.Contains(err.Error(), "key=k") {
		t.Fatalf("%v", err)
	}
}
