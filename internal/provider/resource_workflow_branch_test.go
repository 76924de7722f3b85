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

// workflowBranching routes by plan: enterprise tenants get a chat message
// through a channel group inside office hours, everyone else an email,
// then a follow-up workflow is triggered. Its channels, group and the
// triggered workflow are created by the same plan.
func workflowBranching(b *acctest.Backend, key, followUp string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_channel" "slack" {
  key     = "slack"
  name    = "Slack"
  type    = "chat"
  service = "slack"
}

resource "arbor_channel_group" "chat" {
  key           = "chat"
  name          = "Chat"
  channel_type  = "chat"
  operator      = "any"
  channel_rules = [{ channel_key = arbor_channel.slack.key, rule_type = "always" }]
}

resource "arbor_workflow" "follow_up" {
  key  = %[2]q
  name = "Follow-up"
}

resource "arbor_workflow" "test" {
  key  = %[1]q
  name = "Routed"
  steps = [
    {
      ref = "route"
      branch = {
        branches = [
          {
            name = "enterprise"
            conditions = {
              match = "any"
              rules = [{ variable = "tenant.tier", operator = "in", argument = "enterprise,strategic" }]
              groups = [{ rules = [
                { variable = "recipient.plan", operator = "equal_to", argument = "pro" },
                { variable = "data.seats", operator = "between", argument = "100,100000" },
              ] }]
            }
            steps = [
              {
                ref = "chat"
                channel = {
                  type              = "chat"
                  channel_group_key = arbor_channel_group.chat.key
                  body              = "Hi {{ recipient.name }}"
                  send_windows = [
                    { day = "monday", type = "send", from = "09:00", until = "17:30" },
                    { day = "tuesday", type = "send", from = "09:00", until = "17:30" },
                  ]
                  send_time_zone = "Europe/Paris"
                }
              },
            ]
          },
          {
            name       = "nobody"
            conditions = { rules = [{ variable = "data.never", operator = "not_empty" }] }
            steps      = []
          },
        ]
        default_steps = [
          {
            ref = "inner"
            branch = {
              branches = [{
                name       = "late"
                conditions = { rules = [{ variable = "data.at", operator = "before", argument = "now" }] }
                steps      = [{ ref = "late-email", channel = { type = "email", key = arbor_channel.postmark.key, subject = "Late", body = "Late" } }]
              }]
              default_steps = [{ ref = "email", channel = { type = "email", key = arbor_channel.postmark.key, subject = "Hi", body = "Hi {{ recipient.name }}" } }]
            }
          },
        ]
      }
    },
    { ref = "follow-up", trigger_workflow = { workflow_key = arbor_workflow.follow_up.key } },
  ]
}

data "arbor_workflow_preview" "enterprise" {
  workflow_key = arbor_workflow.test.key
  recipient    = jsonencode({ id = "ada", name = "Ada", plan = "pro" })
  data         = jsonencode({ seats = 250 })
  at           = "2026-12-07T19:00:00Z"
}

data "arbor_workflow_preview" "free" {
  workflow_key = arbor_workflow.test.key
  recipient    = jsonencode({ id = "bob", name = "Bob", plan = "free" })
}
`, key, followUp)
}

// A workflow with branches two levels deep, condition groups, a channel
// group step with send windows and a trigger_workflow step applies,
// imports, plans empty, and previews the branch each recipient takes.
func TestAccWorkflow_branches(t *testing.T) {
	b := acctest.NewBackend(t)
	key, followUp := acctest.RandomKey("routed"), acctest.RandomKey("follow-up")
	steps := tfjsonpath.New("steps")
	enterprise, free := "data.arbor_workflow_preview.enterprise", "data.arbor_workflow_preview.free"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: workflowBranching(b, key, followUp),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_workflow.test", steps.AtSliceIndex(0).AtMapKey("branch").AtMapKey("default_steps").AtSliceIndex(0).AtMapKey("branch").AtMapKey("default_steps").AtSliceIndex(0).AtMapKey("ref"), knownvalue.StringExact("email")),
					// The pro recipient with 250 seats takes the enterprise
					// branch by its group; Monday 20:00 in Paris is outside
					// the send windows: deferred to Tuesday 09:00.
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(0).AtMapKey("branch"), knownvalue.StringExact("enterprise")),
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(0).AtMapKey("reason"), knownvalue.StringRegexp(regexp.MustCompile(`takes branch "enterprise": group 1: recipient.plan equal_to "pro" holds`))),
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(1).AtMapKey("path"), knownvalue.StringExact("steps[0].branch.branches[0].steps[0]")),
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(1).AtMapKey("channel_group_key"), knownvalue.StringExact("chat")),
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(1).AtMapKey("deferred_until"), knownvalue.StringExact("2026-12-08T09:00:00+01:00")),
					statecheck.ExpectKnownValue(enterprise, steps.AtSliceIndex(2).AtMapKey("kind"), knownvalue.StringExact("trigger_workflow")),
					// The free recipient takes the default steps, then the
					// inner branch's default.
					statecheck.ExpectKnownValue(free, steps.AtSliceIndex(0).AtMapKey("branch"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownValue(free, steps.AtSliceIndex(1).AtMapKey("branch"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownValue(free, steps.AtSliceIndex(2).AtMapKey("path"), knownvalue.StringExact("steps[0].branch.default_steps[0].branch.default_steps[0]")),
					statecheck.ExpectKnownValue(free, steps.AtSliceIndex(2).AtMapKey("rendered").AtMapKey("body"), knownvalue.StringExact("Hi Bob")),
					statecheck.ExpectKnownValue(free, steps.AtSliceIndex(3).AtMapKey("ref"), knownvalue.StringExact("follow-up")),
				},
			},
			{
				ResourceName:      "arbor_workflow.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// A nested step's use of a layout and a trigger_workflow target absent
// from the environment fail the plan, naming the nested attribute and
// what to apply first.
func TestAccWorkflow_branchReferencesCheckedAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(step string) string {
		return b.ProviderConfig() + `
resource "arbor_workflow" "test" {
  key  = "nested-refs"
  name = "Nested"
  steps = [{
    ref = "route"
    branch = {
      branches = [{
        name       = "all"
        conditions = { rules = [{ variable = "recipient.id", operator = "not_empty" }] }
        steps      = [` + step + `]
      }]
    }
  }]
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`{ ref = "next", trigger_workflow = { workflow_key = "missing-flow" } }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)steps\[0\]\.branch\.branches\[0\]\.steps\[0\]\.trigger_workflow\.workflow_key.*missing-flow`),
			},
			{
				Config:      config(`{ ref = "chat", channel = { type = "chat", key = "no-such-channel", body = "Hi" } }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)steps\[0\]\.branch\.branches\[0\]\.steps\[0\]\.channel\.key.*no-such-channel`),
			},
		},
	})
}
