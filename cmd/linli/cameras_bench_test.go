package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli"
	"linli/auth"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/registry"
	"linli/storage"
)

// The camera benchmarks run a real server (startIngestServerOn: the demo
// database, the Frigate subscriber, the HTTP server on loopback) with
// camBenchEstates estates of one gate camera each, a guard account per
// estate and camBenchClients SSE streams on /api/cameras/stream, each
// with its estate's guard's API token (10 boards per estate). Frigate
// messages go to the local Mosquitto (or the embedded broker) on a topic
// prefix of the run's own; the subscriber reads them into the cameras
// service, whose night-entry rule raises an alert for each person
// entering the gate zone, and the alert goes out on the boards' streams.
// Run them one at a time:
//
//	go test -run '^$' -bench 'BenchmarkCameraEndToEnd' -benchtime 1x -timeout 30m ./cmd/linli/
//	go test -run '^$' -bench 'BenchmarkCameraStreamIdle' -benchtime 1x ./cmd/linli/
//	LINLI_SOAK=20m go test -run '^$' -bench 'BenchmarkCameraBoardSoak' -benchtime 1x -timeout 60m ./cmd/linli/
//
// LINLI_BENCH_ENGINE=postgres runs them on PostgreSQL (LINLI_TEST_POSTGRES).
const (
	camBenchEstates = 100
	camBenchClients = 1000
	mosquittoURL    = "tcp://127.0.0.1:1883"
)

// camBench is a server set up for the camera benchmarks.
type camBench struct {
	s      *testServer
	prefix string   // Frigate topic prefix of this run
	refs   []string // Frigate camera names, one per estate
	tokens []string // API token of each estate's guard
	broker string   // URL the publisher uses
	// nextObject is the first object number not yet published.
	nextObject int
}

func benchDB(b *testing.B) *storage.DB {
	if os.Getenv("LINLI_BENCH_ENGINE") == "postgres" {
		return demoPostgres(b)
	}
	return demoSQLite(b)
}

// newCamBench starts the server with the Frigate subscriber on Mosquitto,
// or with the embedded broker when embedded is set, and sets up the
// estates, cameras, rules and guards.
func newCamBench(b *testing.B, embedded bool) *camBench {
	b.Helper()
	tag := fmt.Sprintf("%06x", rand.Uint32()&0xffffff)
	cb := &camBench{prefix: "bench" + tag, broker: mosquittoURL}
	in := IngestConfig{FrigateURL: mosquittoURL, FrigateClientID: "linli-bench-" + tag, FrigatePrefix: cb.prefix}
	if embedded {
		in = IngestConfig{BrokerAddr: "127.0.0.1:0", BrokerUsers: "gatebox:bench-Pass-1", FrigatePrefix: cb.prefix}
	} else if c, err := net.DialTimeout("tcp", "127.0.0.1:1883", time.Second); err != nil {
		b.Skip("no MQTT broker on 127.0.0.1:1883")
	} else {
		c.Close()
	}
	cb.s = startIngestServerOn(b, benchDB(b), in)
	if embedded {
		cb.broker = "tcp://gatebox:bench-Pass-1@" + cb.s.ingest.broker.Addr()
	}
	ctx := context.Background()
	staff, err := cb.s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		b.Fatal(err)
	}
	grid, err := cb.s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格"})
	if err != nil {
		b.Fatal(err)
	}
	var meeting int64
	if err := cb.s.DB.QueryRow(ctx, `SELECT MIN(id) FROM meetings`).Scan(&meeting); err != nil {
		b.Fatal(err)
	}
	for g := range camBenchEstates {
		estate, err := cb.s.Registry.CreateNode(ctx, linli.System(), registry.NodeInput{ParentID: grid.ID, Kind: registry.KindEstate,
			Name: fmt.Sprintf("基准小区%s-%03d", tag, g)})
		if err != nil {
			b.Fatal(err)
		}
		ref := fmt.Sprintf("bench_%s_%03d", tag, g)
		c, err := cb.s.Cameras.CreateCamera(ctx, staff, cameras.CameraInput{Code: fmt.Sprintf("BN%s%03d", tag, g), Name: "基准小区大门", NodeID: estate.ID,
			Source: feed.SourceFrigate, SourceRef: ref, Zones: []cameras.Zone{{Name: "gate"}}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cb.s.Cameras.SavePrivacy(ctx, staff, c.ID, cameras.Privacy{Purpose: "出入口安全", Consultation: fmt.Sprintf("meeting:%d", meeting),
			NoPrivateView: true, ViewPhotoID: 1, Masks: [][][2]float64{{{0, 0}, {0.1, 0}, {0.1, 0.1}}}, SignagePhotoID: 1, SignageText: "视频监控区域",
			Reviewer: "韩素芬", ReviewedOn: "2026-01-05"}); err != nil {
			b.Fatal(err)
		}
		if _, err := cb.s.Cameras.SetState(ctx, staff, c.ID, cameras.Active); err != nil {
			b.Fatal(err)
		}
		// A person entering the gate zone at night raises an alert; cars
		// do not.
		if _, err := cb.s.Cameras.SaveRule(ctx, staff, c.ID, cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", Labels: []string{"person"},
			FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true}); err != nil {
			b.Fatal(err)
		}
		user := fmt.Sprintf("bg%s%03d", tag, g)
		if _, err := cb.s.Auth.CreateAccount(ctx, staff, auth.AccountInput{Username: user, DisplayName: "基准保安", Password: demoPassword,
			Grant: &auth.GrantInput{Role: linli.RoleGuard, NodeID: estate.ID}}); err != nil {
			b.Fatal(err)
		}
		guard, err := cb.s.Auth.ActorByUsername(ctx, user)
		if err != nil {
			b.Fatal(err)
		}
		tok, err := cb.s.Auth.CreateToken(ctx, guard, "board")
		if err != nil {
			b.Fatal(err)
		}
		cb.refs = append(cb.refs, ref)
		cb.tokens = append(cb.tokens, tok)
	}
	for end := time.Now().Add(10 * time.Second); !cb.s.ingestConnected(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			b.Fatal("the Frigate subscriber did not connect")
		}
	}
	return cb
}

