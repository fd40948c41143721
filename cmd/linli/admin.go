package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/registry"
	"linli/registry/ledger"
)

// openServices opens the database and the services without HTTP, for the
// administrative commands.
func openServices(ctx context.Context, cfg Config) (*Main, error) {
	m := &Main{Config: cfg}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	m.DB = db
	m.Registry = registry.New(db, cfg.Clock)
	m.Auth = auth.New(db, cfg.Clock, m.Registry, cfg.Hash, cfg.Policy)
	return m, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("migrate", stderr)
	f.common(&cfg)
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: linli migrate status|up [--data DIR] [--db URL]")
		f.PrintDefaults()
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	action := f.Arg(0)
	if action != "status" && action != "up" {
		f.Usage()
		return errors.New("migrate needs status or up")
	}
	db, err := openStorage(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "up" {
		n, err := db.Migrate(ctx, func() int64 { return cfg.Clock.Now().UnixMilli() })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migrations\n", n)
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		mark := "pending"
		if s.Applied {
			mark = "applied"
		}
		fmt.Fprintf(stdout, "%04d  %-24s %s\n", s.Version, s.Name, mark)
	}
	return nil
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = `usage:
  linli user create --username NAME --name 显示名 [--phone 138…] --password PASS
  linli user reset  --username NAME --password PASS
  linli user grant  --username NAME --role ROLE --place 运城市/盐湖区/东城街道/学苑社区 [--room 602]
roles: admin street_staff community_staff grid_worker building_head unit_head resident_rep resident property contractor department volunteer`
	if len(args) == 0 {
		fmt.Fprintln(stderr, help)
		return errors.New("user needs create, reset or grant")
	}
	cfg := DefaultConfig()
	f := newFlags("user "+args[0], stderr)
	f.common(&cfg)
	var username, name, phone, password, role, place, room string
	f.StringVar(&username, "username", "", "username")
	f.StringVar(&name, "name", "", "display name")
	f.StringVar(&phone, "phone", "", "phone (can be used to log in)")
	f.StringVar(&password, "password", "", "password (or env LINLI_PASSWORD)")
	f.StringVar(&role, "role", "", "role to grant")
	f.StringVar(&place, "place", "", "place the role is granted on, names from the city down separated by /")
	f.StringVar(&room, "room", "", "for residents: the room in the unit named by --place")
	if err := f.Parse(args[1:]); err != nil {
		return err
	}
	if password == "" {
		password = os.Getenv("LINLI_PASSWORD")
	}
	m, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.DB.Close()
	sys := linli.System()
	switch args[0] {
	case "create":
		acc, err := m.Auth.CreateAccount(ctx, sys, auth.AccountInput{Username: username, DisplayName: name, Phone: phone, Password: password})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created account %s (id %d)\n", acc.Username, acc.ID)
	case "reset":
		id, err := m.Auth.FindAccount(ctx, username)
		if err != nil {
			return describe(err)
		}
		if err := m.Auth.ResetPassword(ctx, sys, id, password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password reset for %s\n", username)
	case "grant":
		id, err := m.Auth.FindAccount(ctx, username)
		if err != nil {
			return describe(err)
		}
		node, err := m.Registry.FindNode(ctx, splitPlace(place))
		if err != nil {
			return describe(err)
		}
		g := auth.GrantInput{Role: linli.Role(role), NodeID: node.ID}
		if room != "" {
			if g.HouseholdID, err = m.Registry.HouseholdByRoom(ctx, node.ID, room); err != nil {
				return describe(err)
			}
		}
		if _, err := m.Auth.Grant(ctx, sys, id, g); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "granted %s on %s to %s\n", role, place, username)
	default:
		fmt.Fprintln(stderr, help)
		return fmt.Errorf("unknown user command %q", args[0])
	}
	return nil
}

func splitPlace(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// describe spells out field errors for the terminal.
func describe(err error) error {
	fs := linli.ErrorFields(err)
	if len(fs) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(linli.ErrorMessage(err))
	for _, f := range fs {
		if f.Row > 0 {
			fmt.Fprintf(&b, "\n  row %d, %s: %s", f.Row, f.Field, f.Reason)
		} else {
			fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Reason)
		}
	}
	return errors.New(b.String())
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("import", stderr)
	f.common(&cfg)
	var community string
	var dryRun bool
	f.StringVar(&community, "community", "", "community to import into: names from the city down separated by /")
	f.BoolVar(&dryRun, "dry-run", false, "show what the import would add and change, and write nothing")
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 || community == "" {
		return errors.New("usage: linli import [--dry-run] --community 运城市/盐湖区/东城街道/学苑社区 FILE.xlsx|FILE.csv")
	}
	file := f.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(file)), ".")
	m, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.DB.Close()
	node, err := m.Registry.FindNode(ctx, splitPlace(community))
	if err != nil {
		return describe(err)
	}
	hs, bad, err := ledger.Parse(bytes.NewReader(data), format)
	if err != nil {
		return describe(err)
	}
	if len(bad) > 0 {
		return describe(linli.Invalid(fmt.Sprintf("%d problems, nothing imported", len(bad)), bad...))
	}
	if dryRun {
		p, err := m.Registry.PreviewImport(ctx, linli.System(), node.ID, hs)
		if err != nil {
			return describe(err)
		}
		printPreview(stdout, p)
		return nil
	}
	res, err := m.Registry.Import(ctx, linli.System(), node.ID, hs)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "imported %d households (%d new, %d updated, %d unchanged), %d people\n", res.Households, res.Created, res.Updated, res.Unchanged, res.People)
	return nil
}

