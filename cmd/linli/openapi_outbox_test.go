package main

import "linli/outbox"

func init() {
	oaWritten["OutboxEntry"], oaWritten["OutboxChannel"] = outbox.Entry{}, outbox.ChannelView{}
	oaRead["OutboxChannelInput"] = outbox.ChannelInput{}
}
