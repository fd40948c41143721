package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/cameras/feed/frigate"
	"linli/cameras/feed/gb28181"
	"linli/demo/story"
)

// runCameraReplay sends a day of a gate's camera events to a running
// Linli, paced by the gaps between the events' own times divided by
// --speed, so a new user watches the guard's board fill. The events are
// those of frigate.DayOfEvents for the demo's cameras of 颐源居; the rules
// judge them by their own times, so a replayed night raises its alerts at
// any hour. They go one of three ways:
//
//   - HTTP (default): POST /api/cameras/ingest?format=frigate, one
//     message a request, with the HTTP source's --token;
//   - --mqtt URL: published on frigate/events of the broker Linli
//     subscribes to (--frigate-mqtt-url) or its embedded broker, as
//     Frigate would;
//   - --sip HOST:PORT: as a GB/T 28181 device (--sip-device, registered
//     with --sip-password on the platform --sip-id) that registers, sends
//     a Keepalive and, for each of the day's lingerers (the objects that
//     stop in the zone), a loitering alarm (AlarmType 8) of channel
//     --sip-channel at the time it stopped.
func runCameraReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("camera-replay", stderr)
	var base, token, day, cams, mqttURL string
	var sip gb28181.Device
	var channel string
	speed := 60.0
	f.str(&base, "url", "http://127.0.0.1:8080", "base URL of the running Linli")
	f.str(&token, "token", "", "the HTTP event source's token (`linli demo` prints the demo's)")
	f.str(&mqttURL, "mqtt", "", "publish to this MQTT broker instead (tcp://user:password@host:1883), on frigate/events")
	f.str(&sip.Platform, "sip", "", "send GB/T 28181 alarms to this platform address (host:port) instead")
	f.str(&sip.Transport, "sip-transport", "UDP", "GB/T 28181: UDP or TCP")
	f.str(&sip.PlatformID, "sip-id", "", "GB/T 28181: the platform's 20-digit SIP ID (linli serve --gb28181-id)")
	f.str(&sip.ID, "sip-device", "", "GB/T 28181: the device's 20-digit ID (a gb28181 event source of Linli)")
	f.str(&sip.Password, "sip-password", "", "GB/T 28181: the device's registration password")
	f.str(&channel, "sip-channel", "", "GB/T 28181: the alarms' channel ID, the camera's name in the source (default: the device ID)")
	f.str(&day, "day", "", "the day to replay, YYYY-MM-DD (default: today in China)")
	f.str(&cams, "cameras", strings.Join(story.LindaoCameras(), ","), "Frigate camera names, comma-separated")
	f.fn("speed", "replay speed: 60 plays an hour in a minute; 0 sends everything at once (default 60)", func(v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || math.IsInf(x, 0) {
			return fmt.Errorf("speed must be a number ≥ 0")
		}
		speed = x
		return nil
	})
	if err := f.Parse(args); err != nil {
		return err
	}
	if mqttURL != "" && sip.Platform != "" {
		return fmt.Errorf("camera-replay: --mqtt and --sip are two different ways: choose one")
	}
	if token == "" && mqttURL == "" && sip.Platform == "" {
		return fmt.Errorf("camera-replay: --token is required (or --mqtt, or --sip)")
	}
	china, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	d := time.Now().In(china)
	if day != "" {
		if d, err = time.ParseInLocation(time.DateOnly, day, china); err != nil {
			return fmt.Errorf("camera-replay: --day: want YYYY-MM-DD")
		}
	}
	y, m, dd := d.Date()
	msgs := frigate.DayOfEvents(strings.Split(cams, ","), d, int64(y*10000+int(m)*100+dd))
	switch {
	case mqttURL != "":
		fmt.Fprintf(stdout, "Publishing %d Frigate events of %s (cameras %s) on %s of %s at %g×\n", len(msgs), d.Format(time.DateOnly), cams, frigate.EventsTopic, redactURL(mqttURL), speed)
		if err := frigate.Publish(ctx, mqttURL, msgs, speed); err != nil {
			return fmt.Errorf("camera-replay: %w", err)
		}
		fmt.Fprintf(stdout, "Done: %d events published.\n", len(msgs))
		return nil
	case sip.Platform != "":
		if channel == "" {
			channel = sip.ID
		}
		return replaySIP(ctx, &sip, channel, lingerers(msgs), speed, stdout)
	}
	endpoint := strings.TrimRight(base, "/") + "/api/cameras/ingest?format=frigate"
	fmt.Fprintf(stdout, "Replaying %d Frigate events of %s (cameras %s) to %s at %g×\n", len(msgs), d.Format(time.DateOnly), cams, endpoint, speed)
	client := &http.Client{Timeout: 15 * time.Second}
	timer := time.NewTimer(0)
	defer timer.Stop()
	var prev time.Time
	for i, msg := range msgs {
		if e, err := frigate.ParseEvent(msg); err == nil {
			if err := pace(ctx, timer, prev, e.At, speed); err != nil {
				return err
			}
			prev = e.At
		}
		if err := postEvent(ctx, client, endpoint, token, msg); err != nil {
			return fmt.Errorf("camera-replay: event %d of %d: %w", i+1, len(msgs), err)
		}
		if (i+1)%100 == 0 {
			fmt.Fprintf(stdout, "  %d sent (%s)\n", i+1, prev.In(china).Format("15:04"))
		}
	}
	fmt.Fprintf(stdout, "Done: %d events sent.\n", len(msgs))
	return nil
}

