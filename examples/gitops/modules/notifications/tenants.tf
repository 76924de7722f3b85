# A tenant every environment has: the one the team tests with. Tenants are
# data, so each environment gets its own by its own apply; nothing about
# them is promoted.
resource "arbor_tenant" "internal_qa" {
  key  = "internal-qa"
  name = "Internal QA"

  properties = jsonencode({
    plan = "enterprise"
  })

  # Overrides the environment's branding (arbor_branding) field by field:
  # effective_branding shows the result.
  branding = {
    primary_color = "#E4002B"
  }

  depends_on = [arbor_branding.this]

  preference_set = {
    channel_types = { email = true, sms = false }
  }
}
