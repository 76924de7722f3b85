package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func apiKeyConfig(b *acctest.Backend, name, scope string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_api_key" "test" {
  environment = "production"
  name        = %q
  scope       = %q
}
`, name, scope)
}

func TestAccAPIKey_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(b, "ci deploys", "read_write"),
				Check: resource.ComposeTestCheckFunc(
					b.Exists("arbor_api_key.test"),
					resource.TestMatchResourceAttr("arbor_api_key.test", "secret", regexp.MustCompile(`^arbk_[a-z2-7]{8}_[a-z2-7]{32}$`)),
					resource.TestMatchResourceAttr("arbor_api_key.test", "id", regexp.MustCompile(`^production/[a-z2-7]{8}$`)),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue("arbor_api_key.test", tfjsonpath.New("secret")),
				},
			},
			{
				ResourceName:            "arbor_api_key.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret"},
			},
			{
				Config: apiKeyConfig(b, "ci reads", "read_only"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_api_key.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_api_key.test", tfjsonpath.New("scope"), knownvalue.StringExact("read_only")),
					// The secret survives an in-place update.
					statecheck.ExpectKnownValue("arbor_api_key.test", tfjsonpath.New("secret"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccAPIKey_disappears(t *testing.T) {
	testDisappears(t, "arbor_api_key.test", func(b *acctest.Backend) string { return apiKeyConfig(b, "revoked soon", "read_only") })
}

// A key created by Terraform works at once, and only in its environment.
// (A second provider configuration using it cannot be tested in-process:
// Terraform shares one reattached provider server between aliases.)
func TestAccAPIKey_usable(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: apiKeyConfig(b, "ci", "read_write"),
			Check:  b.Whoami("arbor_api_key.test", "secret", "production"),
		}},
	})
}

// A provider configured with an environment key learns its environment from
// the backend and refuses, at plan time, a resource in another environment.
func TestAccProvider_environmentKey(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	key := b.APIKey(t, "staging", domain.ScopeReadWrite)
	readOnly := b.APIKey(t, "staging", domain.ScopeReadOnly)
	permission := func(env string) string {
		e := ""
		if env != "" {
			e = fmt.Sprintf("\n  environment = %q", env)
		}
		return fmt.Sprintf(`
resource "arbor_permission" "test" {
  key  = "reports.read"
  name = "Read reports"%s
}
`, e)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfigWith(key, "") + permission(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("environment"), knownvalue.StringExact("staging")),
				},
			},
			{
				ResourceName:      "arbor_permission.test",
				ImportState:       true,
				ImportStateId:     "reports.read",
				ImportStateVerify: true,
			},
			{
				Config:      b.ProviderConfigWith(key, "") + permission("production"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`key of environment "staging"; it cannot reach\s+environment\s+"production"`),
			},
			{
				Config:      b.ProviderConfigWith(key, "production") + permission(""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`key of environment "staging", so the provider cannot\s+use\s+environment\s+"production"`),
			},
			{
				Config: b.ProviderConfigWith(readOnly, "") + permission("") + `
resource "arbor_permission" "more" {
  key  = "reports.write"
  name = "Write reports"
}
`,
				ExpectError: regexp.MustCompile(`this API key is\s+read_only`),
			},
			// Back to the read_write key, which destroys what it made.
			{Config: b.ProviderConfigWith(key, "") + permission("")},
		},
	})
}

// A credential without a server is refused: the provider never falls back
// to the embedded backend when an api_key says a server was meant.
func TestAccProvider_apiKeyWithoutEndpoint(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "arbor" {
  api_key  = "arbk_abcdefgh_notused"
  database = "should-not-be-created.db"
}

data "arbor_environments" "all" {}
`,
			ExpectError: acctest.ErrorLike("api_key (or ARBOR_API_KEY) is set but endpoint (ARBOR_ENDPOINT) is not"),
		}},
	})
}
