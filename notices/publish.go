package notices

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/auth"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/webhooks"
)

// Limits of the texts people type.
const (
	maxTitle = 100
	maxBody  = 5000
	maxNote  = 500
)

// validKind reports whether a target kind is known: households, a role
// other than resident (residents are reached through their households), or
// a registered audience.
func (s *Service) validKind(kind string) bool {
	if kind == KindHouseholds {
		return true
	}
	if r := linli.Role(kind); r.Valid() {
		return r != linli.RoleResident && r != linli.RoleAdmin
	}
	_, ok := s.audience(kind)
	return ok
}

// validate checks a notice's own fields (no I/O); the target's nodes are
// checked against the actor's scope by Create.
func (s *Service) validate(in *Input, now time.Time) error {
	var v linli.Validation
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch {
	case in.Title == "":
		v.Add("title", "请填写标题 / a title is required")
	case utf8.RuneCountInString(in.Title) > maxTitle:
		v.Add("title", fmt.Sprintf("标题不超过%d字 / at most %d characters", maxTitle, maxTitle))
	}
	switch {
	case in.Body == "":
		v.Add("body", "请填写正文 / the text is required")
	case utf8.RuneCountInString(in.Body) > maxBody:
		v.Add("body", fmt.Sprintf("正文不超过%d字 / at most %d characters", maxBody, maxBody))
	}
	if in.Urgency == "" {
		in.Urgency = Ordinary
	}
	if !in.Urgency.Valid() {
		v.Add("urgency", "紧急程度只能是普通、重要或预警 / urgency must be ordinary, important or warning")
	}
	if in.Urgency == Warning {
		if in.ValidFrom.IsZero() {
			v.Add("valid_from", "预警须填写生效时间 / a warning needs the start of its validity")
		}
		if in.ValidUntil.IsZero() {
			v.Add("valid_until", "预警须填写结束时间 / a warning needs the end of its validity")
		}
	}
	if !in.ValidFrom.IsZero() && !in.ValidUntil.IsZero() && !in.ValidUntil.After(in.ValidFrom) {
		v.Add("valid_until", "结束时间须晚于开始时间 / the end must be after the start")
	}
	at := in.PublishAt
	if at.IsZero() || at.Before(now) {
		at = now
	}
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(at) {
		v.Add("expires_at", "截止时间须晚于发布时间 / the expiry must be after the publication")
	}
	if len(in.NodeIDs) == 0 {
		v.Add("node_ids", "请选择通知范围（地点） / choose the places the notice is for")
	}
	if len(in.Kinds) == 0 {
		v.Add("kinds", "请选择通知对象 / choose who on those places receives it")
	}
	for i, k := range in.Kinds {
		if !s.validKind(k) {
			v.Add(fmt.Sprintf("kinds[%d]", i), "未知的通知对象 / unknown kind of recipient")
		}
	}
	return v.Err()
}

