package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// inAppChannel is the HCL of an in-app channel with key, the channel a
// guide shows through: every guide names one of its environment.
func inAppChannel(key string) string {
	return fmt.Sprintf(`
resource "arbor_channel" %[1]q {
  key     = %[1]q
  name    = "In-app"
  type    = "in_app_feed"
  service = "arbor"
}
`, key)
}

// guideFull uses every argument of arbor_guide.
func guideFull(b *acctest.Backend, key, title string, active bool) string {
	return b.ProviderConfig() + inAppChannel("in-app") + fmt.Sprintf(`
resource "arbor_guide" "test" {
  key                     = %q
  name                    = "Spring launch"
  description             = "Announces projects to pro customers."
  type                    = "modal"
  channel_key             = arbor_channel.in-app.key
  active                  = %t
  priority                = 10
  activation_url_patterns = ["/dashboard", "/projects/*/settings", "/docs/**"]
  content = {
    title       = %q
    body        = "Hello {{ recipient.name }}, projects are here."
    button_text = "Try it"
    button_url  = "https://app.example.com/projects"
    image_url   = "https://cdn.example.com/launch.png"
  }
  audience = {
    match = "any"
    rules = [
      { variable = "recipient.plan", operator = "equal_to", argument = "pro" },
      { variable = "tenant.tier", operator = "not_empty" },
    ]
  }
}
`, key, active, title)
}

func TestAccGuide_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("launch")
	var firstSHA string
	sha := func(s *terraformState) string {
		return s.RootModule().Resources["arbor_guide.test"].Primary.Attributes["sha"]
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: guideFull(b, key, "New: projects", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The sha is known at plan time: computed from the planned content.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("sha"), knownvalue.StringRegexp(shaPattern))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("id"), knownvalue.StringExact("development/"+key)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("origin_environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("activation_url_patterns"), knownvalue.SetSizeExact(3)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("audience").AtMapKey("rules").AtSliceIndex(1).AtMapKey("operator"), knownvalue.StringExact("not_empty")),
				},
				Check: func(s *terraformState) error {
					firstSHA = sha(s)
					return b.Exists("arbor_guide.test")(s)
				},
			},
			{
				ResourceName:      "arbor_guide.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The key alone imports into the provider's environment.
				ResourceName:      "arbor_guide.test",
				ImportState:       true,
				ImportStateId:     key,
				ImportStateVerify: true,
			},
			{
				// Active is not content: the sha stays.
				Config: guideFull(b, key, "New: projects", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_guide.test", plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraformState) error {
					if got := sha(s); got != firstSHA {
						return fmt.Errorf("switching active changed the sha from %s to %s", firstSHA, got)
					}
					return nil
				},
			},
			{
				Config: guideFull(b, key, "Projects are here", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("content").AtMapKey("title"), knownvalue.StringExact("Projects are here")),
				},
				Check: func(s *terraformState) error {
					if sha(s) == firstSHA {
						return fmt.Errorf("a content change kept the sha")
					}
					return nil
				},
			},
		},
	})
}

// The smallest guide plans clean after apply: every default is mirrored.
func TestAccGuide_minimal(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("banner")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + inAppChannel("in-app") + fmt.Sprintf(`
resource "arbor_guide" "test" {
  key         = %q
  name        = "Maintenance"
  type        = "banner"
  channel_key = arbor_channel.in-app.key
  content     = { body = "Maintenance tonight at 22:00 UTC." }
}
`, key),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("activation_url_patterns"), knownvalue.SetExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("priority"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: "arbor_guide.test", ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestAccGuide_disappears(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config:             guideFull(b, acctest.RandomKey("gone"), "Hi", true),
			Check:              b.Delete("arbor_guide.test"),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_guide.test", plancheck.ResourceActionCreate)},
			},
		}},
	})
}

