package cameras_test

import (
	"net/http"
	"testing"

	"linli/storage/storagetest"
)

// A place outside the actor's camera scope answers exactly like a place
// that does not exist — the same status and problem body, for a camera and
// for an ingest source — so staff of one community cannot tell another's
// ids from unused ones. Moving one's own camera there answers the same.
func TestOutOfScopePlaceAnswersLikeUnknown(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	other := srv.As(t, f.a("jixiang"))
	unknown, inside := f.input("JX-09", "jx9"), f.input("JX-09", "jx9")
	unknown.NodeID = 1 << 40
	want := other.JSON("POST", "/api/cameras", unknown)
	if want.Status != http.StatusUnprocessableEntity || want.Problem(t).Errors[0].Field != "node_id" {
		t.Fatalf("unknown place: %d %s", want.Status, want)
	}
	other.JSON("POST", "/api/cameras", inside).SameAs(t, want)

	src := map[string]any{"kind": "http", "name": "门岗", "node_id": unknown.NodeID}
	wantSrc := other.JSON("POST", "/api/cameras/sources", src)
	src["node_id"] = f.estate.ID
	other.JSON("POST", "/api/cameras/sources", src).SameAs(t, wantSrc)

	// A grid (not a gate) in another community: still "no such place",
	// not "a grid is no gate".
	src["node_id"] = f.estate.ParentID
	other.JSON("POST", "/api/cameras/sources", src).SameAs(t, wantSrc)

	id := f.jixiangCamera()
	moved := f.input("JX-01", "jx_gate")
	moved.NodeID = f.estate.ID
	r := other.JSON("POST", "/api/cameras/"+itoa(id), moved)
	unknown.Code, unknown.SourceRef = "JX-01", "jx_gate"
	r.SameAs(t, other.JSON("POST", "/api/cameras/"+itoa(id), unknown))
}
