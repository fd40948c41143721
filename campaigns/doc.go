// Package campaigns runs inspection campaigns (专项排查): a sweep of a set
// of places for one kind of hazard — the rooftop solar water heaters of a
// community's 26 estates before a windy season — by a task group walking
// building by building, one finding per household, one plan per hazard
// (一户一策) until a re-inspection closes it.
//
// A campaign is draft → active → closed. While draft its scope (estates,
// buildings; a community stands for its estates), period, task group and
// checklist template can change; Activate copies the template's items into
// the campaign (the checklist snapshot), so what was asked does not change
// under the findings. Only those who manage projects in the campaign's
// place (community staff and above, PermProjectsManage) create, activate,
// split, assign and close; task group members see the campaign and walk
// the tasks given to them; anyone else gets 404.
//
// A checklist item is yes/no, choice, number, text or photo, with an
// optional "this answer is a hazard" rule and a severity (一般/较大/重大).
// Evaluate (rules.go, no I/O) turns answers into hazard + severity.
//
// Findings (findings.go) are recorded by the task's people on a phone,
// offline if need be (contract 2 of issue 11: data-offline form,
// idempotency_key, multipart). A resend with a key already seen returns the
// first finding (200, never a second one: a unique index on idem_key).
// The same person recording a household again updates the finding and
// keeps the earlier version in campaign_finding_history; another person's
// finding for a household that has one is stored as a conflicting version
// (status conflict), shown on the task page for staff to pick, never
// overwriting. Residents' self-checks arrive as findings marked
// self-reported, to be confirmed by staff.
//
// Plans (plans.go): self-fix with guidance and a demonstration date,
// reinforcement by the contractor, removal by a professional team after
// notice (not before notice_day + wait_days), or no action. A
// re-inspection with a photo closes a plan. A hazard that needs a
// department opens a case (cases.Service.Open, source inspection) linked
// campaign → case (rel "hazard") and stored on the plan.
//
// The package is open for additions: an area adds its routes in a func of
// its own called from Routes (http.go) and its English in a catalogue func
// of its own listed in catalogs (pages.go); template functions carry the
// prefix "cp".
//
// The progress board (board.go, pages_board.go, chart.go) is for anyone
// who may read the campaign: estates done / to do — a place of the scope
// is done when every household under it has a finding in force (tasks
// are not closed by hand) — devices, hazards by severity, plans by kind,
// fixed, removed and findings per day, counted by the database in one
// grouped pass and drawn as SVG on the server, each chart with its
// figures in a table. The reports (export.go) are for those who run the
// campaign, its task group and those who read the register there (owners'
// names are the register's): an .xlsx workbook with one sheet per place
// of the scope, every household a row, phones masked, and an A4 print of
// one place's list (print/estate.html, a document of its own, with
// /static/campaign-print.css).
//
// The building view's layer "campaign:<id>" colours households not
// inspected / fine / hazard / fixed. OpenHazardHouseholds lists the
// households with an open hazard plan under some places, for notices'
// audience "campaign_hazard_open" (issue 11, contract 3).
package campaigns
