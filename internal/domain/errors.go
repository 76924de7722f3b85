// Package domain holds Arbor's objects and the rules that govern them:
// validation, references, promotion and configuration documents. It knows
// nothing of HTTP or SQL; the backend calls it, and the provider calls the
// same functions to give the backend's answers earlier, at plan time.
package domain

import (
	"fmt"
	"strings"
)

// Code classifies an Error. Each code maps to exactly one HTTP status.
type Code string

const (
	CodeValidation         Code = "validation_failed"
	CodeUnauthorized       Code = "unauthorized"
	CodeForbidden          Code = "forbidden"
	CodeNotFound           Code = "not_found"
	CodeConflict           Code = "conflict"
	CodePromotionRefused   Code = "promotion_refused"
	CodePreconditionFailed Code = "precondition_failed"
	CodeTooLarge           Code = "request_too_large"
	CodeUnsupportedMedia   Code = "unsupported_media_type"
	CodeRateLimited        Code = "rate_limited"
	CodeInternal           Code = "internal"
	CodeUnavailable        Code = "unavailable"
)

// Codes lists every error code.
var Codes = []Code{CodeValidation, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeConflict, CodePromotionRefused,
	CodePreconditionFailed, CodeTooLarge, CodeUnsupportedMedia, CodeRateLimited, CodeInternal, CodeUnavailable}

// FieldError names one problem with one field of a request. Field is the
// attribute path as users write it: "branding.primary_color", "steps[2].ref".
type FieldError struct {
	Field   string `json:"field" doc:"Attribute path of the offending value, as written in the request."`
	Message string `json:"message" doc:"What is wrong with the value."`
}

// Error is the one error shape of the API, also used inside the backend so a
// rule's refusal travels unchanged from the domain to the client.
type Error struct {
	Code    Code         `json:"code" doc:"Machine-readable error class." values:"codes"`
	Message string       `json:"message" doc:"Human-readable explanation, naming what to do next where there is something to do."`
	Details []FieldError `json:"details,omitempty" doc:"Per-field problems, for validation errors."`
}

func (e *Error) Error() string {
	if len(e.Details) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, d := range e.Details {
		b.WriteString("\n  - ")
		if d.Field != "" {
			b.WriteString(d.Field)
			b.WriteString(": ")
		}
		b.WriteString(d.Message)
	}
	return b.String()
}

// Errorf builds an Error of the given code.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing object by kind and key.
func NotFound(kind, key string) *Error {
	return Errorf(CodeNotFound, "%s %q not found", kind, key)
}

// Problems collects field errors while a value is validated, so that every
// problem is reported at once rather than one per round trip.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Merge appends other's problems, each field prefixed with prefix.
func (p *Problems) Merge(prefix string, other Problems) {
	for _, fe := range other {
		field := fe.Field
		switch {
		case prefix == "":
		case field == "":
			field = prefix
		case strings.HasPrefix(field, "["):
			field = prefix + field
		default:
			field = prefix + "." + field
		}
		*p = append(*p, FieldError{Field: field, Message: fe.Message})
	}
}

// Err returns nil when there are no problems, else a validation Error.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msg := "invalid request"
	if len(p) == 1 && p[0].Field != "" {
		msg = fmt.Sprintf("invalid value for %s", p[0].Field)
	}
	return &Error{Code: CodeValidation, Message: msg, Details: p}
}
