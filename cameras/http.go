package cameras

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
	"linli/storage"
	"linli/web"
)

// Routes registers the JSON API and the HTTP way in. Cameras' own
// sub-resources are under /api/cameras/{privacy,state,rules}/{id}, so they
// never overlap /api/cameras/alerts/{id} in the router's patterns.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	// The HTTP way in authenticates by the source's token, not an account.
	rt.API("POST /api/cameras/ingest", web.Public, s.apiIngest)
	rt.API("POST /api/cameras/ingest/snapshot", web.Public, s.apiSnapshotIn)
	rt.API("GET /api/cameras", web.LoggedIn, s.apiList)
	rt.API("POST /api/cameras", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.CreateCamera)
	})
	rt.API("GET /api/cameras/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Camera) })
	rt.API("POST /api/cameras/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, s.UpdateCamera)
	})
	rt.API("GET /api/cameras/privacy/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Privacy) })
	rt.API("POST /api/cameras/privacy/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, s.SavePrivacy)
	})
	rt.API("DELETE /api/cameras/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.DeleteCamera(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	rt.API("POST /api/cameras/retire/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.RetireCamera) })
	rt.API("POST /api/cameras/photos/{id}", web.LoggedIn, s.apiPhoto)
	rt.API("POST /api/cameras/state/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, func(ctx context.Context, a *linli.Actor, id int64, in struct {
			State State `json:"state"`
		}) (Camera, error) {
			return s.SetState(ctx, a, id, in.State)
		})
	})
	rt.API("GET /api/cameras/rules/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Rules) })
	rt.API("POST /api/cameras/rules/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, s.SaveRule)
	})
	rt.API("DELETE /api/cameras/rules/{id}/{rule}", web.LoggedIn, s.apiDeleteRule)
	rt.API("POST /api/cameras/sources", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.CreateSource)
	})
	rt.API("GET /api/cameras/sources", web.LoggedIn, s.apiSources)
	rt.API("DELETE /api/cameras/sources/{id}", web.LoggedIn, s.apiRevokeSource)
	rt.API("GET /api/cameras/counts", web.LoggedIn, s.apiCounts)
	// The boards' stream for integrations, with an API token.
	rt.API("GET /api/cameras/stream", web.LoggedIn, s.stream)
	rt.API("GET /api/cameras/stats", web.LoggedIn, s.apiStats)
	rt.API("GET /api/cameras/alerts", web.LoggedIn, s.apiAlerts)
	rt.API("GET /api/cameras/alerts/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Alert) })
	rt.API("POST /api/cameras/alerts/{id}/ack", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, func(ctx context.Context, a *linli.Actor, id int64, in noteInput) (Alert, error) {
			return s.Acknowledge(ctx, a, id, in.Note)
		})
	})
	rt.API("POST /api/cameras/alerts/{id}/close", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, func(ctx context.Context, a *linli.Actor, id int64, in noteInput) (Alert, error) {
			return s.Close(ctx, a, id, in.Outcome, in.Note)
		})
	})
	rt.API("POST /api/cameras/alerts/{id}/escalate", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return callIDBody(w, r, func(ctx context.Context, a *linli.Actor, id int64, in noteInput) (Alert, error) {
			return s.Escalate(ctx, a, id, in.Note)
		})
	})
	s.pageRoutes(rt, render)
}

// apiPhoto takes one photo (multipart field "photo") for camera id's
// privacy record and answers its description: its id is what
// view_photo_id or signage_photo_id then names.
func (s *Service) apiPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, attach.PhotoLimits().MaxBytes+1<<20)
	ups, err := attach.FromMultipart(r, "photo", attach.PhotoLimits())
	if err != nil {
		return err
	}
	if len(ups) != 1 {
		return linli.Invalid("请上传一张照片 / send one photo", linli.FieldError{Field: "photo", Reason: "须为一张照片 / exactly one photo"})
	}
	att, err := s.AddPhoto(r.Context(), web.ActorFrom(r.Context()), id, ups[0])
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, att)
	return nil
}

type noteInput struct {
	Note    string     `json:"note"`
	Outcome AlertState `json:"outcome"` // close: handled | false_alarm
}

