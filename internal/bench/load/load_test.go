package load_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
)

func TestRunCountsSuccessesAndFailures(t *testing.T) {
	var served atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1)%10 == 0 {
			http.Error(w, "every tenth fails", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer ts.Close()

	r := load.Run(context.Background(), load.Config{
		Concurrency: 4,
		Duration:    200 * time.Millisecond,
		Request: func(worker, i int) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, ts.URL, nil)
		},
		OK: func(status int) bool { return status == http.StatusOK },
	})
	if r.Requests == 0 || int64(r.Requests) != served.Load() {
		t.Fatalf("requests = %d, server saw %d", r.Requests, served.Load())
	}
	if want := r.Requests / 10; r.Failures != want {
		t.Errorf("failures = %d, want %d", r.Failures, want)
	}
	if !strings.Contains(r.FirstFailure, "HTTP 500") || !strings.Contains(r.FirstFailure, "every tenth fails") {
		t.Errorf("first failure = %q", r.FirstFailure)
	}
	if ok := float64(r.Requests-r.Failures) / r.Elapsed.Seconds(); r.PerSecond != ok {
		t.Errorf("per second = %f, want %f", r.PerSecond, ok)
	}
	if r.P50 <= 0 || r.P99 < r.P50 {
		t.Errorf("p50 %v, p99 %v", r.P50, r.P99)
	}
}

func TestPercentile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 50, 99: 99, 100: 100, 0: 1} {
		if got := load.Percentile(sorted, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if load.Percentile(nil, 50) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

// TestRunReusesConnections checks that each worker keeps its connection,
// and dials again when the server closes it.
func TestRunReusesConnections(t *testing.T) {
	var served, dialled atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1)%5 == 0 {
			w.Header().Set("Connection", "close")
		}
		_, _ = w.Write([]byte("ok"))
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()

	r := load.Run(context.Background(), load.Config{
		Concurrency: 2,
		Duration:    200 * time.Millisecond,
		Request: func(worker, i int) (*http.Request, error) {
			return http.NewRequest(http.MethodPut, ts.URL+"/x", strings.NewReader(`{"a":1}`))
		},
		OK: func(status int) bool { return status == http.StatusOK },
	})
	if r.Failures > 0 || r.Requests < 10 {
		t.Fatalf("%d requests, %d failures: %s", r.Requests, r.Failures, r.FirstFailure)
	}
	if want := served.Load()/5 + 2; dialled.Load() > want {
		t.Errorf("%d connections for %d requests, one closed in five: want at most %d", dialled.Load(), served.Load(), want)
	}
}
