// Package web is the HTTP infrastructure every capability shares: problem
// JSON errors, body limits, the acting user on the request context, the
// page renderer with the shared layout and Chinese/English text, embedded
// static assets, and middleware (authentication, logging, metrics, CSRF).
// Capabilities register their own handlers and page templates; this
// package imports none of them.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"linli"
)

type actorKey struct{}

// WithActor puts the acting user on the context.
func WithActor(ctx context.Context, a *linli.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user, or nil when anonymous.
func ActorFrom(ctx context.Context) *linli.Actor {
	a, _ := ctx.Value(actorKey{}).(*linli.Actor)
	return a
}

// StatusOf maps an application error code to its HTTP status. This is
// the one place where that mapping lives.
func StatusOf(code string) int {
	switch code {
	case linli.EInvalid:
		return http.StatusUnprocessableEntity
	case linli.EBadRequest:
		return http.StatusBadRequest
	case linli.ENotFound:
		return http.StatusNotFound
	case linli.EForbidden:
		return http.StatusForbidden
	case linli.EUnauthorized:
		return http.StatusUnauthorized
	case linli.EConflict:
		return http.StatusConflict
	case linli.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case linli.ETooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document with Linli's stable code and the
// field errors.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Code   string             `json:"code"`
	Errors []linli.FieldError `json:"errors,omitempty"`
	Extra  map[string]any     `json:"extra,omitempty"`
}

// ProblemOf turns an error into a problem document. Internal errors are
// logged and shown without detail.
func ProblemOf(r *http.Request, err error) Problem {
	code := linli.ErrorCode(err)
	status := StatusOf(code)
	p := Problem{Type: "https://linli.invalid/problems/" + code, Title: http.StatusText(status), Status: status, Code: code,
		Detail: linli.ErrorMessage(err), Errors: linli.ErrorFields(err)}
	if code == linli.EInternal {
		slog.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "服务器内部错误 / internal error"
	}
	return p
}

// WriteError writes err as application/problem+json.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(r, err)
	SetRetryAfter(w, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// MaxJSONBody is the largest JSON request body accepted.
const MaxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into dst: 413 past the limit, 400 for
// unreadable JSON, unknown fields or anything after the JSON value.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxJSONBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return linli.Errorf(linli.ETooLarge, "请求体超过%d字节 / body larger than %d bytes", tooBig.Limit, tooBig.Limit)
		case errors.As(err, &typ) && typ.Field == "":
			// The body itself is of the wrong type (a number, an array):
			// there is no field to name.
			return linli.Errorf(linli.EBadRequest, "请求体须为JSON对象 / the body must be a JSON object")
		case errors.As(err, &typ):
			return &linli.Error{Code: linli.EBadRequest, Message: "字段类型错误 / wrong type for field " + typ.Field,
				Fields: []linli.FieldError{{Field: typ.Field, Reason: "应为" + typ.Type.String() + " / must be " + typ.Type.String()}}}
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return linli.Errorf(linli.EBadRequest, "请求体不是有效的JSON / body is not valid JSON")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if f == "" {
				// {"": …}: a key with no name cannot be marked on a form.
				return linli.Errorf(linli.EBadRequest, "未知字段（空名）/ unknown field with an empty name")
			}
			return &linli.Error{Code: linli.EBadRequest, Message: "未知字段 " + f + " / unknown field " + f,
				Fields: []linli.FieldError{{Field: f, Reason: "未知字段 / unknown field"}}}
		}
		return linli.Errorf(linli.EBadRequest, "无法读取请求体 / cannot read body: %v", err)
	}
	// One JSON value and nothing after it but white space: a second
	// object, or a fragment, would otherwise be silently ignored.
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return linli.Errorf(linli.ETooLarge, "请求体超过%d字节 / body larger than %d bytes", tooBig.Limit, tooBig.Limit)
		}
		return linli.Errorf(linli.EBadRequest, "JSON之后还有内容 / data after the JSON value")
	}
	return nil
}

// PathID parses a numeric path value; a bad one is a 404 (no such record).
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, linli.Errorf(linli.ENotFound, "记录不存在 / not found")
	}
	return id, nil
}

// QueryInt reads an optional integer query parameter.
func QueryInt(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &linli.Error{Code: linli.EBadRequest, Message: "参数 " + name + " 应为整数 / must be an integer",
			Fields: []linli.FieldError{{Field: name, Reason: "应为整数 / must be an integer"}}}
	}
	return n, nil
}

// ClientIP returns the remote address without the port.
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
