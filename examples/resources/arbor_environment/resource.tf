# Inserted just below production: development → staging → production.
resource "arbor_environment" "staging" {
  slug        = "staging"
  name        = "Staging"
  description = "Release candidates, tested against production-like data."

  # Viewer tokens see tenant properties redacted here.
  obfuscate_customer_data = true
}
