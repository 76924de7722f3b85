package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
)

type terraformState = terraform.State

var (
	shaPattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	compareEqual = compare.ValuesSame()
)

func clientCond() client.Cond { return client.Cond{} }

// testDisappears is every resource's out-of-band deletion test: the object
// at address, created by config, is deleted behind Terraform's back, and
// the next plan creates it again rather than failing.
func testDisappears(t *testing.T, address string, config func(b *acctest.Backend) string) {
	t.Helper()
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config:             config(b),
			Check:              resource.ComposeTestCheckFunc(b.Exists(address), b.Delete(address)),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
			},
		}},
	})
}
