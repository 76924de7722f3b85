package backend_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// lockedBuffer collects the log of a server that handles requests
// concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Whatever a request carries or a response returns, and whether it
// succeeds, fails or breaks the store, no secret reaches the log.
func TestLogsNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	var faulty *faultyStore
	a := newAPI(t, func(c *backend.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		faulty = &faultyStore{Store: c.Store}
		c.Store = faulty
	})
	secrets := []string{a.owner}
	wrong := "arbt_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	secrets = append(secrets, wrong)
	a.expect(a.do(wrong, "GET", "/v1/whoami", ""), 401)
	key := a.key("development", domain.ScopeReadWrite)
	secrets = append(secrets, key)
	a.expect(a.do(key, "GET", "/v1/audit", ""), 403)
	hook := a.expect(a.do(a.owner, "PUT", dev+"webhooks/audit", `{"url":"https://hooks.example.com/arbor","events":["role.created"],"enabled":true}`), 201).json()
	secrets = append(secrets, hook["signing_secret"].(string))
	supplied := "whsec_supplied_by_the_operator_0123456789"
	secrets = append(secrets, supplied)
	a.do(a.owner, "PUT", dev+"webhooks/audit", `{"url":"not a url","events":["role.created"],"enabled":true,"signing_secret":"`+supplied+`"}`)
	faulty.fail.Store(true)
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 500)
	a.expect(a.do("", "GET", "/readyz", ""), 503)

	got := logs.String()
	if !strings.Contains(got, "the database refused a read") {
		t.Fatalf("the failures were not logged at all, so this test proves nothing:\n%s", got)
	}
	for _, secret := range secrets {
		if strings.Contains(got, secret) {
			t.Errorf("the log holds the secret %.12s…:\n%s", secret, got)
		}
	}
}