// Create stores a notice and publishes it now, or schedules it. The
// target's nodes must lie within the actor's publishing grants; a node
// outside them is refused as one that does not exist.
func (s *Service) Create(ctx context.Context, a *linli.Actor, in Input, files []attach.Checked) (Detail, error) {
	if !MayPublish(a) {
		return Detail{}, linli.Errorf(linli.EForbidden, "无权发布通知 / not allowed to publish notices")
	}
	now := s.now()
	if err := s.validate(&in, now); err != nil {
		return Detail{}, err
	}
	nodes, err := s.reg.NodesAt(ctx, s.db, in.NodeIDs)
	if err != nil {
		return Detail{}, err
	}
	var v linli.Validation
	var paths []string
	for i, id := range in.NodeIDs {
		nd, ok := nodes[id]
		if !ok || !mayPublish(a, nd.Path) {
			v.Add(fmt.Sprintf("node_ids[%d]", i), "没有这个地点，或不在您的发布范围内 / no such place within your scope")
			continue
		}
		paths = append(paths, nd.Path)
	}
	if err := v.Err(); err != nil {
		return Detail{}, err
	}
	// Checked in the order given, so an error names the index sent.
	in.NodeIDs = slices.Compact(slices.Sorted(slices.Values(in.NodeIDs)))
	in.Kinds = slices.Compact(slices.Sorted(slices.Values(in.Kinds)))
	path := commonPath(paths)
	community := s.communityOf(ctx, in.NodeIDs[0])
	publishAt := in.PublishAt
	if publishAt.IsZero() || publishAt.Before(now) {
		publishAt = now
	}
	author := a.DisplayName
	if author == "" {
		author = a.Username
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO notices (community_id, path, title, body, urgency, valid_from, valid_until, publish_at, expires_at,
			ack_required, public, state, author, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			community, path, in.Title, in.Body, string(in.Urgency), millis(in.ValidFrom), millis(in.ValidUntil), storage.Millis(publishAt),
			millis(in.ExpiresAt), boolInt(in.AckRequired), boolInt(in.Public), string(Scheduled), author, a.AccountID, storage.Millis(now))
		if err != nil {
			return err
		}
		for _, nid := range in.NodeIDs {
			for _, k := range in.Kinds {
				if _, err := tx.Exec(ctx, `INSERT INTO notice_targets (notice_id, node_id, kind) VALUES (?, ?, ?)`, id, nid, k); err != nil {
					return err
				}
			}
		}
		if len(files) > 0 {
			if _, err := attach.Save(ctx, tx, "notice", id, 0, a.AccountID, files, now); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "notice.create", Entity: "notice", EntityID: id, ScopePath: path,
			Summary: fmt.Sprintf("发布通知「%s」", in.Title), After: in}); err != nil {
			return err
		}
		if publishAt.After(now) {
			return jobs.Schedule(ctx, tx, JobPublish, strconv.FormatInt(id, 10), publishAt, nil)
		}
		n, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, n, now)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return storage.Millis(t)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// communityOf is the community at or above a node (0 above communities).
func (s *Service) communityOf(ctx context.Context, nodeID int64) int64 {
	line, err := s.reg.Lineage(ctx, s.db, nodeID)
	if err != nil {
		return 0
	}
	for _, n := range line {
		if n.Kind == registry.KindCommunity {
			return n.ID
		}
	}
	return 0
}

// publishJob is the timer of a scheduled notice. It re-reads the notice:
// one already published is left alone.
func (s *Service) publishJob(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil // not ours to retry
	}
	n, err := s.get(ctx, tx, id, true)
	if linli.ErrorCode(err) == linli.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if n.State != Scheduled {
		return nil
	}
	return s.publish(ctx, tx, n, s.now())
}