// pace waits the gap from prev to at divided by speed (nothing for the
// first message, a message not later, or speed 0).
func pace(ctx context.Context, timer *time.Timer, prev, at time.Time, speed float64) error {
	if prev.IsZero() || !at.After(prev) || speed <= 0 {
		return nil
	}
	timer.Reset(time.Duration(float64(at.Sub(prev)) / speed))
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// redactURL hides a URL's password for printing.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(bad URL)"
	}
	return u.Redacted()
}

// lingerers are the times the day's objects stopped in a zone (the first
// stationary update of each), in order: what a device's loitering
// detection would report.
func lingerers(msgs [][]byte) []time.Time {
	var out []time.Time
	seen := map[string]bool{}
	for _, m := range msgs {
		e, err := frigate.ParseEvent(m)
		if err != nil || !e.Stationary || seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		out = append(out, e.At)
	}
	return out
}

// replaySIP plays the device: register, a Keepalive, then a loitering
// alarm at each of times, paced by speed, with a Keepalive before each.
func replaySIP(ctx context.Context, d *gb28181.Device, channel string, times []time.Time, speed float64, stdout io.Writer) error {
	if _, err := gb28181.Dial(d); err != nil {
		return fmt.Errorf("camera-replay: %w", err)
	}
	defer d.Close()
	step := func(f func(context.Context) error) error {
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		return f(c)
	}
	if err := step(func(c context.Context) error { return d.Register(c, 3600) }); err != nil {
		return fmt.Errorf("camera-replay: %w", err)
	}
	if err := step(d.Keepalive); err != nil {
		return fmt.Errorf("camera-replay: %w", err)
	}
	fmt.Fprintf(stdout, "Registered as GB/T 28181 device %s with %s (%s); replaying %d loitering alarms of channel %s at %g×\n",
		d.ID, d.Platform, d.Transport, len(times), channel, speed)
	timer := time.NewTimer(0)
	defer timer.Stop()
	var prev time.Time
	for i, at := range times {
		if err := pace(ctx, timer, prev, at, speed); err != nil {
			return err
		}
		prev = at
		a := gb28181.Alarm{Channel: channel, Time: at, Priority: 2, Method: 5, Type: 8, Description: "门口徘徊 / loitering at the gate"}
		if err := step(d.Keepalive); err != nil {
			return fmt.Errorf("camera-replay: %w", err)
		}
		if err := step(func(c context.Context) error { return d.SendAlarm(c, a) }); err != nil {
			return fmt.Errorf("camera-replay: alarm %d of %d: %w", i+1, len(times), err)
		}
	}
	fmt.Fprintf(stdout, "Done: %d alarms sent.\n", len(times))
	return nil
}

// postEvent sends one message; anything but 202 is an error with the
// answer's text.
func postEvent(ctx context.Context, client *http.Client, endpoint, token string, msg []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(msg))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 2000))
	if res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("%s: %s", res.Status, bytes.TrimSpace(body))
	}
	return nil
}
