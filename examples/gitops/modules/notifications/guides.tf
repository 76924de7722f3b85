# Guides are versioned like workflows: development takes any change;
# staging and production accept only what the environment below already
# shows. The in-app feed channel shows them, as it shows the feed step of
# the new-comment workflow.

resource "arbor_guide" "projects_launch" {
  key         = "projects-launch"
  name        = "Projects launch"
  description = "Announces projects on the dashboard."
  type        = "banner"
  channel_key = arbor_channel.feed.key
  active      = var.guides_active

  content = {
    body        = "Projects are here: group your documents by team."
    button_text = "Try projects"
    button_url  = "https://app.example.com/projects"
  }

  activation_url_patterns = ["/dashboard", "/documents/**"]

  audience = {
    rules = [{ variable = "recipient.role", operator = "not_equal_to", argument = "viewer" }]
  }
}

output "guide_shas" {
  description = "Content hash of each guide: equal across environments once a change is promoted."
  value = {
    (arbor_guide.projects_launch.key) = arbor_guide.projects_launch.sha
  }
}
