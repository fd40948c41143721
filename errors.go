package linli

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in web.statusOf.
const (
	EInvalid      = "invalid"      // 422: the input breaks a rule
	EBadRequest   = "bad_request"  // 400: the input cannot be read at all
	ENotFound     = "not_found"    // 404
	EForbidden    = "forbidden"    // 403
	EUnauthorized = "unauthorized" // 401
	EConflict     = "conflict"     // 409: duplicate or wrong state
	ETooLarge     = "too_large"    // 413
	ETooMany      = "too_many"     // 429: throttled
	EInternal     = "internal"     // 500
)

// FieldError names one field and why it was refused. Row is set for
// imports (1-based spreadsheet row), zero otherwise.
type FieldError struct {
	Row    int    `json:"row,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the one application error. Message is safe to show to users;
// Cause, when set, is the underlying error for the log and for errors.Is /
// errors.As, and is never shown.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Cause   error
}

// Unwrap returns the cause, so errors.Is(err, sql.ErrNoRows) still sees
// through a coded error built with Wrap.
func (e *Error) Unwrap() error { return e.Cause }

// Wrap builds an *Error that keeps cause beside the safe message.
func Wrap(cause error, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// WithFields returns a copy of e carrying fields in addition to its own;
// e itself is not changed, so an error value may be shared.
func (e *Error) WithFields(fields ...FieldError) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), fields...)
	return &c
}

// MergeFields joins the field errors of several validation errors into one
// 422; nil arguments are skipped and nil is returned when none has fields.
// It is how two checks of one input report together without one mutating
// the other's error.
func MergeFields(errs ...error) error {
	var fields []FieldError
	for _, err := range errs {
		fields = append(fields, ErrorFields(err)...)
	}
	if len(fields) == 0 {
		return nil
	}
	return Invalid("输入有误 / invalid input", fields...)
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Code + ": " + e.Message + ": " + e.Cause.Error()
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d field errors)", e.Code, e.Message, len(e.Fields))
	}
	return e.Code + ": " + e.Message
}

// Errorf builds an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a 422 error for one or more fields.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EInvalid, Message: message, Fields: fields}
}

// ErrorCode returns the code of err, EInternal for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors and turns into one *Error.
type Validation struct{ Fields []FieldError }

// Add records a field error.
func (v *Validation) Add(field, reason string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Reason: reason})
}

// AddErr records the field errors carried by err (see ErrorFields) and
// returns err when it carries none, so a caller can stop on a failure that
// is not about fields.
func (v *Validation) AddErr(err error) error {
	fields := ErrorFields(err)
	if err != nil && len(fields) == 0 {
		return err
	}
	v.Fields = append(v.Fields, fields...)
	return nil
}

// Err returns nil when nothing was recorded.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return Invalid("输入有误 / invalid input", v.Fields...)
}
