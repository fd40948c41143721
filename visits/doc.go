// Package visits records door-to-door visits (逐户走访): who visited which
// household about which matter, the household's stance, its concerns and
// the follow-ups, and which households of a matter are not visited yet.
//
// A visit is about a subject — a project, a consent vote, a dispute
// (links.Ref) or a general matter. Every subject visited has a visit
// matter (table visit_matters) holding its title and its scope: the place
// whose households it concerns. The first visit about a subject creates
// the matter scoped to the household's building (CreateMatter can scope it
// beforehand); a visit outside the scope widens it to the nearest place
// holding both. A general matter exists only as a visit matter; its
// subject is "matter:<its id>".
//
// Coverage counts, under any place, the households visited about a
// subject (by their latest stance) and lists those not visited yet. The
// building view shows the same as the layer "visits:<matter id>", by
// stance at the latest visit: support MarkAgree, oppose MarkDisagree,
// undecided MarkUndecided, not visited MarkNone (and the building's
// households outside the matter's scope MarkOutside).
//
// Recording needs PermVisitsWrite on the household, and so does reading
// (staff, grid workers, building and unit heads, residents'
// representatives): a household's stance and worries are not for the
// property company, departments or contractors, who otherwise follow the
// project. A visit, matter or coverage the actor may not read answers 404.
// Residents do not see visit records, not even those of their own
// household: the notes are the visitors' working notes. The project, vote
// or dispute a visit is about must exist and be visible to the recorder
// (links.Registry.Visible). Every change writes its audit entry in the
// same transaction.
package visits
