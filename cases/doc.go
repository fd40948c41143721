// Package cases runs the whistle/report-in loop (居民吹哨、网格报到): a
// problem is reported (by a resident, a grid worker's patrol, the hotline,
// a meeting's action item, an inspection finding or a camera alert),
// registered, dispatched to the grid worker, the property company or a
// functional department by the rules of its category, acknowledged,
// handled, verified by someone other than the handler, closed and rated by
// the reporter; an unsatisfied rating reopens it.
//
// Deadlines are counted on the working calendar (package calendar) and
// kept as durable timers (package jobs); an overdue case escalates along
// its category's chain, and every level called in must report in within
// its limit. The allowed transitions live in one table (machine.go).
// Other capabilities open cases through Service.Open; cases imports none
// of them.
//
// Case numbers (XY-20260310-0007: the community's abbreviation, the day,
// the day's sequence) are unique — a unique index says so — and follow
// the order in which reports took them. On SQLite they are also gap-free.
// On PostgreSQL the day's counter is bumped in a short transaction of its
// own (storage.Tx.Counter), because holding the counter row until each
// report commits made one community's reports queue one behind another's
// disk flush (issue 14: 29 of 32 connections waiting on that row, 230
// reports/s). A report that fails after taking its number — the
// connection drops, the server stops mid-write — leaves that number
// unused, and so does a retry with an idempotency key already used (the
// insert is the check, see writeOpen: a look-up first cost a round trip
// and, on a young table, a plan that read all of an integrator's cases). That is acceptable because a case number is a reference to
// quote on the phone and on paper, not a count: nothing is derived from
// the sequence (how many reports a day had comes from the statistics),
// no rule asks case numbers to be gap-free as it does invoice numbers,
// and failures after the checks are rare (the reads and checks of a
// report run before its number is taken), as are retries of a report
// that did arrive.
package cases
