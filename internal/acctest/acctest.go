// Package acctest holds what the provider's acceptance tests share: a real
// Arbor backend per test on a loopback port chosen by the OS, the provider
// factories, and checks that ask the backend directly.
package acctest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// ProviderFactories serve the provider in the test process.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"arbor": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Backend is an Arbor backend started for one test.
type Backend struct {
	URL string
	// Token is an owner token.
	Token  string
	Store  store.Store
	Server *backend.Server
	// Client acts with the owner token, to arrange and check state out of
	// band.
	Client *client.Client
}

// NewBackend starts a backend on a fresh database, listening on 127.0.0.1
// on a port chosen by the OS. It stops when the test ends. opts adjust the
// backend's configuration, such as its store.
func NewBackend(t testing.TB, opts ...func(*backend.Config)) *Backend {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	st, err := database.Open(ctx, filepath.Join(dir, "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := backend.Config{Store: st, Sealer: sealer}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := backend.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := srv.BootstrapOwnerToken(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	c, err := client.New(client.Config{Endpoint: ts.URL, Token: token, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return &Backend{URL: ts.URL, Token: token, Store: st, Server: srv, Client: c}
}

// ProviderConfig is a provider block reaching the backend with its owner
// token.
func (b *Backend) ProviderConfig() string {
	return b.ProviderConfigWith(b.Token, "")
}

// ProviderConfigWith is a provider block reaching the backend with the
// given credential and, when not empty, default environment.
func (b *Backend) ProviderConfigWith(apiKey, environment string) string {
	env := ""
	if environment != "" {
		env = fmt.Sprintf("\n  environment = %q", environment)
	}
	return fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = %q%s\n}\n", b.URL, apiKey, env)
}

// CreateEnvironment creates an environment out of band.
func (b *Backend) CreateEnvironment(t testing.TB, slug string) {
	t.Helper()
	if _, err := b.Client.CreateEnvironment(context.Background(), domain.NewEnvironmentInput{Slug: slug, EnvironmentInput: domain.EnvironmentInput{Name: slug}}); err != nil {
		t.Fatal(err)
	}
}

// APIKey creates an environment API key out of band and returns its secret.
func (b *Backend) APIKey(t testing.TB, env string, scope domain.Scope) string {
	t.Helper()
	k, err := b.Client.CreateAPIKey(context.Background(), env, domain.APIKeyInput{Name: RandomKey("test"), Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return k.Secret
}

// RandomKey returns a key unique to the test run, with a readable prefix.
func RandomKey(prefix string) string {
	return prefix + "-" + strings.ToLower(acctest.RandString(8))
}

// PreCheck skips acceptance tests where no Terraform or OpenTofu can run,
// and sets terraform-plugin-testing up for the one found (DetectCLI).
func PreCheck(t *testing.T) {
	t.Helper()
	if _, err := DetectCLI(); err != nil {
		t.Skip(err)
	}
}

// Exists checks through the API that the object behind a resource exists.
func (b *Backend) Exists(name string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		found, err := b.lookup(rs.Type, rs.Primary.Attributes)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%s (%s) does not exist in the backend", name, rs.Primary.ID)
		}
		return nil
	}
}

// Delete deletes the object behind a resource out of band, as an operator
// outside Terraform would.
func (b *Backend) Delete(name string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		a := rs.Primary.Attributes
		ctx := context.Background()
		switch rs.Type {
		case "arbor_environment":
			return b.Client.DeleteEnvironment(ctx, a["slug"], true, client.Cond{})
		case "arbor_api_key":
			return b.Client.DeleteAPIKey(ctx, a["environment"], a["key_id"], client.Cond{})
		case "arbor_branding":
			return b.Client.DeleteBranding(ctx, a["environment"], client.Cond{})
		}
		kind, ok := kindOf(rs.Type)
		if !ok {
			return fmt.Errorf("acctest cannot delete %s", rs.Type)
		}
		return client.Objects[struct{}](b.Client, kind).Delete(ctx, a["environment"], objectKey(kind, a), client.Cond{})
	}
}

// CheckDestroy checks that no arbor resource left in state still exists.
func (b *Backend) CheckDestroy(s *terraform.State) error {
	for name, rs := range s.RootModule().Resources {
		if strings.HasPrefix(name, "data.") || !strings.HasPrefix(rs.Type, "arbor_") || rs.Type == "arbor_account_settings" {
			continue
		}
		if rs.Type == "arbor_environment" && (rs.Primary.ID == domain.Development || rs.Primary.ID == domain.Production) {
			continue
		}
		found, err := b.lookup(rs.Type, rs.Primary.Attributes)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("%s (%s) still exists after destroy", name, rs.Primary.ID)
		}
	}
	return nil
}

