package frigate

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// EventsTopic is the topic DayOfEvents' messages belong on (Frigate's
// default prefix).
const EventsTopic = "frigate/events"

// object is a tracked object as Frigate's documentation shows it, the
// fields a replay fills.
type object struct {
	ID              string   `json:"id"`
	Camera          string   `json:"camera"`
	FrameTime       float64  `json:"frame_time"`
	Label           string   `json:"label"`
	SubLabel        *string  `json:"sub_label"`
	TopScore        float64  `json:"top_score"`
	FalsePositive   bool     `json:"false_positive"`
	StartTime       float64  `json:"start_time"`
	EndTime         *float64 `json:"end_time"`
	Score           float64  `json:"score"`
	Box             [4]int   `json:"box"`
	Area            int      `json:"area"`
	Region          [4]int   `json:"region"`
	CurrentZones    []string `json:"current_zones"`
	EnteredZones    []string `json:"entered_zones"`
	Thumbnail       *string  `json:"thumbnail"`
	HasSnapshot     bool     `json:"has_snapshot"`
	HasClip         bool     `json:"has_clip"`
	Stationary      bool     `json:"stationary"`
	MotionlessCount int      `json:"motionless_count"`
	PositionChanges int      `json:"position_changes"`
}

type timedMessage struct {
	at      time.Time
	payload []byte
}

// arrivals per hour at a compound gate, for one camera: people, cars.
var arrivals = [24][2]int{
	{1, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}, {3, 1}, {8, 3}, {9, 4}, {4, 2}, {3, 1}, {4, 1},
	{5, 1}, {3, 1}, {3, 1}, {3, 1}, {4, 2}, {8, 4}, {9, 4}, {6, 2}, {4, 1}, {3, 1}, {2, 0}, {1, 0},
}

// DayOfEvents makes a plausible day of frigate/events messages (for
// EventsTopic) at a compound gate seen by cameras: residents and cars
// coming and going, busiest at the morning and evening rush, and three
// people who stop in the zone "gate" for several minutes at night. Each
// object has the documented new, update… end sequence under one id, with
// consistent times. The messages are in the order of their times; the day
// is day's date in day's location. The same seed gives the same day.
func DayOfEvents(cameras []string, day time.Time, seed int64) [][]byte {
	if len(cameras) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9a7e))
	midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, day.Location())
	var out []timedMessage
	for _, cam := range cameras {
		for h, n := range arrivals {
			for k, label := range []string{"person", "car"} {
				for range n[k] {
					start := midnight.Add(time.Duration(h)*time.Hour + time.Duration(rng.IntN(3600*1000))*time.Millisecond)
					stay := time.Duration(6+rng.IntN(30)) * time.Second
					out = append(out, passage(rng, cam, label, start, stay, false)...)
				}
			}
		}
	}
	// The night's lingerers: 22:00–04:59, 3 to 12 minutes in the zone.
	for i := range 3 {
		cam := cameras[i%len(cameras)]
		h := []int{22, 23, 0, 1, 2, 3, 4}[rng.IntN(7)]
		start := midnight.Add(time.Duration(h)*time.Hour + time.Duration(rng.IntN(3000))*time.Second)
		stay := time.Duration(180+rng.IntN(540)) * time.Second
		out = append(out, passage(rng, cam, "person", start, stay, true)...)
	}
	slices.SortStableFunc(out, func(a, b timedMessage) int { return a.at.Compare(b.at) })
	msgs := make([][]byte, len(out))
	for i, m := range out {
		msgs[i] = m.payload
	}
	return msgs
}

