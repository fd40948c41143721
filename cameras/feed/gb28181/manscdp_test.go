package gb28181

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"linli/cameras/feed"
)

const testDevice = "34020000001320000001"

// gbk encodes s as GBK, as devices send their bodies.
func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keepaliveBody(device, sn string) string {
	return `<?xml version="1.0" encoding="GB2312"?>
<Notify>
<CmdType>Keepalive</CmdType>
<SN>` + sn + `</SN>
<DeviceID>` + device + `</DeviceID>
<Status>OK</Status>
</Notify>
`
}

func alarmBody(encoding, device, sn, desc string) string {
	return `<?xml version="1.0" encoding="` + encoding + `"?>
<Notify>
<CmdType>Alarm</CmdType>
<SN>` + sn + `</SN>
<DeviceID>` + device + `</DeviceID>
<AlarmPriority>2</AlarmPriority>
<AlarmMethod>5</AlarmMethod>
<AlarmTime>2026-12-06T21:30:05</AlarmTime>
<AlarmDescription>` + desc + `</AlarmDescription>
<Info>
<AlarmType>8</AlarmType>
<AlarmTypeParam><EventType>1</EventType></AlarmTypeParam>
</Info>
</Notify>
`
}

func TestParseAlarmInGBK(t *testing.T) {
	raw := gbk(t, alarmBody("GB2312", "34020000001340000001", "17", "门口徘徊"))
	b, err := parseBody(raw, shanghai())
	if err != nil {
		t.Fatal(err)
	}
	e := b.event(raw)
	want := feed.Event{
		Source: feed.SourceGB28181, EventID: "34020000001340000001/2026-12-06T21:30:05/8/17",
		Camera: "34020000001340000001", Kind: feed.KindAlarm, Label: "alarm",
		AlarmType: 8, Priority: 2, Method: 5, Description: "门口徘徊",
	}
	at := time.Date(2026, 12, 6, 13, 30, 5, 0, time.UTC) // 21:30:05 in Beijing
	if e.EventID != want.EventID || e.Camera != want.Camera || e.Kind != want.Kind || e.Label != want.Label ||
		e.AlarmType != 8 || e.Priority != 2 || e.Method != 5 || e.Description != want.Description || e.Source != want.Source {
		t.Fatalf("event = %+v\nwant %+v", e, want)
	}
	if !e.Start.Equal(at) || !e.At.Equal(at) {
		t.Fatalf("Start, At = %v, %v; want %v", e.Start, e.At, at)
	}
	if string(e.Raw) != string(raw) {
		t.Fatal("Raw is not the body as received")
	}
}

