package backend

import (
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The OpenAPI document is derived from the routes, but huma alone leaves
// out what generated clients need: the 201 of a create by PUT, the error
// statuses of each route with Arbor's error shape, and request bodies
// without the fields the server sets. This file adds them, from what each
// operation declares (its method, parameters, body and security), so a new
// route is described like the others without a list to keep.

// errorSchemaName names the one error shape in the document.
const errorSchemaName = "Error"

// metaCreates marks an operation whose PUT creates the object when it does
// not exist (201) and replaces it when it does (200).
const metaCreates = "arbor:creates"

// createsOrReplaces marks op as a PUT that answers 201 on create.
func createsOrReplaces(op *huma.Operation) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaCreates] = true
}

// writeBody documents op's request body as the writable part of T: its
// properties without the read-only ones (which the server sets), with the
// properties the path carries optional (a body may repeat them, and they
// must then equal the path). That is what a generated client sends.
//
// The server validates bodies against the same schema plus T's read-only
// properties, accepted and ignored: an object read and written back (the
// read-modify-write of a client that keeps what it read) is not refused
// for carrying its version. required says whether a body must be sent.
func writeBody[T any](s *Server, op *huma.Operation, required bool) {
	registry := s.api.OpenAPI().Components.Schemas
	ref := registry.Schema(reflect.TypeFor[T](), true, "")
	full := registry.SchemaFromRef(ref.Ref)
	typeName := strings.TrimPrefix(ref.Ref, schemaPrefix)
	fromPath := pathParams(op.Path)

	documented := &huma.Schema{Type: "object", AdditionalProperties: false, Properties: map[string]*huma.Schema{}}
	accepted := &huma.Schema{Type: "object", AdditionalProperties: false, Properties: map[string]*huma.Schema{}}
	var ignored []string
	for prop, ps := range full.Properties {
		accepted.Properties[prop] = ps
		if ps.ReadOnly {
			ignored = append(ignored, prop)
			continue
		}
		documented.Properties[prop] = ps
	}
	for _, prop := range full.Required {
		if documented.Properties[prop] != nil && !slices.Contains(fromPath, prop) {
			documented.Required = append(documented.Required, prop)
		}
	}
	accepted.Required = documented.Required
	documented.Description = "The writable fields of " + typeName + "."
	if len(ignored) > 0 {
		slices.Sort(ignored)
		documented.Description += " The server sets " + strings.Join(ignored, ", ") +
			": a body that carries them, such as an object read back, is accepted and they are ignored."
	}
	name := typeName + "Input"
	if registry.Map()[name] == nil {
		documented.PrecomputeMessages()
		registry.Map()[name] = documented
	}
	op.RequestBody = &huma.RequestBody{
		Required: required,
		Content:  map[string]*huma.MediaType{"application/json": {Schema: accepted}},
	}
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaDocumentedBody] = &huma.Schema{Ref: schemaPrefix + name}
}

// metaDocumentedBody holds the schema an operation's request body is
// documented with, when it differs from the one the server validates.
const metaDocumentedBody = "arbor:documented-body"

const schemaPrefix = "#/components/schemas/"

// pathParams lists the {parameters} of a path template.
func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			out = append(out, strings.TrimSuffix(name, "}"))
		}
	}
	return out
}

// describeResponses completes every operation's responses once all routes
// are registered.
func (s *Server) describeResponses() {
	oapi := s.api.OpenAPI()
	registry := oapi.Components.Schemas
	errRef := registry.Schema(reflect.TypeFor[domain.Error](), true, errorSchemaName)
	// huma's own error type is replaced by Arbor's shape everywhere.
	delete(registry.Map(), "ApiError")
	documentNames(registry)

	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete} {
			if op == nil {
				continue
			}
			delete(op.Responses, "default")
			managedByValues(op)
			if body, ok := op.Metadata[metaDocumentedBody].(*huma.Schema); ok {
				op.RequestBody.Content["application/json"].Schema = body
			}
			if created, ok := op.Metadata[metaCreates].(bool); ok && created {
				ok := op.Responses["200"]
				op.Responses["201"] = &huma.Response{Description: "Created.", Headers: ok.Headers, Content: ok.Content}
				ok.Description = "Replaced."
			}
			statuses := errorStatuses(oapi, op)
			// Statuses a route declares itself (huma's Operation.Errors,
			// such as /readyz's 503) are described the same way.
			for code := range op.Responses {
				if n, err := strconv.Atoi(code); err == nil && n >= 400 && !slices.Contains(statuses, n) {
					statuses = append(statuses, n)
				}
			}
			for _, status := range statuses {
				op.Responses[strconv.Itoa(status)] = errorResponse(status, errRef)
			}
		}
	}
	readOnlyOnlyInRequests(oapi)
}

// managedByValues documents the closed set of the Arbor-Managed-By header
// on the operations that take it, from domain.ManagedByValues (the
// handlers check it with domain.CheckManagedBy).
func managedByValues(op *huma.Operation) {
	for _, p := range op.Parameters {
		if p.In == "header" && p.Name == api.HeaderManagedBy && p.Schema != nil {
			p.Schema.Enum = nil
			for _, v := range domain.ManagedByValues {
				p.Schema.Enum = append(p.Schema.Enum, v)
			}
			// huma validates the header with this schema, and words its
			// refusal from messages computed when it was registered.
			p.Schema.PrecomputeMessages()
		}
	}
}

