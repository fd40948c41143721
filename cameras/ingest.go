package cameras

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"linli"
	"linli/cameras/feed"
	"linli/storage"
)

var _ feed.Queuer = (*Service)(nil)

// hbEvery is how far a camera's stored heartbeat may lag: the offline rule
// counts in minutes, so a heartbeat every few seconds need not be a write.
const hbEvery = 30 * time.Second

// checkEvent refuses an event no source should send, naming the field.
func checkEvent(e feed.Event, prefix string) []linli.FieldError {
	var v linli.Validation
	if _, ok := map[feed.Source]bool{feed.SourceFrigate: true, feed.SourceGB28181: true, feed.SourceHTTP: true}[e.Source]; !ok {
		v.Add(prefix+"source", "未知的来源 / unknown source")
	}
	if e.EventID == "" || len(e.EventID) > 200 {
		v.Add(prefix+"event_id", "必填，不超过 200 字节 / required, at most 200 bytes")
	}
	if e.Camera == "" || len(e.Camera) > 100 {
		v.Add(prefix+"camera", "必填，不超过 100 字节 / required, at most 100 bytes")
	}
	switch e.Kind {
	case feed.KindNew, feed.KindUpdate, feed.KindEnd, feed.KindAlarm:
	default:
		v.Add(prefix+"kind", "须为 new、update、end 或 alarm / must be new, update, end or alarm")
	}
	if e.At.IsZero() {
		v.Add(prefix+"at", "必填 / required")
	}
	if e.Score < 0 || e.Score > 1 || math.IsNaN(e.Score) {
		v.Add(prefix+"score", "须在 0 到 1 之间 / must be 0 to 1")
	}
	if len(e.Label) > 100 || len(e.Zones) > 50 {
		v.Add(prefix+"label", "过长 / too long")
	}
	return v.Fields
}

// kindRank orders the messages of one event at the same instant: an end
// after an update after a new.
func kindRank(k feed.Kind) int {
	switch k {
	case feed.KindNew:
		return 0
	case feed.KindEnd:
		return 2
	}
	return 1
}

// Event takes one event of a way in (feed.Sink). See the package comment
// for what happens to it; an error means it was not stored.
//
// Events from concurrent callers are gathered (gather) and written
// together, up to maxGather in one transaction: one commit and no
// savepoint per event, which is what makes a busy MQTT subscription
// affordable on SQLite's single writer (BenchmarkIngest).
func (s *Service) Event(ctx context.Context, e feed.Event) error {
	answer := make(chan error, 1)
	if err := s.Queue(ctx, e, func(err error) { answer <- err }); err != nil {
		return err
	}
	// Once queued the event is written or refused: wait for the answer
	// even if the caller gives up, so "accepted" never means "maybe". A
	// request gather never took (it stopped) was not written.
	select {
	case err := <-answer:
		return err
	case <-s.stopped:
		select {
		case err := <-answer:
			return err
		default:
			return errStopped()
		}
	}
}

// Queue queues an event for the next gathered write without waiting for
// it (feed.Queuer): events queued one after another are written in that
// order, and done hears the outcome from gather's goroutine. The Frigate
// subscriber reads one ordered stream: waiting for each commit before
// reading the next message would hold it to one commit per event.
func (s *Service) Queue(ctx context.Context, e feed.Event, done func(error)) error {
	if bad := checkEvent(e, ""); len(bad) > 0 {
		return linli.Invalid("事件格式有误 / malformed event", bad...)
	}
	s.gatherOnce.Do(func() { go s.gather() })
	select {
	case <-s.closing:
		return errStopped()
	default:
	}
	select {
	case s.queue <- eventReq{e: e, done: done}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return errStopped()
	}
}

func errStopped() error {
	return linli.Errorf(linli.EInternal, "摄像头服务已停止 / cameras stopped")
}

// maxGather bounds one gathered transaction.
const maxGather = 512

type eventReq struct {
	e    feed.Event
	done func(error) // called once with the outcome, by gather
}

// gather writes the queued events, as many as are waiting at once, until
// Stop; every batch it took is answered before it returns.
func (s *Service) gather() {
	defer close(s.stopped)
	for {
		var first eventReq
		select {
		case first = <-s.queue:
		case <-s.closing:
			return
		}
		select {
		case <-s.closing: // both were ready: stopping wins
			first.done(errStopped())
			return
		default:
		}
		reqs := []eventReq{first}
	more:
		for len(reqs) < maxGather {
			select {
			case r := <-s.queue:
				reqs = append(reqs, r)
			default:
				break more
			}
		}
		es := make([]feed.Event, len(reqs))
		for i, r := range reqs {
			es[i] = r.e
		}
		err := s.events(context.Background(), es, "/")
		for _, r := range reqs {
			r.done(err)
		}
	}
}

