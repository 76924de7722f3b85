resource "arbor_channel" "slack" {
  key     = "slack"
  name    = "Slack"
  type    = "chat"
  service = "slack"
}

resource "arbor_channel" "teams" {
  key     = "teams"
  name    = "Microsoft Teams"
  type    = "chat"
  service = "teams"
}

# Enterprise recipients get Slack; everyone else Teams.
resource "arbor_channel_group" "chat" {
  key          = "chat"
  name         = "Team chat"
  channel_type = "chat"
  operator     = "any"
  channel_rules = [
    {
      channel_key = arbor_channel.slack.key
      rule_type   = "if"
      conditions = {
        rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "enterprise" }]
      }
    },
    {
      channel_key = arbor_channel.teams.key
      rule_type   = "always"
    },
  ]
}

# A step names the group instead of one channel.
resource "arbor_workflow" "incident" {
  key  = "incident"
  name = "Incident"
  steps = [{
    ref = "chat"
    channel = {
      type              = "chat"
      channel_group_key = arbor_channel_group.chat.key
      body              = "Incident {{ data.id }} opened"
    }
  }]
}