// The replayed site: object k is seen by camera k % estates, at night,
// starting k × objectGap after nightStart in event time; every fifth is
// a person (who raises an alert on entering the gate zone), the others
// cars. Each object has Frigate's three messages: new (not in a zone yet),
// update (in zone gate), end. The stream interleaves them: step j carries
// the new of object j, the update of j-1 and the end of j-2, so one
// message in nine raises an alert.
var nightStart = time.Date(2026, 11, 26, 22, 0, 0, 0, time.FixedZone("CST", 8*3600))

const (
	objectGap   = 30 * time.Millisecond
	personEvery = 5
)

// objectSeq reads the object number back from an event id "<frame time>-<prefix>o<k>".
func objectSeq(id []byte) (int, bool) {
	i := bytes.LastIndexByte(id, 'o')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(id[i+1:]))
	return n, err == nil
}

// message is the kind'th message (0 new, 1 update, 2 end) of object k.
func (cb *camBench) message(k, kind int) []byte {
	start := nightStart.Add(time.Duration(k) * objectGap)
	st := float64(start.UnixMicro()) / 1e6
	label := "car"
	if k%personEvery == 0 {
		label = "person"
	}
	id := fmt.Sprintf("%.6f-%so%d", st, cb.prefix, k)
	cam := cb.refs[k%len(cb.refs)]
	typ, frame, zones, end := "new", st+0.5, `[]`, "null"
	switch kind {
	case 1:
		typ, frame, zones = "update", st+2, `["gate"]`
	case 2:
		typ, frame = "end", st+6
		end = strconv.FormatFloat(frame, 'f', 6, 64)
	}
	obj := func(zones, end string, frame float64) string {
		return `{"id":"` + id + `","camera":"` + cam + `","label":"` + label + `","sub_label":null,"score":0.8,"top_score":0.82,"false_positive":false,` +
			`"start_time":` + strconv.FormatFloat(st, 'f', 6, 64) + `,"end_time":` + end + `,"frame_time":` + strconv.FormatFloat(frame, 'f', 6, 64) +
			`,"box":[300,200,420,560],"area":43200,"region":[200,120,520,600],"current_zones":` + zones + `,"entered_zones":` + zones +
			`,"thumbnail":null,"has_snapshot":false,"has_clip":false,"stationary":false,"motionless_count":0,"position_changes":1}`
	}
	return []byte(`{"type":"` + typ + `","before":` + obj(`[]`, "null", st) + `,"after":` + obj(zones, end, frame) + `}`)
}

// boards holds the SSE clients and the latencies they measured: for each
// alert, the time from publishing the Frigate message that raised it to
// a client reading its data: line.
type boards struct {
	sent  []atomic.Int64 // publish time of object k's update, Unix ns
	conns []net.Conn

	mu     sync.Mutex
	lat    []time.Duration
	got    atomic.Int64 // alerts read, all clients
	stray  atomic.Int64 // data lines whose object this run did not publish
	closed atomic.Int64 // streams that ended
}