func TestParseBodies(t *testing.T) {
	utf8Alarm := alarmBody("UTF-8", testDevice, "3", "门口徘徊")
	for _, tc := range []struct {
		name string
		raw  []byte
		err  error // nil, ErrMalformed or ErrUnknownType
		desc string
		typ  int
		at   time.Time
	}{
		{name: "keepalive", raw: []byte(keepaliveBody(testDevice, "1"))},
		{name: "utf-8 alarm", raw: []byte(utf8Alarm), desc: "门口徘徊", typ: 8},
		{name: "gbk label", raw: gbk(t, alarmBody("GBK", testDevice, "3", "门口徘徊")), desc: "门口徘徊", typ: 8},
		{name: "gb18030 label", raw: gbk(t, alarmBody("gb18030", testDevice, "3", "门口徘徊")), desc: "门口徘徊", typ: 8},
		{name: "undeclared gbk", raw: gbk(t, strings.Replace(alarmBody("X", testDevice, "3", "门口徘徊"), ` encoding="X"`, "", 1)), desc: "门口徘徊", typ: 8},
		{name: "2011 AlarmType at the root", raw: []byte(strings.Replace(utf8Alarm, "<Info>\n<AlarmType>8</AlarmType>", "<AlarmType>6</AlarmType><Info>", 1)), desc: "门口徘徊", typ: 6},
		{name: "zoned time", raw: []byte(strings.Replace(utf8Alarm, "2026-12-06T21:30:05", "2026-12-06T13:30:05Z", 1)), desc: "门口徘徊", typ: 8, at: time.Date(2026, 12, 6, 13, 30, 5, 0, time.UTC)},
		{name: "fraction", raw: []byte(strings.Replace(utf8Alarm, "2026-12-06T21:30:05", "2026-12-06T21:30:05.250", 1)), desc: "门口徘徊", typ: 8, at: time.Date(2026, 12, 6, 13, 30, 5, 250e6, time.UTC)},
		{name: "no Info", raw: []byte(strings.Replace(utf8Alarm, "<AlarmType>8</AlarmType>", "", 1)), desc: "门口徘徊"},

		{name: "gbk declared utf-8", raw: gbk(t, alarmBody("UTF-8", testDevice, "3", "门口徘徊")), err: ErrMalformed},
		{name: "unknown encoding", raw: []byte(alarmBody("EBCDIC-US", testDevice, "3", "x")), err: ErrMalformed},
		{name: "not xml", raw: []byte("hello"), err: ErrMalformed},
		{name: "empty", raw: nil, err: ErrMalformed},
		{name: "truncated", raw: []byte(utf8Alarm[:len(utf8Alarm)/2]), err: ErrMalformed},
		{name: "no CmdType", raw: []byte("<Notify><DeviceID>1</DeviceID></Notify>"), err: ErrMalformed},
		{name: "no DeviceID", raw: []byte("<Notify><CmdType>Keepalive</CmdType></Notify>"), err: ErrMalformed},
		{name: "bad time", raw: []byte(strings.Replace(utf8Alarm, "2026-12-06T21:30:05", "yesterday", 1)), err: ErrMalformed},
		{name: "no priority", raw: []byte(strings.Replace(utf8Alarm, "<AlarmPriority>2</AlarmPriority>", "", 1)), err: ErrMalformed},
		{name: "method not a number", raw: []byte(strings.Replace(utf8Alarm, "<AlarmMethod>5</AlarmMethod>", "<AlarmMethod>video</AlarmMethod>", 1)), err: ErrMalformed},
		{name: "negative type", raw: []byte(strings.Replace(utf8Alarm, "<AlarmType>8</AlarmType>", "<AlarmType>-8</AlarmType>", 1)), err: ErrMalformed},
		{name: "too long", raw: []byte(strings.Replace(utf8Alarm, "门口徘徊", strings.Repeat("x", maxBody), 1)), err: ErrMalformed},

		{name: "other CmdType", raw: []byte("<Notify><CmdType>MobilePosition</CmdType><DeviceID>1</DeviceID></Notify>"), err: ErrUnknownType},
		{name: "a Response", raw: []byte("<Response><CmdType>Catalog</CmdType><DeviceID>1</DeviceID></Response>"), err: ErrUnknownType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := parseBody(tc.raw, shanghai())
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.deviceID != testDevice || b.desc != tc.desc || b.alarmType != tc.typ {
				t.Fatalf("read %+v", b)
			}
			if !tc.at.IsZero() && !b.at.Equal(tc.at) {
				t.Fatalf("at = %v, want %v", b.at, tc.at)
			}
		})
	}
}

func TestAlarmResponseEchoesEncoding(t *testing.T) {
	b, err := parseBody(gbk(t, alarmBody("GB2312", testDevice, "42", "门口徘徊")), shanghai())
	if err != nil {
		t.Fatal(err)
	}
	got := string(b.alarmResponse())
	for _, want := range []string{`encoding="GB2312"`, "<Response>", "<CmdType>Alarm</CmdType>", "<SN>42</SN>", "<DeviceID>" + testDevice + "</DeviceID>", "<Result>OK</Result>"} {
		if !strings.Contains(got, want) {
			t.Errorf("response lacks %s:\n%s", want, got)
		}
	}
	dec := xml.NewDecoder(strings.NewReader(got))
	dec.CharsetReader = charsetReader
	var r struct {
		XMLName  xml.Name
		CmdType  string
		SN       string
		DeviceID string
		Result   string
	}
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("the response is not well-formed: %v", err)
	}
	if r.XMLName.Local != "Response" || r.CmdType != "Alarm" || r.SN != "42" || r.DeviceID != testDevice || r.Result != "OK" {
		t.Fatalf("response read back as %+v", r)
	}
}

// FuzzParseBody: whatever the bytes, parseBody returns (never panics), a
// failure is one of the two kinds, and a success has a device and a
// handled command.
func FuzzParseBody(f *testing.F) {
	f.Add([]byte(keepaliveBody(testDevice, "1")))
	f.Add(gbk(f, alarmBody("GB2312", testDevice, "3", "门口徘徊")))
	f.Add([]byte(alarmBody("UTF-8", testDevice, "3", "门口徘徊")))
	f.Add(gbk(f, alarmBody("UTF-8", testDevice, "3", "门口徘徊")))
	f.Add([]byte(alarmBody("EBCDIC-US", testDevice, "3", "x")))
	f.Add([]byte("<Notify><CmdType>MobilePosition</CmdType><DeviceID>1</DeviceID></Notify>"))
	f.Add([]byte(`<?xml version="1.0" encoding='gbk'?><Notify><CmdType>Alarm</CmdType></Notify>`))
	f.Add([]byte(""))
	zone := shanghai()
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := parseBody(raw, zone)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownType) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if b.deviceID == "" || (b.cmd != cmdKeepalive && b.cmd != cmdAlarm) {
			t.Fatalf("accepted %+v", b)
		}
		if b.cmd == cmdAlarm && b.at.IsZero() {
			t.Fatalf("alarm without a time: %+v", b)
		}
		_ = b.alarmResponse()
	})
}
