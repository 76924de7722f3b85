# A tenant every environment has: the one the team tests with. Tenants are
# data, so each environment gets its own by its own apply; nothing about
# them is promoted.
resource "arbor_tenant" "internal_qa" {
  key  = "internal-qa"
  name = "Internal QA"

  properties = jsonencode({
    plan = "enterprise"
  })

  branding = {
    primary_color          = "#0A7CFF"
    primary_color_contrast = "#FFFFFF"
  }

  preference_set = {
    channel_types = { email = true, sms = false }
  }
}