// A change made outside Terraform shows in the next plan, which puts the
// configuration back.
func TestAccGuide_drift(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("drift")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:             guideFull(b, key, "Original", true),
				Check:              b.PutObject("arbor_guide.test", map[string]any{"priority": 99, "activation_url_patterns": []string{"/elsewhere"}}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_guide.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: guideFull(b, key, "Original", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("priority"), knownvalue.Int64Exact(10)),
					statecheck.ExpectKnownValue("arbor_guide.test", tfjsonpath.New("activation_url_patterns"), knownvalue.SetSizeExact(3)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Every rule of a guide's shape fails the plan, naming the attribute, with
// the backend's words.
func TestAccGuide_validation(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(typ, content, extra string) string {
		return b.ProviderConfig() + inAppChannel("in-app") + fmt.Sprintf(`
resource "arbor_guide" "test" {
  key         = "checked"
  name        = "Checked"
  type        = %q
  channel_key = arbor_channel.in-app.key
  content     = %s
  %s
}
`, typ, content, extra)
	}
	cases := []struct{ typ, content, extra, want string }{
		{"toast", `{ body = "b" }`, "", `type must be one of announcement, banner, modal, card, paywall`},
		{"banner", `{ title = "t" }`, "", `content.body is required for a guide of type banner`},
		{"modal", `{ body = "b" }`, "", `content.title is required for a guide of type modal`},
		{"paywall", `{ title = "t", body = "b" }`, "", `content.button_text is required for a guide of type paywall`},
		{"banner", `{ body = "b", button_text = "Go" }`, "", `content.button_url is required with button_text: a button needs both`},
		{"banner", `{ body = "b", button_url = "https://example.com" }`, "", `content.button_text is required with button_url: a button needs both`},
		{"banner", `{ body = "b", button_text = "Go", button_url = "/relative" }`, "", `content.button_url must be an absolute http or https URL`},
		{"banner", `{ body = "b", image_url = "logo.png" }`, "", `content.image_url must be an absolute http or https URL`},
		{"banner", `{ body = "b" }`, `activation_url_patterns = ["dashboard"]`, `activation_url_patterns "dashboard" must be a URL path starting with`},
		{"banner", `{ body = "b" }`, `activation_url_patterns = ["/docs/**/edit"]`, `must use ** only as the last segment`},
		{"banner", `{ body = "b" }`, `audience = { rules = [{ variable = "recipient.plan", operator = "like", argument = "x" }] }`, `audience.rules[0].operator must be one of equal_to`},
		{"banner", `{ body = "b" }`, `audience = { rules = [{ variable = "recipient.plan", operator = "equal_to" }] }`, `audience.rules[0].argument is required for operator equal_to`},
		{"banner", `{ body = "b" }`, `priority = -1`, `priority must be at least 0`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: config(c.typ, c.content, c.extra), PlanOnly: true, ExpectError: acctest.ErrorLike(c.want)})
	}
	steps = append(steps, resource.TestStep{
		Config:      b.ProviderConfig() + inAppChannel("in-app") + "resource \"arbor_guide\" \"test\" {\n  key         = \"No Caps\"\n  name        = \"x\"\n  type        = \"banner\"\n  channel_key = arbor_channel.in-app.key\n  content     = { body = \"b\" }\n}\n",
		PlanOnly:    true,
		ExpectError: acctest.ErrorLike("key must be " + domain.WorkflowKeyRule),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccGuideDataSources(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("launch")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: guideFull(b, key, "Hi", true) + inAppChannel("web") + `
resource "arbor_guide" "banner" {
  key         = "maintenance-banner"
  name        = "Maintenance"
  type        = "banner"
  channel_key = arbor_channel.web.key
  active      = false
  content     = { body = "Tonight." }
}

data "arbor_guide" "test" {
  key = arbor_guide.test.key
}

data "arbor_guides" "modals" {
  type       = "modal"
  depends_on = [arbor_guide.test, arbor_guide.banner]
}

data "arbor_guides" "web_inactive" {
  channel_key = "web"
  active      = false
  depends_on  = [arbor_guide.test, arbor_guide.banner]
}

data "arbor_guides" "all" {
  depends_on = [arbor_guide.test, arbor_guide.banner]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.arbor_guide.test", tfjsonpath.New("sha"), "arbor_guide.test", tfjsonpath.New("sha"), compareEqual),
				statecheck.ExpectKnownValue("data.arbor_guide.test", tfjsonpath.New("content").AtMapKey("button_url"), knownvalue.StringExact("https://app.example.com/projects")),
				statecheck.ExpectKnownValue("data.arbor_guides.modals", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(key)})),
				statecheck.ExpectKnownValue("data.arbor_guides.web_inactive", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("maintenance-banner")})),
				statecheck.ExpectKnownValue("data.arbor_guides.all", tfjsonpath.New("guides"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.arbor_guides.all", tfjsonpath.New("guides").AtSliceIndex(0).AtMapKey("type"), knownvalue.StringExact("modal")),
			},
		}},
	})
}

// A guide's channel_key names an in_app_feed channel of its environment,
// judged at plan with the backend's words and counting the channels the
// same plan creates; a channel a guide shows through is not deleted.
func TestAccGuide_channel(t *testing.T) {
	b := acctest.NewBackend(t)
	guide := func(channelKey string) string {
		return fmt.Sprintf(`
resource "arbor_guide" "test" {
  key         = "launch"
  name        = "Launch"
  type        = "banner"
  channel_key = %s
  content     = { body = "New" }
}
`, channelKey)
	}
	email := `
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}
`
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+guide(`"in-app"`), `channel_key channel "in-app" does not exist in environment development: create an in_app_feed channel "in-app" there first`),
		refusedAtPlan(b.ProviderConfig()+email+guide("arbor_channel.postmark.key"), `channel "postmark" in environment development is an email channel, not in_app_feed`),
		resource.TestStep{Config: b.ProviderConfig() + inAppChannel("in-app") + guide("arbor_channel.in-app.key")},
		resource.TestStep{
			Config:      b.ProviderConfig() + guide(`"in-app"`),
			ExpectError: acctest.ErrorLike(`guide "launch"`),
		},
		// The channel stayed: the configuration that names it plans clean,
		// and destroys the guide before its channel.
		resource.TestStep{
			Config:           b.ProviderConfig() + inAppChannel("in-app") + guide("arbor_channel.in-app.key"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	)
}
