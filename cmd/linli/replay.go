package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli/cameras/feed/frigate"
	"linli/demo/story"
)

// runCameraReplay sends a day of a gate's Frigate events to a running
// Linli through its HTTP way in (POST /api/cameras/ingest?format=frigate,
// one message a request, with the source's token), paced by the gaps
// between the events' own times divided by --speed, so a new user
// watches the guard's board fill. The events are those of
// frigate.DayOfEvents for the demo's cameras of 颐源居; the rules judge
// them by their own times, so a replayed night raises its alerts at any
// hour.
func runCameraReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("camera-replay", stderr)
	var base, token, day, cams string
	speed := 60.0
	f.str(&base, "url", "http://127.0.0.1:8080", "base URL of the running Linli")
	f.str(&token, "token", "", "the HTTP event source's token (`linli demo` prints the demo's)")
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
	if token == "" {
		return fmt.Errorf("camera-replay: --token is required")
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
	endpoint := strings.TrimRight(base, "/") + "/api/cameras/ingest?format=frigate"
	fmt.Fprintf(stdout, "Replaying %d Frigate events of %s (cameras %s) to %s at %g×\n", len(msgs), d.Format(time.DateOnly), cams, endpoint, speed)
	client := &http.Client{Timeout: 15 * time.Second}
	timer := time.NewTimer(0)
	defer timer.Stop()
	var prev time.Time
	for i, msg := range msgs {
		if e, err := frigate.ParseEvent(msg); err == nil {
			if !prev.IsZero() && e.At.After(prev) && speed > 0 {
				timer.Reset(time.Duration(float64(e.At.Sub(prev)) / speed))
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-timer.C:
				}
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
