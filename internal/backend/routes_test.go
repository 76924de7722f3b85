package backend_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// route is one operation of the API, read from its OpenAPI document, so
// that tests over "every route" follow the routes as they are registered.
type route struct {
	method string
	path   string // template: /v1/environments/{env}/permissions/{key}
	op     *huma.Operation
}

// routes lists every operation the server registers, in a stable order.
func (a *api) routes() []route {
	var out []route
	doc := a.srv.OpenAPI()
	for path, item := range doc.Paths {
		for method, op := range map[string]*huma.Operation{
			http.MethodGet: item.Get, http.MethodPut: item.Put, http.MethodPost: item.Post,
			http.MethodPatch: item.Patch, http.MethodDelete: item.Delete,
		} {
			if op != nil {
				out = append(out, route{method: method, path: path, op: op})
			}
		}
	}
	slices.SortFunc(out, func(x, y route) int { return strings.Compare(x.method+" "+x.path, y.method+" "+y.path) })
	return out
}

func (r route) String() string { return r.method + " " + r.path }

// writes reports whether the route changes anything.
func (r route) writes() bool { return r.method != http.MethodGet }

func (r route) takesBody() bool { return r.op.RequestBody != nil }

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// params are the route's path parameters, in order.
func (r route) params() []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
		out = append(out, m[1])
	}
	return out
}

// url fills the route's parameters: the environment is development, other
// parameters get a well-formed key that names nothing, except those in
// override, which are put in the path as given (already escaped).
func (r route) url(override map[string]string) string {
	return pathParam.ReplaceAllStringFunc(r.path, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := override[name]; ok {
			return v
		}
		if name == "env" {
			return "development"
		}
		return "hostile-k"
	})
}

// bodySchema is the route's request body schema, resolved.
func (a *api) bodySchema(r route) *huma.Schema {
	if r.op.RequestBody == nil {
		return nil
	}
	mt := r.op.RequestBody.Content["application/json"]
	if mt == nil || mt.Schema == nil {
		return nil
	}
	s := mt.Schema
	if s.Ref != "" {
		s = a.srv.OpenAPI().Components.Schemas.SchemaFromRef(s.Ref)
	}
	return s
}

// writableProperties are the body properties a client sends, in order.
func writableProperties(s *huma.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for name, p := range s.Properties {
		if !p.ReadOnly {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// serve sends one request straight to the server's handler: no client
// that follows redirects or cleans paths stands in between. target is the
// request line's target, sent as is.
func (a *api) serve(method, target, body string, header http.Header) response {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// ownerJSON is the header of an owner's JSON request.
func (a *api) ownerJSON() http.Header {
	return http.Header{"Authorization": {"Bearer " + a.owner}, "Content-Type": {"application/json"}}
}
