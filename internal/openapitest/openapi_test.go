// Package openapitest proves the backend's OpenAPI document true: a client
// generated from it by oapi-codegen drives every route of a real backend,
// and every request and response on the way is checked against the
// document with kin-openapi.
package openapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	// The generated client imports the oapi-codegen runtime; importing it
	// here keeps it in go.mod and go.sum, so the client builds offline and
	// in a fresh clone.
	_ "github.com/oapi-codegen/runtime"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// proseDefault finds a default stated in a description: "Default true."
var proseDefault = regexp.MustCompile(`\bDefault (\S+)\.(\s|$)`)

// invalidHeader marks a request the driver sends knowing it is invalid:
// the document must refuse it too, and the server must answer 4xx.
const invalidHeader = "X-Openapitest-Invalid"

// TestGeneratedClientDrivesEveryRoute generates a Go client from the
// document the backend serves, compiles it with the driver in
// testdata/driver, and runs the driver against a real backend. Every
// request and response is validated against the document, and every
// operation the document lists must have been answered with each of its
// success statuses.
func TestGeneratedClientDrivesEveryRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and compiles a client (about a minute)")
	}
	srv := startBackend(t)
	spec := servedDocument(t, srv.Handler())

	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatalf("loading the served document with kin-openapi: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	v := &validator{t: t, next: srv.Handler(), seen: map[string]map[int]bool{}}
	ts := httptest.NewServer(v)
	t.Cleanup(ts.Close)
	// Routing needs an absolute server; the document's own is relative.
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	if v.router, err = gorillamux.NewRouter(doc); err != nil {
		t.Fatalf("routing the document: %v", err)
	}

	dir := clientPackage(t, spec)
	cmd := exec.Command("go", "test", "-count=1", "-v", "./"+filepath.Base(dir))
	cmd.Dir = filepath.Dir(dir)
	cmd.Env = append(os.Environ(), "ARBOR_OPENAPITEST_URL="+ts.URL, "ARBOR_OPENAPITEST_TOKEN="+ownerToken)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the driver failed: %v\n%s", err, out)
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				status, _ := strconv.Atoi(code)
				if status/100 == 2 && !v.seen[op.OperationID][status] {
					t.Errorf("%s %s (%s): the driver never got its documented %d; drive it in testdata/driver", method, path, op.OperationID, status)
				}
			}
		}
	}
}

const ownerToken = "openapitest-owner-token-0123456789"

func startBackend(t *testing.T) *backend.Server {
	t.Helper()
	dir := t.TempDir()
	st, err := database.Open(context.Background(), filepath.Join(dir, "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.BootstrapOwnerToken(context.Background(), ownerToken); err != nil {
		t.Fatal(err)
	}
	return srv
}

// servedDocument is the document as a client downloads it.
func servedDocument(t *testing.T, h http.Handler) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// clientPackage generates the client into a fresh package beside the
// driver, inside this module (so it builds with the module's pinned
// dependencies) and under testdata (so ./... never sees it). The package
// is removed afterwards; .gitignore keeps a leftover out of git.
func clientPackage(t *testing.T, spec []byte) string {
	t.Helper()
	//nolint:usetesting // t.TempDir is outside the module, where the client could not use its pinned dependencies.
	dir, err := os.MkdirTemp("testdata", "client-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	driver, err := os.ReadFile(filepath.Join("testdata", "driver", "driver_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "driver_test.go"), driver, 0o644); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	gen := exec.Command("go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "client", "-o", filepath.Join(dir, "client.gen.go"), specPath)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen refused the document: %v\n%s", err, out)
	}
	t.Logf("client generated in %s", time.Since(start).Round(time.Millisecond))
	return dir
}

// validator sits between the generated client and the backend and checks
// each request and response against the document.
type validator struct {
	t      *testing.T
	router routers.Router
	next   http.Handler

	mu   sync.Mutex
	seen map[string]map[int]bool // operation id → statuses answered
}

