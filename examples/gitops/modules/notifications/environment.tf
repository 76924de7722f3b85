# What each environment owns and never promotes: the channels its messages
# go out through, the values its templates read, and its default branding.
# Every root applies them with its own values; the workflows find them by
# the same keys everywhere.

variable "email_service" {
  description = "The email delivery provider of this environment: a sandbox in development, the real account in production."
  type        = string
}

variable "app_url" {
  description = "Where this environment's messages link to (templates read it as vars.app_url)."
  type        = string
}

resource "arbor_channel" "email" {
  key     = "email"
  name    = "Transactional email"
  type    = "email"
  service = var.email_service
  settings = {
    from_address = "hello@example.com"
  }
}

resource "arbor_channel" "feed" {
  key     = "feed"
  name    = "In-app feed"
  type    = "in_app_feed"
  service = "arbor"
}

resource "arbor_variable" "app_url" {
  key         = "app_url"
  value       = var.app_url
  description = "Base URL of the app, for links in messages."
}

resource "arbor_branding" "this" {
  primary_color          = "#0A7CFF"
  primary_color_contrast = "#FFFFFF"
  logo_url               = "https://cdn.example.com/arbor/logo.png"
}
