// Package live carries events to browsers and integrations as they happen,
// over Server-Sent Events (the WHATWG HTML "server-sent events" section):
// one long GET answered with text/event-stream, which a browser's
// EventSource reconnects by itself, resending the id of the last event it
// saw in the Last-Event-ID header.
//
// The hub is in-process and keeps no history. The package that owns the
// events (cameras, for its alerts) writes each to its own table, and after
// the transaction committed calls Publish with the row's id as the event
// id; the hub hands it, without ever waiting, to every subscriber of its
// topic. History lives in the owner's table: when a client comes back, the
// owner's Replay reads back what it missed. So a restart of the process, a
// dropped connection or a subscriber cut for being slow loses nothing; the
// client reconnects and is replayed from where it was.
//
// Serve does the steps of one stream in an order that cannot lose an event:
// it subscribes first, so whatever is published from then on is queued for
// it; then it replays from the table, page by page, everything after the
// client's Last-Event-ID (or ?last_event_id= in the URL, for clients that
// cannot set headers, and for a page that was rendered with the events up
// to some id and wants the stream to start just after them); then it sends
// the queued and later events, skipping those whose id is not above the
// last one it replayed — an event committed in the gap between disconnect
// and reconnect is both in the table and in the queue, and goes out once.
// This is why ids must grow across all the topics one stream carries.
// The browser side (web/static/live.js) also remembers the ids it handled,
// so the few an id-order slip could repeat after a reconnect are dropped
// there too.
//
// Each subscriber has a bounded queue (Options.Buffer). Publish never
// blocks: a subscriber whose queue is full is cut — unsubscribed and its
// stream ended, counted in Stats().Dropped — and its browser reconnects
// and catches up from the table, which costs one query instead of holding
// memory for, or slowing down, everyone else. Each write to the network
// has a deadline too, so a client that stops reading holds a goroutine for
// a bounded time only.
//
// An idle stream carries a comment line every Options.Heartbeat, so
// proxies and NAT tables keep the connection and a client notices a dead
// one. The heartbeat is timed by Options.Clock when that clock can also
// make tickers (a method NewTicker(d) (<-chan time.Time, func()), as the
// tests' fake clock has); linli.Clock only tells the time, so any other
// clock, or none, uses the runtime's tickers. Each response also carries
// retry: once, a reconnection delay spread over a few seconds so that a
// restart does not bring every browser back in the same instant.
//
// Permissions are not the hub's business: the caller decides which topics
// an account may see before calling Serve.
package live
