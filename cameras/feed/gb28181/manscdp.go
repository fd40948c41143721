package gb28181

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"linli/cameras/feed"
)

// The two ways a MANSCDP body can fail. A body that is not XML, is not in
// the encoding it declares, or lacks a field the standard makes mandatory
// is malformed; a readable body whose CmdType this package does not act on
// is of an unknown type. Both are counted apart (feed.Counters).
var (
	ErrMalformed   = errors.New("gb28181: malformed MANSCDP body")
	ErrUnknownType = errors.New("gb28181: MANSCDP command not handled")
)

// maxBody bounds what is parsed. A Notify is a few hundred bytes; over UDP
// a SIP message cannot exceed a datagram anyway, over TCP it could.
const maxBody = 64 << 10

// Command types of Appendix A (MANSCDP) that are read.
const (
	cmdKeepalive = "Keepalive"
	cmdAlarm     = "Alarm"
)

// notify is the subset of a MANSCDP <Notify> this package reads. AlarmType
// sits in <Info> in GB/T 28181-2016; some devices written to the 2011
// edition put it directly under the root, so both places are read.
type notify struct {
	XMLName          xml.Name
	CmdType          string `xml:"CmdType"`
	SN               string `xml:"SN"`
	DeviceID         string `xml:"DeviceID"`
	AlarmPriority    string `xml:"AlarmPriority"`
	AlarmMethod      string `xml:"AlarmMethod"`
	AlarmTime        string `xml:"AlarmTime"`
	AlarmDescription string `xml:"AlarmDescription"`
	AlarmType        string `xml:"AlarmType"`
	Info             struct {
		AlarmType string `xml:"AlarmType"`
	} `xml:"Info"`
}

// body is a MANSCDP message read and checked: a Keepalive or an Alarm.
type body struct {
	cmd       string
	sn        string
	deviceID  string
	encoding  string // the encoding label the body declared, "" when none
	priority  int
	method    int
	alarmType int
	alarmTime string // as sent: part of the event id
	at        time.Time
	desc      string
}

// parseBody reads a MANSCDP body. The XML declaration's encoding is
// honoured (GB2312, GBK, GB18030 and UTF-8); a body with no declared
// encoding that is not valid UTF-8 is read as GBK, which is what such
// devices send. zone is where an AlarmTime without an offset is read.
func parseBody(raw []byte, zone *time.Location) (body, error) {
	if len(raw) > maxBody {
		return body{}, fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(raw), maxBody)
	}
	label, declared := declaredEncoding(raw)
	var in io.Reader = bytes.NewReader(raw)
	if !declared && !utf8.Valid(raw) {
		in = transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder())
	}
	dec := xml.NewDecoder(in)
	dec.CharsetReader = charsetReader
	var n notify
	if err := dec.Decode(&n); err != nil {
		return body{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	b := body{
		cmd:      strings.TrimSpace(n.CmdType),
		sn:       strings.TrimSpace(n.SN),
		deviceID: strings.TrimSpace(n.DeviceID),
		encoding: label,
	}
	if n.XMLName.Local != "Notify" {
		return b, fmt.Errorf("%w: <%s> %s", ErrUnknownType, n.XMLName.Local, b.cmd)
	}
	switch b.cmd {
	case cmdKeepalive, cmdAlarm:
	case "":
		return b, fmt.Errorf("%w: no CmdType", ErrMalformed)
	default:
		return b, fmt.Errorf("%w: CmdType %q", ErrUnknownType, b.cmd)
	}
	if b.deviceID == "" {
		return b, fmt.Errorf("%w: no DeviceID", ErrMalformed)
	}
	if b.cmd == cmdKeepalive {
		return b, nil
	}
	return readAlarm(b, n, zone)
}

// readAlarm checks the fields Appendix A makes mandatory in an alarm
// notification (AlarmPriority, AlarmMethod, AlarmTime) and reads them.
func readAlarm(b body, n notify, zone *time.Location) (body, error) {
	var err error
	if b.priority, err = mandatoryInt("AlarmPriority", n.AlarmPriority); err != nil {
		return b, err
	}
	if b.method, err = mandatoryInt("AlarmMethod", n.AlarmMethod); err != nil {
		return b, err
	}
	typ := strings.TrimSpace(n.Info.AlarmType)
	if typ == "" {
		typ = strings.TrimSpace(n.AlarmType)
	}
	if typ != "" {
		if b.alarmType, err = strconv.Atoi(typ); err != nil || b.alarmType < 0 {
			return b, fmt.Errorf("%w: AlarmType %q", ErrMalformed, typ)
		}
	}
	b.alarmTime = strings.TrimSpace(n.AlarmTime)
	if b.at, err = parseAlarmTime(b.alarmTime, zone); err != nil {
		return b, err
	}
	b.desc = strings.TrimSpace(n.AlarmDescription)
	return b, nil
}

func mandatoryInt(name, s string) (int, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%w: %s %q", ErrMalformed, name, s)
	}
	return v, nil
}

