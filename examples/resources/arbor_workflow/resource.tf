# Applied in development first; staging and production accept it only
# once the environment below holds the same content (the same sha).
resource "arbor_workflow" "new_comment" {
  key               = "new-comment"
  name              = "New comment"
  description       = "Tells the participants of a thread about a new comment."
  categories        = ["collaboration"]
  trigger_frequency = "every_trigger"

  trigger_data_schema = jsonencode({
    type     = "object"
    required = ["thread_id", "body"]
  })

  # Not for recipients on the free plan.
  conditions = {
    rules = [{ variable = "recipient.plan", operator = "not_equal_to", argument = "free" }]
  }

  steps = [
    # Gather the comments of the next 10 minutes into one message.
    { ref = "digest", batch = { window = "10m", key = "data.thread_id" } },
    {
      ref = "email"
      channel = {
        type    = "email"
        key     = "email" # an arbor_channel of this environment
        subject = "New comments on {{ data.thread_title }}"
        body    = "{{ total_activities }} new comments."
      }
    },
    {
      ref     = "feed"
      channel = { type = "in_app_feed", key = "feed", body = "New comments", action_url = "https://app.example.com/inbox" }
    },
    # Enterprise tenants, or large teams on the pro plan, also hear about it
    # in chat during office hours (Paris time); then every run triggers the
    # follow-up workflow.
    {
      ref = "route"
      branch = {
        branches = [{
          name = "enterprise"
          conditions = {
            match  = "any"
            rules  = [{ variable = "tenant.tier", operator = "in", argument = "enterprise,strategic" }]
            groups = [{ rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "pro" }, { variable = "data.seats", operator = "between", argument = "100,100000" }] }]
          }
          steps = [{
            ref = "chat"
            channel = {
              type              = "chat"
              channel_group_key = "chat" # an arbor_channel_group of chat channels
              body              = "New comments on {{ data.thread_title }}"
              send_windows = [
                for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] :
                { day = day, type = "send", from = "09:00", until = "18:00" }
              ]
              send_time_zone = "Europe/Paris"
            }
          }]
        }]
      }
    },
    { ref = "follow-up", trigger_workflow = { workflow_key = "thread-follow-up" } },
  ]

  # Per environment: switch it off here without touching the content.
  active = true
}
