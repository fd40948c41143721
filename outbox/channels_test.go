package outbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/storage/storagetest"
)

// receiver records what arrives and answers with reply.
type receiver struct {
	mu    sync.Mutex
	got   []*http.Request
	body  [][]byte
	reply func(w http.ResponseWriter, r *http.Request, body []byte)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, r)
	rc.body = append(rc.body, b)
	reply := rc.reply
	rc.mu.Unlock()
	if reply != nil {
		reply(w, r, b)
		return
	}
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (rc *receiver) count() int { rc.mu.Lock(); defer rc.mu.Unlock(); return len(rc.got) }

func (rc *receiver) setReply(f func(w http.ResponseWriter, r *http.Request, body []byte)) {
	rc.mu.Lock()
	rc.reply = f
	rc.mu.Unlock()
}

func serve(t *testing.T, rc *receiver) *httptest.Server {
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv
}

func TestWebhookSignedBodyAndDedupHeader(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) { w.WriteHeader(204) }}
	srv := serve(t, rc)
	addChannel(t, db, 0, Webhook, "ops", srv.URL+"/hook", "s3cret-key")
	id := enqueue(t, db, t0, Message{Channel: Webhook, Kind: "notice", Ref: "notice:5", Subject: "大风蓝色预警", Text: "请收好阳台物品"})
	if n := runDue(t, newWorker(db, clock, Settings{})); n != 1 {
		t.Fatalf("sent %d", n)
	}
	r, body := rc.got[0], rc.body[0]
	ts := r.Header.Get("X-Linli-Timestamp")
	if ts != strconv.FormatInt(t0.Unix(), 10) {
		t.Errorf("timestamp %q", ts)
	}
	m := hmac.New(sha256.New, []byte("s3cret-key"))
	m.Write([]byte(ts + "." + string(body)))
	if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); r.Header.Get("X-Linli-Signature") != want {
		t.Errorf("signature %q, want %q", r.Header.Get("X-Linli-Signature"), want)
	}
	if got := r.Header.Get("X-Linli-Delivery"); got != "linli-outbox-"+strconv.FormatInt(id, 10) {
		t.Errorf("delivery id %q", got)
	}
	var wb WebhookBody
	if err := json.Unmarshal(body, &wb); err != nil || wb.Subject != "大风蓝色预警" || wb.Text != "请收好阳台物品" || wb.Ref != "notice:5" || wb.Attempt != 1 {
		t.Errorf("body %s (%v)", body, err)
	}
	if r.Header.Get("Content-Type") != "application/json" || r.URL.Path != "/hook" {
		t.Errorf("content type %q path %q", r.Header.Get("Content-Type"), r.URL.Path)
	}
	if s := stateOf(t, db, id); s.Status != Sent || s.Attempts != 1 || !s.SentAt.Equal(t0) {
		t.Errorf("state %+v", s)
	}
}

