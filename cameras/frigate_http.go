package cameras

import (
	"bytes"
	"encoding/json"
	"fmt"

	"linli"
	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
)

// readFrigate reads Frigate-shaped JSON posted to the HTTP way in
// (?format=frigate): one message of frigate/events (type, before, after)
// or an array of them, through the parser the MQTT way in uses. A message
// it cannot read is a 422 naming its place in the batch; nothing of the
// batch is stored.
func readFrigate(body []byte) ([]feed.Event, error) {
	body = bytes.TrimSpace(body)
	raws := []json.RawMessage{body}
	if len(body) > 0 && body[0] == '[' {
		raws = nil
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, linli.Errorf(linli.EBadRequest, "请求体不是有效的JSON / body is not valid JSON")
		}
		if len(raws) == 0 || len(raws) > 1000 {
			return nil, linli.Invalid("一批 1 到 1000 个事件 / a batch holds 1 to 1000 events", linli.FieldError{Field: "[]", Reason: "1..1000"})
		}
	}
	out := make([]feed.Event, 0, len(raws))
	for i, raw := range raws {
		e, err := frigate.ParseEvent(raw)
		if err != nil {
			field := "body"
			if len(raws) > 1 || body[0] == '[' {
				field = fmt.Sprintf("[%d]", i)
			}
			return nil, linli.Invalid("不是 Frigate 事件消息 / not a Frigate event message", linli.FieldError{Field: field, Reason: err.Error()})
		}
		out = append(out, e)
	}
	return out, nil
}