// parseAlarmTime reads the standard's date-time (yyyy-MM-ddTHH:mm:ss, a
// fraction allowed) as local time in zone; a time with an offset keeps it.
func parseAlarmTime(s string, zone *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: AlarmTime %q", ErrMalformed, s)
}

// declaredEncoding returns the encoding named in the XML declaration, and
// whether there was one.
func declaredEncoding(raw []byte) (string, bool) {
	s := bytes.TrimLeft(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), " \t\r\n")
	if !bytes.HasPrefix(s, []byte("<?xml")) {
		return "", false
	}
	end := bytes.Index(s, []byte("?>"))
	if end < 0 {
		return "", false
	}
	decl := string(s[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest = strings.TrimLeft(strings.TrimPrefix(rest, "="), " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return "", false
	}
	q := rest[0]
	rest = rest[1:]
	j := strings.IndexByte(rest, q)
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// charsetReader is the xml.Decoder's hook for a declared encoding other
// than UTF-8. GB2312 and GBK are read as GB18030, their superset: devices
// label GBK text GB2312 often enough that a strict GB2312 decoder would
// turn real descriptions into errors.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn":
		return transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder()), nil
	case "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("encoding %q not supported", label)
}

// event maps an alarm notification to the feed's event.
func (b body) event(raw []byte) feed.Event {
	return feed.Event{
		Source:      feed.SourceGB28181,
		EventID:     b.deviceID + "/" + b.alarmTime + "/" + strconv.Itoa(b.alarmType) + "/" + b.sn,
		Camera:      b.deviceID,
		Kind:        feed.KindAlarm,
		Label:       "alarm",
		Start:       b.at,
		At:          b.at,
		AlarmType:   b.alarmType,
		Priority:    b.priority,
		Method:      b.method,
		Description: b.desc,
		Raw:         raw,
	}
}

// alarmResponse is the platform's answer to an alarm notification (the
// Response of §9.4's flow), in the encoding the device itself declared so
// that a device which only reads GB2312 is not surprised; its content is
// ASCII and means the same in either.
func (b body) alarmResponse() []byte {
	enc := b.encoding
	if enc == "" {
		enc = "UTF-8"
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, "<?xml version=\"1.0\" encoding=\"%s\"?>\r\n<Response>\r\n", xmlEscape(enc))
	fmt.Fprintf(&w, "<CmdType>%s</CmdType>\r\n<SN>%s</SN>\r\n<DeviceID>%s</DeviceID>\r\n", cmdAlarm, xmlEscape(b.sn), xmlEscape(b.deviceID))
	w.WriteString("<Result>OK</Result>\r\n</Response>\r\n")
	return w.Bytes()
}

func xmlEscape(s string) string {
	var w strings.Builder
	_ = xml.EscapeText(&w, []byte(s)) // a strings.Builder does not fail
	return w.String()
}
