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
// A refusal by either must pass ClientError. check is also run twice on a
// second copy: normalising an input that is already normalised must change
// nothing and reach the same verdict, or a form sent back with the cleaned
// values would be judged differently. check may be nil (decoding only).
func Input[T any](t testing.TB, body []byte, check func(*T) error) {
	t.Helper()
	var once, twice T
	if err := DecodeJSON(t, body, &once); err != nil {
		return
	}
	if check == nil {
		return
	}
	if err := DecodeJSON(t, body, &twice); err != nil {
		t.Fatalf("the same body decoded twice: accepted, then %v", err)
	}
	err1 := check(&once)
	if err1 != nil {
		ClientError(t, err1)
	}
	_ = check(&twice)
	err2 := check(&twice)
	if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(linli.ErrorFields(err1), linli.ErrorFields(err2)) {
		t.Fatalf("%T: checked once %v %v, checked twice %v %v", once, err1, linli.ErrorFields(err1), err2, linli.ErrorFields(err2))
	}
	if !reflect.DeepEqual(once, twice) {
		t.Fatalf("%T: checking again changed the input:\n%+v\n%+v", once, once, twice)
	}
}