// Stop stops the gathering of events (the wiring calls it at shutdown,
// before the database closes): the batch being written is finished,
// events still queued are refused, and the rules' memory of every camera
// is saved for the next start.
func (s *Service) Stop() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.gatherOnce.Do(func() { close(s.stopped) }) // gather never started
		<-s.stopped
		if err := s.SaveTracks(context.Background()); err != nil {
			slog.Error("saving the camera rules' memory", "err", err)
		}
	})
}

// Events takes several events in one transaction (the HTTP batch). An
// event that breaks the shape refuses the whole batch, naming it.
func (s *Service) Events(ctx context.Context, es []feed.Event) error {
	return s.events(ctx, es, "/")
}

// events takes events from a source allowed to report for the cameras
// under scope: another place's camera is as unknown to it as a camera
// Linli does not have.
func (s *Service) events(ctx context.Context, es []feed.Event, scope string) error {
	var bad []linli.FieldError
	for i, e := range es {
		prefix := ""
		if len(es) > 1 {
			prefix = fmt.Sprintf("[%d].", i)
		}
		bad = append(bad, checkEvent(e, prefix)...)
	}
	if len(bad) > 0 {
		return linli.Invalid("事件格式有误 / malformed event", bad...)
	}
	if len(es) == 0 {
		return nil
	}
	type job struct {
		p *point
		e feed.Event
	}
	var todo []job
	var dropped []*point
	tl := tally{}
	for _, e := range es {
		p, err := s.camera(ctx, e.Source, e.Camera)
		if err != nil {
			return err
		}
		cnt := s.counts[e.Source]
		if p == nil {
			cnt.Unknown.Add(1)
			tl.add(e.Source).Unknown++
			continue
		}
		p.mu.Lock()
		active, within := p.state == Active, linli.Within(p.path, scope)
		p.mu.Unlock()
		if !within {
			cnt.Unknown.Add(1)
			tl.add(e.Source).Unknown++
			continue
		}
		if !active {
			cnt.Inactive.Add(1)
			tl.add(e.Source).Inactive++
			p.dropped.Add(1)
			dropped = append(dropped, p)
			continue
		}
		todo = append(todo, job{p, e})
	}
	return s.db.Batch(ctx, func(tx *storage.Tx) error {
		for _, p := range dropped {
			if _, err := tx.Exec(ctx, `UPDATE cameras SET dropped = dropped + 1 WHERE id = ?`, p.id); err != nil {
				return err
			}
		}
		for _, j := range todo {
			if err := s.ingest(ctx, tx, j.p, j.e, tl); err != nil {
				return err
			}
		}
		return tl.write(ctx, tx)
	})
}

// tally is what one transaction adds to camera_feed_counts, by source.
type tally map[feed.Source]*CountsView

func (t tally) add(src feed.Source) *CountsView {
	c := t[src]
	if c == nil {
		c = &CountsView{Source: src}
		t[src] = c
	}
	return c
}

// write adds the tally to the stored counts in tx, one statement a source.
func (t tally) write(ctx context.Context, tx *storage.Tx) error {
	for src, c := range t {
		if _, err := tx.Exec(ctx, `INSERT INTO camera_feed_counts AS c (source, accepted, duplicate, out_of_order, unknown, inactive, alerts)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET accepted = c.accepted + excluded.accepted,
			duplicate = c.duplicate + excluded.duplicate, out_of_order = c.out_of_order + excluded.out_of_order,
			unknown = c.unknown + excluded.unknown, inactive = c.inactive + excluded.inactive, alerts = c.alerts + excluded.alerts`,
			src, c.Accepted, c.Duplicate, c.OutOfOrder, c.Unknown, c.Inactive, c.Alerts); err != nil {
			return err
		}
	}
	return nil
}

