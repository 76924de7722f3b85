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

// emailLayoutConfig is a layout with key whose name is name.
func emailLayoutConfig(b *acctest.Backend, key, name string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_email_layout" "test" {
  key         = %q
  name        = %q
  html_layout = "<html><body>{{ content }}</body></html>"
  text_layout = "{{ content }}\n\n-- Acme"
  footer_links = [
    { text = "Preferences", url = "https://app.example.com/preferences" },
  ]
}

data "arbor_email_layouts" "all" {
  depends_on = [arbor_email_layout.test]
}
`, key, name)
}

func TestAccEmailLayout_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("layout")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: emailLayoutConfig(b, key, "Default"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue("arbor_email_layout.test", tfjsonpath.New("sha"), knownvalue.StringRegexp(shaPattern))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_email_layout.test", tfjsonpath.New("origin_environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("arbor_email_layout.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("arbor_email_layout.test", tfjsonpath.New("footer_links").AtSliceIndex(0).AtMapKey("text"), knownvalue.StringExact("Preferences")),
					statecheck.ExpectKnownValue("data.arbor_email_layouts.all", tfjsonpath.New("email_layouts").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact(key)),
				},
				Check: b.Exists("arbor_email_layout.test"),
			},
			{ResourceName: "arbor_email_layout.test", ImportState: true, ImportStateVerify: true},
			{
				Config: emailLayoutConfig(b, key, "Default, renamed"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_email_layout.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: emailLayoutConfig(b, key, "Default, renamed") + `
data "arbor_email_layout" "test" {
  key = arbor_email_layout.test.key
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.arbor_email_layout.test", tfjsonpath.New("sha"), "arbor_email_layout.test", tfjsonpath.New("sha"), compareEqual),
				},
			},
		},
	})
}

func TestAccEmailLayout_disappears(t *testing.T) {
	testDisappears(t, "arbor_email_layout.test", func(b *acctest.Backend) string {
		return emailLayoutConfig(b, acctest.RandomKey("layout"), "Default")
	})
}

// A layout holds the message exactly once, in each of its forms: refused
// at plan, naming the attribute.
func TestAccEmailLayout_contentOnce(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: b.ProviderConfig() + `
resource "arbor_email_layout" "test" {
  key         = "twice"
  name        = "Twice"
  html_layout = "{{ content }}{{ content }}"
  text_layout = "no message"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)html_layout.*exactly one.*text_layout|text_layout.*html_layout`),
		}},
	})
}

// An email step sends inside its layout: a workflow naming a layout the
// environment lacks is refused at plan, naming it; the same plan creating
// the layout is counted.
func TestAccEmailLayout_usedByWorkflow(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutChannelNow(t, "development", "postmark", "email")
	workflow := func(layoutKey string) string {
		return `
resource "arbor_workflow" "welcome" {
  key  = "welcome"
  name = "Welcome"
  steps = [{
    ref     = "email"
    channel = { type = "email", key = "postmark", layout_key = ` + layoutKey + `, subject = "Hi", body = "Welcome" }
  }]
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:      b.ProviderConfig() + workflow(`"default"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`email layout "default" does not exist`),
			},
			{
				// The workflow refers to the layout, so Terraform creates
				// the layout first and destroys it last.
				Config: emailLayoutConfig(b, "default", "Default") + workflow("arbor_email_layout.test.key"),
				Check:  b.Exists("arbor_workflow.welcome"),
			},
		},
	})
}
