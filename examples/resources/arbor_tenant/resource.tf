resource "arbor_tenant" "acme" {
  environment = "production"
  key         = "org_2Nk81"
  name        = "Acme Fish Co."

  properties = jsonencode({
    plan   = "enterprise"
    region = "eu-west"
  })

  branding = {
    primary_color          = "#0A7CFF"
    primary_color_contrast = "#FFFFFF"
    logo_url               = "https://cdn.acme.example/logo.svg"
    icon_url               = "https://cdn.acme.example/icon.png"
  }

  # The defaults of every recipient of this tenant.
  preference_set = {
    channel_types = { email = true, sms = false }
    categories    = { billing = true, marketing = false }
    workflows     = { "weekly-digest" = false }
  }
}

# The environment's branding (arbor_branding) with this tenant's overrides.
output "acme_branding" {
  value = arbor_tenant.acme.effective_branding
}
