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
)

// tenantFull uses every argument of arbor_tenant.
func tenantFull(b *acctest.Backend, key, color string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_tenant" "test" {
  environment = "production"
  key         = %q
  name        = "Acme Fish Co."
  properties = jsonencode({
    plan  = "enterprise"
    seats = 250
    tags  = ["fish", "b2b"]
  })
  branding = {
    primary_color          = %q
    primary_color_contrast = "#FFF"
    logo_url               = "https://cdn.acme.example/logo.svg"
    icon_url               = "https://cdn.acme.example/icon.png"
  }
  preference_set = {
    channel_types = { email = true, sms = false }
    categories    = { billing = true, marketing = false }
    workflows     = { "new-comment" = true }
  }
}
`, key, color)
}

func TestAccTenant_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("acme")
	minimal := b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_tenant" "test" {
  environment = "production"
  key         = %q
}
`, key)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: tenantFull(b, key, "#0A7CFF"),
				Check:  b.Exists("arbor_tenant.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("id"), knownvalue.StringExact("production/"+key)),
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("branding").AtMapKey("primary_color"), knownvalue.StringExact("#0A7CFF")),
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("preference_set").AtMapKey("channel_types").AtMapKey("sms"), knownvalue.Bool(false)),
				},
				// Every argument, then nothing to do.
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "arbor_tenant.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: tenantFull(b, key, "#123"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_tenant.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: minimal,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("properties"), knownvalue.Null()),
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("branding"), knownvalue.Null()),
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("name"), knownvalue.StringExact("")),
				},
			},
		},
	})
}

func TestAccTenant_disappears(t *testing.T) {
	testDisappears(t, "arbor_tenant.test", func(b *acctest.Backend) string { return tenantFull(b, acctest.RandomKey("acme"), "#0A7CFF") })
}

// Properties changed outside Terraform show as drift; formatting alone never does.
func TestAccTenant_propertiesDrift(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("acme")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: tenantFull(b, key, "#0A7CFF"),
				// Same object, other key order and spacing: no drift.
				Check:            b.PutObject("arbor_tenant.test", map[string]any{"properties": map[string]any{"tags": []string{"fish", "b2b"}, "seats": 250, "plan": "enterprise"}}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:             tenantFull(b, key, "#0A7CFF"),
				Check:              b.PutObject("arbor_tenant.test", map[string]any{"properties": map[string]any{"plan": "free"}}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_tenant.test", plancheck.ResourceActionUpdate)},
				},
			},
			// Apply puts the properties back (and records the version, so
			// the destroy that follows, run without refresh, is not stale).
			{
				Config: tenantFull(b, key, "#0A7CFF"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.test", tfjsonpath.New("properties"), knownvalue.StringExact(`{"plan":"enterprise","seats":250,"tags":["fish","b2b"]}`)),
				},
			},
		},
	})
}

// Invalid values fail the plan, naming the attribute, with the backend's words.
func TestAccTenant_validation(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(body string) string {
		return b.ProviderConfig() + `
resource "arbor_tenant" "test" {
  key = "acme"
` + body + `
}
`
	}
	cases := map[string]struct{ body, want string }{
		"colour":           {`branding = { primary_color = "blue" }`, `branding.primary_color must be a hex colour such as #0A7 or #00AA77`},
		"contrast":         {`branding = { primary_color_contrast = "#12345" }`, `branding.primary_color_contrast must be a hex colour`},
		"logo":             {`branding = { logo_url = "logo.png" }`, `branding.logo_url must be an absolute http or https URL`},
		"icon":             {`branding = { icon_url = "ftp://x/icon.png" }`, `branding.icon_url must be an absolute http or https URL`},
		"properties array": {`properties = jsonencode([1, 2])`, `properties must be a JSON object`},
		"channel type":     {`preference_set = { channel_types = { fax = true } }`, `"fax" is not a channel type`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      config(c.body),
			PlanOnly:    true,
			ExpectError: acctest.ErrorLike(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      b.ProviderConfig() + `resource "arbor_tenant" "test" { key = "not a key" }`,
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Invalid key`),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccTenantDataSources(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("acme")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: tenantFull(b, key, "#0A7CFF") + `
data "arbor_tenant" "test" {
  environment = "production"
  key         = arbor_tenant.test.key
}

data "arbor_tenants" "all" {
  environment = "production"
  depends_on  = [arbor_tenant.test]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.arbor_tenant.test", tfjsonpath.New("branding").AtMapKey("logo_url"), knownvalue.StringExact("https://cdn.acme.example/logo.svg")),
				statecheck.ExpectKnownValue("data.arbor_tenant.test", tfjsonpath.New("name"), knownvalue.StringExact("Acme Fish Co.")),
				statecheck.ExpectKnownValue("data.arbor_tenants.all", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(key)})),
			},
		}},
	})
}
