package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// A tenant's effective_branding is its environment's branding with the
// tenant's overrides, field by field: after apply, in its data source, and
// at plan when only the tenant changes.
func TestAccTenant_effectiveBranding(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(tenantLogo string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_branding" "development" {
  primary_color          = "#0A7CFF"
  primary_color_contrast = "#FFFFFF"
  logo_url               = "https://cdn.example.com/arbor.png"
}

resource "arbor_tenant" "acme" {
  key  = "acme"
  name = "Acme"
  branding = {
    primary_color = "#E4002B"
    logo_url      = %q
  }
  depends_on = [arbor_branding.development]
}

data "arbor_tenant" "acme" {
  key = arbor_tenant.acme.key
}
`, tenantLogo)
	}
	effective := tfjsonpath.New("effective_branding")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("https://acme.example.com/logo.png"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.acme", effective, knownvalue.ObjectExact(map[string]knownvalue.Check{
						"primary_color":          knownvalue.StringExact("#E4002B"),
						"primary_color_contrast": knownvalue.StringExact("#FFFFFF"),
						"logo_url":               knownvalue.StringExact("https://acme.example.com/logo.png"),
						"icon_url":               knownvalue.Null(),
					})),
					statecheck.ExpectKnownValue("data.arbor_tenant.acme", effective.AtMapKey("primary_color_contrast"), knownvalue.StringExact("#FFFFFF")),
				},
			},
			{ResourceName: "arbor_tenant.acme", ImportState: true, ImportStateVerify: true},
			{
				// The plan shows the tenant's new look before the apply.
				Config: config("https://acme.example.com/v2.png"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("arbor_tenant.acme", effective.AtMapKey("logo_url"), knownvalue.StringExact("https://acme.example.com/v2.png")),
						plancheck.ExpectKnownValue("arbor_tenant.acme", effective.AtMapKey("primary_color_contrast"), knownvalue.StringExact("#FFFFFF")),
					},
				},
			},
			{
				// Without its overrides, the tenant looks like its environment.
				Config: b.ProviderConfig() + `
resource "arbor_branding" "development" {
  primary_color          = "#0A7CFF"
  primary_color_contrast = "#FFFFFF"
  logo_url               = "https://cdn.example.com/arbor.png"
}

resource "arbor_tenant" "acme" {
  key        = "acme"
  name       = "Acme"
  depends_on = [arbor_branding.development]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.acme", effective.AtMapKey("primary_color"), knownvalue.StringExact("#0A7CFF")),
					statecheck.ExpectKnownValue("arbor_tenant.acme", effective.AtMapKey("logo_url"), knownvalue.StringExact("https://cdn.example.com/arbor.png")),
				},
			},
		},
	})
}

// changesBesides fails unless the plan changes exactly the resource at
// address: every other resource is a no-op.
type changesBesides struct{ address string }

func (c changesBesides) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var others []string
	changed := false
	for _, rc := range req.Plan.ResourceChanges {
		switch {
		case rc.Address == c.address:
			changed = !rc.Change.Actions.NoOp()
		case !rc.Change.Actions.NoOp():
			others = append(others, rc.Address)
		}
	}
	switch {
	case !changed:
		resp.Error = fmt.Errorf("%s is not planned to change", c.address)
	case len(others) > 0:
		resp.Error = fmt.Errorf("the plan changes %d resources besides %s, such as %s", len(others), c.address, others[0])
	}
}

// A branding change plans as that one change, not as an update of every
// tenant whose effective branding it changes (100 here); the next refresh
// shows the tenants' new look.
func TestAccTenant_brandingChangePlansAlone(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(color string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_branding" "development" {
  primary_color = %q
}

resource "arbor_tenant" "t" {
  count      = 100
  key        = "tenant-${count.index}"
  name       = "Tenant ${count.index}"
  depends_on = [arbor_branding.development]
}
`, color)
	}
	color := tfjsonpath.New("effective_branding").AtMapKey("primary_color")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config("#0A7CFF")},
			{
				Config: config("#E4002B"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{changesBesides{"arbor_branding.development"}},
					// The refresh after the apply reads the new look.
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:            config("#E4002B"),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("arbor_tenant.t[99]", color, knownvalue.StringExact("#E4002B"))},
			},
		},
	})
}
