// Package votes runs consent votes under Civil Code art. 278 — one ballot per
// household, paper ballots recorded by staff or online by the owner, changed
// votes kept as history, objections followed to resolution, the live tally
// from package consent — and the cost plans that share a project's cost by
// floor.
//
// # Votes
//
// A vote covers the households under one unit or building (its scope) and
// may name a project (stored as an id and linked project → vote, rel
// "vote"). The project is checked through the Projects hook (wired to
// projects.Service.VoteScope; votes does not import projects): it must be
// visible to the actor (422 on project_id), managed by the actor (403), and
// its scope must hold the vote's (422 on scope_id). Cost plans are checked
// the same way. While a vote is pending or open its electorate is read live
// from the register: the households under the scope with their exclusive
// area (0.01 m²) and floor; each is one owner, co-owners included, and
// the flats of one person are one owner together (法释〔2009〕7号 art. 9;
// owners.go and package consent, "Headcount": a flat's registered owners
// are identified by ID number, else person id; flats with the same owners
// count once in the headcount, their areas in full; a person whose flats
// vote differently takes part but does not count as agreeing). The vote
// page states the rule. When it closes the electorate is frozen (table
// vote_snapshot_households: household, label, floor, area, owners
// registered, required, owner key — a digest, not the ID numbers) by
// whichever comes first of CloseVote, the
// "votes.close" timer at closes_at, or the first read after closes_at; a
// closed vote is counted over the frozen electorate, so later register
// edits do not change its tally (snapshot.go). Its rule is the matter
// (renovation-class or ordinary), optional unanimity and households that
// must consent themselves.
//
// Every ballot is a row; a household's latest counts and the earlier ones
// are its history. Paper ballots are recorded by those holding
// projects.manage or visits.write in the scope, naming the collector.
// Online ballots come only from an account with a resident grant on the
// household that is a registered owner member of it (household_members
// .is_owner), matched by the account's person or, failing that, its phone —
// the demo binds accounts to people by phone. Ballots before opens_at, at
// or after closes_at, or after a manager closed the vote are refused (409).
// Once a household has voted online its ballot is the owner's: a paper
// ballot for it is refused (409 on household_id) unless community staff
// (projects.manage) record it with override_reason (409 on that field
// without one); the owner then gets an in-app notice ("vote.override").
//
// A disagree ballot with a reason opens an objection; follow-up notes and
// the household's visits about the matter (the Visits hook, asked about the
// project when there is one, else the vote) are shown with it. It closes
// on the owner's own online agree ballot ("改投同意"), or a staff decision
// with a reason: staff's agree paper ballot with a reason, or staff
// (projects.manage) resolving it by hand with a note. A proxy's agree
// paper ballot counts but leaves the objection open, with a note.
//
// ProjectGate holds a project in its consent phase until every unit the
// project covers has a vote of the project on it or on a place above it (a
// building vote covers its units), the latest such vote is closed and
// valid; a failed vote held again is superseded by the new one.
//
// Who may record ballots (projects.manage or visits.write in the scope)
// sees each household's ballots, reasons and owners and the objections,
// and which households have not yet agreed where unanimity or their own
// consent is required; a resident sees the own household; other readers
// (property, contractor, department) see the tally, the counts and the
// cost tables, and the building view's legend without marks. Everyone but
// the recorders — the project page's consent gate included — reads the
// tally's missing lines with counts in place of households (Tally
// .forReader).
//
// Ids in inputs are checked against the actor before they are used: a
// scope_id or node_id outside the actor's projects.read scopes, a vote_id
// the actor may not read, a project_id the Projects hook does not show,
// a paper ballot's household_id outside the vote all get the answer a
// nonexistent id gets (422 naming the field, same reason). An online
// ballot for any household that is not the actor's own is 403, whether
// or not the household exists.
//
// # Cost plans
//
// A plan shares total − subsidy (fen, parsed exactly from yuan text) among
// the scope's households — for a plan made from a vote, the vote's
// electorate, frozen once the vote is closed — by floor coefficient × area
// with consent.Allocate
// (largest remainder in fen; the shares add up exactly). Coefficients
// default to consent.DefaultScheme; a floor with households and no
// coefficient is a 422 naming the floor. Bills are exported as .xlsx at
// /cost-plans/{id}/bills.xlsx and /votes/{id}/cost.xlsx (the vote's newest
// plan). The vote page shows its plans once the tally is valid.
//
// The building view's "vote" layer colours households by their current
// ballot (an open objection first); the vote page links to it.
package votes
