// Package gb28181 is the way in for cameras and video analysis boxes that
// speak GB/T 28181 (the national standard for networked video
// surveillance: "公共安全视频监控联网系统信息传输、交换、控制技术要求",
// GB/T 28181-2016; section numbers below are that edition's).
// Linli plays the upper platform's part: devices register with it over
// SIP and send it their keepalives and alarms. It pulls no video and
// sends no queries.
//
// What is handled, by section of the standard:
//
//   - §9.1 registration and its removal: REGISTER over UDP or TCP with
//     HTTP digest authentication (RFC 2617 as RFC 3261 uses it: MD5,
//     qop=auth offered, a request without qop accepted). The first
//     REGISTER is answered 401 with a challenge whose nonce carries its
//     issue time and expires after five minutes; the right answer gets
//     200 OK with Expires and a Date (yyyy-MM-ddTHH:mm:ss.SSS, Asia/Shanghai
//     by default) that §9.10 lets devices set their clock by; a wrong
//     password or an unknown device gets 403 (register.go says why not
//     401); Expires: 0 removes the registration. Registrations live in
//     memory: device, transport, source address, Contact, expiry.
//   - §9.6 status report: a MESSAGE whose MANSCDP body (Appendix A) is a
//     Notify with CmdType Keepalive becomes a feed.Heartbeat for its
//     DeviceID, at the time it arrived.
//   - §9.4 alarm notification: a Notify with CmdType Alarm becomes a
//     feed.Event of kind alarm and label "alarm": Camera is its DeviceID
//     (a device's or an alarm channel's ID), Priority its AlarmPriority
//     (1 highest … 4), Method its AlarmMethod (1 telephone, 2 device,
//     3 SMS, 4 GPS, 5 video, 6 device fault, 7 other), AlarmType the
//     AlarmType of its Info (read with Method: for a video alarm 8 is
//     loitering detection, 2 motion; for a device alarm 1 is video loss),
//     Start and At its AlarmTime (local time in the configured zone unless
//     it carries an offset), Description its AlarmDescription, Raw the
//     body as received, and EventID DeviceID/AlarmTime/AlarmType/SN, the
//     same for a device's resend of the same alarm. After the 200 OK the
//     platform sends the device the Response MESSAGE (CmdType Alarm, SN,
//     DeviceID, Result OK) that closes the flow of §9.4.
//
// Bodies are read in the encoding their XML declaration names: GB2312,
// GBK and GB18030 (all read as GB18030, their superset) or UTF-8; a body
// with no declared encoding that is not UTF-8 is read as GBK. The
// declaration is believed: a device that declares GB2312 and sends UTF-8
// gets a garbled Description (its other fields are ASCII and read right);
// guessing instead would misread short GBK texts that happen to be valid
// UTF-8.
//
// A MESSAGE is answered 403 unless its From device holds a live
// registration made from the same host; 415 unless it is
// Application/MANSCDP+xml; 400 when the body is malformed (not XML, not in
// its declared encoding, a mandatory field missing) or its CmdType is not
// one of the two above; 500 when the Sink refused it, so that the device
// may resend. Each outcome is counted in the feed.Counters (Received,
// Accepted, Malformed, UnknownType, Rejected) or on the Server
// (AuthFailed, NotRegistered) and logged; nothing a device sends can stop
// the server.
//
// Device (device.go) plays the other side, a device registering and
// sending Keepalives and alarms in GBK: `linli camera-replay --sip` and
// the end-to-end tests use it.
//
// Not done: nonce-count replay tracking (a captured REGISTER can be
// replayed within the nonce's five minutes; it re-registers the same
// device), TLS, catalog and device-info queries, subscriptions, media.
package gb28181
