package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
)

// seedLargeAccess writes the access benchmark's environment into
// development: 10,000 hierarchy nodes (a tree about ten levels deep), 100
// roles of 10 permissions out of 200, and 1,000 assignments of 500
// identities.
func seedLargeAccess(b *testing.B, a benchAPI) {
	b.Helper()
	put := func(path, body string) {
		if rec := a.serve("PUT", path, body); rec.Code != http.StatusCreated {
			b.Fatalf("seeding %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	const dev = "/v1/environments/development"
	for i := range 200 {
		put(fmt.Sprintf(dev+"/permissions/perm.%d", i), `{"name":"P"}`)
	}
	for i := range 100 {
		perms := make([]string, 10)
		for j := range perms {
			perms[j] = fmt.Sprintf(`"perm.%d"`, (i*7+j)%200)
		}
		put(fmt.Sprintf(dev+"/roles/role-%d", i), `{"name":"R","permissions":[`+strings.Join(perms, ",")+`]}`)
	}
	put(dev+"/hierarchy-nodes/node-0", `{"name":"N"}`)
	for i := 1; i < 10_000; i++ {
		put(fmt.Sprintf(dev+"/hierarchy-nodes/node-%d", i), fmt.Sprintf(`{"name":"N","parent_key":"node-%d"}`, (i-1)*2/5))
	}
	for i := range 500 {
		put(fmt.Sprintf("/v1/identities/id-%d", i), fmt.Sprintf(`{"name":"I","email":"id-%d@example.com"}`, i))
	}
	for i := range 1000 {
		put(fmt.Sprintf(dev+"/role-assignments/id-%d/role-%d/node-%d", i%500, (i*13)%100, (i*37)%10_000), `{}`)
	}
}

// BenchmarkAccessCheckRoute is one POST …/access/check on the large
// environment, through the whole handler and the store: the credential
// and the environment's change numbers are read in one statement, and the
// check is answered from the environment's index in memory.
func BenchmarkAccessCheckRoute(b *testing.B) {
	owner := newAPI(b)
	a := benchAPI{handler: owner.srv.Handler(), key: owner.owner}
	seedLargeAccess(b, a)
	body := `{"identity_key":"id-7","permission":"perm.9","node_key":"node-9999"}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := a.serve("POST", "/v1/environments/development/access/check", body); rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkAccessCheckBatchRoute is one POST …/access/batch-check of 1,000
// questions on the large environment: decoding, answering from one index
// and encoding them.
func BenchmarkAccessCheckBatchRoute(b *testing.B) {
	owner := newAPI(b)
	a := benchAPI{handler: owner.srv.Handler(), key: owner.owner}
	seedLargeAccess(b, a)
	checks := make([]string, 1000)
	for i := range checks {
		checks[i] = fmt.Sprintf(`{"identity_key":"id-%d","permission":"perm.%d","node_key":"node-%d"}`, i%500, (i*7)%200, (i*97)%10_000)
	}
	body := `{"checks":[` + strings.Join(checks, ",") + `]}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := a.serve("POST", "/v1/environments/development/access/batch-check", body); rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkCheckVersusGet compares, in one run on one server, what the
// checks section of make bench compares under load (issue 25): a POST
// …/access/check and a GET of one hierarchy node, both with an
// environment API key, on an environment of the load test's shape (1,000
// nodes of fan-out 10, 20 permissions, 10 roles, 100 identities, 500
// assignments). The goal is a check no dearer than the GET.
func BenchmarkCheckVersusGet(b *testing.B) {
	a := newBenchAPI(b)
	seedCheckEnvironment(b, a)
	const dev = "/v1/environments/development"
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		defer cpubench.Start(b)()
		for i := 0; b.Loop(); i++ {
			body := fmt.Sprintf(`{"identity_key":"user-%03d","permission":"perm-%02d","node_key":"n-%04d"}`, i%100, (i/100)%20, (i*7)%1000)
			if rec := a.serve("POST", dev+"/access/check", body); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		defer cpubench.Start(b)()
		for i := 0; b.Loop(); i++ {
			if rec := a.serve("GET", fmt.Sprintf(dev+"/hierarchy-nodes/n-%04d", (i*7)%1000), ""); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

// seedCheckEnvironment writes into development, through a, an environment
// of the shape the checks section of make bench measures: 1,000 nodes of
// fan-out 10 (n-0000…), 20 permissions (perm-00…), 10 roles of two
// permissions, 100 identities (user-000…) and 500 assignments.
func seedCheckEnvironment(b *testing.B, a benchAPI) {
	b.Helper()
	owner := benchAPI{handler: a.handler, key: a.owner}
	put := func(as benchAPI, path, body string) {
		if rec := as.serve("PUT", path, body); rec.Code != http.StatusCreated {
			b.Fatalf("seeding %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	const dev = "/v1/environments/development"
	for i := range 20 {
		put(a, fmt.Sprintf(dev+"/permissions/perm-%02d", i), `{"name":"P"}`)
	}
	for i := range 10 {
		put(a, fmt.Sprintf(dev+"/roles/role-%d", i), fmt.Sprintf(`{"name":"R","permissions":["perm-%02d","perm-%02d"]}`, i, i+10))
	}
	put(a, dev+"/hierarchy-nodes/n-0000", `{"name":"N"}`)
	for i := 1; i < 1000; i++ {
		put(a, fmt.Sprintf(dev+"/hierarchy-nodes/n-%04d", i), fmt.Sprintf(`{"name":"N","parent_key":"n-%04d"}`, (i-1)/10))
	}
	for i := range 100 {
		put(owner, fmt.Sprintf("/v1/identities/user-%03d", i), fmt.Sprintf(`{"name":"I","email":"user-%d@example.com"}`, i))
	}
	for i := range 500 {
		put(a, fmt.Sprintf(dev+"/role-assignments/user-%03d/role-%d/n-%04d", i%100, (i/100)%10, (i*37)%1000), `{}`)
	}
}
