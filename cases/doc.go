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
package cases
