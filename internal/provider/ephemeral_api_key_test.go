package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var ephemeralVersionChecks = acctest.Requires(acctest.FeatureEphemeral)

var keySecretPattern = regexp.MustCompile(`^arbk_[a-z2-7]{8}_[a-z2-7]{32}$`)

// ephemeralAPIKeyConfig opens an ephemeral key and hands it to the echo
// provider, which copies it into the state of echo.test for the checks.
func ephemeralAPIKeyConfig(providerConfig, arguments string) string {
	return providerConfig + fmt.Sprintf(`
ephemeral "arbor_api_key" "test" {
%s
}

provider "echo" {
  data = ephemeral.arbor_api_key.test
}

resource "echo" "test" {}
`, arguments)
}

// keyProbe wraps the echo provider. Terraform configures the echo provider
// with the ephemeral key after opening it and before closing it, so that is
// where the probe asks the backend about the key: whether it exists as
// configured, and whether its secret authenticates.
type keyProbe struct {
	backend *acctest.Backend
	// whileOpen, when set, runs after each probe with the key's
	// environment and id.
	whileOpen func(env, keyID string) error

	mu     sync.Mutex
	probes []keyProbeResult
}

type keyProbeResult struct {
	key domain.APIKey
	who domain.Whoami
	err error
}

func newKeyProbe(b *acctest.Backend) *keyProbe { return &keyProbe{backend: b} }

// factories are the arbor provider and the probing echo provider.
func (p *keyProbe) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){
		"echo": func() (tfprotov6.ProviderServer, error) {
			echo, err := echoprovider.NewProviderServer()()
			return &probingEcho{ProviderServer: echo, probe: p}, err
		},
	}
	for name, factory := range acctest.ProviderFactories {
		f[name] = factory
	}
	return f
}

type probingEcho struct {
	tfprotov6.ProviderServer
	probe *keyProbe
}

func (e *probingEcho) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	if attrs, ok := ephemeralKeyAttributes(req.Config); ok {
		e.probe.run(ctx, attrs["environment"], attrs["key_id"], attrs["secret"])
	}
	return e.ProviderServer.ConfigureProvider(ctx, req)
}

// ephemeralKeyAttributes reads the string attributes of the echo
// provider's data, when it is known.
func ephemeralKeyAttributes(config *tfprotov6.DynamicValue) (map[string]string, bool) {
	if config == nil {
		return nil, false
	}
	v, err := config.Unmarshal(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"data": tftypes.DynamicPseudoType}})
	if err != nil || !v.IsFullyKnown() || v.IsNull() {
		return nil, false
	}
	var top map[string]tftypes.Value
	if err := v.As(&top); err != nil || top["data"].IsNull() {
		return nil, false
	}
	var data map[string]tftypes.Value
	if err := top["data"].As(&data); err != nil {
		return nil, false
	}
	attrs := map[string]string{}
	for name, value := range data {
		var s string
		if value.Type().Is(tftypes.String) && value.As(&s) == nil {
			attrs[name] = s
		}
	}
	return attrs, true
}

func (p *keyProbe) run(ctx context.Context, env, keyID, secret string) {
	var r keyProbeResult
	r.key, r.err = p.backend.Client.APIKey(ctx, env, keyID)
	if r.err == nil {
		var c *client.Client
		if c, r.err = client.New(client.Config{Endpoint: p.backend.URL, Token: secret, MaxRetries: 1}); r.err == nil {
			r.who, r.err = c.Whoami(ctx)
		}
	}
	if r.err == nil && p.whileOpen != nil {
		r.err = p.whileOpen(env, keyID)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probes = append(p.probes, r)
}

// sawWorkingKeys checks that the run opened at least one key and that every
// key it opened existed in env, with name and scope, and authenticated as
// an API key of env while the run used it.
func (p *keyProbe) sawWorkingKeys(env, name string, scope domain.Scope) resource.TestCheckFunc {
	return func(*terraformState) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.probes) == 0 {
			return fmt.Errorf("the echo provider was never configured with an open key")
		}
		for _, r := range p.probes {
			if r.err != nil {
				return fmt.Errorf("while the run used key %s: %w", r.key.ID, r.err)
			}
			if r.key.Environment != env || !isOpenedKeyName(r.key.Name, name) || r.key.Scope != scope {
				return fmt.Errorf("open key is %+v, want name %q, scope %s in %s", r.key, name, scope, env)
			}
			if r.who.Kind != domain.PrincipalAPIKey || r.who.ID != r.key.ID || r.who.Environment != env || r.who.Scope != scope {
				return fmt.Errorf("open key authenticates as %+v, want API key %s of %s with scope %s", r.who, r.key.ID, env, scope)
			}
		}
		return nil
	}
}

// isOpenedKeyName reports whether a key's name is that of a key opened
// with the configured name.
func isOpenedKeyName(keyName, configured string) bool {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(configured) + ` \(ephemeral [a-z2-7]{8}\)$`).MatchString(keyName)
}

// noKeyNamed checks that no key named name is left in env: every key the
// run opened was revoked when Terraform closed it.
func noKeyNamed(b *acctest.Backend, env, name string) resource.TestCheckFunc {
	return func(*terraformState) error {
		keys, err := b.Client.APIKeys(context.Background(), env)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if isOpenedKeyName(k.Name, name) {
				return fmt.Errorf("key %s (%q) still exists in %s after the run", k.ID, name, env)
			}
		}
		return nil
	}
}

