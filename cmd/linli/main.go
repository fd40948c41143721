// Command linli runs Linli (邻里), the community co-governance platform.
//
//	linli serve     run the server
//	linli demo      run the server with demo data
//	linli migrate   show or apply database migrations
//	linli user      create accounts, reset passwords, grant roles
//	linli import    import a community's household ledger
//	linli export    export a household ledger
//	linli camera-replay  replay a day of gate-camera events into a running Linli
//	linli backup    write a consistent copy of the database while it serves
//	linli restore   put a backup in place (refuses a served or, without --force, an existing database)
//	linli version   print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	_ "time/tzdata" // intranet machines may lack a zoneinfo database

	"linli/stats"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "linli:", err)
		}
		os.Exit(2)
	}
}

const usage = `linli — 邻里 社区多元共治平台 / Linli community co-governance platform

Usage:
  linli serve   [--addr HOST:PORT] [--data DIR] [--db postgres://…]   run the server
  linli demo    [--addr HOST:PORT] [--data DIR] [--reset]              run with demo data
  linli migrate status|up [--data DIR] [--db URL]                      database migrations
  linli user    create|reset|grant …                                   manage accounts
  linli import  [--dry-run] --community PATH FILE.xlsx|FILE.csv       import a household ledger (--dry-run: show the changes only)
  linli export  --place PATH [--format xlsx|csv] -o FILE               export a household ledger
  linli stats   rebuild                                                recompute case statistics from the timelines
  linli report  --community|--street|--district CODE|NAME|PATH [--month 2026-11|--quarter 2026-Q4] -o FILE.xlsx
                                                                       the monthly work report as a spreadsheet
  linli camera-replay --url URL --token TOKEN | --mqtt URL | --sip HOST:PORT … [--speed 60] [--day YYYY-MM-DD]
                                                                       replay a day of gate-camera events (Frigate over HTTP or MQTT, GB/T 28181 alarms) into a running Linli
  linli backup  [--data DIR | --db URL] -o FILE                       a consistent copy while serving (SQLite: VACUUM INTO; PostgreSQL: pg_dump)
  linli restore --from FILE [--data DIR | --db URL] [--force]         put a backup in place
  linli version                                                        print the version

Every flag can also be set by an environment variable: --addr is LINLI_ADDR,
--data is LINLI_DATA, --db is LINLI_DB, and so on. Run "linli COMMAND -h" for
the flags of one command.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdout, stderr)
	case "import":
		return runImport(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "stats":
		return runStats(ctx, rest, stdout, stderr)
	case "report":
		return runReport(ctx, rest, stdout, stderr)
	case "camera-replay":
		return runCameraReplay(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "linli", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// flags builds a flag set whose defaults come from LINLI_* variables.
type flags struct {
	*flag.FlagSet
	envErrs *[]error // bad LINLI_* values, reported by Parse
}

func newFlags(name string, stderr io.Writer) flags {
	fs := flag.NewFlagSet("linli "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return flags{fs, new([]error)}
}

// Parse parses the arguments, then reports any LINLI_* variable that
// held a bad value (a typo must not silently fall back to a default).
func (f flags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	return errors.Join(*f.envErrs...)
}

// fn registers a flag parsed by set, whose default comes from its LINLI_*
// variable through the same set.
func (f flags) fn(name, help string, set func(string) error) {
	f.Func(name, help+" (env "+envName(name)+")", set)
	if v, ok := os.LookupEnv(envName(name)); ok {
		if err := set(v); err != nil {
			*f.envErrs = append(*f.envErrs, fmt.Errorf("%s: %w", envName(name), err))
		}
	}
}

func envName(flagName string) string {
	return "LINLI_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f flags) str(p *string, name, def, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v
	}
	f.StringVar(p, name, def, help+" (env "+envName(name)+")")
}

func (f flags) boolean(p *bool, name string, def bool, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v == "1" || strings.EqualFold(v, "true")
	}
	f.BoolVar(p, name, def, help+" (env "+envName(name)+")")
}

// common registers the flags every command that opens the database has.
func (f flags) common(c *Config) {
	f.str(&c.Data, "data", c.Data, "data directory")
	f.str(&c.DB, "db", "", "PostgreSQL URL (postgres://…); empty uses SQLite in the data directory")
	f.str(&c.Zone, "zone", c.Zone, "time zone for display")
	f.str(&c.Pprof, "pprof", "", "serve Go profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060")
	f.str(&c.CalendarDir, "calendar-dir", "", "directory of extra working-calendar years (*.json, e.g. the next year's holiday notice)")
	f.str(&c.MapTiles.URL, "map-tiles", "", "URL template of an intranet tile server laid under the maps (Web Mercator), e.g. http://tiles.intranet/{z}/{x}/{y}.png; empty: no tiles")
	f.str(&c.MapTiles.Attribution, "map-attribution", "", "attribution the tile server's licence asks to show under the maps")
	f.fn("weights", "composite score weights response,resolution,satisfaction (default 0.3,0.35,0.35)", func(v string) error {
		return parseWeights(&c.Weights, v)
	})
	f.fn("basic-weight", "weight of 'basically satisfied' in the satisfaction rate (default 0.9)", func(v string) error {
		w, err := strconv.ParseFloat(v, 64)
		if err != nil || w < 0 || w > 1 {
			return fmt.Errorf("basic weight must be between 0 and 1")
		}
		c.Weights.Basic = w
		return nil
	})
}

// channels registers the flags of the deployment's outside channels
// (serve and demo). Passwords and keys are better given by their LINLI_*
// variables than on the command line, where ps shows them.
func (f flags) channels(c *Config) {
	ch := &c.Channels
	f.str(&ch.SMTPURL, "smtp-url", "", "e-mail server: smtp://user:password@host:587?from=address (STARTTLS required; smtps://…:465 for implicit TLS)")
	f.str(&ch.SMSGateway, "sms-gateway", "", "URL of the SMS HTTP gateway; may hold {{phone}} and {{text}}; empty: SMS messages wait, visible on /outbox")
	f.str(&ch.SMSMethod, "sms-method", "POST", "HTTP method of the SMS gateway: POST, PUT or GET")
	f.str(&ch.SMSBody, "sms-body", "", `body template of the SMS gateway, e.g. {"mobile":"{{phone}}","content":"{{text}}"} (JSON-escaped when JSON, form-escaped when a form)`)
	f.str(&ch.SMSHeaders, "sms-headers", "", `extra headers of the SMS gateway, "Name: value" separated by " | ", e.g. "Authorization: Bearer …"`)
	f.str(&ch.SMSOKField, "sms-ok-field", "", "path=value the gateway's JSON answer must hold for success, e.g. code=0; empty: any 2xx")
	f.str(&ch.WebhookURL, "webhook-url", "", "a webhook that receives every webhook message of the deployment (signed with --webhook-secret)")
	f.str(&ch.WebhookSecret, "webhook-secret", "", "HMAC-SHA256 secret of X-Linli-Signature for --webhook-url")
	f.boolean(&c.WebhookAllowHTTP, "webhook-allow-http", false, "accept plain-http event webhook URLs to intranet hosts (loopback, private addresses, names without a dot or under .local/.lan/.internal/.intranet); otherwise https only")
	f.fn("outbox-max-attempts", "tries before an outgoing message is dead (default 8)", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return fmt.Errorf("outbox max attempts must be between 1 and 100")
		}
		c.OutboxMaxAttempts = n
		return nil
	})
}

// cameraFlags registers the ways camera events come in besides HTTP
// (serve and demo); each is off unless given.
func (f flags) cameraFlags(c *Config) {
	in := &c.Ingest
	f.str(&in.FrigateURL, "frigate-mqtt-url", "", "MQTT broker carrying Frigate's events: tcp://host:1883, ssl://host:8883, ws://host/mqtt; empty: off")
	f.str(&in.FrigateClientID, "frigate-mqtt-client-id", "linli", "MQTT client id (stable and unique on the broker: it keeps Linli's session)")
	f.str(&in.FrigateUser, "frigate-mqtt-user", "", "MQTT username")
	f.str(&in.FrigatePassword, "frigate-mqtt-password", "", "MQTT password (better given by its LINLI_* variable)")
	f.str(&in.FrigateCA, "frigate-mqtt-ca", "", "PEM file of the CA certificates trusted for ssl:// brokers")
	f.str(&in.FrigatePrefix, "frigate-prefix", "frigate", "Frigate's MQTT topic prefix")
	f.str(&in.BrokerAddr, "mqtt-broker-addr", "", "run the embedded MQTT broker on this address (e.g. :1884) for analytics boxes to publish to; empty: off")
	f.str(&in.BrokerUsers, "mqtt-broker-users", "", "accounts of the embedded broker, name:password separated by commas (better given by its LINLI_* variable)")
	f.str(&in.SIPUDP, "gb28181-udp", "", "GB/T 28181 SIP over UDP on this address (the standard's port is :5060); empty: off")
	f.str(&in.SIPTCP, "gb28181-tcp", "", "GB/T 28181 SIP over TCP on this address; empty: off")
	f.str(&in.SIPID, "gb28181-id", "", "the platform's 20-digit GB/T 28181 SIP ID")
	f.str(&in.SIPRealm, "gb28181-realm", "", "the SIP domain (default: the first 10 digits of the ID)")
}

// parseWeights reads "0.3,0.35,0.35" into the composite weights.
func parseWeights(w *stats.Weights, v string) error {
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return fmt.Errorf("weights: want three numbers response,resolution,satisfaction")
	}
	var f [3]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || x < 0 {
			return fmt.Errorf("weights: %q is not a non-negative number", p)
		}
		f[i] = x
	}
	w.Response, w.Resolution, w.Satisfaction = f[0], f[1], f[2]
	return nil
}

func setupLogging(stderr io.Writer, level string) {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: l})))
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("serve", stderr)
	f.str(&cfg.Addr, "addr", cfg.Addr, "listen address")
	f.common(&cfg)
	f.channels(&cfg)
	f.cameraFlags(&cfg)
	f.hardening(&cfg)
	f.boolean(&cfg.SecureCookie, "secure-cookie", false, "mark cookies Secure (serve behind HTTPS)")
	f.str(&cfg.DBRead, "db-read", "", "a hot standby of --db (postgres://…) that answers statistics, exports and reports; they may lag by its replay delay, and go to --db while it does not answer")
	f.fn("db-pool", "PostgreSQL connections this replica opens at most for its work (default 32; the replicas' sum must fit the server's max_connections)", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 1000 {
			return fmt.Errorf("want a number from 2 to 1000, not %q", v)
		}
		cfg.DBPool = n
		return nil
	})
	var level string
	f.str(&level, "log-level", "info", "log level: debug, info, warn, error")
	if err := f.Parse(args); err != nil {
		return err
	}
	setupLogging(stderr, level)
	if cfg.DB == "" {
		unlock, err := lockData(cfg.Data)
		if err != nil {
			return err
		}
		defer unlock()
	}
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	return serveUntilDone(ctx, m, stdout)
}

func serveUntilDone(ctx context.Context, m *Main, stdout io.Writer) error {
	if err := m.Listen(); err != nil {
		m.Close()
		return err
	}
	slog.Info("linli serving", "url", m.URL(), "db", m.DB.Label, "version", version)
	fmt.Fprintf(stdout, "Linli is running at %s\n", m.URL())
	select {
	case <-ctx.Done():
		slog.Info("shutting down")
		return m.Close()
	case err := <-m.done:
		m.Close()
		return err
	}
}
