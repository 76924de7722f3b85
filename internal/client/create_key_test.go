package client_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// keyRecorder answers every request and records its Idempotency-Key.
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
}

func (k *keyRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("Idempotency-Key"))
	k.mu.Unlock()
	_, _ = w.Write([]byte(`{}`))
}

func (k *keyRecorder) last() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[len(k.keys)-1]
}

// creates are the creates a provider sends, each by a fresh client (a
// fresh process) so their keys are what a later run would send.
var creates = map[string]func(c *client.Client) error{
	"permission": func(c *client.Client) error {
		_, err := client.Objects[domain.Permission](c, domain.KindPermission).Put(context.Background(), "development", "p", &domain.Permission{Name: "P"}, client.Cond{CreateOnly: true})
		return err
	},
	"permission with another name": func(c *client.Client) error {
		_, err := client.Objects[domain.Permission](c, domain.KindPermission).Put(context.Background(), "development", "p", &domain.Permission{Name: "Q"}, client.Cond{CreateOnly: true})
		return err
	},
	"permission in staging": func(c *client.Client) error {
		_, err := client.Objects[domain.Permission](c, domain.KindPermission).Put(context.Background(), "staging", "p", &domain.Permission{Name: "P"}, client.Cond{CreateOnly: true})
		return err
	},
	"API key": func(c *client.Client) error {
		_, err := c.CreateAPIKey(context.Background(), "development", domain.APIKeyInput{Name: "ci", Scope: domain.ScopeReadWrite})
		return err
	},
	"API key read-only": func(c *client.Client) error {
		_, err := c.CreateAPIKey(context.Background(), "development", domain.APIKeyInput{Name: "ci", Scope: domain.ScopeReadOnly})
		return err
	},
	"environment": func(c *client.Client) error {
		_, err := c.CreateEnvironment(context.Background(), domain.NewEnvironmentInput{Slug: "qa", EnvironmentInput: domain.EnvironmentInput{Name: "QA"}})
		return err
	},
	"environment cloned": func(c *client.Client) error {
		_, err := c.CreateEnvironment(context.Background(), domain.NewEnvironmentInput{Slug: "qa", EnvironmentInput: domain.EnvironmentInput{Name: "QA"}, CopyFrom: "development"})
		return err
	},
}

// A create's Idempotency-Key is derived from what it creates: the same in
// every process, different for anything else.
func TestCreateKeysAreDerivedFromWhatIsCreated(t *testing.T) {
	rec := &keyRecorder{}
	seen := map[string]string{}
	for name, create := range creates {
		var first string
		for range 2 {
			if err := create(newClient(t, rec, client.Config{})); err != nil {
				t.Fatal(err)
			}
			if first == "" {
				first = rec.last()
			} else if rec.last() != first {
				t.Errorf("%s: two processes sent keys %q and %q", name, first, rec.last())
			}
		}
		if !strings.HasPrefix(first, "create-") {
			t.Errorf("%s: key %q is not derived", name, first)
		}
		if other, dup := seen[first]; dup {
			t.Errorf("%s and %s share key %q", name, other, first)
		}
		seen[first] = name
	}
}

// Within one client the same create twice is two resources' creates, not a
// retry: the second gets its own key, so it is never answered with the
// first one's object or credential.
func TestSecondIdenticalCreateInOneClientGetsItsOwnKey(t *testing.T) {
	rec := &keyRecorder{}
	c := newClient(t, rec, client.Config{})
	for range 3 {
		if err := creates["API key"](c); err != nil {
			t.Fatal(err)
		}
	}
	if rec.keys[0] == rec.keys[1] || rec.keys[1] == rec.keys[2] || rec.keys[0] == rec.keys[2] {
		t.Errorf("keys %q", rec.keys)
	}
}

// Updates are repaired by reading again, not by replay: their keys serve
// their own retries only.
func TestUpdateKeysAreNotDerived(t *testing.T) {
	rec := &keyRecorder{}
	update := func() {
		_, err := client.Objects[domain.Permission](newClient(t, rec, client.Config{}), domain.KindPermission).Put(context.Background(), "development", "p", &domain.Permission{Name: "P"}, client.Cond{Version: 3})
		if err != nil {
			t.Fatal(err)
		}
	}
	update()
	update()
	if rec.keys[0] == "" || rec.keys[0] == rec.keys[1] || strings.HasPrefix(rec.keys[0], "create-") {
		t.Errorf("update keys %q", rec.keys)
	}
}

// The default retries wait long enough together to ride out a backend
// restart: seconds, not the about 8 seconds five retries gave.
func TestDefaultRetriesRideOutARestart(t *testing.T) {
	var total time.Duration
	for attempt := range client.DefaultMaxRetries {
		total += retryablehttp.DefaultBackoff(client.DefaultRetryWaitMin, client.DefaultRetryWaitMax, attempt, nil)
	}
	if total < 30*time.Second {
		t.Errorf("the default retries give up after %s; a restart can take longer", total)
	}
}
