// Package meetings runs coordination meetings (协调会、议事会、听证会):
// invitations, agenda, sign-in attendance, minutes, decisions and
// follow-up actions that become cases or tasks tracked to done.
//
// A meeting is planned → held → published (its minutes), or cancelled
// while planned. Minutes, decisions and actions are recorded once it is
// held (Hold refuses before the start time); sign-in closes when it is
// cancelled or published. Invitees sign themselves in from SelfSignInEarly
// before the start until the end.
//
// Who sees what: projects.read in the meeting's scope sees everything;
// an invited account, or a resident of an invited household, sees the
// meeting and — once published — its minutes, decisions and actions;
// anyone else gets 404. projects.manage in scope runs it; visits.write
// (grid workers, building and unit heads) also signs people in.
//
// An action becomes a case through cases.Service.Open (source meeting,
// source_ref "meeting:<id>", located at the meeting's scope) and is linked
// meeting → case with rel "action". Open commits on its own, so ToCase
// claims the action first and passes an idempotency key naming the action;
// a second call returns the recorded case, and a retry after an
// interrupted attempt adopts the case it opened. A project subject is
// linked project → meeting with rel "meeting" (other subjects: "origin").
package meetings
