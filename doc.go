// Package linli holds the types every capability of Linli shares: the coded
// application error, the acting user with the roles granted on nodes of the
// community tree, and the clock. Capabilities live in their own packages
// (registry, auth, audit, …); storage and web are infrastructure; wiring
// happens only in cmd/linli.
package linli
