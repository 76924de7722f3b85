package backend

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// unmatchedRoute labels requests no route answers, so that scanners probing
// random paths cannot add label values.
const unmatchedRoute = "unmatched"

// metrics are one Server's Prometheus metrics. They live on a registry of
// their own rather than the global default, so the many servers of one
// process (tests, embedded backends) never collide.
type metrics struct {
	registry *prometheus.Registry
	// exposition serves the registry in the format the scraper asks for.
	exposition        http.Handler
	requests          *prometheus.CounterVec
	requestDuration   *prometheus.HistogramVec
	txDuration        *prometheus.HistogramVec
	txRetries         *prometheus.CounterVec
	promotionRefusals prometheus.Counter
	idempotentReplays prometheus.Counter
	// databaseUnavailable counts the requests answered 503 for a
	// database outage, which are not bugs: apart from the 500s.
	databaseUnavailable prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arbor_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern (never the raw path) and status code.",
		}, []string{"method", "route", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arbor_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		txDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arbor_store_transaction_duration_seconds",
			Help:    "Time of a store transaction, retries included, by mode (read or write) and result (ok or error).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"mode", "result"}),
		txRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arbor_store_transaction_retries_total",
			Help: "Times the store ran a transaction's function again (after a transient conflict), by mode.",
		}, []string{"mode"}),
		promotionRefusals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbor_promotion_refusals_total",
			Help: "Writes and deletes refused by the promotion rule (answered 409 promotion_refused).",
		}),
		idempotentReplays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbor_idempotent_replays_total",
			Help: "Requests answered with the remembered response of an earlier request with the same Idempotency-Key.",
		}),
		databaseUnavailable: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbor_database_unavailable_total",
			Help: "Requests answered 503 because the database could not be reached or the connection to it was lost (an outage; internal errors, answered 500, are counted by arbor_http_requests_total alone).",
		}),
	}
	m.registry.MustRegister(m.requests, m.requestDuration, m.txDuration, m.txRetries, m.promotionRefusals, m.idempotentReplays, m.databaseUnavailable,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.exposition = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return m
}

// countPromotionRefusal counts de when it is the promotion rule's refusal.
func (m *metrics) countPromotionRefusal(de *domain.Error) {
	if de.Code == domain.CodePromotionRefused {
		m.promotionRefusals.Inc()
	}
}

// instrument records every request next answers under the pattern of the
// route mux would choose for it. The pattern is looked up before next runs
// because the handlers in between pass copies of the request along.
func (m *metrics) instrument(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, method := routeOf(mux, r), methodLabel(r.Method)
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		defer func() {
			// A panic re-raised to abort the response still counts.
			m.requestDuration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
			m.requests.WithLabelValues(method, route, strconv.Itoa(rec.statusOr200())).Inc()
		}()
		next.ServeHTTP(rec, r)
	})
}

// routeOf is the path pattern of the route serving r ("/v1/environments/{env}/roles/{key}").
func routeOf(mux *http.ServeMux, r *http.Request) string {
	_, pattern := mux.Handler(r)
	if pattern == "" {
		return unmatchedRoute
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// methodLabel is the request's method when it is a standard one: a client
// sending made-up methods must not add label values either.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusRecorder remembers the status a handler answers.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// instrumentedStore times a store's transactions and counts its retries.
// Retries are counted from outside: a store that retries a transaction runs
// its function again, and every run past the first is one retry. Methods
// other than View, Lookup and Update pass through.
type instrumentedStore struct {
	store.Store
	m *metrics
}

func (s instrumentedStore) View(ctx context.Context, fn func(store.Tx) error) error {
	runs := 0
	start := time.Now()
	err := s.Store.View(ctx, func(tx store.Tx) error { runs++; return fn(tx) })
	s.m.observeTransaction("read", start, runs, err)
	return err
}

// Lookup is timed as a read: it is one, without a transaction's BEGIN.
func (s instrumentedStore) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	start := time.Now()
	err := s.Store.Lookup(ctx, fn)
	s.m.observeTransaction("read", start, 1, err)
	return err
}

func (s instrumentedStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	runs := 0
	var last *observedTx
	start := time.Now()
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		runs++
		last = &observedTx{Tx: tx}
		return fn(last)
	})
	s.m.observeTransaction("write", start, runs, err)
	if err == nil && last != nil {
		s.m.idempotentReplays.Add(float64(last.replays))
	}
	return err
}

func (m *metrics) observeTransaction(mode string, start time.Time, runs int, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.txDuration.WithLabelValues(mode, result).Observe(time.Since(start).Seconds())
	if runs > 1 {
		m.txRetries.WithLabelValues(mode).Add(float64(runs - 1))
	}
}

// observedTx is one run of a write transaction's function, with what it
// saw. Its counts are added once the store commits its last run: a run the
// store discards and repeats must not count twice.
type observedTx struct {
	store.Tx
	replays int
}

// Prefetch passes the hint on to a store that reads ahead.
func (o *observedTx) Prefetch(refs ...store.Ref) {
	if pf, ok := o.Tx.(store.Prefetcher); ok {
		pf.Prefetch(refs...)
	}
}

// countReplay counts an idempotent replay made in tx.
func countReplay(tx store.Tx) {
	if o, ok := tx.(*observedTx); ok {
		o.replays++
	}
}

// MetricsHandler serves the metrics without a credential, for a listener
// of its own (serve --metrics-listen) that only the scraper reaches.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.exposition }

// registerMetricsRoute serves the metrics on the API itself, to owner and
// admin tokens: they describe the whole account's traffic.
func (s *Server) registerMetricsRoute() {
	metricsOp := op(http.MethodGet, "/metrics", "metrics", "Prometheus metrics", "account")
	metricsOp.Description = "Request counts and latency by route and status, store transaction times and retries, promotion refusals, idempotent replays and requests answered 503 for a database outage, in the Prometheus text format. " +
		"Owner or admin tokens only; `serve --metrics-listen` serves them without a credential on a separate address instead."
	metricsOp.Errors = []int{http.StatusUnauthorized, http.StatusForbidden}
	metricsOp.Responses = map[string]*huma.Response{
		"200": {Description: "The metrics.", Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: huma.TypeString}}}},
	}
	huma.Register(s.api, *metricsOp, func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
		p := principalFrom(ctx)
		if err := p.Authorize(domain.ActAdminister, domain.EnvAccess{}, false); err != nil {
			return nil, s.fail(ctx, err)
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			r, w := humago.Unwrap(hctx)
			s.metrics.exposition.ServeHTTP(w, r)
		}}, nil
	})
}
