terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}

# Which environment this root manages is code; how to reach the backend
# (ARBOR_DATABASE, or ARBOR_ENDPOINT and an ARBOR_API_KEY of this
# environment) is the pipeline's.
provider "arbor" {
  environment = "production"
}

module "notifications" {
  source = "../../modules/notifications"

  # This environment's own: never promoted.
  email_service = "postmark"
  app_url       = "https://app.example.com"
}

output "workflow_shas" {
  value = module.notifications.workflow_shas
}

output "guide_shas" {
  value = module.notifications.guide_shas
}

output "content_shas" {
  value = module.notifications.content_shas
}
