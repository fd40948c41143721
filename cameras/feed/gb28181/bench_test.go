package gb28181

import (
	"strconv"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// BenchmarkParseAlarmGBK: reading a GBK alarm body into an event.
func BenchmarkParseAlarmGBK(b *testing.B) {
	raw := gbk(b, alarmBody("GB2312", testDevice, "3", "门口徘徊"))
	zone := shanghai()
	for b.Loop() {
		if _, err := parseBody(raw, zone); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAlarmOverUDP: one registered device sends GBK alarms one after
// another, each waiting for its 200 OK, while the platform's Response
// MESSAGEs go back to it; one round trip per op.
func BenchmarkAlarmOverUDP(b *testing.B) {
	p := startPlatform(b)
	d := newDevice(b, p, "34020000001320000009", "UDP")
	_, res := d.register(b, testPassword, 3600)
	wantStatus(b, "register", res, sip.StatusOK)
	go func() { // the device's inbox of Responses; it answers them itself
		for range d.answers {
		}
	}()
	n := 0
	for b.Loop() {
		n++
		res := d.message(b, contentType, gbk(b, alarmBody("GB2312", d.id, strconv.Itoa(n), "门口徘徊")))
		if res.StatusCode != sip.StatusOK {
			b.Fatal(res.StatusCode)
		}
	}
	b.StopTimer()
	if got := p.counters.Accepted.Load(); got != int64(n) {
		b.Fatalf("accepted %d of %d", got, n)
	}
}
