package cameras

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/live"
	"linli/storage"
	"linli/web"
)

// The guard-room board's stream. Each camera is a topic ("camera/3"); a
// board subscribes to the cameras its viewer watches (decided when it
// connects: a camera added later appears after the next reconnect). An
// event's id is the alerts' log row id, one sequence for every camera, so
// one Last-Event-ID resumes a board: what it missed is read back from the
// log (replayAlerts) before anything live.

// Event types on the stream.
const (
	EventAlert  = "alert"        // a new alert
	EventUpdate = "alert-update" // acknowledged, closed or escalated
)

func cameraTopic(id int64) string { return "camera/" + strconv.FormatInt(id, 10) }

// publish sends a committed change to the boards.
func publish(hub *live.Hub, ch Change) {
	data, err := json.Marshal(ch)
	if err != nil {
		return
	}
	typ := EventUpdate
	if ch.What == "raised" {
		typ = EventAlert
	}
	hub.Publish(live.Event{ID: ch.ID, Topic: cameraTopic(ch.Alert.CameraID), Type: typ, Data: data})
}

// replayAlerts reads the log after an id for the cameras of topics.
func (s *Service) replayAlerts(ctx context.Context, topics []string, after int64, limit int) ([]live.Event, error) {
	var ids []int64
	for _, t := range topics {
		if id, err := strconv.ParseInt(strings.TrimPrefix(t, "camera/"), 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := append([]any{after}, storage.Args(ids)...)
	args = append(args, limit)
	return storage.Select(ctx, s.db, func(r *sql.Rows) (live.Event, error) {
		var ch Change
		var t alertTimes
		if err := r.Scan(append([]any{&ch.ID, &ch.What}, alertDest(&ch.Alert, &t)...)...); err != nil {
			return live.Event{}, err
		}
		t.fill(&ch.Alert)
		data, err := json.Marshal(ch)
		typ := EventUpdate
		if ch.What == "raised" {
			typ = EventAlert
		}
		return live.Event{ID: ch.ID, Topic: cameraTopic(ch.Alert.CameraID), Type: typ, Data: data}, err
	}, `SELECT l.id, l.what, `+alertCols+` FROM camera_alert_log l JOIN camera_alerts a ON a.id = l.alert_id JOIN cameras c ON c.id = a.camera_id
		WHERE l.id > ? AND a.camera_id IN (`+storage.Placeholders(len(ids))+`) ORDER BY l.id LIMIT ?`, args...)
}

// boardTopics are the topics of the cameras the actor watches.
func (s *Service) boardTopics(ctx context.Context, a *linli.Actor) ([]string, error) {
	cs, err := s.Cameras(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		if c.State != Retired { // a retired camera's alerts are off the board
			out = append(out, cameraTopic(c.ID))
		}
	}
	return out, nil
}

// stream serves the board's events (the page's EventSource, and
// integrations with an API token at /api/cameras/stream).
func (s *Service) stream(w http.ResponseWriter, r *http.Request) error {
	if s.hub == nil {
		return linli.Errorf(linli.ENotFound, "实时推送未启用 / live stream not enabled")
	}
	// The query runs on a goroutine of its own: this one then parks in
	// the hub for hours, and the deep frames of the SQL driver would
	// leave its stack grown for all that time (Go shrinks a parked
	// stack only by halves) — a few kB per open board.
	var topics []string
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { // the router's recovery does not reach this goroutine
			if p := recover(); p != nil {
				err = fmt.Errorf("cameras: board topics: %v", p)
			}
		}()
		topics, err = s.boardTopics(r.Context(), web.ActorFrom(r.Context()))
	}()
	<-done
	if err != nil {
		return err
	}
	s.hub.Serve(w, r, topics, s.replayAlerts)
	return nil
}

type boardData struct {
	Alerts []Alert
	LastID int64 // the log's last id when the page was drawn: the stream resumes after it
	Labels string
}

// board is the guard-room page: the open and acknowledged alerts as
// tiles, then live.
func (h *pages) board(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	var last int64
	// Read the log's end first: an alert raised between the two reads
	// comes again from the stream, and the page skips a tile it has.
	if err := h.s.db.QueryRow(r.Context(), `SELECT COALESCE(MAX(id), 0) FROM camera_alert_log`).Scan(&last); err != nil {
		return err
	}
	as, err := h.s.Alerts(r.Context(), a, AlertFilter{States: []AlertState{Open, Acknowledged}, Limit: 200})
	if err != nil {
		return err
	}
	if as, err = h.s.offBoard(r.Context(), a, as); err != nil {
		return err
	}
	labels := map[string]string{}
	for _, k := range RuleKinds() {
		labels[string(k)] = h.t(r, ruleLabel(k))
	}
	for _, st := range []AlertState{Open, Acknowledged, Handled, FalseAlarm, Escalated} {
		labels[string(st)] = h.t(r, alertStateLabel(st))
	}
	for k, zh := range map[string]string{"ack": "确认收到", "zone": "区域", "lost": "连接中断，正在重连…", "open": "已连接",
		"soundOn": "提示音：开", "soundOff": "提示音：关", "soundStart": "点击开启提示音"} {
		labels[k] = h.t(r, zh)
	}
	for class := range objectNames {
		labels["object."+class] = objectLabel(class, func(zh string) string { return h.t(r, zh) })
	}
	b, _ := json.Marshal(labels)
	h.r.Render(w, r, http.StatusOK, "cameras/board.html", &web.Page{Title: "门岗告警看板",
		Data: boardData{Alerts: as, LastID: last, Labels: string(b)}, Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "门岗告警看板")})})
	return nil
}

// offBoard leaves out the alerts of retired cameras: kept for the record,
// not for the guard to act on.
func (s *Service) offBoard(ctx context.Context, a *linli.Actor, as []Alert) ([]Alert, error) {
	cs, err := s.Cameras(ctx, a)
	if err != nil {
		return nil, err
	}
	retired := map[int64]bool{}
	for _, c := range cs {
		retired[c.ID] = c.State == Retired
	}
	out := as[:0]
	for _, al := range as {
		if !retired[al.CameraID] {
			out = append(out, al)
		}
	}
	return out, nil
}
