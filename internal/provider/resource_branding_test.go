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
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func brandingConfig(b *acctest.Backend, color, logo string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_branding" "test" {
  primary_color          = %q
  primary_color_contrast = "#FFFFFF"
  logo_url               = %q
}
`, color, logo)
}

func TestAccBranding_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: brandingConfig(b, "#0A7CFF", "https://cdn.example.com/dev.png") + `
data "arbor_branding" "test" {
  environment = arbor_branding.test.environment
}

data "arbor_branding" "production" {
  environment = "production"
}
`,
				Check: b.Exists("arbor_branding.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_branding.test", tfjsonpath.New("id"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("data.arbor_branding.test", tfjsonpath.New("primary_color"), knownvalue.StringExact("#0A7CFF")),
					// Each environment has its own, empty until written.
					statecheck.ExpectKnownValue("data.arbor_branding.production", tfjsonpath.New("primary_color"), knownvalue.Null()),
				},
			},
			{ResourceName: "arbor_branding.test", ImportState: true, ImportStateId: "development", ImportStateVerify: true},
			{
				Config: brandingConfig(b, "#111111", "https://cdn.example.com/v2.png"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_branding.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_branding.test", tfjsonpath.New("logo_url"), knownvalue.StringExact("https://cdn.example.com/v2.png")),
				},
			},
		},
	})
}

// Reset outside Terraform, the branding is planned for creation again.
func TestAccBranding_disappears(t *testing.T) {
	testDisappears(t, "arbor_branding.test", func(b *acctest.Backend) string {
		return brandingConfig(b, "#0A7CFF", "https://cdn.example.com/dev.png")
	})
}

func TestAccBranding_drift(t *testing.T) {
	b := acctest.NewBackend(t)
	config := brandingConfig(b, "#0A7CFF", "https://cdn.example.com/dev.png")
	changeOutOfBand := func(*terraformState) error {
		_, err := b.Client.PutBranding(context.Background(), domain.Development, domain.Branding{PrimaryColor: "#FF0000"}, client.Cond{})
		return err
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:             config,
				Check:              changeOutOfBand,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_branding.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_branding.test", tfjsonpath.New("primary_color"), knownvalue.StringExact("#0A7CFF")),
				},
			},
		},
	})
}

// Branding another configuration already wrote is imported, never taken
// over by a create; bad values are refused at plan, naming the field.
func TestAccBranding_planValidation(t *testing.T) {
	b := acctest.NewBackend(t)
	if _, err := b.Client.PutBranding(context.Background(), domain.Production, domain.Branding{PrimaryColor: "#000000"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	planTest(t, b,
		refusedAtPlan(brandingConfig(b, "blue", "https://cdn.example.com/dev.png"), `primary_color must be a hex colour`),
		refusedAtPlan(brandingConfig(b, "#0A7CFF", "logo.png"), `logo_url must be an absolute http or https URL`),
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_branding" "production" {
  environment   = "production"
  primary_color = "#0A7CFF"
}
`, `The branding of environment production is already managed`),
		refusedAtPlan(brandingConfig(b, "#0A7CFF", "https://cdn.example.com/dev.png")+`
resource "arbor_branding" "again" {
  environment   = "development"
  primary_color = "#000000"
}
`, `Another resource of this configuration also manages the branding of environment development`),
	)
}