func TestWeComTextMarkdownAndRateLimit(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	rc := &receiver{}
	srv := serve(t, rc)
	addChannel(t, db, 0, WeCom, "郇阳群", srv.URL+"/cgi-bin/webhook/send?key=abcd-1234-secret", "")
	w := newWorker(db, clock, Settings{})
	text := enqueue(t, db, t0, Message{Channel: WeCom, Text: "明天大风", Subject: "预警"})
	runDue(t, w)
	md := enqueue(t, db, t0, Message{Channel: WeCom, Markdown: "**大风**\n> 收好物品"})
	runDue(t, w)
	if rc.count() != 2 {
		t.Fatalf("%d requests", rc.count())
	}
	if q := rc.got[0].URL.Query().Get("key"); q != "abcd-1234-secret" {
		t.Errorf("key %q", q)
	}
	var a, b map[string]any
	json.Unmarshal(rc.body[0], &a)
	json.Unmarshal(rc.body[1], &b)
	if a["msgtype"] != "text" || a["text"].(map[string]any)["content"] != "预警\n明天大风" {
		t.Errorf("text message %s", rc.body[0])
	}
	if b["msgtype"] != "markdown" || b["markdown"].(map[string]any)["content"] != "**大风**\n> 收好物品" {
		t.Errorf("markdown message %s", rc.body[1])
	}
	if stateOf(t, db, text).Status != Sent || stateOf(t, db, md).Status != Sent {
		t.Error("not sent")
	}
	// 45009: 20 a minute exceeded → wait at least the minute, then send.
	rc.setReply(func(w http.ResponseWriter, r *http.Request, b []byte) {
		io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
	})
	id := enqueue(t, db, t0, Message{Channel: WeCom, Text: "第三条"})
	runDue(t, w)
	s := stateOf(t, db, id)
	if s.Status != Pending || s.NextAt.Before(t0.Add(time.Minute)) || !strings.Contains(s.LastError, "45009") || s.Attempts != 1 {
		t.Fatalf("after 45009: %+v", s)
	}
	if strings.Contains(s.LastError, "abcd-1234-secret") {
		t.Fatal("the robot key leaked into last_error")
	}
	rc.setReply(nil)
	clock.Advance(59 * time.Second)
	runDue(t, w)
	if stateOf(t, db, id).Status != Pending {
		t.Fatal("sent before the minute was up")
	}
	clock.Advance(time.Second)
	runDue(t, w)
	if stateOf(t, db, id).Status != Sent {
		t.Fatalf("not sent after the minute: %+v", stateOf(t, db, id))
	}
	// HTTP 429 with Retry-After: 120 waits 120 s.
	rc.setReply(func(w http.ResponseWriter, r *http.Request, b []byte) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(429)
	})
	id = enqueue(t, db, clock.Now(), Message{Channel: WeCom, Text: "第四条"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Pending || s.NextAt.Before(clock.Now().Add(120*time.Second)) {
		t.Fatalf("after 429: %+v", s)
	}
}

func TestDingTalkSignature(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	const secret = "SECabcdef0123456789"
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) {
		// Check the signature the way DingTalk documents it.
		ts := r.URL.Query().Get("timestamp")
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "\n" + secret))
		if r.URL.Query().Get("sign") != base64.StdEncoding.EncodeToString(m.Sum(nil)) || r.URL.Query().Get("access_token") != "tok" {
			io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
			return
		}
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}}
	srv := serve(t, rc)
	addChannel(t, db, 0, DingTalk, "钉钉群", srv.URL+"/robot/send?access_token=tok", secret)
	w := newWorker(db, clock, Settings{})
	id := enqueue(t, db, t0, Message{Channel: DingTalk, Subject: "排查通知", Markdown: "### 排查\n- 3 号楼"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Sent {
		t.Fatalf("%+v", s)
	}
	if ts := rc.got[0].URL.Query().Get("timestamp"); ts != strconv.FormatInt(t0.UnixMilli(), 10) {
		t.Errorf("timestamp %s, want Unix ms", ts)
	}
	raw := rc.got[0].URL.RawQuery
	if !strings.Contains(raw, "sign="+url.QueryEscape(DingTalkSign(secret, t0.UnixMilli()))) {
		t.Errorf("sign not URL-encoded in %s", raw)
	}
	var b map[string]any
	json.Unmarshal(rc.body[0], &b)
	if b["msgtype"] != "markdown" || b["markdown"].(map[string]any)["title"] != "排查通知" || b["markdown"].(map[string]any)["text"] != "### 排查\n- 3 号楼" {
		t.Errorf("markdown %s", rc.body[0])
	}
	// A wrong secret: DingTalk's 310000 will not change by retrying → dead.
	addChannel(t, db, 0, DingTalk, "坏签名", srv.URL+"/robot/send?access_token=tok", "SECwrong")
	id = enqueue(t, db, t0, Message{Channel: DingTalk, To: "坏签名", Text: "x"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Dead || !strings.Contains(s.LastError, "310000") || strings.Contains(s.LastError, "SECwrong") {
		t.Fatalf("%+v", s)
	}
	// 130101 send too fast → back off a minute.
	rc.setReply(func(w http.ResponseWriter, r *http.Request, b []byte) {
		io.WriteString(w, `{"errcode":130101,"errmsg":"send too fast"}`)
	})
	id = enqueue(t, db, t0, Message{Channel: DingTalk, To: "钉钉群", Text: "y"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Pending || s.NextAt.Before(t0.Add(time.Minute)) {
		t.Fatalf("%+v", s)
	}
}

func TestSMSGatewayTemplates(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) { io.WriteString(w, `{"result":{"code":"0"}}`) }}
	srv := serve(t, rc)
	gw := &SMSGateway{URL: srv.URL + "/sms", Header: http.Header{"Authorization": {"Bearer tok-SECRET-1"}},
		Body: `{"mobile":"{{phone}}","content":"{{text}}"}`, OKField: "result.code=0"}
	if err := gw.Check(); err != nil {
		t.Fatal(err)
	}
	w := newWorker(db, clock, Settings{SMS: gw})
	id := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000001", Text: `他说"你好"` + "\n第二行"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Sent {
		t.Fatalf("%+v", s)
	}
	var b map[string]string
	if err := json.Unmarshal(rc.body[0], &b); err != nil || b["mobile"] != "13800000001" || b["content"] != `他说"你好"`+"\n第二行" {
		t.Fatalf("body %s (%v): the template must JSON-escape", rc.body[0], err)
	}
	if rc.got[0].Header.Get("Authorization") != "Bearer tok-SECRET-1" || rc.got[0].Header.Get("Idempotency-Key") == "" {
		t.Errorf("headers %v", rc.got[0].Header)
	}
	// The gateway says no in its JSON: retried, and the header's secret
	// stays out of the error.
	rc.setReply(func(w http.ResponseWriter, r *http.Request, b []byte) {
		io.WriteString(w, `{"result":{"code":"1001","msg":"Bearer tok-SECRET-1 quota"}}`)
	})
	id = enqueue(t, db, t0, Message{Channel: SMS, To: "13800000002", Text: "x"})
	runDue(t, w)
	if s := stateOf(t, db, id); s.Status != Pending || !strings.Contains(s.LastError, "1001") || strings.Contains(s.LastError, "tok-SECRET-1") {
		t.Fatalf("%+v", s)
	}
	// A form gateway: form-escaped.
	form := SMSGateway{URL: srv.URL + "/form", Body: "to={{phone}}&msg={{text}}"}
	rc.setReply(func(w http.ResponseWriter, r *http.Request, b []byte) {})
	if err := form.Send(context.Background(), Delivery{To: "138", Text: "a&b=c 好"}); err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery(string(rc.body[len(rc.body)-1]))
	if v.Get("to") != "138" || v.Get("msg") != "a&b=c 好" {
		t.Fatalf("form body %s", rc.body[len(rc.body)-1])
	}
}

func TestGatewayCheckNamesTheSetting(t *testing.T) {
	for _, g := range []SMSGateway{{URL: "ftp://x"}, {URL: "http://x", Method: "DELETE"}, {URL: "http://x", Body: "{{phone"}, {URL: "http://x", OKField: "code"}} {
		if g.Check() == nil {
			t.Errorf("%+v accepted", g)
		}
	}
}
