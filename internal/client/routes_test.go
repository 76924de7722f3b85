package client_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// recorder answers every request with an empty JSON object and keeps the
// method and path the client sent.
type recorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.sent = append(r.sent, req.Method+" "+req.URL.EscapedPath())
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte("{}"))
}

// Every request the client builds, every method called once, is one of
// the routes in package api (which a backend test checks against the
// OpenAPI document), and every route there is one the client calls: the
// list is the client's, not a copy beside it.
func TestClientCallsOnlyTheRoutesOfPackageAPI(t *testing.T) {
	rec := &recorder{}
	c := newClient(t, rec, client.Config{Token: "t"})
	ctx := context.Background()
	const env, id, key = "dev elopment", "id/1", "k?ey"
	calls := []func() error{
		func() error { _, err := c.Whoami(ctx); return err },
		func() error { _, err := c.Settings(ctx); return err },
		func() error { _, err := c.PutSettings(ctx, domain.Settings{}, client.Cond{}); return err },
		func() error { _, err := c.Audit(ctx, env, 0); return err },
		func() error { _, err := c.Environments(ctx); return err },
		func() error { _, err := c.Environment(ctx, env); return err },
		func() error { _, err := c.CreateEnvironment(ctx, domain.NewEnvironmentInput{}); return err },
		func() error {
			_, err := c.UpdateEnvironment(ctx, env, domain.EnvironmentInput{}, client.Cond{})
			return err
		},
		func() error { return c.DeleteEnvironment(ctx, env, true, client.Cond{}) },
		func() error { _, err := c.CreateToken(ctx, domain.TokenInput{}); return err },
		func() error { _, err := c.Tokens(ctx); return err },
		func() error { _, err := c.Token(ctx, id); return err },
		func() error { return c.DeleteToken(ctx, id) },
		func() error { _, err := c.CreateAPIKey(ctx, env, domain.APIKeyInput{}); return err },
		func() error { _, err := c.APIKeys(ctx, env); return err },
		func() error { _, err := c.APIKey(ctx, env, id); return err },
		func() error { _, err := c.UpdateAPIKey(ctx, env, id, domain.APIKeyInput{}, client.Cond{}); return err },
		func() error { return c.DeleteAPIKey(ctx, env, id, client.Cond{}) },
		func() error { _, _, err := c.ExportConfig(ctx, env); return err },
		func() error { _, err := c.ImportConfig(ctx, env, []byte("{}"), true); return err },
		func() error { _, err := c.Promote(ctx, env, "staging", true); return err },
		func() error { _, err := c.Branding(ctx, env); return err },
		func() error { _, err := c.PutBranding(ctx, env, domain.Branding{}, client.Cond{}); return err },
		func() error { return c.DeleteBranding(ctx, env, client.Cond{}) },
		func() error { _, err := c.CheckAccess(ctx, env, domain.AccessQuestion{}); return err },
		func() error { _, err := c.CheckAccessBatch(ctx, env, nil); return err },
		func() error { _, err := c.PreviewWorkflow(ctx, env, key, domain.PreviewRequest{}); return err },
		func() error { _, err := c.AccessImpact(ctx, env, api.AccessImpactRequest{}); return err },
		func() error { _, err := c.PendingPromotion(ctx, env); return err },
	}
	for _, kind := range domain.VersionedKinds {
		calls = append(calls,
			func() error { _, err := c.Promotion(ctx, kind, env, key); return err },
			func() error { _, err := client.Versions[map[string]any](ctx, c, kind, env, key); return err },
			func() error { _, err := c.Diff(ctx, kind, env, key, client.DiffQuery{}); return err },
			// A client that has written makes no listing: a new one.
			func() error {
				_, err := newClient(t, rec, client.Config{Token: "t"}).PlanPromotion(ctx, kind, env, key)
				return err
			},
		)
	}
	for _, kind := range domain.Kinds {
		objects := client.Objects[map[string]any](c, kind)
		objectKey := key
		if kind == domain.KindRoleAssignment {
			objectKey = domain.RoleAssignmentKey("ada", "editor", "team")
		}
		calls = append(calls,
			func() error { _, err := objects.List(ctx, env, nil); return err },
			func() error { _, err := objects.Get(ctx, env, objectKey); return err },
			func() error { _, err := objects.Put(ctx, env, objectKey, &map[string]any{}, client.Cond{}); return err },
			func() error { return objects.Delete(ctx, env, objectKey, client.Cond{}) },
		)
	}
	for i, call := range calls {
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}

	templates := map[string]*regexp.Regexp{}
	for _, r := range api.All() {
		segments := strings.Split(r.Path, "/")
		for i, s := range segments {
			if strings.HasPrefix(s, "{") {
				segments[i] = "[^/]+"
			} else {
				segments[i] = regexp.QuoteMeta(s)
			}
		}
		templates[r.String()] = regexp.MustCompile("^" + r.Method + " " + strings.Join(segments, "/") + "$")
	}
	called := map[string]bool{}
	for _, sent := range rec.sent {
		matched := false
		for route, re := range templates {
			if re.MatchString(sent) {
				called[route], matched = true, true
			}
		}
		if !matched {
			t.Errorf("the client sent %s, which is no route of package api", sent)
		}
	}
	for route := range templates {
		if !called[route] {
			t.Errorf("package api lists %s, which no client method calls", route)
		}
	}
}