func kindOf(resourceType string) (domain.Kind, bool) {
	return domain.KindNamed(strings.TrimPrefix(resourceType, "arbor_"))
}

func objectKey(kind domain.Kind, a map[string]string) string {
	if kind == domain.KindRoleAssignment {
		return a["identity_key"] + "/" + a["role_key"] + "/" + a["node_key"]
	}
	return a["key"]
}

// lookup reports whether the object behind a resource's attributes exists.
func (b *Backend) lookup(resourceType string, a map[string]string) (bool, error) {
	ctx := context.Background()
	var err error
	switch resourceType {
	case "arbor_environment":
		_, err = b.Client.Environment(ctx, a["slug"])
	case "arbor_api_key":
		_, err = b.Client.APIKey(ctx, a["environment"], a["key_id"])
	case "arbor_branding":
		// Branding always reads; it exists once written.
		branding, err := b.Client.Branding(ctx, a["environment"])
		return branding.Written(), err
	default:
		kind, ok := kindOf(resourceType)
		if !ok {
			return false, fmt.Errorf("acctest cannot look up %s", resourceType)
		}
		_, err = client.Objects[map[string]any](b.Client, kind).Get(ctx, a["environment"], objectKey(kind, a))
	}
	if client.StatusOf(err) == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// PutObject changes the object behind a resource out of band: the given
// fields replace the stored ones, as an operator outside Terraform would.
func (b *Backend) PutObject(name string, fields map[string]any) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		kind, ok := kindOf(rs.Type)
		if !ok {
			return fmt.Errorf("acctest cannot change %s", rs.Type)
		}
		objects := client.Objects[map[string]any](b.Client, kind)
		env, key := rs.Primary.Attributes["environment"], objectKey(kind, rs.Primary.Attributes)
		ctx := context.Background()
		obj, err := objects.Get(ctx, env, key)
		if err != nil {
			return err
		}
		for k, v := range fields {
			(*obj)[k] = v
		}
		_, err = objects.Put(ctx, env, key, obj, client.Cond{})
		return err
	}
}

// PutObjectNow creates or replaces an object of kind out of band.
func (b *Backend) PutObjectNow(t testing.TB, kind, env, key string, body map[string]any) {
	t.Helper()
	k, ok := domain.KindNamed(kind)
	if !ok {
		t.Fatalf("unknown kind %q", kind)
	}
	if _, err := client.Objects[map[string]any](b.Client, k).Put(context.Background(), env, key, &body, client.Cond{}); err != nil {
		t.Fatal(err)
	}
}

// Whoami checks that the secret held by a resource attribute authenticates
// to the backend as an API key of env.
func (b *Backend) Whoami(name, attribute, env string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		c, err := client.New(client.Config{Endpoint: b.URL, Token: rs.Primary.Attributes[attribute]})
		if err != nil {
			return err
		}
		who, err := c.Whoami(context.Background())
		if err != nil {
			return fmt.Errorf("%s.%s does not authenticate: %w", name, attribute, err)
		}
		if who.Kind != domain.PrincipalAPIKey || who.Environment != env {
			return fmt.Errorf("%s.%s authenticates as %+v, want an API key of %s", name, attribute, who, env)
		}
		return nil
	}
}

// ErrorLike matches an error message however Terraform wraps its lines:
// the words of msg, in order, separated by any whitespace.
func ErrorLike(msg string) *regexp.Regexp {
	words := strings.Fields(msg)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// WebhookSigningSecret checks the secret the webhook behind a resource signs
// its deliveries with: want, or when want is empty, the resource's
// signing_secret attribute.
func (b *Backend) WebhookSigningSecret(name, want string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		a := rs.Primary.Attributes
		if want == "" {
			want = a["signing_secret"]
			if want == "" {
				return fmt.Errorf("%s has no signing_secret in state", name)
			}
		}
		got, err := b.Server.WebhookSigningSecret(context.Background(), a["environment"], a["key"])
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s signs with another secret than expected", name)
		}
		return nil
	}
}

// DeleteObjectNow deletes an object of kind out of band.
func (b *Backend) DeleteObjectNow(t testing.TB, kind, env, key string) {
	t.Helper()
	k, ok := domain.KindNamed(kind)
	if !ok {
		t.Fatalf("unknown kind %q", kind)
	}
	if err := client.Objects[struct{}](b.Client, k).Delete(context.Background(), env, key, client.Cond{}); err != nil {
		t.Fatal(err)
	}
}
