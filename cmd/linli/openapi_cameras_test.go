package main

import (
	"slices"
	"testing"

	"linli/cameras"
)

func init() {
	oaWritten["Camera"], oaWritten["CameraZone"], oaWritten["CameraAlert"] = cameras.Camera{}, cameras.Zone{}, cameras.Alert{}
	oaWritten["CameraPrivacy"], oaWritten["CameraRule"] = cameras.Privacy{}, cameras.Rule{}
	oaWritten["CameraIngestSource"], oaWritten["CameraCounts"] = cameras.IngestSource{}, cameras.CountsView{}
	oaWritten["CameraStats"], oaWritten["CameraDay"] = cameras.Stats{}, cameras.CameraDay{}
	oaRead["CameraInput"], oaRead["CameraSourceInput"] = cameras.CameraInput{}, cameras.SourceInput{}
	// Privacy and Rule are read back by the same routes that write them.
	oaRead["CameraPrivacy"], oaRead["CameraRule"] = cameras.Privacy{}, cameras.Rule{}
}

// TestOpenAPICameraEnums: the documented rule kinds are the code's.
func TestOpenAPICameraEnums(t *testing.T) {
	doc := oaDoc(t)
	var got, want []string
	for _, v := range oaList(oaSchema(t, doc, "CameraRuleKind")["enum"]) {
		got = append(got, v.(string))
	}
	for _, k := range cameras.RuleKinds() {
		want = append(want, string(k))
	}
	if !slices.Equal(got, want) {
		t.Errorf("CameraRuleKind %v, code %v", got, want)
	}
}
