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
	"path/filepath"
	"runtime"
	"runtime/pprof"
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
// LINLI_BENCH_ENGINE=postgres runs them on PostgreSQL (LINLI_TEST_POSTGRES);
// LINLI_BENCH_PPROF=127.0.0.1:PORT serves the process's profiles while
// they run.
const (
	camBenchEstates = 100
	camBenchClients = 1000
)

// benchMosquitto is the broker the "mosquitto" runs use: 127.0.0.1:1883,
// or LINLI_BENCH_MQTT (host:port, e.g. a Mosquitto started with other
// limits).
func benchMosquitto() string {
	if a := os.Getenv("LINLI_BENCH_MQTT"); a != "" {
		return a
	}
	return "127.0.0.1:1883"
}

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
	mosquittoURL := "tcp://" + benchMosquitto()
	cb := &camBench{prefix: "bench" + tag, broker: mosquittoURL}
	in := IngestConfig{FrigateURL: mosquittoURL, FrigateClientID: "linli-bench-" + tag, FrigatePrefix: cb.prefix}
	if embedded {
		in = IngestConfig{BrokerAddr: "127.0.0.1:0", BrokerUsers: "gatebox:bench-Pass-1", FrigatePrefix: cb.prefix}
	} else if c, err := net.DialTimeout("tcp", benchMosquitto(), time.Second); err != nil {
		b.Skip("no MQTT broker on " + benchMosquitto())
	} else {
		c.Close()
	}
	cb.s = startIngestServerOn(b, benchDB(b), in)
	if addr := os.Getenv("LINLI_BENCH_PPROF"); addr != "" { // e.g. 127.0.0.1:6061, for go tool pprof
		if err := servePprof(addr); err != nil {
			b.Fatal(err)
		}
	}
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
			NoPrivateView: true, ViewPhotoID: cameraPhoto(b, cb.s, staff, c.ID, "view.png"), Masks: [][][2]float64{{{0, 0}, {0.1, 0}, {0.1, 0.1}}},
			SignagePhotoID: cameraPhoto(b, cb.s, staff, c.ID, "sign.png"), SignageText: "视频监控区域",
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
// a client reading its data: line. The latencies go into a histogram
// of fixed size, so a long run's memory is the server's, not the
// measurement's.
type boards struct {
	sent  []atomic.Int64 // publish time of object k's update, Unix ns
	conns []net.Conn
	hist  []atomic.Int64 // by latency in histStep, the last bucket holds the rest

	got    atomic.Int64 // alerts read, all clients
	stray  atomic.Int64 // data lines whose object this run did not publish
	closed atomic.Int64 // streams that ended
}

const (
	histStep = 100 * time.Microsecond
	histMax  = 30 * time.Second
)

// openBoards connects n streams, n/len(tokens) per estate, each waiting
// for its retry: line (the hub has subscribed it by then); with read
// set, a goroutine per stream reads the alerts.
func (cb *camBench) openBoards(b *testing.B, n, objects int, read bool) *boards {
	b.Helper()
	bd := &boards{sent: make([]atomic.Int64, objects), hist: make([]atomic.Int64, histMax/histStep+1)}
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
		if read {
			go bd.read(br)
		}
	}
	return bd
}

var eventIDField = []byte(`"event_id":"`)

func (bd *boards) read(br *bufio.Reader) {
	defer bd.closed.Add(1)
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
		d := time.Duration(now - bd.sent[k].Load())
		bd.hist[min(max(d, 0)/histStep, histMax/histStep)].Add(1)
		bd.got.Add(1)
	}
}

// close ends the streams, waiting (bounded) for their readers.
func (bd *boards) close() {
	for _, c := range bd.conns {
		c.Close()
	}
	for end := time.Now().Add(10 * time.Second); int(bd.closed.Load()) < len(bd.conns) && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
}

// quantile is the latency below which q of those read fall, to histStep.
func (bd *boards) quantile(q float64) time.Duration {
	n := bd.got.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q * float64(n-1))
	var seen int64
	for i := range bd.hist {
		seen += bd.hist[i].Load()
		if seen > rank {
			return time.Duration(i+1) * histStep
		}
	}
	return histMax
}