// openBoards connects n streams, n/len(tokens) per estate, each waiting
// for its retry: line (the hub has subscribed it by then).
func (cb *camBench) openBoards(b *testing.B, n, objects int) *boards {
	b.Helper()
	bd := &boards{sent: make([]atomic.Int64, objects)}
	u, err := url.Parse(cb.s.URL)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			b.Fatal(err)
		}
		bd.conns = append(bd.conns, c)
		req := "GET /api/cameras/stream HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nAuthorization: Bearer " +
			cb.tokens[i%len(cb.tokens)] + "\r\n\r\n"
		if _, err := c.Write([]byte(req)); err != nil {
			b.Fatal(err)
		}
		br := bufio.NewReaderSize(c, 1024)
		status, err := br.ReadString('\n')
		if err != nil || !strings.Contains(status, " 200 ") {
			b.Fatalf("stream %d: %q %v", i, status, err)
		}
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatalf("stream %d: %v", i, err)
			}
			if bytes.HasPrefix(line, []byte("retry:")) {
				break
			}
		}
		go bd.read(br)
	}
	return bd
}

var eventIDField = []byte(`"event_id":"`)

func (bd *boards) read(br *bufio.Reader) {
	defer bd.closed.Add(1)
	var d []time.Duration
	defer func() {
		bd.mu.Lock()
		bd.lat = append(bd.lat, d...)
		bd.mu.Unlock()
	}()
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		data, ok := bytes.CutPrefix(line, []byte("data: "))
		if !ok {
			continue
		}
		now := time.Now().UnixNano()
		_, rest, ok := bytes.Cut(data, eventIDField)
		id, _, _ := bytes.Cut(rest, []byte(`"`))
		k, ok2 := objectSeq(id)
		if !ok || !ok2 || k >= len(bd.sent) || bd.sent[k].Load() == 0 {
			bd.stray.Add(1)
			continue
		}
		d = append(d, time.Duration(now-bd.sent[k].Load()))
		bd.got.Add(1)
	}
}

// close ends the streams and returns the latencies, sorted.
func (bd *boards) close() []time.Duration {
	for _, c := range bd.conns {
		c.Close()
	}
	for end := time.Now().Add(10 * time.Second); int(bd.closed.Load()) < len(bd.conns) && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
	bd.mu.Lock()
	defer bd.mu.Unlock()
	slices.Sort(bd.lat)
	return bd.lat
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(q*float64(len(d)-1))]
}

// publisher sends messages at a fixed rate, a burst every 10 ms, QoS 1
// without waiting for each acknowledgement (as a Frigate box does).
type publisher struct {
	c mqtt.Client
}

func newPublisher(b *testing.B, brokerURL string) *publisher {
	b.Helper()
	return &publisher{c: benchClient(b, brokerURL, "pub")}
}

// benchClient connects an MQTT client to brokerURL
// (tcp://user:password@host:port) until the benchmark ends.
func benchClient(b *testing.B, brokerURL, role string) mqtt.Client {
	b.Helper()
	u, err := url.Parse(brokerURL)
	if err != nil {
		b.Fatal(err)
	}
	o := mqtt.NewClientOptions().SetClientID(fmt.Sprintf("linli-bench-%s-%08x", role, rand.Uint32())).SetCleanSession(true).SetOrderMatters(true)
	if u.User != nil {
		p, _ := u.User.Password()
		o.SetUsername(u.User.Username()).SetPassword(p)
		u.User = nil
	}
	o.AddBroker(u.String())
	c := mqtt.NewClient(o)
	if t := c.Connect(); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		b.Fatalf("%s: %v", role, t.Error())
	}
	b.Cleanup(func() { c.Disconnect(100) })
	return c
}

// run calls next(i) for i = 0 … n-1, perSecond a second, publishing what
// it returns on topic; next may return nil to skip.
func (p *publisher) run(topic string, perSecond, n int, next func(i int) []byte) {
	const every = 10 * time.Millisecond
	burst := max(1, perSecond/int(time.Second/every))
	tk := time.NewTicker(time.Second / time.Duration(perSecond) * time.Duration(burst))
	defer tk.Stop()
	var last mqtt.Token
	for i := 0; i < n; {
		<-tk.C
		for j := 0; j < burst && i < n; j++ {
			if m := next(i); m != nil {
				last = p.c.Publish(topic, 1, false, m)
			}
			i++
		}
	}
	if last != nil {
		last.WaitTimeout(10 * time.Second)
	}
}

