// Package votes runs consent votes under Civil Code art. 278 — one ballot per
// household, paper ballots recorded by staff or online by the owner, changed
// votes kept as history, objections followed to resolution, the live tally
// from package consent — and the cost plans that share a project's cost by
// floor.
package votes
