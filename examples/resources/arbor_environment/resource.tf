# Inserted just below production: development → staging → production.
resource "arbor_environment" "staging" {
  slug        = "staging"
  name        = "Staging"
  description = "Release candidates, tested against production-like data."

  # Viewer tokens see tenant properties redacted here.
  obfuscate_customer_data = true

  # Messages to a recipient without a locale read the en-GB translations
  # (then en's, for a string en-GB lacks).
  default_locale = "en-GB"
}

# A new environment that starts as a copy of staging's configuration
# (roles, permissions, hierarchy, integrations, workflows; never people,
# assignments, keys, tenants or secrets).
resource "arbor_environment" "qa" {
  slug      = "qa"
  name      = "QA"
  copy_from = arbor_environment.staging.slug
}
