# The default look of this environment's messages; each tenant's branding
# overrides it field by field (arbor_tenant.effective_branding).
resource "arbor_branding" "this" {
  primary_color          = "#0A7CFF"
  primary_color_contrast = "#FFFFFF"
  logo_url               = "https://cdn.example.com/arbor/logo.png"
  icon_url               = "https://cdn.example.com/arbor/icon.png"
}
