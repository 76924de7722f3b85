package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// statusOf maps each error code to its HTTP status.
var statusOf = map[domain.Code]int{
	domain.CodeValidation:         http.StatusBadRequest,
	domain.CodeUnauthorized:       http.StatusUnauthorized,
	domain.CodeForbidden:          http.StatusForbidden,
	domain.CodeNotFound:           http.StatusNotFound,
	domain.CodeConflict:           http.StatusConflict,
	domain.CodePromotionRefused:   http.StatusConflict,
	domain.CodePreconditionFailed: http.StatusPreconditionFailed,
	domain.CodeTooLarge:           http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	domain.CodeRateLimited:        http.StatusTooManyRequests,
	domain.CodeInternal:           http.StatusInternalServerError,
	domain.CodeUnavailable:        http.StatusServiceUnavailable,
}

// domainError lets apiError embed domain.Error without a field named Error.
type domainError = domain.Error

// apiError is a domain.Error on its way out: huma writes it with its status.
type apiError struct {
	domainError
	status int
}

var _ huma.StatusError = (*apiError)(nil)

func (e *apiError) GetStatus() int            { return e.status }
func (e *apiError) ContentType(string) string { return "application/json" }
func (e *apiError) Unwrap() error             { return &e.domainError }

func newAPIError(de *domain.Error) *apiError {
	return &apiError{domainError: *de, status: statusOf[de.Code]}
}

// codeOf maps statuses huma produces by itself back to error codes.
func codeOf(status int) domain.Code {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return domain.CodeValidation
	case http.StatusUnauthorized:
		return domain.CodeUnauthorized
	case http.StatusForbidden:
		return domain.CodeForbidden
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return domain.CodeNotFound
	case http.StatusConflict:
		return domain.CodeConflict
	case http.StatusPreconditionFailed:
		return domain.CodePreconditionFailed
	case http.StatusRequestEntityTooLarge:
		return domain.CodeTooLarge
	case http.StatusUnsupportedMediaType:
		return domain.CodeUnsupportedMedia
	case http.StatusTooManyRequests:
		return domain.CodeRateLimited
	case http.StatusServiceUnavailable:
		return domain.CodeUnavailable
	}
	return domain.CodeInternal
}

// newHumaError turns the errors huma raises itself (malformed JSON, schema
// violations, oversized bodies) into Arbor's error shape. Schema violations
// become 400s whose details name the field as the provider names it.
func newHumaError(status int, msg string, errs ...error) huma.StatusError {
	if status == http.StatusUnprocessableEntity {
		status = http.StatusBadRequest
	}
	de := &domain.Error{Code: codeOf(status), Message: msg}
	switch {
	case msg == "request body is required":
		de.Message = "a request body is required: send a JSON object ({} when every field is optional)"
	case de.Code == domain.CodeValidation:
		de.Message = "invalid request"
	}
	if de.Code == domain.CodeInternal {
		de.Message = "internal error"
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var d *huma.ErrorDetail
		if errors.As(err, &d) {
			field, message := fieldOf(d.Location), d.Message
			if m := requiredProperty.FindStringSubmatch(message); m != nil {
				field, message = joinField(field, m[1]), "is required"
			}
			if f, m, ok := decodeProblem(message); ok {
				field, message = joinField(field, f), m
			}
			de.Details = append(de.Details, domain.FieldError{Field: field, Message: message})
			continue
		}
		if de.Code != domain.CodeInternal {
			de.Details = append(de.Details, domain.FieldError{Message: err.Error()})
		}
	}
	if len(de.Details) == 1 && de.Details[0].Field != "" && de.Code == domain.CodeValidation {
		de.Message = "invalid value for " + de.Details[0].Field
	}
	return &apiError{domainError: *de, status: status}
}

// requiredProperty matches huma's message for a missing required field.
var requiredProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// goTypeMismatch matches encoding/json's type errors, which speak of Go
// types: "json: cannot unmarshal number into Go struct field
// Permission.name of type string".
var goTypeMismatch = regexp.MustCompile(`^json: cannot unmarshal (\w+)(?: \S+)? into Go (?:struct field (\S+)|value) of type (\S+)$`)

