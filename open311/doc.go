// Package open311 is Linli's Open311 GeoReport v2 server, at /open311/v2,
// with FixMyStreet's servicerequestupdates extension: the open standard of
// civic issue reporting, so that the city's hotline platform or a
// residents' app can list the kinds of problems, report one and follow
// it.
//
// Every resource answers in XML (the standard's required format) and JSON,
// chosen by the suffix (requests.xml, requests.json), with the standard's
// element names; errors are the standard's list of {code, description}
// with 400 (unreadable or missing input), 403 (bad api_key, or a place
// outside the integrator's scope) and 404 (unknown service, request or
// jurisdiction).
//
// A jurisdiction is a community or street, named by its division code.
// Services are the active case categories; a request is a case, opened
// through cases with source open311 and known outside by its number.
// Integrators are accounts of their own (integrators.go): a name, an
// api_key shown once and stored hashed, the places they may report into,
// a rate limit per minute, and whether their reports are moderated (then
// a POST answers a token, and tokens/{token} the case number once staff
// registered it).
//
// What GET shows (public.go): only cases their reporter made public, and
// of those only what the happiness list would show — the category, the
// state as open/closed, the place down to the building, the map point
// rounded to about 10 m, the deadline, the grid or department handling
// it; the description and a photo only once community staff approved the
// case's public text (case_publications). Never a name, a phone, an
// e-mail or a note someone wrote.
package open311