// printPreview writes what an import would do, one line per field.
func printPreview(w io.Writer, p registry.ImportPreview) {
	fmt.Fprintf(w, "dry run, nothing written: %d households, %d to add, %d to change, %d unchanged\n", p.Households, len(p.Add), len(p.Change), p.Unchanged)
	for _, list := range []struct {
		verb string
		hs   []registry.HouseholdDiff
	}{{"add", p.Add}, {"change", p.Change}} {
		for _, h := range list.hs {
			fmt.Fprintf(w, "%s row %d: %s %s %s %s\n", list.verb, h.Row, h.Estate, h.Building, h.Unit, h.Room)
			for _, f := range h.Fields {
				fmt.Fprintf(w, "  %s: %q → %q\n", f.Field, f.Old, f.New)
			}
		}
	}
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("export", stderr)
	f.common(&cfg)
	var place, format, out string
	f.StringVar(&place, "place", "", "place to export: names from the city down separated by /")
	f.StringVar(&format, "format", "xlsx", "xlsx or csv")
	f.StringVar(&out, "o", "", "output file (default: standard output)")
	if err := f.Parse(args); err != nil {
		return err
	}
	if place == "" || (format != "xlsx" && format != "csv") {
		return errors.New("usage: linli export --place PATH [--format xlsx|csv] [-o FILE]")
	}
	m, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.DB.Close()
	node, err := m.Registry.FindNode(ctx, splitPlace(place))
	if err != nil {
		return describe(err)
	}
	hs, err := m.Registry.Export(ctx, linli.System(), node.ID)
	if err != nil {
		return describe(err)
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = ledger.WriteCSV(&buf, hs)
	} else {
		err = ledger.WriteXLSX(&buf, hs)
	}
	if err != nil {
		return err
	}
	if out == "" {
		_, err = buf.WriteTo(stdout)
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d households to %s\n", len(hs), out)
	return nil
}

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("stats", stderr)
	f.common(&cfg)
	if len(args) == 0 || args[0] != "rebuild" {
		// generate and bench moved to linli-bench (stats-generate, stats-bench).
		return errors.New("usage: linli stats rebuild [--data DIR] [--db URL]")
	}
	if err := f.Parse(args[1:]); err != nil {
		return err
	}
	m, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.DB.Close()
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return err
	}
	cal, err := calendar.Default()
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := cases.New(m.DB, cfg.Clock, cal, m.Registry, zone).RebuildStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt %d statistics rows in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
