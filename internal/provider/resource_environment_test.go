package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

func environmentConfig(b *acctest.Backend, slug, name string, obfuscate bool) string {
	return environmentLocaleConfig(b, slug, name, obfuscate, "")
}

// environmentLocaleConfig sets default_locale unless locale is "".
func environmentLocaleConfig(b *acctest.Backend, slug, name string, obfuscate bool, locale string) string {
	setting := ""
	if locale != "" {
		setting = fmt.Sprintf("  default_locale          = %q\n", locale)
	}
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_environment" "test" {
  slug                    = %q
  name                    = %q
  obfuscate_customer_data = %t
%s}
`, slug, name, obfuscate, setting)
}

func TestAccEnvironment_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: environmentConfig(b, "staging", "Staging", false),
				Check:  b.Exists("arbor_environment.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("id"), knownvalue.StringExact("staging")),
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("position"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("builtin"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("default_locale"), knownvalue.StringExact("en")),
				},
			},
			{
				ResourceName:      "arbor_environment.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:      environmentLocaleConfig(b, "staging", "Staging (EU)", true, "french!"),
				ExpectError: regexp.MustCompile(`(?s)Invalid locale.*"french!" is not a BCP 47 locale`),
			},
			{
				Config:      environmentLocaleConfig(b, "staging", "Staging (EU)", true, "fr-ca"),
				ExpectError: regexp.MustCompile(`(?s)Invalid locale.*"fr-ca" is written "fr-CA"`),
			},
			{
				Config: environmentLocaleConfig(b, "staging", "Staging (EU)", true, "fr-CA"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_environment.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("name"), knownvalue.StringExact("Staging (EU)")),
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("obfuscate_customer_data"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("arbor_environment.test", tfjsonpath.New("default_locale"), knownvalue.StringExact("fr-CA")),
				},
			},
			{
				Config: environmentConfig(b, "qa", "Staging (EU)", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_environment.test", plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccEnvironment_disappears(t *testing.T) {
	testDisappears(t, "arbor_environment.test", func(b *acctest.Backend) string { return environmentConfig(b, "staging", "Staging", false) })
}

// New environments go just below production and keep their order.
func TestAccEnvironment_order(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfig() + `
resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_environment" "qa" {
  slug = "qa"
  name = "QA"
  depends_on = [arbor_environment.staging]
}

data "arbor_environments" "all" {
  depends_on = [arbor_environment.qa]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.arbor_environments.all", tfjsonpath.New("slugs"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("development"), knownvalue.StringExact("staging"), knownvalue.StringExact("qa"), knownvalue.StringExact("production"),
				})),
				statecheck.ExpectKnownValue("data.arbor_environments.all", tfjsonpath.New("environments").AtSliceIndex(3).AtMapKey("position"), knownvalue.Int64Exact(4)),
			},
		}},
	})
}

// Built-in environments are never created by Terraform: creating one is a
// clear error; importing adopts it, and destroying it only forgets it.
func TestAccEnvironment_builtin(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfig() + `
resource "arbor_environment" "production" {
  slug = "production"
  name = "Production"
}

data "arbor_environment" "development" {
  slug = "development"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`environment production already exists; it is built in`),
			},
			{
				Config:             config,
				ResourceName:       "arbor_environment.production",
				ImportState:        true,
				ImportStateId:      "production",
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_environment.production", tfjsonpath.New("builtin"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.arbor_environment.development", tfjsonpath.New("position"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// An environment that still holds objects is deleted only with force_destroy.
func TestAccEnvironment_forceDestroy(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(force bool) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_environment" "test" {
  slug          = "staging"
  name          = "Staging"
  force_destroy = %t
}
`, force)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config(false),
				Check: func(*terraform.State) error {
					b.PutObjectNow(t, "permission", "staging", "made.elsewhere", map[string]any{"name": "Not in Terraform"})
					return nil
				},
			},
			{
				Config:      config(false),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`still holds 1 permission`),
			},
			{Config: config(true)},
		},
	})
}
