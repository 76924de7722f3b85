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

// workflowFull uses every argument of arbor_workflow and every kind of
// step, sending through channels the same plan creates.
func workflowFull(b *acctest.Backend, key, subject string, active bool) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_channel" "feed" {
  key     = "feed"
  name    = "Feed"
  type    = "in_app_feed"
  service = "arbor"
}

resource "arbor_workflow" "test" {
  key               = %q
  name              = "New comment"
  description       = "Tells the participants of a thread about a new comment."
  categories        = ["comments", "collaboration"]
  trigger_frequency = "once_per_recipient_per_tenant"
  active            = %t
  trigger_data_schema = jsonencode({
    type       = "object"
    required   = ["comment_id"]
    properties = { comment_id = { type = "string" } }
  })
  conditions = {
    match = "any"
    rules = [
      { variable = "recipient.plan", operator = "not_equal_to", argument = "free" },
      { variable = "data.mentions", operator = "not_empty" },
    ]
  }
  steps = [
    { ref = "wait", delay = { duration = "5m" } },
    { ref = "until", delay = { until_field_path = "data.send_at" } },
    { ref = "digest", batch = { window = "1h", key = "data.thread_id", max_items = 50 } },
    { ref = "cap", throttle = { limit = 3, window = "1d", key = "data.thread_id" } },
    {
      ref   = "load"
      fetch = {
        method  = "POST"
        url     = "https://api.example.com/threads/lookup"
        headers = { Accept = "application/json" }
        body    = "{\"id\": \"{{ data.thread_id }}\"}"
      }
    },
    {
      ref = "email"
      conditions = {
        rules = [{ variable = "recipient.email", operator = "not_empty" }]
      }
      channel = {
        type    = "email"
        key     = arbor_channel.postmark.key
        subject = %q
        body    = "{{ actor.name }} commented: {{ data.body }}"
      }
    },
    {
      ref     = "feed"
      channel = { type = "in_app_feed", key = arbor_channel.feed.key, body = "New comment", action_url = "https://app.example.com/threads" }
    },
  ]
}
`, key, active, subject)
}

func TestAccWorkflow_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("new-comment")
	var firstSHA string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: workflowFull(b, key, "New comment on {{ data.thread }}", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The sha is known at plan time: computed from the planned content.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("sha"), knownvalue.StringRegexp(shaPattern))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("origin_environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("steps").AtSliceIndex(2).AtMapKey("batch").AtMapKey("max_items"), knownvalue.Int64Exact(50)),
				},
				Check: func(s *terraformState) error {
					firstSHA = s.RootModule().Resources["arbor_workflow.test"].Primary.Attributes["sha"]
					return b.Exists("arbor_workflow.test")(s)
				},
			},
			{
				ResourceName:      "arbor_workflow.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Active is not content: the sha stays.
				Config: workflowFull(b, key, "New comment on {{ data.thread }}", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_workflow.test", plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraformState) error {
					if got := s.RootModule().Resources["arbor_workflow.test"].Primary.Attributes["sha"]; got != firstSHA {
						return fmt.Errorf("switching active changed the sha from %s to %s", firstSHA, got)
					}
					return nil
				},
			},
			{
				Config: workflowFull(b, key, "Someone replied in {{ data.thread }}", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
				},
				Check: func(s *terraformState) error {
					if got := s.RootModule().Resources["arbor_workflow.test"].Primary.Attributes["sha"]; got == firstSHA {
						return fmt.Errorf("a content change kept the sha")
					}
					return nil
				},
			},
		},
	})
}

func TestAccWorkflow_disappears(t *testing.T) {
	testDisappears(t, "arbor_workflow.test", func(b *acctest.Backend) string { return workflowFull(b, acctest.RandomKey("gone"), "Hi", true) })
}

func TestAccWorkflow_minimal(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("welcome")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_workflow" "test" {
  key  = %q
  name = "Welcome"
}
`, key),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("steps"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("categories"), knownvalue.SetExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("trigger_frequency"), knownvalue.StringExact("every_trigger")),
					statecheck.ExpectKnownValue("arbor_workflow.test", tfjsonpath.New("active"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "arbor_workflow.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// Step shapes fail the plan, naming the attribute, with the backend's words.
func TestAccWorkflow_validation(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(steps string) string {
		return b.ProviderConfig() + `
resource "arbor_workflow" "test" {
  key   = "checked"
  name  = "Checked"
  steps = [` + steps + `]
}
`
	}
	cases := []struct{ steps, want string }{
		{`{ ref = "a" }`, `steps[0] must set exactly one of channel, delay, batch, throttle, fetch, branch or trigger_workflow`},
		{`{ ref = "a", delay = { duration = "5m" }, batch = { window = "1m" } }`, `must set exactly one of channel, delay, batch, throttle, fetch, branch or trigger_workflow (set: batch, delay)`},
		// Steps inside branches are named by their whole path.
		{`{ ref = "a", branch = { branches = [{ name = "pro", conditions = { rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "pro" }] }, steps = [{ ref = "b", channel = { type = "email", key = "k", body = "b" } }] }] } }`,
			`steps[0].branch.branches[0].steps[0].channel.subject is required for email`},
		{`{ ref = "a", branch = { branches = [{ name = "pro", steps = [] }] } }`, `steps[0].branch.branches[0].conditions is required`},
		{`{ ref = "a", branch = { branches = [{ name = "x", conditions = { rules = [{ variable = "data.n", operator = "between", argument = "9,1" }] }, steps = [] }], default_steps = [{ ref = "a", delay = { duration = "1m" } }] } }`,
			`steps[0].branch.branches[0].conditions.rules[0].argument must be low,high`},
		{`{ ref = "a", branch = { branches = [{ name = "x", conditions = { rules = [{ variable = "data.n", operator = "empty" }] }, steps = [] }], default_steps = [{ ref = "a", delay = { duration = "1m" } }] } }`,
			`steps[0].branch.default_steps[0].ref "a" is already the ref of steps[0]`},
		{`{ ref = "a", channel = { type = "chat", key = "k", body = "b", send_windows = [{ day = "monday", type = "send", from = "17:00", until = "09:00" }] } }`,
			`steps[0].channel.send_windows[0].until must be after from`},
		{`{ ref = "a", trigger_workflow = { workflow_key = "checked" } }`, `steps[0].trigger_workflow.workflow_key names this workflow`},
		{`{ ref = "a", conditions = { rules = [], groups = [{ rules = [{ variable = "data.n", operator = "empty" }] }] }, delay = { duration = "1m" } }`, `steps[0].conditions.rules`},
		{`{ ref = "a", conditions = { groups = [{ rules = [{ variable = "data.n", operator = "empty" }] }] }, delay = { duration = "1m" } }`, `steps[0].conditions.groups are allowed with match any only`},
		{`{ ref = "a", delay = { duration = "5m" } }, { ref = "a", delay = { duration = "1m" } }`, `steps[1].ref "a" is already the ref of steps[0]`},
		{`{ ref = "a", delay = { duration = "five minutes" } }`, `steps[0].delay.duration must be a duration such as 30s`},
		{`{ ref = "a", channel = { type = "pigeon", key = "k", body = "b" } }`, `steps[0].channel.type must be one of email, sms, push, chat, in_app_feed, http`},
		{`{ ref = "a", channel = { type = "email", key = "k", body = "b" } }`, `steps[0].channel.subject is required for email`},
		{`{ ref = "a", fetch = { method = "GET", url = "not-a-url" } }`, `steps[0].fetch.url must be an absolute http or https URL`},
		{`{ ref = "a", throttle = { limit = 0, window = "1h" } }`, `steps[0].throttle.limit must be at least 1`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: config(c.steps), PlanOnly: true, ExpectError: acctest.ErrorLike(c.want)})
	}
	steps = append(steps, resource.TestStep{
		Config:      b.ProviderConfig() + "resource \"arbor_workflow\" \"test\" {\n  key  = \"No Caps\"\n  name = \"x\"\n}\n",
		PlanOnly:    true,
		ExpectError: acctest.ErrorLike("key must be " + domain.WorkflowKeyRule),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccWorkflowDataSources(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("new-comment")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: workflowFull(b, key, "Hi", true) + `
data "arbor_workflow" "test" {
  key = arbor_workflow.test.key
}

data "arbor_workflows" "comments" {
  category   = "comments"
  active     = true
  depends_on = [arbor_workflow.test]
}

data "arbor_workflows" "inactive" {
  active     = false
  depends_on = [arbor_workflow.test]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.arbor_workflow.test", tfjsonpath.New("sha"), "arbor_workflow.test", tfjsonpath.New("sha"), compareEqual),
				statecheck.ExpectKnownValue("data.arbor_workflow.test", tfjsonpath.New("steps").AtSliceIndex(5).AtMapKey("channel").AtMapKey("key"), knownvalue.StringExact("postmark")),
				statecheck.ExpectKnownValue("data.arbor_workflows.comments", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(key)})),
				statecheck.ExpectKnownValue("data.arbor_workflows.inactive", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccAccountSettings_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(on bool) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_account_settings" "this" {
  production_write_access = %t
}
`, on)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraformState) error {
			st, err := b.Client.Settings(t.Context())
			if err == nil && st.ProductionWriteAccess {
				return fmt.Errorf("destroy did not reset production_write_access")
			}
			return err
		},
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_account_settings.this", tfjsonpath.New("id"), knownvalue.StringExact("account")),
				},
			},
			{ResourceName: "arbor_account_settings.this", ImportState: true, ImportStateId: "account", ImportStateVerify: true},
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_account_settings.this", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config(false),
				Check: func(*terraformState) error {
					_, err := b.Client.PutSettings(t.Context(), domain.Settings{ProductionWriteAccess: true}, clientCond())
					return err
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_account_settings.this", plancheck.ResourceActionUpdate)},
				},
			},
			{Config: config(false)},
		},
	})
}
