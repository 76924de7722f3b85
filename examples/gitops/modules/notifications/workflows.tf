# Workflows are versioned: development takes any change; staging and
# production accept only what the environment below already runs.

resource "arbor_workflow" "welcome" {
  key         = "welcome"
  name        = "Welcome"
  description = "Greets a new member of an organisation."
  categories  = ["onboarding"]
  active      = var.workflows_active

  # The email renders the partial and the translations: they come first.
  depends_on = [arbor_partial.call_to_action, arbor_translation.en, arbor_translation.fr]

  trigger_data_schema = jsonencode({
    type     = "object"
    required = ["organisation"]
  })

  steps = [
    {
      ref = "email"
      channel = {
        type       = "email"
        key        = arbor_channel.email.key
        layout_key = arbor_email_layout.default.key
        subject    = "Welcome to {{ data.organisation }}"
        body       = "<h1 style=\"color: {{ branding.primary_color }}\">{{ tenant.name }}</h1><p>{{ \"greeting\" | t }}</p>{% render 'call-to-action', label: \"get_started\" | t, url: vars.app_url, color: branding.primary_color %}"
      }
    },
  ]
}

resource "arbor_workflow" "new_comment" {
  key         = "new-comment"
  name        = "New comment"
  description = "Tells the participants of a thread about new comments, at most once per ten minutes."
  categories  = ["collaboration"]
  active      = var.workflows_active

  steps = [
    { ref = "digest", batch = { window = "10m", key = "data.thread_id" } },
    {
      ref     = "feed"
      channel = { type = "in_app_feed", key = arbor_channel.feed.key, body = "{{ total_activities }} new comments" }
    },
    # Recipients with an email address get the digest by email too, in
    # office hours on weekdays; the others only in the feed.
    {
      ref = "route"
      branch = {
        branches = [{
          name       = "email"
          conditions = { rules = [{ variable = "recipient.email", operator = "not_empty" }] }
          steps = [{
            ref = "email"
            channel = {
              type    = "email"
              key     = arbor_channel.email.key
              subject = "New comments on {{ data.thread_title }}"
              body    = "{{ total_activities }} new comments."
              send_windows = [
                for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] :
                { day = day, type = "send", from = "08:00", until = "19:00" }
              ]
            }
          }]
        }]
      }
    },
  ]
}
