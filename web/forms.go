package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli"
)

// FormInt is the integer in a form field; 0 when it is empty or not a
// number (a required field is checked by the service, which names it).
func FormInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

// FormInts are the positive integers of a repeated form field (checkboxes,
// multi-selects), in order; blanks and non-numbers are skipped.
func FormInts(r *http.Request, name string) []int64 {
	var out []int64
	for _, v := range r.Form[name] {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// Local date and time layouts a form or an API may send, most precise
// first: the browser's datetime-local ("2026-12-06T09:30"), with seconds,
// with a space, or a date alone.
var localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// ParseLocal reads a date or a date and time given in the deployment's
// zone (forms and APIs send wall-clock time, not UTC). ok is false for
// blank or unreadable text.
func ParseLocal(text string, zone *time.Location) (t time.Time, ok bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, false
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, text, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseDay reads a date alone ("2026-12-06") in zone.
func ParseDay(text string, zone *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(text), zone)
	return t, err == nil
}

// Call answers a JSON API request whose body decodes into In: decode
// (400/413 on unreadable input), call the service as the request's actor,
// write the result with status.
func Call[In, Out any](w http.ResponseWriter, r *http.Request, status int, call func(context.Context, *linli.Actor, In) (Out, error)) error {
	var in In
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	out, err := call(r.Context(), ActorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	WriteJSON(w, status, out)
	return nil
}

// CallID answers a JSON API request about the record whose id is the path
// value "id".
func CallID[Out any](w http.ResponseWriter, r *http.Request, call func(context.Context, *linli.Actor, int64) (Out, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	out, err := call(r.Context(), ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

// FormFailed shows a form again after a refused submission: when err
// carries field errors, page builds the form's page, which is rendered with
// the errors beside their fields and what the user typed kept, and
// FormFailed returns nil; any other error is returned for the error page.
func (rd *Renderer) FormFailed(w http.ResponseWriter, r *http.Request, err error, name string, page func() (*Page, error)) error {
	fields, msg := FormErrors(err)
	if fields == nil {
		return err
	}
	p, perr := page()
	if perr != nil {
		return perr
	}
	p.Errors, p.Error, p.Form = fields, msg, r.Form
	rd.Render(w, r, StatusOf(linli.ErrorCode(err)), name, p)
	return nil
}

// Choice is one answer of a picker's JSON read (places, cases, projects,
// accounts): the id the form submits, what the user reads, and a hint
// beside it (a case's state, a masked phone). Kind names a place's level
// for the place cascade.
type Choice struct {
	ID    int64  `json:"id"`
	Value string `json:"value,omitempty"` // what the form submits when it is not the id ("project:3")
	Label string `json:"label"`
	Hint  string `json:"hint,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

// Choices is a picker's answer.
type Choices struct {
	Items []Choice `json:"items"`
}

// WriteChoices answers a picker's read.
func WriteChoices(w http.ResponseWriter, items []Choice) {
	if items == nil {
		items = []Choice{}
	}
	WriteJSON(w, http.StatusOK, Choices{Items: items})
}