// echoedSecretRevoked checks that the secret the echo resource recorded
// during apply no longer authenticates.
func echoedSecretRevoked(b *acctest.Backend) resource.TestCheckFunc {
	return func(s *terraformState) error {
		rs, ok := s.RootModule().Resources["echo.test"]
		if !ok {
			return fmt.Errorf("echo.test is not in state")
		}
		c, err := client.New(client.Config{Endpoint: b.URL, Token: rs.Primary.Attributes["data.secret"], MaxRetries: 1})
		if err != nil {
			return err
		}
		if _, err := c.Whoami(context.Background()); client.StatusOf(err) != http.StatusUnauthorized {
			return fmt.Errorf("the secret of the closed key: want 401 from whoami, got %v", err)
		}
		return nil
	}
}

func TestAccEphemeralAPIKey_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	probe := newKeyProbe(b)
	name := acctest.RandomKey("ci-run")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		CheckDestroy:             noKeyNamed(b, "production", name),
		Steps: []resource.TestStep{{
			Config: ephemeralAPIKeyConfig(b.ProviderConfig(), fmt.Sprintf(`
  environment = "production"
  name        = %q
  scope       = "read_only"`, name)),
			Check: resource.ComposeAggregateTestCheckFunc(
				probe.sawWorkingKeys("production", name, domain.ScopeReadOnly),
				noKeyNamed(b, "production", name),
				echoedSecretRevoked(b),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("secret"), knownvalue.StringRegexp(keySecretPattern)),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("key_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[a-z2-7]{8}$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("prefix"), knownvalue.StringRegexp(regexp.MustCompile(`^arbk_[a-z2-7]{8}`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("environment"), knownvalue.StringExact("production")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("scope"), knownvalue.StringExact("read_only")),
			},
		}},
	})
}

// Without environment, the key is made in the provider's environment.
func TestAccEphemeralAPIKey_providerEnvironment(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	probe := newKeyProbe(b)
	name := acctest.RandomKey("deploy")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		CheckDestroy:             noKeyNamed(b, "staging", name),
		Steps: []resource.TestStep{{
			Config: ephemeralAPIKeyConfig(b.ProviderConfigWith(b.Token, "staging"), fmt.Sprintf(`
  name  = %q
  scope = "read_write"`, name)),
			Check: resource.ComposeAggregateTestCheckFunc(
				probe.sawWorkingKeys("staging", name, domain.ScopeReadWrite),
				noKeyNamed(b, "staging", name),
				echoedSecretRevoked(b),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("environment"), knownvalue.StringExact("staging")),
			},
		}},
	})
}

// A key revoked by someone else while the run uses it is no error when
// Terraform closes it.
func TestAccEphemeralAPIKey_revokedDuringRun(t *testing.T) {
	b := acctest.NewBackend(t)
	probe := newKeyProbe(b)
	probe.whileOpen = func(env, keyID string) error {
		return b.Client.DeleteAPIKey(context.Background(), env, keyID, client.Cond{})
	}
	name := acctest.RandomKey("short-lived")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		CheckDestroy:             noKeyNamed(b, "development", name),
		Steps: []resource.TestStep{{
			Config: ephemeralAPIKeyConfig(b.ProviderConfig(), fmt.Sprintf(`
  name  = %q
  scope = "read_only"`, name)),
			Check: resource.ComposeAggregateTestCheckFunc(
				probe.sawWorkingKeys("development", name, domain.ScopeReadOnly),
				noKeyNamed(b, "development", name),
				echoedSecretRevoked(b),
			),
		}},
	})
}

// A provider bound to an environment's API key refuses a key of another
// environment before asking the backend, with the managed resources' words.
func TestAccEphemeralAPIKey_boundEnvironment(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	stagingKey := b.APIKey(t, "staging", domain.ScopeReadWrite)
	probe := newKeyProbe(b)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		Steps: []resource.TestStep{{
			Config: ephemeralAPIKeyConfig(b.ProviderConfigWith(stagingKey, ""), `
  environment = "production"
  name        = "escape"
  scope       = "read_write"`),
			PlanOnly:    true,
			ExpectError: acctest.ErrorLike(`The provider's api_key is a key of environment "staging"; it cannot reach environment "production".`),
		}},
	})
	keys, err := b.Client.APIKeys(context.Background(), "production")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("production has keys %+v; the refused open made one", keys)
	}
}

// Arguments are checked at plan time with the managed resource's rules.
func TestAccEphemeralAPIKey_validation(t *testing.T) {
	b := acctest.NewBackend(t)
	probe := newKeyProbe(b)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		Steps: []resource.TestStep{
			{
				Config: ephemeralAPIKeyConfig(b.ProviderConfig(), `
  name  = "ci"
  scope = "admin"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Attribute scope value must be one of`),
			},
			{
				Config: ephemeralAPIKeyConfig(b.ProviderConfig(), `
  environment = "Not A Slug"
  name        = "ci"
  scope       = "read_only"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid environment slug`),
			},
		},
	})
}

// An ephemeral key named like a managed key of its environment opens
// beside it: each Open's key has a name of its own.
func TestAccEphemeralAPIKey_besideAManagedKeyOfTheSameName(t *testing.T) {
	b := acctest.NewBackend(t)
	probe := newKeyProbe(b)
	name := acctest.RandomKey("deploy")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: probe.factories(),
		CheckDestroy:             noKeyNamed(b, "development", name),
		Steps: []resource.TestStep{{
			Config: ephemeralAPIKeyConfig(b.ProviderConfig(), fmt.Sprintf(`
  name  = %q
  scope = "read_only"`, name)) + fmt.Sprintf(`
resource "arbor_api_key" "managed" {
  name  = %q
  scope = "read_only"
}
`, name),
			Check: resource.ComposeAggregateTestCheckFunc(
				probe.sawWorkingKeys("development", name, domain.ScopeReadOnly),
				noKeyNamed(b, "development", name),
				resource.TestCheckResourceAttr("arbor_api_key.managed", "name", name),
			),
		}},
	})
}
