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

func partialConfig(b *acctest.Backend, key, partialType, content string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_partial" "test" {
  key          = %q
  name         = "Button"
  type         = %q
  content      = %q
  input_fields = [{ key = "label", label = "Text" }]
}

data "arbor_partials" "typed" {
  type       = %[2]q
  depends_on = [arbor_partial.test]
}
`, key, partialType, content)
}

func TestAccPartial_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("button")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: partialConfig(b, key, "html", "<b>{{ label }}</b>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue("arbor_partial.test", tfjsonpath.New("sha"), knownvalue.StringRegexp(shaPattern))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_partial.test", tfjsonpath.New("origin_environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("data.arbor_partials.typed", tfjsonpath.New("partials").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact(key)),
				},
				Check: b.Exists("arbor_partial.test"),
			},
			{ResourceName: "arbor_partial.test", ImportState: true, ImportStateVerify: true},
			{
				Config: partialConfig(b, key, "markdown", "**{{ label }}**"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_partial.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestAccPartial_disappears(t *testing.T) {
	testDisappears(t, "arbor_partial.test", func(b *acctest.Backend) string {
		return partialConfig(b, acctest.RandomKey("button"), "text", "{{ label }}")
	})
}

// An input is passed by name: an input field's key is an identifier,
// refused at plan otherwise.
func TestAccPartial_inputFieldKey(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: b.ProviderConfig() + `
resource "arbor_partial" "test" {
  key          = "button"
  name         = "Button"
  type         = "html"
  content      = "<b>{{ label }}</b>"
  input_fields = [{ key = "Button Label" }]
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`input_fields\[0\]\.key`),
		}},
	})
}
