// Package frigate reads Frigate NVR's MQTT messages into feed events and
// hands them to a feed.Sink. It holds no database and knows no camera of
// Linli's: mapping a Frigate camera name to a monitoring point is the
// Sink's work (package cameras).
//
// The shapes read here are those of Frigate's MQTT documentation, page
// "MQTT" (https://docs.frigate.video/integrations/mqtt/, source
// docs/docs/integrations/mqtt.md in github.com/blakeblackshear/frigate),
// topics frigate/events, frigate/reviews, frigate/available and
// frigate/<camera>/status/<role>. "frigate" is Frigate's default
// topic_prefix; Config.Prefix follows the site's.
//
// # frigate/events → feed.Event
//
// Frigate publishes one message each time a tracked object changes: "new"
// when it is first taken as a true positive, "update" when its zones or
// best snapshot change, "end" when it leaves. Each message carries the
// object twice, "before" and "after" the change; only "after" is read (it
// is the state now; "before" is what the Sink already had). Mapping:
//
//	type new/update/end           Kind KindNew/KindUpdate/KindEnd
//	after.id                      EventID (the same for the object's whole life)
//	after.camera                  Camera
//	after.label                   Label (person, car, bicycle…)
//	after.sub_label               Description (a string, or the name of a [name, score] pair)
//	after.top_score, else score   Score
//	after.current_zones           Zones; entered_zones when current_zones is empty
//	after.start_time              Start
//	after.frame_time              At; start_time when absent
//	after.end_time (type end)     End, and At; frame_time if an end lacks it
//	after.stationary              Stationary
//	after.has_snapshot            HasSnapshot
//	the payload                   Raw
//
// Frigate writes times as Unix seconds in a float (1764975600.25); they
// become UTC time.Time rounded to the microsecond. A time outside
// 2000–2200 is refused: it is a broken message (or milliseconds), and
// would overflow.
//
// # frigate/reviews → feed.Event
//
// A review item groups the objects of one stretch of activity on a camera
// with a severity ("alert" or "detection"), again as type new/update/end
// with before/after. It becomes an Event with EventID "review:" + id (so
// it never shares a deduplication key with an object), Label "review/" +
// severity (so rules written for object labels never match it), Zones
// data.zones, Description the comma-joined data.objects, Start
// start_time, At start_time or, for an end, end_time.
//
// # Availability → feed.Heartbeat
//
// frigate/<camera>/status/<role> says "online", "offline" or "disabled" for
// one of a camera's processes (detect, record, audio). "online" of the
// detect role is handed to the Sink as a Heartbeat for that camera, At
// the time it arrived (the message carries none); the
// other values and roles only show on the status (Subscriber.Status).
// Frigate publishes these on change, not periodically, so a Sink that
// judges a camera offline after M quiet minutes should count the camera's
// events as signs of life too. frigate/available ("online"/"offline") is
// Frigate itself, shown on the status only.
//
// # What is refused
//
// A payload that is not JSON, is truncated, has a field of the wrong type,
// lacks after, after.id, after.camera or after.start_time, or has a time
// out of range wraps ErrMalformed; a type other than new, update and end
// wraps ErrUnknownType. The subscriber counts them (feed.Counters
// Malformed, UnknownType), logs them, acknowledges them (a resend would
// not make them readable) and goes on with the next message. A message on
// a subscribed topic this package does not read counts as UnknownType
// too. An object
// with after.false_positive set (Frigate does not normally publish one)
// is acknowledged and dropped.
//
// # Subscriber, embedded broker, replay
//
// Subscriber (Run) reads a broker with a persistent session (clean session
// off, a stable ClientID) and QoS 1 subscriptions, so a Linli restart or a
// network cut loses nothing Frigate published meanwhile; it reconnects
// with a doubling, capped backoff and subscribes again on every
// connection; it acknowledges a message only after the Sink took it (see
// Subscriber.Run for what happens when the Sink refuses). A Sink that can
// queue (feed.Queuer: the cameras service) is handed the next message's
// event while the ones before are being stored, so one commit takes many
// events and the subscriber is not held to one commit per message. A message is
// delivered at the lower of the publisher's and the subscriber's QoS, and
// Frigate publishes at its mqtt.qos, 0 unless configured: set "qos: 1" in
// Frigate's mqtt section, or the broker keeps nothing for Linli while it
// is away. The broker bounds what it keeps: Mosquitto drops a client's
// QoS 1 messages beyond max_queued_messages (1000 by default; the demo's
// day of two gate cameras is about 700 messages), so raise it on a broker
// that must carry Linli over a long outage.
//
// StartBroker runs an MQTT broker inside Linli (mochi-mqtt) on its own
// port (plain or TLS), with password accounts and no anonymous access, for
// a site whose analytics box should publish straight to Linli;
// Broker.SubscriberConfig is how Linli's own subscriber reads it, on a
// loopback listener with an account of the broker's own.
//
// DayOfEvents and Publish make and replay a day of gate events for the
// demo.
package frigate