// callIDBody answers a request about the record "id" with a JSON body.
func callIDBody[In, Out any](w http.ResponseWriter, r *http.Request, call func(context.Context, *linli.Actor, int64, In) (Out, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in In
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	out, err := call(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Cameras(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []Camera{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"cameras": cs})
	return nil
}

func (s *Service) apiDeleteRule(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := web.PathID(r, "rule")
	if err != nil {
		return err
	}
	if err := s.DeleteRule(r.Context(), web.ActorFrom(r.Context()), id, rule); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// CountsView is the Sink's counts of one source, as the API and the page
// show them.
type CountsView struct {
	Source     feed.Source `json:"source"`
	Accepted   int64       `json:"accepted"`
	Duplicate  int64       `json:"duplicate"`
	OutOfOrder int64       `json:"out_of_order"`
	Unknown    int64       `json:"unknown"`
	Inactive   int64       `json:"inactive"`
	Alerts     int64       `json:"alerts"`
}

// CountsAll returns the stored counts of every source (camera_feed_counts:
// since the database was made, across restarts and replicas), for those
// who watch cameras somewhere.
func (s *Service) CountsAll(ctx context.Context, a *linli.Actor) ([]CountsView, error) {
	if len(watchScopes(a)) == 0 {
		return nil, errForbidden()
	}
	stored, err := storage.Select(ctx, s.db, func(r *sql.Rows) (CountsView, error) {
		var c CountsView
		err := r.Scan(&c.Source, &c.Accepted, &c.Duplicate, &c.OutOfOrder, &c.Unknown, &c.Inactive, &c.Alerts)
		return c, err
	}, `SELECT source, accepted, duplicate, out_of_order, unknown, inactive, alerts FROM camera_feed_counts`)
	if err != nil {
		return nil, err
	}
	var out []CountsView
	for _, src := range []feed.Source{feed.SourceFrigate, feed.SourceGB28181, feed.SourceHTTP} {
		c := CountsView{Source: src}
		for _, x := range stored {
			if x.Source == src {
				c = x
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Service) apiCounts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.CountsAll(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"sources": cs})
	return nil
}

// alertFilter reads the alerts list's query: state (repeatable), camera,
// from and to (YYYY-MM-DD, the deployment's days), limit.
func (s *Service) alertFilter(r *http.Request) (AlertFilter, error) {
	q := r.URL.Query()
	var f AlertFilter
	for _, st := range q["state"] {
		switch AlertState(st) {
		case Open, Acknowledged, Handled, FalseAlarm, Escalated:
			f.States = append(f.States, AlertState(st))
		case "":
		default:
			return f, linli.Invalid("未知的状态 / unknown state", linli.FieldError{Field: "state", Reason: "open | acknowledged | handled | false_alarm | escalated"})
		}
	}
	if c := q.Get("camera"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			return f, linli.Invalid("摄像头编号有误 / bad camera", linli.FieldError{Field: "camera", Reason: "须为编号 / must be an id"})
		}
		f.CameraID = id
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(d.name); v != "" {
			t, ok := web.ParseDay(v, s.zone())
			if !ok {
				return f, linli.Invalid("日期有误 / bad date", linli.FieldError{Field: d.name, Reason: "YYYY-MM-DD"})
			}
			*d.dst = t.AddDate(0, 0, d.add)
		}
	}
	limit, err := web.QueryInt(r, "limit", 100)
	f.Limit = limit
	return f, err
}

func (s *Service) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	f, err := s.alertFilter(r)
	if err != nil {
		return err
	}
	as, err := s.Alerts(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if as == nil {
		as = []Alert{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"alerts": as})
	return nil
}

// jsonTime is a time a box sends: RFC 3339 text, or seconds since the
// epoch (a number, fractions allowed, as Frigate writes them).
type jsonTime struct{ time.Time }

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		t.Time = v
		return err
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > 1e11 || math.IsNaN(f) {
		return errors.New("not seconds since the epoch")
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// genericEvent is the simple JSON of the HTTP way in.
type genericEvent struct {
	EventID string    `json:"event_id"`
	Camera  string    `json:"camera"`
	Kind    feed.Kind `json:"kind"`
	Label   string    `json:"label"`
	Score   float64   `json:"score"`
	Zones   []string  `json:"zones"`
	Start   jsonTime  `json:"start"`
	At      jsonTime  `json:"at"`
	End     jsonTime  `json:"end"`
}

// readGeneric reads one generic event or an array of them (≤ 1000),
// naming the field (and index) that cannot be read.
func readGeneric(body []byte) ([]feed.Event, error) {
	body = bytes.TrimSpace(body)
	var raws []json.RawMessage
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, linli.Errorf(linli.EBadRequest, "请求体不是有效的JSON / body is not valid JSON")
		}
		if len(raws) == 0 || len(raws) > 1000 {
			return nil, linli.Invalid("一批 1 到 1000 个事件 / a batch holds 1 to 1000 events", linli.FieldError{Field: "[]", Reason: "1..1000"})
		}
	} else {
		raws = []json.RawMessage{body}
	}
	out := make([]feed.Event, 0, len(raws))
	for i, raw := range raws {
		prefix := ""
		if len(raws) > 1 {
			prefix = fmt.Sprintf("[%d].", i)
		}
		var g genericEvent
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&g); err != nil {
			return nil, badJSON(err, prefix)
		}
		out = append(out, feed.Event{Source: feed.SourceHTTP, EventID: g.EventID, Camera: g.Camera, Kind: g.Kind, Label: g.Label, Score: g.Score,
			Zones: g.Zones, Start: g.Start.Time, At: g.At.Time, End: g.End.Time, Raw: append([]byte(nil), raw...)})
	}
	return out, nil
}

// readFrigate reads one frigate/events message, or an array of them
// (≤ 1000), with the parser of the MQTT way in: the events keep Source
// frigate, so they reach the cameras whose Frigate name they carry. A
// false positive is dropped, as the subscriber drops it.
func readFrigate(body []byte) ([]feed.Event, error) {
	body = bytes.TrimSpace(body)
	raws := []json.RawMessage{body}
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, linli.Errorf(linli.EBadRequest, "请求体不是有效的JSON / body is not valid JSON")
		}
		if len(raws) == 0 || len(raws) > 1000 {
			return nil, linli.Invalid("一批 1 到 1000 个事件 / a batch holds 1 to 1000 events", linli.FieldError{Field: "[]", Reason: "1..1000"})
		}
	}
	out := make([]feed.Event, 0, len(raws))
	for i, raw := range raws {
		e, err := frigate.ParseEvent(raw)
		if errors.Is(err, frigate.ErrFalsePositive) {
			continue // Frigate itself says nothing was there
		}
		if err != nil {
			field := "body"
			if len(raws) > 1 {
				field = fmt.Sprintf("[%d]", i)
			}
			return nil, linli.Invalid("Frigate 事件无法读取 / unreadable Frigate event: "+field, linli.FieldError{Field: field, Reason: err.Error()})
		}
		out = append(out, e)
	}
	return out, nil
}