// BenchmarkCameraEndToEnd: Frigate messages published to the broker at
// 2,000 a second → the server's Frigate subscriber → the cameras service
// (stored, rules, alert written) → the hub → 1,000 SSE streams of the
// guards' boards over real HTTP. It reports p50/p99 of the time from
// publishing the message that raises an alert to a board reading it,
// over every (alert, board) pair. The same run's baseline is the raw
// MQTT publish → subscribe time of the same messages at the same rate,
// to a bare QoS 1 subscriber on the same broker.
func BenchmarkCameraEndToEnd(b *testing.B) {
	rate := envInt("LINLI_BENCH_RATE", 2000)
	seconds := envInt("LINLI_BENCH_SECONDS", 15)
	for _, broker := range []string{"mosquitto", "embedded"} {
		b.Run(broker, func(b *testing.B) {
			cb := newCamBench(b, broker == "embedded")
			steps := rate * seconds / 3 // three messages a step
			b.Run("mqtt-baseline", func(b *testing.B) {
				for range b.N {
					cb.mqttBaseline(b, rate, steps)
				}
			})
			b.Run("alerts-to-1000-boards", func(b *testing.B) {
				for range b.N {
					cb.endToEnd(b, rate, steps)
				}
			})
		})
	}
}

// mqttBaseline: the same messages, same rate, to a bare subscriber.
func (cb *camBench) mqttBaseline(b *testing.B, rate, steps int) {
	topic := cb.prefix + "-raw/events"
	sent := make([]atomic.Int64, 3*steps)
	var mu sync.Mutex
	var lat []time.Duration
	var n atomic.Int64
	sub := benchClient(b, cb.broker, "raw")
	if t := sub.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) {
		now := time.Now().UnixNano()
		i, err := strconv.Atoi(string(m.Payload()[:bytes.IndexByte(m.Payload(), ' ')]))
		if err != nil || sent[i].Load() == 0 {
			return
		}
		mu.Lock()
		lat = append(lat, time.Duration(now-sent[i].Load()))
		mu.Unlock()
		n.Add(1)
	}); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		b.Fatal(t.Error())
	}
	pub := newPublisher(b, cb.broker)
	b.ResetTimer()
	pub.run(topic, rate, 3*steps, func(i int) []byte {
		msg := append([]byte(strconv.Itoa(i)+" "), cb.message(i/3, i%3)...)
		sent[i].Store(time.Now().UnixNano())
		return msg
	})
	for end := time.Now().Add(10 * time.Second); int(n.Load()) < 3*steps && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(3*steps-len(lat)), "lost")
	b.ReportMetric(float64(quantile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(quantile(lat, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "msgs/s")
}

// endToEnd publishes steps steps (3 messages each) and measures the
// alerts on 1,000 boards.
func (cb *camBench) endToEnd(b *testing.B, rate, steps int) {
	// Objects of earlier runs of this bench keep their numbers: start
	// after them so their ids are new to the service.
	base := cb.nextObject
	cb.nextObject += steps + 2
	bd := cb.openBoards(b, camBenchClients, base+steps+2)
	topic := cb.prefix + "/events"
	pub := newPublisher(b, cb.broker)
	c := cb.s.ingest.counters[feed.SourceFrigate]
	recv0 := c.Received.Load()
	hub0 := cb.s.Live.Stats()
	runtime.GC()
	b.ResetTimer()
	// Step j: new of object j, update of j-1, end of j-2.
	pub.run(topic, rate, 3*(steps+2), func(i int) []byte {
		j, kind := i/3, i%3
		k := base + j - kind
		if k < base || k >= base+steps {
			return nil
		}
		if kind == 1 {
			bd.sent[k].Store(time.Now().UnixNano())
		}
		return cb.message(k, kind)
	})
	alerts := (steps + personEvery - 1) / personEvery
	want := int64(alerts * camBenchClients / camBenchEstates)
	for end := time.Now().Add(15 * time.Second); bd.got.Load() < want && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
	b.StopTimer()
	lat := bd.close()
	hub := cb.s.Live.Stats()
	b.ReportMetric(float64(want-int64(len(lat))), "lost")
	b.ReportMetric(float64(quantile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(quantile(lat, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(quantile(lat, 1).Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(c.Received.Load()-recv0)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(hub.Published-hub0.Published), "alerts")
	b.ReportMetric(float64(hub.Dropped-hub0.Dropped), "cut")
	if n := bd.stray.Load(); n > 0 {
		b.Logf("%d data lines of no object of this run", n)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
