package linli_test

import (
	"database/sql"
	"errors"
	"testing"

	"linli"
)

func TestWrapKeepsTheCauseAndTheSafeMessage(t *testing.T) {
	err := linli.Wrap(sql.ErrNoRows, linli.ENotFound, "案件不存在 / case not found")
	if !errors.Is(err, sql.ErrNoRows) {
		t.Error("errors.Is does not see the cause")
	}
	if linli.ErrorCode(err) != linli.ENotFound || linli.ErrorMessage(err) != "案件不存在 / case not found" {
		t.Errorf("code %q message %q", linli.ErrorCode(err), linli.ErrorMessage(err))
	}
}

func TestFieldErrorsMergeWithoutMutation(t *testing.T) {
	a := linli.Invalid("a", linli.FieldError{Field: "name", Reason: "必填"})
	b := a.WithFields(linli.FieldError{Field: "phone", Reason: "格式不对"})
	if len(a.Fields) != 1 || len(b.Fields) != 2 {
		t.Fatalf("WithFields changed the original: %d, %d", len(a.Fields), len(b.Fields))
	}
	merged := linli.MergeFields(nil, a, linli.Invalid("c", linli.FieldError{Field: "area", Reason: "必须大于 0"}))
	if got := linli.ErrorFields(merged); len(got) != 2 || got[1].Field != "area" {
		t.Errorf("MergeFields = %v", got)
	}
	if linli.MergeFields(nil, nil) != nil {
		t.Error("MergeFields of nothing is not nil")
	}
	var v linli.Validation
	if err := v.AddErr(a); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := v.AddErr(boom); err != boom {
		t.Errorf("AddErr of a plain error = %v; want it back", err)
	}
	if len(v.Fields) != 1 {
		t.Errorf("fields = %v", v.Fields)
	}
}
