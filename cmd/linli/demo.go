package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"linli/demo"
	"linli/demo/story"
	"linli/outbox"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	cfg.Data = "./linli-demo"
	cfg.Demo = true
	// The demo accounts log in with the password alone and the stories'
	// audit entries, months old, stay: --totp-required and
	// --audit-retention-days turn either on (README).
	cfg.Policy.FactorRoles = nil
	cfg.Hardening.AuditRetention = 0
	f := newFlags("demo", stderr)
	f.str(&cfg.Addr, "addr", cfg.Addr, "listen address")
	f.common(&cfg)
	f.channels(&cfg)
	f.cameraFlags(&cfg)
	f.hardening(&cfg)
	var reset bool
	f.boolean(&reset, "reset", false, "delete the demo data directory and load the demo data again")
	var level string
	f.str(&level, "log-level", "info", "log level")
	if err := f.Parse(args); err != nil {
		return err
	}
	setupLogging(stderr, level)
	start := time.Now()
	if cfg.DB == "" {
		// The lock before --reset: a second demo on the same directory
		// must not delete the database under the first.
		unlock, err := lockData(cfg.Data)
		if err != nil {
			return err
		}
		defer unlock()
		if reset {
			if err := clearData(cfg.Data); err != nil {
				return err
			}
		}
	}
	// Without a gateway of its own the demo sends its texts to one on
	// this machine, so notices reach households without an account.
	sms := ""
	if cfg.Channels.SMSGateway == "" {
		gw, err := outbox.StartDemoSMS()
		if err != nil {
			return err
		}
		defer gw.Close()
		gw.Apply(&cfg.Channels)
		sms = gw.URL()
	}
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	d := demo.Build()
	loaded, err := ensureDemo(ctx, m, d)
	if err != nil {
		m.Close()
		return err
	}
	if err := m.Listen(); err != nil {
		m.Close()
		return err
	}
	if loaded {
		slog.Info("demo data loaded", "took", time.Since(start).Round(time.Millisecond))
	}
	printDemo(stdout, m.URL(), d, sms, time.Since(start))
	select {
	case <-ctx.Done():
		return m.Close()
	case err := <-m.done:
		m.Close()
		return err
	}
}

// ensureDemo loads the demo data unless the database already has it.
func ensureDemo(ctx context.Context, m *Main, d demo.Dataset) (bool, error) {
	if has, err := m.Auth.HasAccounts(ctx, m.DB); err != nil || has {
		return false, err
	}
	res, err := demo.Load(ctx, m.Registry, m.Auth, d)
	if err != nil {
		return false, fmt.Errorf("load demo data: %w", err)
	}
	n, err := demo.LoadCases(ctx, m.Registry, m.Auth, m.Cases.Calendar, m.Cases.Zone, m.Config.Clock.Now())
	if err != nil {
		return false, fmt.Errorf("load demo cases: %w", err)
	}
	st, err := story.Load(ctx, m.Registry, m.Auth, m.Cases.Calendar, m.Cases.Zone, m.Config.Clock.Now())
	if err != nil {
		return false, fmt.Errorf("load demo story: %w", err)
	}
	slog.Info("demo data", "places", res.Nodes, "households", res.Households, "accounts", res.Accounts, "cases", n, "story", st.String())
	return true, nil
}

// printDemo tells how to use the demo; sms is the demo SMS gateway's URL
// when one was started.
func printDemo(w io.Writer, url string, d demo.Dataset, sms string, took time.Duration) {
	fmt.Fprintf(w, "\n邻里 Linli demo is running at %s  (ready in %s)\n\n", url, took.Round(time.Millisecond))
	fmt.Fprintln(w, "Demo accounts / 演示账号:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  username\tpassword\trole\tname")
	for _, a := range d.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Password, a.Role, a.DisplayName)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nOwners in 荟萃花园南区 1号楼 who rated the elevators (same password): %s\n", strings.Join(story.Residents(), " "))
	fmt.Fprintf(w, "\nGate cameras of 颐源居: log in as ydguard (the guard) and open %s/cameras/board, then replay a day of camera events:\n"+
		"颐源居门岗摄像头：以 ydguard（保安）登录打开告警看板，再回放一天的摄像头事件：\n  linli camera-replay --url %s --token %s --speed 60\n",
		url, url, story.DemoCameraToken)
	if sms != "" {
		fmt.Fprintf(w, "\nSMS go to a demo gateway on this machine (%s): nothing leaves it; /outbox shows each text.\n短信发往本机的演示网关，不会真正发出；“外发消息”页可查看每条短信。\n", sms)
	}
	fmt.Fprintln(w, "\nPress Ctrl+C to stop.")
}

// clearData empties the data directory for --reset, all but its lock.
func clearData(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == lockName {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
