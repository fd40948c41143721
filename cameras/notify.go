package cameras

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"linli"
	"linli/outbox"
	"linli/storage"
)

// NotifyChannels are the outbox channels a rule may send its alerts to:
// the community's WeCom and DingTalk group robots (configured on
// /outbox/channels, the nearest community's up the tree).
func NotifyChannels() []string { return []string{outbox.WeCom, outbox.DingTalk} }

// notifyLabel names a channel on the pages.
func notifyLabel(ch string) string {
	switch ch {
	case outbox.WeCom:
		return "企业微信群"
	case outbox.DingTalk:
		return "钉钉群"
	}
	return ch
}

// checkNotify validates a rule's notify list.
func checkNotify(v *linli.Validation, ns []string) {
	for _, n := range ns {
		if !slices.Contains(NotifyChannels(), n) {
			v.Add("notify", "须为 wecom 或 dingtalk / must be wecom or dingtalk")
			return
		}
	}
}

// cleanNotify is the stored form of a notify list: known channels, once
// each, in NotifyChannels' order.
func cleanNotify(ns []string) string {
	var out []string
	for _, c := range NotifyChannels() {
		if slices.Contains(ns, c) {
			out = append(out, c)
		}
	}
	return strings.Join(out, ",")
}

// notifyList reads a stored notify list.
func notifyList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// alertText is the group message of an alert, Chinese then English: the
// camera, its place, the rule, the event's time and what was seen. No
// snapshot and nothing about a person beyond the analytics' label.
func (s *Service) alertText(al Alert, place string) string {
	at := al.At.In(s.zone()).Format("2006-01-02 15:04:05")
	en := catalog()
	var zh, eng strings.Builder
	fmt.Fprintf(&zh, "【门岗告警 #%d】%s\n摄像头：%s（%s）\n", al.ID, ruleLabel(al.RuleKind), al.Camera, place)
	fmt.Fprintf(&eng, "[Gate camera alert #%d] %s\nCamera: %s (%s)\n", al.ID, en[ruleLabel(al.RuleKind)], al.Camera, place)
	if al.Zone != "" {
		fmt.Fprintf(&zh, "区域：%s\n", al.Zone)
		fmt.Fprintf(&eng, "Zone: %s\n", al.Zone)
	}
	if al.Label != "" {
		fmt.Fprintf(&zh, "目标类别：%s\n", objectLabel(al.Label, func(s string) string { return s }))
		fmt.Fprintf(&eng, "Object: %s\n", objectLabel(al.Label, func(zh string) string { return en[zh] }))
	}
	fmt.Fprintf(&zh, "时间：%s\n", at)
	fmt.Fprintf(&eng, "Time: %s (%s)\n", at, s.zone())
	return zh.String() + "\n" + eng.String()
}

// enqueueAlert writes the alert's message to each channel of notify in
// tx (outbox.Enqueue): the message exists iff the alert does. nodeID is
// the camera's place; the outbox sends it to the robots of the nearest
// community that has them.
func (s *Service) enqueueAlert(ctx context.Context, tx *storage.Tx, al Alert, nodeID int64, notify []string) error {
	if len(notify) == 0 {
		return nil
	}
	place := ""
	if s.reg != nil {
		nodes, err := s.reg.NodesAt(ctx, tx, []int64{nodeID})
		if err != nil {
			return err
		}
		place = nodes[nodeID].Name
	}
	text := s.alertText(al, place)
	ref := fmt.Sprintf("%s:%d", KindAlert, al.ID)
	for _, ch := range notify {
		if _, err := outbox.Enqueue(ctx, tx, s.now(), outbox.Message{Channel: ch, NodeID: nodeID, Kind: KindAlert, Ref: ref,
			Subject: "门岗告警 / Gate camera alert", Text: text, DedupKey: ref + ":" + ch}); err != nil {
			return err
		}
	}
	return nil
}
