package live

import (
	"bytes"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/web"
)

const (
	// replayPage is how many events one Replay call may return.
	replayPage = 500
	// writeTimeout bounds each write to the network: a client that stops
	// reading is let go after it, instead of holding a goroutine.
	writeTimeout = 30 * time.Second
	// The reconnection delay sent in retry:, in milliseconds: spread over
	// retryMin … retryMin+retrySpread so browsers come back after a restart
	// in a trickle, not all at once.
	retryMin    = 2000
	retrySpread = 3000
)

// Serve answers one SSE request (text/event-stream, no-cache,
// X-Accel-Buffering: no): it subscribes to topics first, then replays
// after Last-Event-ID (the header, or ?last_event_id= for clients that
// cannot set headers), then streams live events, skipping any ID already
// sent; it sends retry: once and heartbeats when idle, and returns when the
// client goes, the request's context ends, or Close. Permissions are the
// caller's job: it decides topics before calling Serve. replay may be nil
// when the owner keeps no history.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, topics []string, replay Replay) {
	after, resume, err := lastEventID(r)
	if err != nil {
		web.WriteError(w, r, err)
		return
	}
	s := h.subscribe(topics, replay)
	if s == nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "live: shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(s)

	st := &stream{w: w, rc: http.NewResponseController(w), h: h}
	// The connection may serve other requests after this stream, and
	// net/http renews a write deadline per request only when the server
	// has a WriteTimeout: leave none behind.
	defer st.rc.SetWriteDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	// Flushing sends the header now, so the client's EventSource opens; a
	// writer that cannot flush could never stream, and says so instead.
	if err := st.rc.Flush(); err != nil {
		if errors.Is(err, http.ErrNotSupported) {
			web.WriteError(w, r, linli.Errorf(linli.EInternal, "live: response writer cannot flush"))
		}
		return
	}
	st.buf.WriteString("retry: " + strconv.Itoa(retryMin+rand.IntN(retrySpread)) + "\n\n")
	if st.send() != nil {
		return
	}

	// Everything up to sent has gone out; live events at or below it were
	// replayed already.
	sent := after
	if replay != nil && resume {
		for {
			page, err := replay(r.Context(), topics, sent, replayPage)
			if err != nil {
				// The client reconnects after retry: and tries again.
				slog.WarnContext(r.Context(), "live: replay failed", "topics", topics, "after", sent, "err", err)
				return
			}
			for i := range page {
				if page[i].ID <= sent {
					continue
				}
				st.event(&page[i])
				sent = page[i].ID
				if st.full() && st.send() != nil {
					return
				}
			}
			if st.send() != nil {
				return
			}
			if len(page) < replayPage {
				break
			}
		}
	}

	tick, stop := h.ticks(h.heartbeat)
	defer stop()
	busy := false // an event went out since the last tick
	for {
		select {
		case e := <-s.queue:
			if e.ID > sent {
				st.event(e)
			}
			// Whatever else is queued goes in the same write and flush: under
			// a burst that is one system call for many events.
			for more := true; more && !st.full(); {
				select {
				case e := <-s.queue:
					if e.ID > sent {
						st.event(e)
					}
				default:
					more = false
				}
			}
			if st.pending > 0 {
				if st.send() != nil {
					return
				}
				busy = true
			}
		case <-tick:
			if !busy {
				st.buf.WriteString(":\n\n")
				if st.send() != nil {
					return
				}
			}
			busy = false
		case <-s.cut:
			return
		case <-h.done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// lastEventID reads where a client resumes: the Last-Event-ID header that
// EventSource sends on reconnecting wins over ?last_event_id=, which the
// page's URL keeps from its first load. Neither (resume false) means from
// now on; 0 means from the first event.
func lastEventID(r *http.Request) (id int64, resume bool, err error) {
	field, v := "Last-Event-ID", r.Header.Get("Last-Event-ID")
	if v == "" {
		field, v = "last_event_id", r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return 0, false, nil
	}
	id, err = strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, false, &linli.Error{Code: linli.EBadRequest, Message: field + " 应为事件编号 / must be an event id",
			Fields: []linli.FieldError{{Field: field, Reason: "应为非负整数 / must be a non-negative integer"}}}
	}
	return id, true, nil
}

// stream writes one response's events: event frames them into buf, send
// writes and flushes what buf holds.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	h       *Hub
	buf     bytes.Buffer
	pending int64 // events in buf
}

const (
	// flushAt is how much a stream gathers before it writes, at most.
	flushAt = 32 << 10
	// keepBuffer is the largest buffer a stream keeps between writes.
	keepBuffer = 4 << 10
)

func (st *stream) full() bool { return st.buf.Len() >= flushAt }

// event frames e (WHATWG HTML §9.2 "Parsing an event stream"): event: its
// type, id:, then one data: field per line of Data — the client joins them
// with "\n" — and a blank line that dispatches it.
func (st *stream) event(e *Event) {
	if e.Type != "" {
		st.buf.WriteString("event: ")
		st.buf.WriteString(oneLine(e.Type))
		st.buf.WriteByte('\n')
	}
	st.buf.WriteString("id: ")
	st.buf.WriteString(strconv.FormatInt(e.ID, 10))
	st.buf.WriteByte('\n')
	data := e.Data
	for {
		line, rest, more := cutLine(data)
		st.buf.WriteString("data: ")
		st.buf.Write(line)
		st.buf.WriteByte('\n')
		if !more {
			break
		}
		data = rest
	}
	st.buf.WriteByte('\n')
	st.pending++
}

// send writes and flushes what is buffered, within writeTimeout. The
// events in it count as delivered once written, before the flush lets the
// client see them.
func (st *stream) send() error {
	if st.buf.Len() == 0 {
		return nil
	}
	// Not every ResponseWriter can set a deadline (a recorder in a test);
	// the write is then only as bounded as the server makes it.
	_ = st.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := st.w.Write(st.buf.Bytes())
	st.buf.Reset()
	if st.buf.Cap() > keepBuffer {
		st.buf = bytes.Buffer{} // an idle stream keeps no burst's memory
	}
	if err != nil {
		return err
	}
	st.h.delivered.Add(st.pending)
	st.pending = 0
	return st.rc.Flush()
}

// cutLine splits b at its first line break: CRLF, LF or CR, the three the
// event stream format knows.
func cutLine(b []byte) (line, rest []byte, found bool) {
	i := bytes.IndexAny(b, "\r\n")
	if i < 0 {
		return b, nil, false
	}
	if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
		return b[:i], b[i+2:], true
	}
	return b[:i], b[i+1:], true
}

// oneLine drops line breaks from an event name, which would end the field.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}