// ingest stores one event of an active camera, runs the rules and writes
// the alerts, in tx, counting into tl.
func (s *Service) ingest(ctx context.Context, tx *storage.Tx, p *point, e feed.Event, tl tally) error {
	cnt, tc := s.counts[e.Source], tl.add(e.Source)
	zones := strings.Join(e.Zones, ",")
	start := e.Start
	if start.IsZero() {
		start = e.At
	}
	var end int64
	if !e.End.IsZero() {
		end = storage.Millis(e.End)
	}
	now := storage.Millis(s.now())
	res, err := tx.Exec(ctx, `INSERT INTO camera_events (source, event_id, camera_id, kind, label, score, zones, start_at, at, end_at, raw, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING`,
		e.Source, e.EventID, p.id, e.Kind, e.Label, e.Score, zones, storage.Millis(start), storage.Millis(e.At), end, e.Raw, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var at int64
		var kind feed.Kind
		if err := tx.QueryRow(ctx, `SELECT at, kind FROM camera_events WHERE source = ? AND event_id = ?`, e.Source, e.EventID).Scan(&at, &kind); err != nil {
			return err
		}
		switch t := storage.Millis(e.At); {
		case t < at || t == at && kindRank(e.Kind) < kindRank(kind):
			tc.OutOfOrder++
			tx.AfterCommit(func() { cnt.OutOfOrder.Add(1) })
			return nil
		case t == at && kindRank(e.Kind) == kindRank(kind):
			tc.Duplicate++
			tx.AfterCommit(func() { cnt.Duplicate.Add(1) })
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE camera_events SET kind = ?, label = ?, score = ?, zones = ?, at = ?, end_at = ?, raw = ?, received_at = ?
			WHERE source = ? AND event_id = ?`, e.Kind, e.Label, e.Score, zones, storage.Millis(e.At), end, e.Raw, now, e.Source, e.EventID); err != nil {
			return err
		}
	}
	p.mu.Lock()
	hits := p.track.Apply(p.rules, e, s.zone())
	p.dirty = true
	state, err := s.trackState(p, false)
	name, path, nodeID := p.name, p.path, p.nodeID
	// An event is a sign of life too (an HTTP box sends no heartbeats).
	alive := e.At.Sub(p.hb) >= hbEvery
	if alive {
		p.hb = e.At
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	if state != nil {
		if err := s.writeTrack(ctx, tx, p.id, state); err != nil {
			return err
		}
	}
	if alive {
		if _, err := tx.Exec(ctx, `UPDATE cameras SET last_heartbeat = ? WHERE id = ? AND last_heartbeat < ?`, storage.Millis(e.At), p.id, storage.Millis(e.At)); err != nil {
			return err
		}
	}
	for _, h := range hits {
		al := Alert{CameraID: p.id, Camera: name, Path: path, RuleID: h.Rule.ID, RuleKind: h.Rule.Kind, Source: e.Source, EventID: e.EventID,
			Label: h.Label, Score: h.Score, Zone: h.Zone, At: h.At, State: Open, CreatedAt: s.now()}
		if err := s.raise(ctx, tx, al, nodeID, h.Rule.Notify); err != nil {
			return err
		}
		tc.Alerts++
	}
	tc.Accepted++
	tx.AfterCommit(func() { cnt.Accepted.Add(1) })
	return nil
}

// raise writes a new alert and its log row in tx, and its message to the
// group robots of notify (nodeID is the camera's place); the board hears
// of it after commit.
func (s *Service) raise(ctx context.Context, tx *storage.Tx, al Alert, nodeID int64, notify []string) error {
	id, err := tx.Insert(ctx, `INSERT INTO camera_alerts (camera_id, path, rule_id, rule_kind, source, event_id, label, score, zone, at, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		al.CameraID, al.Path, al.RuleID, al.RuleKind, al.Source, al.EventID, al.Label, al.Score, al.Zone, storage.Millis(al.At), al.State, storage.Millis(al.CreatedAt))
	if err != nil {
		return err
	}
	al.ID = id
	if err := s.logAlert(ctx, tx, al, "raised"); err != nil {
		return err
	}
	if err := s.enqueueAlert(ctx, tx, al, nodeID, notify); err != nil {
		return err
	}
	if c := s.counts[al.Source]; c != nil {
		tx.AfterCommit(func() { c.Alerts.Add(1) })
	}
	return nil
}

// Heartbeat records that a camera is alive (feed.Sink). Heartbeats of
// cameras Linli does not know are ignored.
func (s *Service) Heartbeat(ctx context.Context, h feed.Heartbeat) error {
	if h.At.IsZero() {
		return linli.Invalid("心跳缺少时间 / heartbeat without a time", linli.FieldError{Field: "at", Reason: "必填 / required"})
	}
	p, err := s.camera(ctx, h.Source, h.Camera)
	if err != nil || p == nil {
		return err
	}
	p.mu.Lock()
	due := h.At.Sub(p.hb) >= hbEvery
	if due {
		p.hb = h.At
	}
	p.mu.Unlock()
	if !due {
		return nil
	}
	return s.db.Batch(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cameras SET last_heartbeat = ? WHERE id = ? AND last_heartbeat < ?`, storage.Millis(h.At), p.id, storage.Millis(h.At))
		return err
	})
}

// Online reports whether a camera was heard from within the window.
func Online(c Camera, now time.Time, window time.Duration) bool {
	return !c.LastHeartbeat.IsZero() && now.Sub(c.LastHeartbeat) <= window
}
