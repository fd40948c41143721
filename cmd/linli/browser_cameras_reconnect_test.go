package main

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"linli/cameras/feed"
)

// cutProxy forwards TCP connections to a server until cut: then every
// open connection is closed and new ones are closed at once (a network
// that drops), until restored.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			if !down {
				p.conns[c] = true
			}
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			go p.pipe(c)
		}
	}()
	return p
}

func (p *cutProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[s] = true
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// TestBrowserCameraBoardReconnects: a board whose network drops shows it
// is reconnecting; an alert raised while it is away appears once when the
// network returns (resumed from Last-Event-ID); acknowledging it on that
// board updates a second person's board live.
func TestBrowserCameraBoardReconnects(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	cameraFixture(t, s)
	host := s.URL[len("http://"):]
	proxy := newCutProxy(t, host)
	viaProxy := *s
	viaProxy.URL = "http://" + proxy.ln.Addr().String()
	b := openTab(t, &viaProxy)
	b.login("xueyuan")
	b.open("/cameras/board")
	other := openTab(t, s)
	other.login("street")
	other.open("/cameras/board")
	for _, tab := range []*tab{b, other} {
		tab.poll("connected", `document.querySelector('[data-test=conn]').textContent.includes('已连接')`)
	}
	before := b.count(`[data-test=tile]`)
	proxy.cut()
	b.poll("reconnecting", `!document.querySelector('[data-test=conn]').textContent.includes('已连接')`)
	now := s.Clock.Now()
	if err := s.Cameras.Event(t.Context(), feed.Event{Source: feed.SourceHTTP, EventID: "while-away", Camera: "pw-south",
		Kind: feed.KindNew, Label: "person", Zones: []string{"gate"}, Start: now, At: now}); err != nil {
		t.Fatal(err)
	}
	other.poll("the other board gets it live", fmt.Sprintf(`document.querySelectorAll('[data-test=tile]').length === %d`, before+1))
	proxy.restore()
	b.poll("back and caught up", fmt.Sprintf(`document.querySelector('[data-test=conn]').textContent.includes('已连接') && document.querySelectorAll('[data-test=tile]').length === %d`, before+1))
	id := eval[string](b, `document.querySelector('[data-test=tile]').getAttribute('data-id')`)
	if n := b.count(`[data-test=tile][data-id="` + id + `"]`); n != 1 {
		t.Fatalf("the alert raised while away shows %d times", n)
	}
	b.tap(`[data-test=tile][data-id="` + id + `"] [data-test=ack]`)
	other.poll("the other board sees the acknowledgement", `document.querySelector('[data-test=tile][data-id="`+id+`"] .cm-state').textContent === '已确认'`)
	if n := b.count(`[data-test=tile]`); n != before+1 {
		t.Errorf("after reconnecting the board has %d tiles, want %d (a replayed alert shown twice?)", n, before+1)
	}
}
