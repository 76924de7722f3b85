# Account-level objects, applied first and with an admin credential: the
# promotion order (development → staging → production) and the settings.

terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}

# The backend comes from ARBOR_DATABASE (embedded) or ARBOR_ENDPOINT and
# ARBOR_API_KEY (a team's server): the pipeline supplies it, not the code.
provider "arbor" {}

resource "arbor_environment" "staging" {
  slug        = "staging"
  name        = "Staging"
  description = "Release candidates, checked before production."
}

resource "arbor_account_settings" "this" {
  # Workflows reach production only by promotion.
  production_write_access = false
}