// readOnlyOnlyInRequests keeps readOnly where a request body can reach the
// schema and drops it from the schemas only responses use (tokens, API
// keys, environments, settings): there it tells a client nothing, and
// generators such as oapi-codegen turn a required read-only field into an
// optional pointer, so that a token's id would read as maybe absent.
func readOnlyOnlyInRequests(oapi *huma.OpenAPI) {
	schemas := oapi.Components.Schemas.Map()
	inRequests := map[string]bool{}
	var visit func(s *huma.Schema)
	visit = func(s *huma.Schema) {
		if s == nil {
			return
		}
		if name, ok := strings.CutPrefix(s.Ref, schemaPrefix); ok {
			if !inRequests[name] {
				inRequests[name] = true
				visit(schemas[name])
			}
			return
		}
		visit(s.Items)
		if extra, ok := s.AdditionalProperties.(*huma.Schema); ok {
			visit(extra)
		}
		for _, sub := range slices.Concat(slices.Collect(maps.Values(s.Properties)), s.OneOf, s.AnyOf, s.AllOf) {
			visit(sub)
		}
	}
	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Put, item.Post} {
			if op != nil && op.RequestBody != nil {
				for _, mt := range op.RequestBody.Content {
					visit(mt.Schema)
				}
			}
		}
	}
	for name, s := range schemas {
		if inRequests[name] {
			continue
		}
		for _, prop := range s.Properties {
			prop.ReadOnly = false
		}
	}
}

// errorStatuses are the error statuses op can answer, from what it
// declares.
func errorStatuses(oapi *huma.OpenAPI, op *huma.Operation) []int {
	security := oapi.Security
	if op.Security != nil {
		security = op.Security
	}
	authenticated := len(security) > 0
	var headers, paths, queries int
	for _, p := range op.Parameters {
		switch p.In {
		case "header":
			headers++
		case "path":
			paths++
		case "query":
			queries++
		}
	}
	statuses := map[int]bool{http.StatusInternalServerError: true}
	if paths+queries+headers > 0 || op.RequestBody != nil {
		statuses[http.StatusBadRequest] = true
	}
	if authenticated {
		statuses[http.StatusUnauthorized] = true
		statuses[http.StatusForbidden] = true
		statuses[http.StatusTooManyRequests] = true
	}
	if paths > 0 {
		statuses[http.StatusNotFound] = true
	}
	if op.Method != http.MethodGet {
		statuses[http.StatusConflict] = true
	}
	for _, p := range op.Parameters {
		if p.In == "header" && (p.Name == "If-Match" || p.Name == "If-None-Match") {
			statuses[http.StatusPreconditionFailed] = true
		}
	}
	if op.RequestBody != nil {
		statuses[http.StatusRequestEntityTooLarge] = true
		statuses[http.StatusUnsupportedMediaType] = true
	}
	return slices.Sorted(maps.Keys(statuses))
}

// errorResponse describes one error status in Arbor's error shape.
func errorResponse(status int, errRef *huma.Schema) *huma.Response {
	r := &huma.Response{
		Description: errorDescriptions[status],
		Content:     map[string]*huma.MediaType{"application/json": {Schema: errRef}},
	}
	switch status {
	case http.StatusTooManyRequests:
		r.Headers = map[string]*huma.Param{"Retry-After": {
			Description: "Seconds to wait before retrying.",
			Schema:      &huma.Schema{Type: "integer", Minimum: new(0.0)},
		}}
	case http.StatusUnauthorized:
		r.Headers = map[string]*huma.Param{"WWW-Authenticate": {
			Description: "The authentication scheme the API expects (Bearer).",
			Schema:      &huma.Schema{Type: "string"},
		}}
	}
	return r
}

var errorDescriptions = map[int]string{
	http.StatusBadRequest:            "The request is invalid: details name each offending field (validation_failed).",
	http.StatusUnauthorized:          "The credential is missing or invalid (unauthorized).",
	http.StatusForbidden:             "The credential may not do this (forbidden).",
	http.StatusNotFound:              "The object, or the environment, does not exist or is not visible to the credential (not_found).",
	http.StatusConflict:              "The write conflicts with the stored state, or the promotion rule refuses it (conflict, promotion_refused).",
	http.StatusPreconditionFailed:    "If-Match or If-None-Match does not hold: the object changed, was deleted, or already exists (precondition_failed).",
	http.StatusRequestEntityTooLarge: "The request body is larger than the limit (request_too_large).",
	http.StatusUnsupportedMediaType:  "The request body is not JSON.",
	http.StatusTooManyRequests:       "Too many requests from this credential; retry after Retry-After seconds (rate_limited).",
	http.StatusInternalServerError:   "The server failed; its log has details (internal).",
	http.StatusServiceUnavailable:    "The backend cannot serve now, such as when its database does not answer (unavailable).",
}

// optionalBool is a boolean query parameter that may be left out: huma
// parses the value into Value and reports whether it was sent.
type optionalBool struct {
	Value bool
	Set   bool
}

var (
	_ huma.ParamWrapper   = (*optionalBool)(nil)
	_ huma.ParamReactor   = (*optionalBool)(nil)
	_ huma.SchemaProvider = optionalBool{}
)

// Schema documents the parameter as the boolean it is on the wire.
func (optionalBool) Schema(huma.Registry) *huma.Schema { return &huma.Schema{Type: "boolean"} }

func (o *optionalBool) Receiver() reflect.Value      { return reflect.ValueOf(o).Elem().Field(0) }
func (o *optionalBool) OnParamSet(isSet bool, _ any) { o.Set = isSet }
