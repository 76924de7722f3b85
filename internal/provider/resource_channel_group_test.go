package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// chatChannels are two chat channels and an email one.
const chatChannels = `
resource "arbor_channel" "slack" {
  key     = "slack"
  name    = "Slack"
  type    = "chat"
  service = "slack"
}

resource "arbor_channel" "teams" {
  key     = "teams"
  name    = "Teams"
  type    = "chat"
  service = "teams"
}

resource "arbor_channel" "email" {
  key     = "email"
  name    = "Email"
  type    = "email"
  service = "postmark"
}
`

// chatGroupConfig is a chat group whose second rule names second (an
// expression), with operator.
func chatGroupConfig(second, operator string) string {
	return `
resource "arbor_channel_group" "chat" {
  key          = "chat"
  name         = "Chat"
  channel_type = "chat"
  operator     = "` + operator + `"
  channel_rules = [
    {
      channel_key = arbor_channel.slack.key
      rule_type   = "if"
      conditions  = { rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "enterprise" }] }
    },
    { channel_key = ` + second + `, rule_type = "always" },
  ]
}
`
}

// groupWorkflowConfig sends a chat step through the group named by group.
func groupWorkflowConfig(stepType, group string) string {
	return `
resource "arbor_workflow" "incident" {
  key   = "incident"
  name  = "Incident"
  steps = [{ ref = "chat", channel = { type = "` + stepType + `", channel_group_key = ` + group + `, body = "Incident {{ data.id }}" } }]
}
`
}

// Channels, the group over them and a workflow sending through the group,
// all in one plan; the group reads back, imports, and updates in place.
func TestAccChannelGroup_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(operator string) string {
		return b.ProviderConfig() + chatChannels + chatGroupConfig("arbor_channel.teams.key", operator) + groupWorkflowConfig("chat", "arbor_channel_group.chat.key") + `
data "arbor_channel_group" "chat" {
  key = arbor_channel_group.chat.key
}
`
	}
	planTest(t, b,
		resource.TestStep{
			Config: config("any"),
			Check:  resource.ComposeTestCheckFunc(b.Exists("arbor_channel_group.chat"), b.Exists("arbor_workflow.incident")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("arbor_channel_group.chat", tfjsonpath.New("id"), knownvalue.StringExact("development/chat")),
				statecheck.ExpectKnownValue("data.arbor_channel_group.chat", tfjsonpath.New("channel_rules").AtSliceIndex(1).AtMapKey("channel_key"), knownvalue.StringExact("teams")),
				statecheck.ExpectKnownValue("data.arbor_channel_group.chat", tfjsonpath.New("channel_rules").AtSliceIndex(0).AtMapKey("conditions").AtMapKey("match"), knownvalue.StringExact("all")),
				statecheck.ExpectKnownValue("arbor_workflow.incident", tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("channel").AtMapKey("key"), knownvalue.Null()),
			},
		},
		resource.TestStep{ResourceName: "arbor_channel_group.chat", ImportState: true, ImportStateVerify: true},
		resource.TestStep{
			Config: config("all"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.arbor_channel_group.chat", tfjsonpath.New("operator"), knownvalue.StringExact("all")),
			},
		},
	)
}

// The group's channels and the step's group are judged at plan with their
// types, counting what the same plan creates, naming the field.
func TestAccChannelGroup_planChecks(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+chatChannels+chatGroupConfig("arbor_channel.email.key", "any"),
			`channel_rules[1].channel_key channel "email" in environment development is an email channel, not chat`),
		refusedAtPlan(b.ProviderConfig()+chatChannels+chatGroupConfig("arbor_channel.teams.key", "any")+groupWorkflowConfig("sms", "arbor_channel_group.chat.key"),
			`steps[0].channel.channel_group_key channel group "chat" in environment development groups chat channels, not sms`),
		refusedAtPlan(b.ProviderConfig()+groupWorkflowConfig("chat", `"urgent"`),
			`channel group "urgent" does not exist in environment development`),
		refusedAtPlan(b.ProviderConfig()+chatChannels+`
resource "arbor_channel_group" "chat" {
  key           = "chat"
  name          = "Chat"
  channel_type  = "chat"
  operator      = "any"
  channel_rules = [{ channel_key = arbor_channel.slack.key, rule_type = "if" }]
}
`, `channel_rules[0].conditions is required for rule_type if`),
	)
}

// A group a workflow sends through is not deleted: the apply is refused,
// naming the workflow, and the group stays.
func TestAccChannelGroup_deleteRefusedWhileUsed(t *testing.T) {
	b := acctest.NewBackend(t)
	group := chatGroupConfig("arbor_channel.teams.key", "any")
	workflow := groupWorkflowConfig("chat", `"chat"`)
	workflow = strings.Replace(workflow, `resource "arbor_workflow" "incident" {`, `resource "arbor_workflow" "incident" {
  depends_on = [arbor_channel_group.chat]`, 1)
	planTest(t, b,
		resource.TestStep{Config: b.ProviderConfig() + chatChannels + group + workflow},
		resource.TestStep{
			Config:      b.ProviderConfig() + chatChannels + strings.Replace(workflow, "depends_on = [arbor_channel_group.chat]", "", 1),
			ExpectError: acctest.ErrorLike(`channel group "chat" is still used by workflow "incident"`),
		},
		resource.TestStep{
			Config: b.ProviderConfig() + chatChannels + group + workflow,
			Check:  b.Exists("arbor_channel_group.chat"),
		},
	)
}
