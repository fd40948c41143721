// Package outbox delivers every message that leaves Linli: SMS to a
// hotline caller, a registration code, a notice to a WeCom or DingTalk
// group, an e-mail, a call to an integrator's webhook.
//
// A capability writes its message with Enqueue inside the transaction of
// the change that causes it, so a message exists iff the change
// committed. A Worker (one per replica) then delivers the rows:
//
//   - Claim: in a short transaction it takes a batch of due rows (FOR
//     UPDATE SKIP LOCKED on PostgreSQL, under a transaction-scoped
//     advisory lock so two replicas never claim for one recipient at the
//     same time; SQLite has one writer) and moves each row's next_at to
//     the end of its lease. A worker that dies mid-batch thus loses
//     nothing: its rows become due again when the lease runs out.
//   - Send: after the claim commits, outside any transaction. Rows of one
//     recipient go one after the other in id order; different recipients
//     in parallel.
//   - Record: one transaction writes every outcome, guarded by the lease
//     (a worker whose lease ran out and whose rows another worker took
//     records nothing).
//
// The guarantee is at least once: a crash between send and record sends
// the row again. Channels that let the receiver deduplicate get a stable
// id (the X-Linli-Delivery header of a webhook, an e-mail's Message-ID,
// the dedup key if the caller gave one).
//
// Order is kept per recipient (channel + recipient): while a row waits for
// its next try, later rows to the same recipient wait behind it. A failed
// try is retried after an exponential backoff with jitter; after
// MaxAttempts tries, or at once for an answer that will never change (a
// 4xx, a bad address), the row is dead. Staff see every row of their scope
// on /outbox and may put a dead row back to pending (audited).
//
// A row whose channel is not configured (no SMS gateway, no robot for its
// community) is neither sent nor dead: it stays pending with last_error
// "no SMS channel configured" and is looked at again every few minutes,
// so configuring the channel delivers the backlog.
//
// Secrets (SMTP passwords, robot keys in URLs, signing secrets) never
// reach a log, a page, an error or last_error: errors pass through
// redact, and pages show them as ••••.
package outbox
