// Package backend is Arbor's management API: HTTP handlers, authentication,
// authorization and the OpenAPI document, over a store.Store. The routes and
// the document are both derived from the Go types in domain, through huma,
// so they cannot drift apart; the client package speaks the same types.
package backend

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

func init() {
	huma.NewError = newHumaError
	// Field names are exact: encoding/json would read "NAME" as "name",
	// storing under one name what was sent under another.
	huma.ValidateStrictCasing = true
}

// Default request body limits. Configuration documents are larger.
const (
	DefaultBodyLimit     = 1 << 20
	DefaultDocumentLimit = 64 << 20
)

// Config configures a Server.
type Config struct {
	Store store.Store
	// Sealer encrypts secrets the backend must be able to read back
	// (webhook signing secrets, remembered idempotent responses).
	Sealer *Sealer
	// Logger receives operational logs; secrets are never logged.
	Logger *slog.Logger
	// BodyLimit caps request bodies (bytes); 0 means DefaultBodyLimit.
	BodyLimit int64
	// RateLimit caps requests per second per credential; 0 disables it.
	RateLimit float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MetricsOnSeparateListener leaves /metrics off the API: the caller
	// serves MetricsHandler on an address of its own.
	MetricsOnSeparateListener bool
}

// Server is the management API.
type Server struct {
	store     store.Store
	sealer    *Sealer
	log       *slog.Logger
	now       func() time.Time
	bodyLimit int64
	api       huma.API
	handler   http.Handler
	limiter   *rateLimiter
	metrics   *metrics
	// accessIndexes answer access checks (see access_index.go).
	accessIndexes accessIndexes
	// envCopies keep what is derived of all of an environment's objects
	// (see env_copies.go).
	envCopies envCopies
	// metricsOnAPI is false when a listener of their own serves /metrics.
	metricsOnAPI bool
}

// New builds a Server and its routes.
func New(cfg Config) (*Server, error) {
	m := newMetrics()
	s := &Server{
		store:     instrumentedStore{Store: cfg.Store, m: m},
		metrics:   m,
		sealer:    cfg.Sealer,
		log:       cfg.Logger,
		now:       cfg.Now,
		bodyLimit: cfg.BodyLimit,

		metricsOnAPI: !cfg.MetricsOnSeparateListener,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.bodyLimit == 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	if s.sealer == nil {
		return nil, errorString("backend: a Sealer is required")
	}
	if cfg.RateLimit > 0 {
		s.limiter = newRateLimiter(cfg.RateLimit, s.now)
	}

	mux := http.NewServeMux()
	s.api = humago.New(mux, apiConfig())
	s.api.UseMiddleware(knownQueryParameters)
	s.registerRoutes()
	s.handler = s.metrics.instrument(mux, s.recoverPanics(joinConditionLines(exactPaths(s.authenticate(s.strictBodies(mux))))))
	return s, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

func apiConfig() huma.Config {
	registry := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	// A JSONObject travels as raw bytes but is documented and validated as
	// the JSON object it is.
	registry.RegisterTypeAlias(reflect.TypeFor[domain.JSONObject](), reflect.TypeFor[map[string]any]())
	cfg := huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{
				Title:       "Arbor management API",
				Version:     version.Version,
				Description: "Environment-isolated access control and notification configuration. Authenticate with `Authorization: Bearer <account token or environment API key>`.",
			},
			Components: &huma.Components{
				Schemas: registry,
				SecuritySchemes: map[string]*huma.SecurityScheme{
					"bearer": {Type: "http", Scheme: "bearer", Description: "An account token (arbt_…) or an environment API key (arbk_…)."},
				},
			},
			Security: []map[string][]string{{"bearer": {}}},
			// Relative: the API is wherever the document is served from.
			Servers: []*huma.Server{{URL: "/", Description: "The server this document is served by."}},
		},
		OpenAPIPath:   "/v1/openapi",
		Formats:       huma.DefaultFormats,
		DefaultFormat: "application/json",
	}
	return cfg
}

// Handler is the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.handler }

// OpenAPI is the API's description.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeError(w, domain.Errorf(domain.CodeInternal, "internal error; the server log has details"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// op is the operation description shared by every route.
func op(method, path, id, summary, tag string) *huma.Operation {
	return &huma.Operation{
		OperationID: id,
		Method:      method,
		Path:        path,
		Summary:     summary,
		Tags:        []string{tag},
	}
}

// registerRoutes wires every route. Each group lives beside its handlers.
func (s *Server) registerRoutes() {
	s.registerHealthRoutes()
	if s.metricsOnAPI {
		s.registerMetricsRoute()
	}
	s.registerAccountRoutes()
	s.registerEnvironmentRoutes()
	s.registerCredentialRoutes()
	s.registerObjectRoutes()
	s.registerConfigRoutes()
	s.registerCheckRoutes()
	s.registerPendingRoutes()
	s.describeResponses()
}
