package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"

	"linli/storage"
)

// Settings are the deployment's own channels, from flags (linli serve
// --smtp-url, --sms-gateway, --webhook-url …). Community channels are rows
// of outbox_channels.
type Settings struct {
	SMTP    *SMTP
	SMS     *SMSGateway
	Webhook *OutgoingWebhook // every webhook row, besides the configured ones
}

// configured is one row of outbox_channels.
type configured struct {
	ID       int64
	NodeID   int64
	NodePath string // "" for the deployment (node 0)
	Kind     string
	Name     string
	URL      string
	Secret   string
}

// Endpoint is where a webhook row of another package's recipient goes
// (Worker.Endpoint).
type Endpoint struct {
	Name   string // shown in errors: 「name」
	URL    string
	Secret string
	// PreviousSecret, during a rotation's overlap, signs beside Secret.
	PreviousSecret string
}

// target is one place a row goes, with the secrets to keep out of errors.
type target struct {
	label   string
	sender  Sender
	secrets []string
}

// router finds where each row of a batch goes. It is built once per batch
// from the channels table, so a channel saved on the page is used by the
// next batch.
type router struct {
	w        *Worker
	channels []configured
	paths    map[int64]string
}

func (w *Worker) newRouter(ctx context.Context, rows []row) (*router, error) {
	r := &router{w: w, paths: map[int64]string{}}
	err := storage.Each(ctx, w.DB, func(rs *sql.Rows) error {
		var c configured
		if err := rs.Scan(&c.ID, &c.NodeID, &c.Kind, &c.Name, &c.URL, &c.Secret); err != nil {
			return err
		}
		r.channels = append(r.channels, c)
		return nil
	}, `SELECT id, node_id, kind, name, url, secret FROM outbox_channels WHERE enabled = 1 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read outbox channels: %w", err)
	}
	var chNodes []int64
	for _, c := range r.channels {
		if c.NodeID != 0 {
			chNodes = append(chNodes, c.NodeID)
		}
	}
	if len(chNodes) > 0 && w.Nodes != nil {
		nodes, err := w.Nodes.NodesAt(ctx, w.DB, chNodes)
		if err != nil {
			return nil, fmt.Errorf("read channel nodes: %w", err)
		}
		for i, c := range r.channels {
			r.channels[i].NodePath = nodes[c.NodeID].Path
		}
	}
	var ids []int64
	for _, x := range rows {
		if x.NodeID != 0 && isGroup(x.Channel) {
			if _, ok := r.paths[x.NodeID]; !ok {
				r.paths[x.NodeID] = ""
				ids = append(ids, x.NodeID)
			}
		}
	}
	if len(ids) > 0 && w.Nodes != nil {
		nodes, err := w.Nodes.NodesAt(ctx, w.DB, ids)
		if err != nil {
			return nil, fmt.Errorf("read node paths: %w", err)
		}
		for id, n := range nodes {
			r.paths[id] = n.Path
		}
	}
	return r, nil
}

func isGroup(channel string) bool {
	return channel == WeCom || channel == DingTalk || channel == Webhook
}

// targets returns where d goes, or a NotConfigured failure.
func (r *router) targets(ctx context.Context, d *Delivery) ([]target, error) {
	w := r.w
	switch d.Channel {
	case SMS, Notify:
		if w.Settings.SMS == nil {
			return nil, notConfigured("no SMS channel configured")
		}
		if d.Channel == Notify {
			phone, err := w.accountPhone(ctx, d.AccountID)
			if err != nil {
				return nil, err
			}
			if phone == "" {
				return nil, permanent("account %d has no phone number", d.AccountID)
			}
			d.To = phone
		}
		g := *w.Settings.SMS
		g.Client = w.client()
		secrets := []string{g.URL}
		for _, vs := range g.Header {
			secrets = append(secrets, vs...)
		}
		return []target{{label: "SMS", sender: g, secrets: secrets}}, nil
	case Email:
		if w.Settings.SMTP == nil {
			return nil, notConfigured("no e-mail (SMTP) channel configured")
		}
		return []target{{label: "SMTP", sender: w.Settings.SMTP, secrets: []string{w.Settings.SMTP.Password}}}, nil
	}
	if d.Channel == Webhook && w.Endpoint != nil {
		e, ok, err := w.Endpoint(ctx, d.To)
		if err != nil {
			return nil, err
		}
		if ok {
			wh := OutgoingWebhook{URL: e.URL, Secret: e.Secret, PreviousSecret: e.PreviousSecret, Client: w.client(), Now: w.Clock.Now}
			return []target{{label: "webhook 「" + e.Name + "」", sender: wh, secrets: []string{e.URL, e.Secret, e.PreviousSecret}}}, nil
		}
	}
	// Group channels: the named channel, or the nearest community's.
	path := r.paths[d.NodeID]
	name := d.To
	if strings.HasPrefix(name, "node:") {
		name = ""
	}
	var best []configured
	bestDepth := -1
	for _, c := range r.channels {
		if c.Kind != d.Channel || (c.NodeID != 0 && (path == "" || c.NodePath == "" || !strings.HasPrefix(path, c.NodePath))) {
			continue
		}
		if name != "" {
			if c.Name == name {
				best = append(best[:0], c)
				break
			}
			continue
		}
		depth := strings.Count(c.NodePath, "/")
		switch {
		case depth > bestDepth:
			best, bestDepth = []configured{c}, depth
		case depth == bestDepth:
			best = append(best, c)
		}
	}
	var out []target
	for _, c := range best {
		out = append(out, r.target(c))
	}
	if d.Channel == Webhook && w.Settings.Webhook != nil && (name == "" || name == "deployment") {
		wh := *w.Settings.Webhook
		wh.Client, wh.Now = w.client(), w.Clock.Now
		out = append(out, target{label: "webhook (deployment)", sender: wh, secrets: []string{wh.Secret, wh.URL}})
	}
	if len(out) == 0 {
		return nil, notConfigured("no %s channel configured for this community", labelOf(d.Channel))
	}
	return out, nil
}

func (r *router) target(c configured) target {
	w := r.w
	t := target{label: labelOf(c.Kind) + " 「" + c.Name + "」", secrets: []string{c.URL, c.Secret}}
	switch c.Kind {
	case WeCom:
		t.sender = WeComRobot{URL: c.URL, Client: w.client()}
	case DingTalk:
		t.sender = DingTalkRobot{URL: c.URL, Secret: c.Secret, Client: w.client(), Now: w.Clock.Now}
	default:
		t.sender = OutgoingWebhook{URL: c.URL, Secret: c.Secret, Client: w.client(), Now: w.Clock.Now}
	}
	return t
}

func labelOf(kind string) string {
	switch kind {
	case WeCom:
		return "WeCom"
	case DingTalk:
		return "DingTalk"
	case Webhook:
		return "webhook"
	case Email:
		return "e-mail"
	}
	return strings.ToUpper(kind)
}

// accountPhone is the phone of an account, from AccountPhone (auth's).
func (w *Worker) accountPhone(ctx context.Context, id int64) (string, error) {
	if w.AccountPhone == nil {
		return "", notConfigured("no way to look up an account's phone")
	}
	phone, err := w.AccountPhone(ctx, id)
	if err != nil {
		return "", permanent("account %d: %v", id, err)
	}
	return phone, nil
}

func (w *Worker) client() *http.Client {
	if w.Client != nil {
		return w.Client
	}
	return defaultClient
}

// defaultClient keeps enough idle connections per host for the worker's
// parallel sends (net/http keeps 2 by default, and a busy robot or
// gateway host would see a new connection for almost every message).
var defaultClient = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}()
