# Applied in development first; staging and production accept it only
# once the environment below holds the same content (the same sha).
resource "arbor_guide" "projects_launch" {
  key         = "projects-launch"
  name        = "Projects launch"
  description = "Announces projects to customers on the pro plan."
  type        = "modal"
  channel_key = "in-app"

  # A modal needs a title and a body; a button needs both its text and an
  # absolute URL.
  content = {
    title       = "Projects are here"
    body        = "Hello {{ recipient.name }}: group your work into projects."
    button_text = "Try projects"
    button_url  = "https://app.example.com/projects"
    image_url   = "https://cdn.example.com/guides/projects.png"
  }

  # Path patterns: * is one segment, a last ** the rest of the path.
  activation_url_patterns = ["/dashboard", "/settings/**"]

  # The same shape as workflow conditions.
  audience = {
    rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "pro" }]
  }

  # The highest shows first when several guides could show at once.
  priority = 10

  # Per environment: switch it off here without touching the content.
  active = true
}