// publish resolves the recipients of n into notice_recipients, rings the
// bell of every account, writes an SMS to the outbox for every household
// reached by phone, and marks the notice published — all in tx.
func (s *Service) publish(ctx context.Context, tx *storage.Tx, n Notice, now time.Time) error {
	rs, err := s.resolve(ctx, tx, n)
	if err != nil {
		return err
	}
	var accounts []int64
	text := smsText(n)
	for _, r := range rs {
		sent := storage.Millis(now)
		var outboxID int64
		switch r.channel {
		case "app":
			accounts = append(accounts, r.AccountID)
		case "sms":
			if outboxID, err = enqueueSMS(ctx, tx, now, r.Phone, text, n.ID, n.CommunityID); err != nil {
				return err
			}
		default:
			sent = 0
		}
		if _, err := tx.Exec(ctx, `INSERT INTO notice_recipients (notice_id, account_id, household_id, path, name, phone, channel, outbox_id,
			building, room, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.ID, r.AccountID, r.HouseholdID, r.path, r.Name, r.Phone, r.channel, outboxID, r.building, r.room, sent); err != nil {
			return err
		}
	}
	urgent := ""
	if n.Urgency != Ordinary {
		urgent = "【" + n.Urgency.Label() + "】"
	}
	en := map[Urgency]string{Important: "[Important] ", Warning: "[Warning] "}[n.Urgency]
	if err := s.cases.NotifyAbout(ctx, tx, accounts, "notice", links.Ref{Kind: "notice", ID: n.ID},
		cases.Text{ZH: urgent + "新通知：" + n.Title, EN: en + "New notice: " + n.Title}, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE notices SET state = ?, published_at = ? WHERE id = ?`, string(Published), storage.Millis(now), n.ID); err != nil {
		return err
	}
	if err := webhooks.Emit(ctx, tx, webhooks.Event{Type: webhooks.NoticePublished, At: now, Path: n.Path, CommunityID: n.CommunityID,
		Subject: fmt.Sprintf("notice:%d", n.ID), Data: webhooks.NoticeData{NoticeID: n.ID, Title: n.Title, Urgency: string(n.Urgency),
			CommunityID: n.CommunityID, Public: n.Public, PublishedAt: now.UTC()}}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, nil, now, audit.Change{Action: "notice.publish", Entity: "notice", EntityID: n.ID, ScopePath: n.Path,
		Summary: fmt.Sprintf("通知「%s」已发布，共%d个接收对象", n.Title, len(rs))})
}

// smsText is the message a household without an account receives.
func smsText(n Notice) string {
	body := []rune(n.Body)
	if len(body) > 120 {
		body = append(body[:120], '…')
	}
	head := "【社区通知】"
	if n.Urgency != Ordinary {
		head = "【社区" + n.Urgency.Label() + "】"
	}
	return head + n.Title + "：" + string(body)
}

// resolved is a recipient with where it lives, ready to store.
type resolved struct {
	Recipient
	channel, path, building, room string
}

// resolve lists the recipients of a notice's target, each once: an
// account once, a household without an account once.
func (s *Service) resolve(ctx context.Context, q storage.Querier, n Notice) ([]resolved, error) {
	var out []resolved
	seen := map[string]bool{}
	add := func(r resolved) {
		key := "h:" + strconv.FormatInt(r.HouseholdID, 10)
		if r.AccountID != 0 {
			key = "a:" + strconv.FormatInt(r.AccountID, 10)
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, r)
	}
	byKind := map[string][]Target{}
	var kinds []string
	for _, t := range n.Targets {
		for _, k := range t.Kinds {
			if _, ok := byKind[k]; !ok {
				kinds = append(kinds, k)
			}
			byKind[k] = append(byKind[k], t)
		}
	}
	for _, k := range kinds {
		ts := byKind[k]
		var err error
		switch {
		case k == KindHouseholds:
			for _, t := range ts {
				if err = s.households(ctx, q, t.path, add); err != nil {
					break
				}
			}
		case linli.Role(k).Valid():
			for _, t := range ts {
				if err = s.roleHolders(ctx, q, linli.Role(k), t.path, add); err != nil {
					break
				}
			}
		default:
			err = s.audienceOf(ctx, q, k, ts, add)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// households adds every household under path: the accounts bound to it
// in-app, or else its first owner with a phone by SMS, or else nobody
// (channel none: a visit or a call must reach it).
func (s *Service) households(ctx context.Context, q storage.Querier, path string, add func(resolved)) error {
	hs, err := s.reg.HouseholdsUnder(ctx, q, path)
	if err != nil || len(hs) == 0 {
		return err
	}
	owners, err := s.reg.OwnersUnder(ctx, q, path)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for id, os := range owners {
		if len(os) > 0 {
			names[id] = os[0].Name
		}
	}
	return s.reachHouseholds(ctx, q, hs, names, add)
}

// reachHouseholds adds how each household is reached: its residents with
// an account in-app, otherwise an SMS to the first owner's phone that is
// known, otherwise nobody (the call list). names are the owners' names.
func (s *Service) reachHouseholds(ctx context.Context, q storage.Querier, hs []registry.Household, names map[int64]string, add func(resolved)) error {
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	accounts, err := s.residentAccounts(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, h := range hs {
		base := resolved{path: h.Path, building: h.Estate + h.Building, room: h.Unit + h.Room}
		if accs := accounts[h.ID]; len(accs) > 0 {
			for _, acc := range accs {
				r := base
				r.AccountID, r.HouseholdID, r.Name, r.channel = acc.ID, h.ID, acc.Name, "app"
				add(r)
			}
			continue
		}
		r := base
		r.HouseholdID, r.Name, r.channel = h.ID, names[h.ID], "none"
		cs, err := s.reg.OwnerContacts(ctx, q, h.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Phone != "" {
				r.Phone, r.channel = c.Phone, "sms"
				break
			}
		}
		add(r)
	}
	return nil
}

// residentAccounts are the enabled resident accounts bound to each of the
// households.
func (s *Service) residentAccounts(ctx context.Context, q storage.Querier, ids []int64) (map[int64][]auth.Holder, error) {
	out := map[int64][]auth.Holder{}
	for len(ids) > 0 {
		batch := ids[:min(400, len(ids))]
		ids = ids[len(batch):]
		hs, err := s.au.Holders(ctx, q, auth.HolderQuery{Households: batch})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			for _, g := range h.Grants {
				if g.Role == linli.RoleResident && slices.Contains(batch, g.HouseholdID) {
					out[g.HouseholdID] = append(out[g.HouseholdID], h)
				}
			}
		}
	}
	return out, nil
}

// roleHolders adds the holders of role on, below or above path: "the grid
// workers of this estate" are those of its grid; "of this community" those
// of every grid in it.
func (s *Service) roleHolders(ctx context.Context, q storage.Querier, role linli.Role, path string, add func(resolved)) error {
	hs, err := s.au.Holders(ctx, q, auth.HolderQuery{Roles: []linli.Role{role}, Under: path, OrAbove: true})
	if err != nil {
		return err
	}
	for _, h := range hs {
		r := resolved{Recipient: Recipient{AccountID: h.ID, Name: h.Name}, channel: "app", path: path}
		for _, g := range h.Grants {
			if g.Role == role && overlaps(g.NodePath, path) {
				r.path = g.NodePath
				break
			}
		}
		add(r)
	}
	return nil
}

// audienceOf adds the recipients a registered audience resolves to on the
// target nodes; households are placed through the register.
func (s *Service) audienceOf(ctx context.Context, q storage.Querier, key string, ts []Target, add func(resolved)) error {
	a, ok := s.audience(key)
	if !ok {
		return nil // unregistered since: nobody
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.NodeID
	}
	rs, err := a.Resolve(ctx, q, ids)
	if err != nil {
		return err
	}
	var hids []int64
	for _, r := range rs {
		if r.HouseholdID != 0 {
			hids = append(hids, r.HouseholdID)
		}
	}
	hs, err := s.reg.HouseholdsAt(ctx, q, hids)
	if err != nil {
		return err
	}
	// Households named without an account or a phone are reached the way
	// a target's households are: residents in-app, else the owner's phone.
	var bare []registry.Household
	names := map[int64]string{}
	for _, r := range rs {
		if h, ok := hs[r.HouseholdID]; ok && r.AccountID == 0 && r.Phone == "" {
			bare, names[h.ID] = append(bare, h), r.Name
		}
	}
	if err := s.reachHouseholds(ctx, q, bare, names, add); err != nil {
		return err
	}
	for _, r := range rs {
		if _, ok := hs[r.HouseholdID]; ok && r.AccountID == 0 && r.Phone == "" {
			continue
		}
		x := resolved{Recipient: r, channel: "none", path: ts[0].path}
		if h, ok := hs[r.HouseholdID]; ok {
			x.path, x.building, x.room = h.Path, h.Estate+h.Building, h.Unit+h.Room
		}
		switch {
		case r.AccountID != 0:
			x.channel, x.Phone = "app", ""
		case r.Phone != "":
			x.channel = "sms"
		}
		if x.AccountID == 0 && x.HouseholdID == 0 {
			continue
		}
		add(x)
	}
	return nil
}
