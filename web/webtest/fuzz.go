package webtest

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"

	"linli"
	"linli/web"
)

// DecodeJSON runs body through web.DecodeJSON into dst, as a handler does
// with a request body, and returns its error after checking it with
// ClientError (a refusal is a 400 or 413 naming what it refuses). The fuzz
// targets of the JSON input types call it, then run the type's own checks.
func DecodeJSON(t testing.TB, body []byte, dst any) error {
	t.Helper()
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	err := web.DecodeJSON(httptest.NewRecorder(), r, dst)
	if err != nil {
		ClientError(t, err, linli.EBadRequest, linli.ETooLarge)
	}
	return err
}

// ClientError fails t unless err is a *linli.Error with one of codes (all
// client errors when none is given) whose field errors each name a field
// and a reason: what a decoder or a rule of outside input may answer. A
// plain error would be a 500, and a field error without a field cannot be
// shown beside anything on a form.
func ClientError(t testing.TB, err error, codes ...string) {
	t.Helper()
	var e *linli.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a *linli.Error: %T %v", err, err)
	}
	if len(codes) == 0 {
		codes = []string{linli.EBadRequest, linli.EInvalid, linli.ETooLarge, linli.EConflict}
	}
	if !slices.Contains(codes, e.Code) {
		t.Fatalf("code %q, want one of %q: %v", e.Code, codes, err)
	}
	if e.Message == "" {
		t.Fatalf("no message: %#v", e)
	}
	for _, f := range e.Fields {
		if f.Field == "" || f.Reason == "" {
			t.Fatalf("a field error without field or reason: %+v in %v", f, err)
		}
	}
}

// Input decodes body into a new T as DecodeJSON does and, when it is
// accepted, runs check — the input type's own rules, without I/O — on it.
// A refusal by either must pass ClientError. When check accepts, it is run
// again on what it left: an accepted input, once normalised, must stay
// accepted and unchanged (what is stored, shown and sent back in a form is
// judged the same again). A refused input may be left half-normalised.
// check may be nil (decoding only).
func Input[T any](t testing.TB, body []byte, check func(*T) error) {
	t.Helper()
	var in T
	if err := DecodeJSON(t, body, &in); err != nil || check == nil {
		return
	}
	if err := check(&in); err != nil {
		ClientError(t, err)
		return
	}
	// A deep copy through JSON would lose unexported and "-" fields;
	// decoding the body again gives an independent value to normalise.
	var again T
	if err := DecodeJSON(t, body, &again); err != nil {
		t.Fatalf("the same body decoded twice: accepted, then %v", err)
	}
	if err := check(&again); err != nil {
		t.Fatalf("%T: accepted, then refused: %v", again, err)
	}
	if err := check(&again); err != nil {
		t.Fatalf("%T: accepted, then refused once normalised: %v %v", again, err, linli.ErrorFields(err))
	}
	if !reflect.DeepEqual(in, again) {
		t.Fatalf("%T: checking again changed the input:\n%+v\n%+v", in, in, again)
	}
}