func (v *validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		v.t.Errorf("%s %s: reading the request: %v", r.Method, r.URL.Path, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	what := r.Method + " " + r.URL.RequestURI()

	route, params, err := v.router.FindRoute(r)
	if err != nil {
		v.t.Errorf("%s: the document has no such operation: %v", what, err)
		v.next.ServeHTTP(w, r)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	requestErr := openapi3filter.ValidateRequest(r.Context(), in)
	invalid := r.Header.Get(invalidHeader) != ""
	switch {
	case invalid && requestErr == nil:
		v.t.Errorf("%s: the document accepts a request the server must refuse:\n%s", what, body)
	case !invalid && requestErr != nil:
		v.t.Errorf("%s: the request breaks the document: %v\n%s", what, requestErr, body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	rec := httptest.NewRecorder()
	v.next.ServeHTTP(rec, r)
	answer := rec.Body.Bytes()
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(answer)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
		v.t.Errorf("%s → %d: the response breaks the document: %v\n%s", what, rec.Code, err, answer)
	}
	if invalid && rec.Code/100 != 4 {
		v.t.Errorf("%s: an invalid request was answered %d, not 4xx:\n%s", what, rec.Code, answer)
	}

	v.mu.Lock()
	id := route.Operation.OperationID
	if v.seen[id] == nil {
		v.seen[id] = map[int]bool{}
	}
	v.seen[id][rec.Code] = true
	v.mu.Unlock()

	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(answer)
}

// TestServedDocumentIsTheTruth checks, on the document alone, the rules
// a generated client depends on, for every operation and schema, so a new
// route or type is held to them without being named here.
func TestServedDocumentIsTheTruth(t *testing.T) {
	spec := servedDocument(t, startBackend(t).Handler())
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) == 0 {
		t.Error("the document has no servers entry")
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			what := fmt.Sprintf("%s %s", method, path)
			if op.Responses.Value("default") != nil {
				t.Errorf("%s: a default response hides which statuses the route answers", what)
			}
			for code, resp := range op.Responses.Map() {
				status, _ := strconv.Atoi(code)
				if status < 400 {
					continue
				}
				mt := resp.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s: %s is not documented with the Error schema", what, code)
				}
			}
			var inPath []string
			for _, p := range op.Parameters {
				if p.Value.In == "path" {
					inPath = append(inPath, p.Value.Name)
				}
				if ps := p.Value.Schema.Value; ps.Type.Is(openapi3.TypeString) && len(ps.Enum) == 2 && slices.Contains(ps.Enum, any("true")) && slices.Contains(ps.Enum, any("false")) {
					t.Errorf("%s: parameter %s is a boolean documented as a string enum", what, p.Value.Name)
				}
			}
			if op.RequestBody == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil {
				t.Errorf("%s: request body without a JSON schema", what)
				continue
			}
			body := mt.Schema.Value
			for _, name := range body.Required {
				prop := body.Properties[name]
				if prop != nil && prop.Value.ReadOnly {
					t.Errorf("%s: the request body requires %s, which the server sets", what, name)
				}
				if slices.Contains(inPath, name) {
					t.Errorf("%s: the request body requires %s, which the path carries", what, name)
				}
			}
			if mt.Schema.Ref != "#/components/schemas/ConfigDocument" {
				for name, prop := range body.Properties {
					if prop.Value.ReadOnly {
						t.Errorf("%s: the request body offers %s, which the server sets", what, name)
					}
				}
			}
			if method == http.MethodPut && slices.Contains(inPath, "key") && op.Responses.Status(http.StatusCreated) == nil {
				t.Errorf("%s: creates by PUT but does not document 201", what)
			}
		}
	}
	// A default told in prose is a default in the schema, so generators
	// and validators know it too.
	for name, schema := range doc.Components.Schemas {
		for prop, ps := range schema.Value.Properties {
			m := proseDefault.FindStringSubmatch(ps.Value.Description)
			if m == nil {
				continue
			}
			if ps.Value.Default == nil || fmt.Sprint(ps.Value.Default) != m[1] {
				t.Errorf("%s.%s: the description says Default %s, the schema's default is %v", name, prop, m[1], ps.Value.Default)
			}
		}
	}
	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil {
		t.Fatal("no Error schema")
	}
	for _, field := range []string{"code", "message", "details"} {
		if errSchema.Value.Properties[field] == nil {
			t.Errorf("the Error schema lacks %s", field)
		}
	}
	if strings.Contains(string(spec), "ApiError") {
		t.Error("the document still names huma's ApiError")
	}
}