// report adds the latency metrics.
func (bd *boards) report(b *testing.B) {
	b.ReportMetric(float64(bd.quantile(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(bd.quantile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(bd.quantile(1).Microseconds())/1000, "max-ms")
}

// publisher sends messages at a fixed rate, QoS 1, without waiting for
// each acknowledgement (as a Frigate box does): every 10 ms, those due by
// then, so a late tick on a busy machine is made up at the next.
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
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	start := time.Now()
	var last mqtt.Token
	for i := 0; i < n; {
		<-tk.C
		due := min(n, int(time.Since(start).Seconds()*float64(perSecond)))
		for ; i < due; i++ {
			if m := next(i); m != nil {
				last = p.c.Publish(topic, 1, false, m)
			}
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
	bd := cb.openBoards(b, camBenchClients, base+steps+2, true)
	topic := cb.prefix + "/events"
	pub := newPublisher(b, cb.broker)
	c := cb.s.ingest.counters[feed.SourceFrigate]
	recv0 := c.Received.Load()
	hub0 := cb.s.Live.Stats()
	runtime.GC()
	b.ResetTimer()
	pub.run(topic, rate, 3*(steps+2), cb.step(bd, base, steps))
	alerts := (steps + personEvery - 1) / personEvery
	want := int64(alerts * camBenchClients / camBenchEstates)
	for end := time.Now().Add(15 * time.Second); bd.got.Load() < want && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
	b.StopTimer()
	bd.close()
	hub := cb.s.Live.Stats()
	b.ReportMetric(float64(want-bd.got.Load()), "lost")
	bd.report(b)
	b.ReportMetric(float64(c.Received.Load()-recv0)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(hub.Published-hub0.Published), "alerts")
	b.ReportMetric(float64(hub.Dropped-hub0.Dropped), "cut")
	if n := bd.stray.Load(); n > 0 {
		b.Logf("%d data lines of no object of this run", n)
	}
}

// step is the publisher's i'th message of objects base … base+steps-1:
// step j = i/3 carries the new of object j, the update of j-1 and the
// end of j-2. The update's publish time is noted for the boards.
func (cb *camBench) step(bd *boards, base, steps int) func(i int) []byte {
	return func(i int) []byte {
		j, kind := i/3, i%3
		k := base + j - kind
		if k < base || k >= base+steps {
			return nil
		}
		if kind == 1 {
			bd.sent[k].Store(time.Now().UnixNano())
		}
		return cb.message(k, kind)
	}
}

// quantile of sorted latencies.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(q*float64(len(d)-1))]
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkCameraStreamIdle: what 1,000 idle board streams hold through
// the real server (authentication by API token, the cameras handler,
// net/http, the hub), per stream: the growth of HeapInuse + StackInuse
// after a collection, with the client's bare TCP connection and 1 KiB
// reader in it, as BenchmarkIdleMemory of package live measures the hub
// alone.
func BenchmarkCameraStreamIdle(b *testing.B) {
	cb := newCamBench(b, true)
	for range b.N {
		heap0, stack0 := inUse()
		bd := cb.openBoards(b, camBenchClients, 1, false)
		heap1, stack1 := inUse()
		b.ReportMetric((heap1-heap0)/camBenchClients/1024, "heap-kB/stream")
		b.ReportMetric((stack1-stack0)/camBenchClients/1024, "stack-kB/stream")
		b.ReportMetric((heap1+stack1-heap0-stack0)/camBenchClients/1024, "kB/stream")
		bd.close()
	}
}

func inUse() (heap, stack float64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse), float64(m.StackInuse)
}

// BenchmarkCameraBoardSoak replays the site into the server at
// LINLI_SOAK_RATE messages a second (default 1,000) for LINLI_SOAK
// (default 2m) with the 1,000 boards reading, and samples the process
// every LINLI_SOAK/12 after a collection: heap in use, stacks, RSS,
// goroutines. It logs the series and reports the first, middle and last
// samples. The process holds the server and the clients; the clients'
// part is allocated before the first sample and does not grow.
func BenchmarkCameraBoardSoak(b *testing.B) {
	dur, err := time.ParseDuration(os.Getenv("LINLI_SOAK"))
	if err != nil || dur <= 0 {
		dur = 2 * time.Minute
	}
	rate := envInt("LINLI_SOAK_RATE", 1000)
	cb := newCamBench(b, os.Getenv("LINLI_SOAK_BROKER") == "embedded")
	for range b.N {
		steps := int(dur.Seconds()) * rate / 3
		base := cb.nextObject
		cb.nextObject += steps + 2
		bd := cb.openBoards(b, camBenchClients, base+steps+2, true)
		pub := newPublisher(b, cb.broker)
		type sample struct {
			at                   time.Duration
			heap, stack, rss     float64 // MB
			goroutines           int
			received, alertsRead int64
			p99SoFar             time.Duration
		}
		var samples []sample
		c := cb.s.ingest.counters[feed.SourceFrigate]
		start := time.Now()
		// The series goes to stdout as it is taken (a benchmark's log is
		// cut short).
		fmt.Printf("soak: %d messages at %d/s for %s (event time %s), %d boards\n", 3*steps, rate, dur, time.Duration(steps)*objectGap, camBenchClients)
		fmt.Printf("soak: %8s %9s %9s %8s %10s %10s %12s %9s %6s\n", "t", "heap-MB", "stack-MB", "RSS-MB", "goroutines", "received", "alerts-read", "p99-so-far", "load")
		take := func() {
			heap, stack := inUse()
			s := sample{at: time.Since(start).Round(time.Second), heap: heap / 1e6, stack: stack / 1e6, rss: rssMB(),
				goroutines: runtime.NumGoroutine(), received: c.Received.Load(), alertsRead: bd.got.Load(), p99SoFar: bd.quantile(0.99)}
			samples = append(samples, s)
			fmt.Printf("soak: %8s %9.1f %9.1f %8.1f %10d %10d %12d %9s %6s\n", s.at, s.heap, s.stack, s.rss, s.goroutines, s.received, s.alertsRead,
				s.p99SoFar.Round(time.Millisecond/10), loadavg())
		}
		take()
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			tk := time.NewTicker(dur / 12)
			defer tk.Stop()
			for {
				select {
				case <-tk.C:
					take()
				case <-stop:
					return
				}
			}
		}()
		b.ResetTimer()
		pub.run(cb.prefix+"/events", rate, 3*(steps+2), cb.step(bd, base, steps))
		time.Sleep(2 * time.Second) // the last alerts reach the boards
		close(stop)
		<-done
		take()
		b.StopTimer()
		if dir := os.Getenv("LINLI_SOAK_PROFILES"); dir != "" {
			writeProfiles(b, dir)
		}
		bd.close()
		first, mid, last := samples[0], samples[len(samples)/2], samples[len(samples)-1]
		b.ReportMetric(first.heap, "heap-MB-start")
		b.ReportMetric(mid.heap, "heap-MB-mid")
		b.ReportMetric(last.heap, "heap-MB-end")
		b.ReportMetric(first.rss, "rss-MB-start")
		b.ReportMetric(last.rss, "rss-MB-end")
		b.ReportMetric(float64(last.goroutines-first.goroutines), "goroutines-added")
		b.ReportMetric(float64(cb.s.Live.Stats().Dropped), "cut")
		bd.report(b)
	}
}

// writeProfiles writes the goroutines (grouped by stack) and the heap
// into dir, to see what a growing sample holds.
func writeProfiles(b *testing.B, dir string) {
	for _, name := range []string{"goroutine", "heap"} {
		f, err := os.Create(filepath.Join(dir, "soak-"+name+".txt"))
		if err != nil {
			b.Fatal(err)
		}
		err = pprof.Lookup(name).WriteTo(f, 1)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// loadavg is the machine's load over the last minute.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// rssMB is the process's resident set (VmRSS), in MB.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1000
		}
	}
	return 0
}