// badJSON names the field a decoding error is about.
func badJSON(err error, prefix string) error {
	var typ *json.UnmarshalTypeError
	field, reason := "", "无法读取 / unreadable"
	switch {
	case errors.As(err, &typ):
		field, reason = typ.Field, "类型错误 / wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, reason = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "未知字段 / unknown field"
	case strings.Contains(err.Error(), "parsing time"), strings.Contains(err.Error(), "seconds since the epoch"):
		field, reason = "at", "时间须为 RFC 3339 或秒数 / time as RFC 3339 or seconds since the epoch"
	default:
		return linli.Errorf(linli.EBadRequest, "请求体不是有效的JSON / body is not valid JSON")
	}
	name := prefix + field
	if field == "" {
		// The event itself is not an object ({"": …} or a number): name
		// the event, as readFrigate does.
		name = strings.TrimSuffix(prefix, ".")
		if name == "" {
			name = "body"
		}
	}
	return &linli.Error{Code: linli.EBadRequest, Message: "事件无法读取 / unreadable event: " + name,
		Fields: []linli.FieldError{{Field: name, Reason: reason}}}
}

// bearerSource is the ingest source whose token the request presents.
func (s *Service) bearerSource(r *http.Request) (IngestSource, error) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return s.sourceForToken(r.Context(), strings.TrimSpace(token))
}

// readBody reads at most limit bytes of the body (413 beyond).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, linli.Errorf(linli.ETooLarge, "请求体超过%d字节 / body larger than %d bytes", limit, limit)
	}
	return body, nil
}

// apiIngest is the HTTP way in: Authorization: Bearer <source token>, a
// generic event or an array of them. 202 once stored (or dropped and
// counted: an unknown camera is not the sender's error to fix by retrying).
func (s *Service) apiIngest(w http.ResponseWriter, r *http.Request) error {
	src, err := s.bearerSource(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, web.MaxJSONBody)
	if err != nil {
		return err
	}
	var es []feed.Event
	switch r.URL.Query().Get("format") {
	case "", "generic":
		es, err = readGeneric(body)
	case "frigate":
		es, err = readFrigate(body)
	default:
		err = linli.Invalid("未知格式 / unknown format", linli.FieldError{Field: "format", Reason: "generic | frigate"})
	}
	if err != nil {
		return err
	}
	if err := s.events(r.Context(), es, src.Path); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, map[string]int{"received": len(es)})
	return nil
}

// statsPeriod reads from and to (YYYY-MM-DD); by default the last 30 days.
func (s *Service) statsPeriod(r *http.Request) (from, to time.Time, err error) {
	to = s.now()
	from = to.AddDate(0, 0, -29)
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(d.name); v != "" {
			t, ok := web.ParseDay(v, s.zone())
			if !ok {
				return from, to, linli.Invalid("日期有误 / bad date", linli.FieldError{Field: d.name, Reason: "YYYY-MM-DD"})
			}
			*d.dst = t
		}
	}
	return from, to, nil
}

func (s *Service) apiStats(w http.ResponseWriter, r *http.Request) error {
	from, to, err := s.statsPeriod(r)
	if err != nil {
		return err
	}
	st, err := s.Statistics(r.Context(), web.ActorFrom(r.Context()), from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}
