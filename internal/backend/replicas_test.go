package backend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Two backends on one database answer as one: the tests below race
// requests through both, on each store (see TestMain).

// raceRequests sends n requests at once, alternating between the replicas,
// and returns the answers in order.
func raceRequests(t *testing.T, replicas [2]*api, n int, request func(i int, a *api) (response, error)) []response {
	t.Helper()
	answers := make([]response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i], errs[i] = request(i, replicas[i%2])
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return answers
}

func statuses(answers []response) map[int]int {
	count := map[int]int{}
	for _, r := range answers {
		count[r.status]++
	}
	return count
}

func TestReplicasCreateOnceWithIfNoneMatch(t *testing.T) {
	a := newAPI(t)
	replicas := [2]*api{a, a.replica()}
	const writers = 6
	for round := range 5 {
		path := fmt.Sprintf("/v1/environments/development/permissions/p%d", round)
		answers := raceRequests(t, replicas, writers, func(i int, r *api) (response, error) {
			return r.send(r.owner, "PUT", path, fmt.Sprintf(`{"name":"writer %d"}`, i), "If-None-Match", "*")
		})
		if got := statuses(answers); got[201] != 1 || got[412] != writers-1 {
			t.Fatalf("round %d: racing create-only writes answered %v, want one 201 and %d 412", round, got, writers-1)
		}
		created := ""
		for _, r := range answers {
			if r.status == 201 {
				created = r.json()["name"].(string)
			}
		}
		// Both replicas read the winner's write, at version 1.
		for _, r := range replicas {
			got := r.expect(r.do(r.owner, "GET", path, ""), 200).json()
			if got["name"] != created || got["version"] != float64(1) {
				t.Fatalf("round %d: read %v, want the 201's %q at version 1", round, got, created)
			}
		}
	}
}

func TestReplicasRefuseAStaleIfMatch(t *testing.T) {
	a := newAPI(t)
	b := a.replica()
	const path = "/v1/environments/development/permissions/read"
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Read"}`), 201)
	// Both writers saw version 1; the first through either replica wins.
	const writers = 6
	answers := raceRequests(t, [2]*api{a, b}, writers, func(i int, r *api) (response, error) {
		return r.send(r.owner, "PUT", path, fmt.Sprintf(`{"name":"writer %d"}`, i), "If-Match", `"1"`)
	})
	if got := statuses(answers); got[200] != 1 || got[412] != writers-1 {
		t.Fatalf("racing If-Match writes answered %v, want one 200 and %d 412", got, writers-1)
	}
	if got := b.expect(b.do(b.owner, "GET", path, ""), 200).json(); got["version"] != float64(2) {
		t.Fatalf("after the race: %v, want version 2", got)
	}
}

func TestReplicasHolderOfAUniqueValue(t *testing.T) {
	a := newAPI(t)
	const writers = 6
	answers := raceRequests(t, [2]*api{a, a.replica()}, writers, func(i int, r *api) (response, error) {
		return r.send(r.owner, "PUT", fmt.Sprintf("/v1/identities/person-%d", i), `{"name":"Ada","email":"ada@example.com"}`)
	})
	if got := statuses(answers); got[201] != 1 || got[409] != writers-1 {
		t.Fatalf("identities racing for one email answered %v, want one 201 and %d 409", got, writers-1)
	}
}

