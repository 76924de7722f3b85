# Promotion needs an account token with the admin role: give the action a
# provider configuration of its own when the roots use environment API keys.
provider "arbor" {
  alias = "admin"
  # endpoint and api_key from ARBOR_ENDPOINT and ARBOR_API_KEY_ADMIN, say.
}

# terraform apply -invoke=action.arbor_environment_promote.to_staging
action "arbor_environment_promote" "to_staging" {
  provider = arbor.admin

  config {
    from              = "development"
    to                = "staging"
    prune_assignments = false
  }
}

# Or run it on every release: after the release's terraform_data changes.
resource "terraform_data" "release" {
  input = "2026.12.1"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.arbor_environment_promote.to_staging]
    }
  }
}
