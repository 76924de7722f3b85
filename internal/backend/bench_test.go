package backend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
)

// benchPermissions is how many permissions the GET benchmarks choose from.
const benchPermissions = 1000

// benchAPI is a backend's handler, served without a socket, and an API key
// of its development environment: the requests Terraform sends in remote
// mode, minus the network.
type benchAPI struct {
	handler http.Handler
	key     string
	// owner is the account's owner token, for account-level seeding
	// (identities); newBenchAPI sets it.
	owner string
}

func (a benchAPI) serve(method, path, body string, headers ...string) *httptest.ResponseRecorder {
	// A server request's context ends when its client goes away; so does
	// this one's, so the store sees what it sees under a real server.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec
}

func newBenchAPI(b *testing.B) benchAPI {
	b.Helper()
	// The store this pass tests: the GET benchmarks on PostgreSQL measure
	// what a request costs serve beside its one round trip (issue 25).
	st, _ := openDatabase(b)
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		b.Fatal(err)
	}
	owner, _, err := srv.BootstrapOwnerToken(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	a := benchAPI{handler: srv.Handler(), key: owner, owner: owner}
	rec := a.serve("POST", "/v1/environments/development/api-keys", `{"name":"bench","scope":"read_write"}`)
	var key struct{ Secret string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &key) != nil {
		b.Fatalf("creating an API key: %d %s", rec.Code, rec.Body)
	}
	a.key = key.Secret
	for i := range benchPermissions {
		if rec := a.serve("PUT", fmt.Sprintf("/v1/environments/development/permissions/p%04d", i), `{"name":"A permission"}`); rec.Code != http.StatusCreated {
			b.Fatalf("seeding: %d %s", rec.Code, rec.Body)
		}
	}
	return a
}

func BenchmarkGetPermission(b *testing.B) {
	a := newBenchAPI(b)
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		if rec := a.serve("GET", fmt.Sprintf("/v1/environments/development/permissions/p%04d", i%benchPermissions), ""); rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkGetPermissionParallel(b *testing.B) {
	a := newBenchAPI(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	defer cpubench.Start(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if rec := a.serve("GET", fmt.Sprintf("/v1/environments/development/permissions/p%04d", i%benchPermissions), ""); rec.Code != http.StatusOK {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}

// BenchmarkPutPermission creates a permission per request, create-only, as
// terraform apply does.
func BenchmarkPutPermission(b *testing.B) {
	a := newBenchAPI(b)
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		rec := a.serve("PUT", fmt.Sprintf("/v1/environments/development/permissions/new%08d", i), `{"name":"A permission","description":"Benchmarked"}`, "If-None-Match", "*")
		if rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkPutPermissionParallel creates permissions from 8 goroutines
// per CPU, as a busy server's writes arrive: they queue for the single
// writer, and share its commits.
func BenchmarkPutPermissionParallel(b *testing.B) {
	a := newBenchAPI(b)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpubench.Start(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := a.serve("PUT", fmt.Sprintf("/v1/environments/development/permissions/new%08d", n.Add(1)), `{"name":"A permission","description":"Benchmarked"}`, "If-None-Match", "*")
			if rec.Code != http.StatusCreated {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
