# What the welcome workflow would send a new member of tenant acme, without
# sending it: per step, whether it runs and why, and each message rendered
# with the tenant's branding over the environment's.
data "arbor_workflow_preview" "welcome_acme" {
  workflow_key = "welcome"
  tenant_key   = "acme"
  recipient = jsonencode({
    id    = "ada"
    name  = "Ada"
    email = "ada@example.com"
    # The recipient's own preferences override the tenant's defaults.
    preferences = { channel_types = { sms = false } }
  })
  data = jsonencode({ organisation = "Acme Corp" })
}

locals {
  welcome_email = one([for s in data.arbor_workflow_preview.welcome_acme.steps : s if s.ref == "email"])
}

check "welcome_email_is_branded" {
  assert {
    condition     = local.welcome_email.runs && strcontains(local.welcome_email.rendered.body, "#0A7CFF")
    error_message = "The welcome email is not sent, or not in Acme's colour: ${local.welcome_email.reason}"
  }
}

output "welcome_subject" {
  value = local.welcome_email.rendered.subject
}