func TestReplicasReplayAnIdempotencyKey(t *testing.T) {
	a := newAPI(t)
	const writers = 6
	answers := raceRequests(t, [2]*api{a, a.replica()}, writers, func(_ int, r *api) (response, error) {
		return r.send(r.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`, "Idempotency-Key", "deploy-1")
	})
	for _, r := range answers {
		if r.status != 201 || string(r.body) != string(answers[0].body) {
			t.Fatalf("a POST retried on another replica answered %d %s, want the first answer %s", r.status, r.body, answers[0].body)
		}
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(a.expect(a.do(a.owner, "GET", "/v1/environments/development/api-keys", ""), 200).body, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("%d API keys made by one Idempotency-Key, want 1", len(page.Items))
	}
}

// A promotion to staging racing the change it promotes in development,
// through different replicas: staging accepts the new content only once
// development's change has committed. The audit log, whose order is commit
// order, must show development's write before staging's.
func TestPromotionRacesAChangeInDevelopment(t *testing.T) {
	a := newAPI(t)
	b := a.replica()
	a.environment("staging")
	a.channels("development", "staging")
	a.putWorkflow(a.owner, "development", "welcome", workflowBody("v0"), 201)
	a.putWorkflow(a.owner, "staging", "welcome", workflowBody("v0"), 201)
	promoted, refused := 0, 0
	for round := 1; round <= 12; round++ {
		next := workflowBody(fmt.Sprintf("v%d", round))
		answers := raceRequests(t, [2]*api{a, b}, 2, func(i int, r *api) (response, error) {
			env := []string{"development", "staging"}[i]
			return r.send(r.owner, "PUT", "/v1/environments/"+env+"/workflows/welcome", next)
		})
		change, promotion := answers[0], answers[1]
		if change.status != 200 {
			t.Fatalf("round %d: the change in development answered %d %s", round, change.status, change.body)
		}
		switch promotion.status {
		case 200:
			promoted++
			devAt, stagingAt := auditPosition(t, a, "development", change), auditPosition(t, a, "staging", promotion)
			if stagingAt <= devAt {
				t.Fatalf("round %d: staging accepted content whose development write committed later (audit ids %d, %d)", round, stagingAt, devAt)
			}
		case 409:
			refused++
			if !strings.Contains(string(promotion.body), "development") {
				t.Fatalf("round %d: refusal does not name development: %s", round, promotion.body)
			}
			// Promote it now that the change is in.
			b.putWorkflow(b.owner, "staging", "welcome", next, 200)
		default:
			t.Fatalf("round %d: the promotion answered %d %s", round, promotion.status, promotion.body)
		}
		dev := a.expect(a.do(a.owner, "GET", "/v1/environments/development/workflows/welcome", ""), 200).json()
		staging := b.expect(b.do(b.owner, "GET", "/v1/environments/staging/workflows/welcome", ""), 200).json()
		if dev["sha"] != staging["sha"] {
			t.Fatalf("round %d: staging holds %v, development %v", round, staging["sha"], dev["sha"])
		}
	}
	t.Logf("promotions accepted at once: %d, refused until the change committed: %d", promoted, refused)
}

// auditPosition is the audit id of the write that answered r in env.
func auditPosition(t *testing.T, a *api, env string, r response) int64 {
	t.Helper()
	version := int64(r.json()["version"].(float64))
	var id int64
	err := a.store.View(context.Background(), func(tx store.Tx) error {
		entries, err := tx.Audit(store.AuditQuery{Environment: env})
		for _, e := range entries {
			if e.Kind == domain.KindWorkflow.Name && e.Key == "welcome" && e.Version == version {
				id = e.ID
			}
		}
		return err
	})
	if err != nil || id == 0 {
		t.Fatalf("no audit entry of %s's welcome version %d: %v", env, version, err)
	}
	return id
}

// A process whose encryption key is not the one the database was first
// used with refuses to start, naming the problem; so does one with no key
// for a database without a key file.
func TestOpenSealerRefusesAnotherKey(t *testing.T) {
	st, _ := openDatabase(t)
	ctx := context.Background()
	t.Setenv(backend.KeyEnv, testEncryptionKey)
	if _, err := backend.OpenSealer(ctx, st, st.KeyFile); err != nil {
		t.Fatal(err)
	}
	if _, err := backend.OpenSealer(ctx, st, st.KeyFile); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	t.Setenv(backend.KeyEnv, "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")
	_, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err == nil || !strings.Contains(err.Error(), "is not the key this database's secrets were sealed with") || !strings.Contains(err.Error(), backend.KeyEnv) {
		t.Fatalf("another key: %v, want a refusal naming %s", err, backend.KeyEnv)
	}
	t.Setenv(backend.KeyEnv, "")
	_, err = backend.OpenSealer(ctx, st, "")
	if err == nil || !strings.Contains(err.Error(), backend.KeyEnv+" is not set") {
		t.Fatalf("no key for a shared database: %v, want a refusal naming %s", err, backend.KeyEnv)
	}
}

// A database from before check values holds sealed secrets but no check
// value: the first key to open it must open those secrets.
func TestOpenSealerChecksSecretsSealedBeforeCheckValues(t *testing.T) {
	st, name := openDatabase(t)
	ctx := context.Background()
	first, err := backend.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	// NewSealer, unlike OpenSealer, leaves no check value.
	srv, err := backend.New(backend.Config{Store: st, Sealer: first})
	if err != nil {
		t.Fatal(err)
	}
	owner, _, err := srv.BootstrapOwnerToken(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	old := &api{t: t, srv: srv, store: st, database: name, owner: owner}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	old.url = ts.URL
	old.expect(old.do(owner, "PUT", "/v1/environments/development/webhooks/deploys", `{"url":"https://hooks.example.com/a","events":["workflow.updated"],"enabled":true}`), 201)

	t.Setenv(backend.KeyEnv, "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")
	if _, err := backend.OpenSealer(ctx, st, st.KeyFile); err == nil || !strings.Contains(err.Error(), "is not the key this database's secrets were sealed with") {
		t.Fatalf("a key that does not open the stored webhook secret: %v, want a refusal", err)
	}
	t.Setenv(backend.KeyEnv, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if _, err := backend.OpenSealer(ctx, st, st.KeyFile); err != nil {
		t.Fatalf("the key the secrets were sealed with: %v", err)
	}
}