// decodeProblem rewrites encoding/json's messages in the API's words:
// the field as the request names it and the JSON type it must have.
func decodeProblem(message string) (field, rewritten string, ok bool) {
	if m := goTypeMismatch.FindStringSubmatch(message); m != nil {
		if _, path, found := strings.Cut(m[2], "."); found {
			field = path
		}
		found := m[1]
		if found == "bool" {
			found = "boolean"
		}
		return field, fmt.Sprintf("must be %s, not %s", jsonTypeNamed(m[3]), article(found)), true
	}
	if rest, found := strings.CutPrefix(message, "json: "); found {
		return "", "is not valid JSON: " + rest, true
	}
	if strings.HasPrefix(message, "invalid character") || strings.HasPrefix(message, "unexpected end of JSON") {
		return "", "is not valid JSON: " + message, true
	}
	return "", "", false
}

// jsonTypeNamed is the JSON type of a Go type as encoding/json prints it.
func jsonTypeNamed(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"):
		return "an object"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "an integer"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return "of the type the OpenAPI document gives it"
}

func joinField(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

// fieldOf strips huma's location prefix: "body.branding.logo_url" → "branding.logo_url".
func fieldOf(location string) string {
	for _, p := range []string{"body.", "path.", "query.", "header."} {
		if rest, ok := strings.CutPrefix(location, p); ok {
			return rest
		}
	}
	if location == "body" {
		return ""
	}
	return location
}

// fail converts any error a handler meets into one the client can act on.
// Unexpected errors are logged and reported without their text, which may
// hold internals.
func (s *Server) fail(ctx context.Context, err error) error {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		s.metrics.countPromotionRefusal(de)
		ae := newAPIError(de)
		if de.Code == domain.CodeRateLimited {
			return huma.ErrorWithHeaders(ae, http.Header{"Retry-After": {"1"}})
		}
		return ae
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return newAPIError(domain.Errorf(domain.CodeInternal, "the request was cancelled before it completed"))
	case errors.Is(err, store.ErrNotFound):
		return newAPIError(domain.Errorf(domain.CodeNotFound, "not found"))
	case errors.Is(err, store.ErrUnavailable):
		return huma.ErrorWithHeaders(newAPIError(s.unavailable(ctx, err)), http.Header{"Retry-After": {retryAfterOutage}})
	}
	s.log.ErrorContext(ctx, "request failed", "error", err)
	return newAPIError(domain.Errorf(domain.CodeInternal, "internal error; the server log has details"))
}

// retryAfterOutage is the Retry-After of an answer to a database outage, in
// seconds: about what a database restart or a failover takes to begin
// accepting connections again.
const retryAfterOutage = "2"

// unavailable is the answer to a request the database could not serve: an
// outage, not a bug, so it is logged as a warning and counted apart from
// internal errors. The driver's words stay in the log: they can name hosts
// and users.
func (s *Server) unavailable(ctx context.Context, err error) *domain.Error {
	s.log.WarnContext(ctx, "the database is unavailable", "error", err)
	s.metrics.databaseUnavailable.Inc()
	var ue *store.UnavailableError
	if errors.As(err, &ue) && ue.Uncertain {
		return domain.Errorf(domain.CodeUnavailable, "the database became unavailable while this write was committing, so it may have been made: "+
			"retry it with the same Idempotency-Key, which answers it as made if it was (Terraform's provider does); the server log has details")
	}
	return domain.Errorf(domain.CodeUnavailable, "the database is unavailable: retry in a few seconds; the server log has details")
}

// writeError writes an error outside huma (authentication, limits, panics).
func writeError(w http.ResponseWriter, de *domain.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(statusOf[de.Code])
	fmt.Fprintf(w, "%s\n", mustJSON(de))
}

// failIf is fail for handlers whose only result is an error.
func (s *Server) failIf(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return s.fail(ctx, err)
}
