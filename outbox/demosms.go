package outbox

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// DemoSMS is the demo's SMS gateway: a loopback HTTP server that takes
// what the SMS channel sends, the way a carrier's gateway would, answers
// {"code":0} and keeps the latest texts in memory. Nothing leaves the
// machine. `linli demo` starts one when no --sms-gateway is given, so a
// notice reaches the households without an account as it would in
// production, and /outbox shows each text sent.
type DemoSMS struct {
	srv *http.Server
	url string

	mu    sync.Mutex
	texts []DemoText // the latest, oldest first
	total int
}

// DemoText is one text the demo gateway received.
type DemoText struct {
	At    time.Time
	Phone string
	Text  string
}

// demoSMSKeep bounds the texts kept.
const demoSMSKeep = 2000

// StartDemoSMS listens on a free loopback port.
func StartDemoSMS() (*DemoSMS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &DemoSMS{url: "http://" + ln.Addr().String() + "/sms"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sms", d.receive)
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("demo SMS gateway stopped", "err", err)
		}
	}()
	return d, nil
}

// Apply points c's SMS channel at the gateway.
func (d *DemoSMS) Apply(c *Config) {
	c.SMSGateway, c.SMSMethod, c.SMSHeaders = d.url, "POST", ""
	c.SMSBody, c.SMSOKField = `{"phone":"{{phone}}","text":"{{text}}"}`, "code=0"
}

// URL is where the gateway takes texts.
func (d *DemoSMS) URL() string { return d.url }

func (d *DemoSMS) receive(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Phone string `json:"phone"`
		Text  string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.Phone == "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":400,"message":"want {\"phone\":…,\"text\":…}"}`))
		return
	}
	d.mu.Lock()
	d.texts = append(d.texts, DemoText{At: time.Now(), Phone: in.Phone, Text: in.Text})
	if len(d.texts) > demoSMSKeep {
		d.texts = append(d.texts[:0], d.texts[len(d.texts)-demoSMSKeep:]...)
	}
	d.total++
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"code":0}`))
}

// Texts returns the latest texts received (oldest first) and how many
// were received in all.
func (d *DemoSMS) Texts() ([]DemoText, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]DemoText(nil), d.texts...), d.total
}

// Close stops the gateway.
func (d *DemoSMS) Close() error { return d.srv.Close() }
