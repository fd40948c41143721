package main

import (
	"fmt"
	"testing"

	"linli/cameras/feed"
)

// TestBrowserCameraBoard: the guard-room board in Chromium on a desk
// screen and a phone: it connects, fits the width, a new alert appears
// live as a tile, and acknowledging from the tile updates it.
func TestBrowserCameraBoard(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	cameraFixture(t, s)
	b := openTab(t, s)
	b.login("xueyuan")
	for i, sc := range []screen{desktopScreen, phoneScreen} {
		b.size(sc)
		b.open("/cameras/board")
		b.poll("connected", `document.querySelector('[data-test=conn]').textContent.includes('已连接')`)
		if m := b.measure(); m.Scroll > m.Inner+1 {
			t.Errorf("%s: the board is %.0f px wide on a %.0f px screen", sc.name, m.Scroll, m.Inner)
		}
		before := b.count(`[data-test=tile]`)
		now := s.Clock.Now()
		if err := s.Cameras.Event(t.Context(), feed.Event{Source: feed.SourceHTTP, EventID: fmt.Sprint("board-", i), Camera: "pw-south",
			Kind: feed.KindNew, Label: "person", Zones: []string{"gate"}, Start: now, At: now}); err != nil {
			t.Fatal(err)
		}
		b.poll("the new tile", fmt.Sprintf(`document.querySelectorAll('[data-test=tile]').length === %d`, before+1))
		id := eval[string](b, `document.querySelector('[data-test=tile]').getAttribute('data-id')`)
		b.tap(`[data-test=tile][data-id="` + id + `"] [data-test=ack]`)
		b.poll("acknowledged", `document.querySelector('[data-test=tile][data-id="`+id+`"] .cm-state').textContent === '已确认'`)
	}
}
