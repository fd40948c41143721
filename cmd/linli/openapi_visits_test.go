package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"linli/happiness"
	"linli/visits"
)

func init() {
	oaWritten["Visit"], oaWritten["VisitVisitor"], oaWritten["VisitFollowUp"] = visits.Visit{}, visits.Visitor{}, visits.FollowUp{}
	oaWritten["VisitPhoto"], oaWritten["VisitMatter"], oaWritten["VisitCoverage"] = visits.Photo{}, visits.Matter{}, visits.Coverage{}
	oaWritten["VisitCoverageHousehold"], oaWritten["VisitDetail"] = visits.CoverageHousehold{}, visits.Detail{}
	oaWritten["VisitList"], oaWritten["VisitMatterDetail"] = visits.VisitList{}, visits.MatterDetail{}
	oaRead["VisitInput"], oaRead["VisitFollowUpInput"] = visits.VisitInput{}, visits.FollowUpInput{}
	oaRead["VisitMatterInput"], oaRead["VisitFollowUpUpdate"] = visits.MatterInput{}, visits.FollowUpUpdate{}

	oaWritten["HappinessList"], oaWritten["HappinessEntry"] = happiness.List{}, happiness.Entry{}
	oaWritten["HappinessPhoto"], oaWritten["HappinessThanks"] = happiness.Photo{}, happiness.Thanks{}
	oaWritten["HappinessCommunity"] = happiness.Community{}
	oaRead["HappinessThanksInput"] = happiness.ThanksBody{}
}

// oaFits checks a live JSON answer against the schema documented for the
// route, method and status (visits and happiness tests).
func oaFits(t *testing.T, method, route string, status int, body []byte) {
	t.Helper()
	doc := oaDoc(t)
	op := oaMap(oaMap(oaMap(doc["paths"])[route])[strings.ToLower(method)])
	if op == nil {
		t.Errorf("%s %s is not documented", method, route)
		return
	}
	res := oaMap(oaMap(op["responses"])[fmt.Sprint(status)])
	if ref, ok := res["$ref"].(string); ok {
		res = oaRef(t, doc, ref)
	}
	media := "application/json"
	if status >= 400 {
		media = "application/problem+json"
	}
	schema := oaMap(oaMap(oaMap(res["content"])[media])["schema"])
	if schema == nil {
		t.Errorf("%s %s: no schema documented for %d", method, route, status)
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s %s: not JSON: %v", method, route, err)
		return
	}
	for _, e := range oaValidate(t, doc, schema, v, "") {
		t.Errorf("%s %s %d: %s", method, route, status, e)
	}
}