// passage is one object's messages: new when first seen, update on
// entering the zone "gate" (and each minute while it stands there, for a
// lingerer), end when it leaves.
func passage(rng *rand.Rand, cam, label string, start time.Time, stay time.Duration, linger bool) []timedMessage {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	suffix := make([]byte, 6)
	for i := range suffix {
		suffix[i] = letters[rng.IntN(len(letters))]
	}
	o := object{
		ID: fmt.Sprintf("%.6f-%s", unixFloat(start), suffix), Camera: cam, Label: label,
		StartTime: unixFloat(start), Score: 0.6 + 0.2*rng.Float64(), Box: [4]int{300, 200, 420, 560},
		Area: 43200, Region: [4]int{200, 120, 520, 600}, CurrentZones: []string{}, EnteredZones: []string{},
	}
	o.TopScore = o.Score
	var out []timedMessage
	emit := func(typ string, at time.Time, before object) {
		o.FrameTime = unixFloat(at)
		b, _ := json.Marshal(struct {
			Type   string `json:"type"`
			Before object `json:"before"`
			After  object `json:"after"`
		}{typ, before, o})
		out = append(out, timedMessage{at, b})
	}
	emit("new", start.Add(500*time.Millisecond), o)

	before := o
	o.Score = min(0.97, o.Score+0.1*rng.Float64())
	o.TopScore = max(o.TopScore, o.Score)
	o.CurrentZones, o.EnteredZones = []string{"gate"}, []string{"gate"}
	o.HasSnapshot = true
	emit("update", start.Add(2*time.Second), before)

	end := start.Add(stay)
	if linger {
		for t := start.Add(time.Minute); t.Before(end.Add(-30 * time.Second)); t = t.Add(time.Minute) {
			before = o
			o.Stationary, o.MotionlessCount = true, o.MotionlessCount+300
			emit("update", t, before)
		}
	}
	before = o
	o.CurrentZones, o.Stationary, o.HasClip = []string{}, false, true
	e := unixFloat(end)
	o.EndTime = &e
	emit("end", end, before)
	return out
}

// unixFloat writes a time as Frigate does, Unix seconds to the microsecond.
func unixFloat(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

// replayGaps is how long to wait before each message: the gap between its
// time and the previous message's, divided by speed (a message whose time
// cannot be read, or is earlier, goes at once).
func replayGaps(msgs [][]byte, speed float64) []time.Duration {
	gaps := make([]time.Duration, len(msgs))
	var prev time.Time
	for i, m := range msgs {
		e, err := ParseEvent(m)
		if err != nil {
			continue
		}
		if !prev.IsZero() && e.At.After(prev) && speed > 0 {
			gaps[i] = time.Duration(float64(e.At.Sub(prev)) / speed)
		}
		prev = e.At
	}
	return gaps
}

// Publish replays msgs on EventsTopic of the broker at brokerURL
// (tcp://user:password@host:port; credentials optional), QoS 1, waiting
// between messages the gap between their times divided by speed (60 plays
// an hour in a minute; 0 or less publishes them all at once). It returns
// when all are published or ctx ends.
func Publish(ctx context.Context, brokerURL string, msgs [][]byte, speed float64) error {
	u, err := url.Parse(brokerURL)
	if err != nil {
		return fmt.Errorf("frigate: replay broker URL: %w", err)
	}
	o := mqtt.NewClientOptions().SetClientID(fmt.Sprintf("linli-replay-%08x", rand.Uint32())).
		SetCleanSession(true).SetConnectTimeout(10 * time.Second)
	if u.User != nil {
		p, _ := u.User.Password()
		o.SetUsername(u.User.Username()).SetPassword(p)
		u.User = nil
	}
	o.AddBroker(u.String())
	c := mqtt.NewClient(o)
	if err := wait(ctx, c.Connect()); err != nil {
		return fmt.Errorf("frigate: replay connect: %w", err)
	}
	defer c.Disconnect(250)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i, gap := range replayGaps(msgs, speed) {
		timer.Reset(gap)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		if err := wait(ctx, c.Publish(EventsTopic, 1, false, msgs[i])); err != nil {
			return fmt.Errorf("frigate: replay message %d: %w", i, err)
		}
	}
	return nil
}
