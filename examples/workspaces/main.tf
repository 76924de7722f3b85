# One root for every environment: each Terraform workspace is the Arbor
# environment of the same name. The account root (../gitops/account)
# creates staging; development and production always exist.
#
#   terraform workspace new development   # once per environment
#   terraform workspace select staging
#   ARBOR_API_KEY=$STAGING_KEY terraform plan
#
# The default workspace names no environment and is refused at plan:
# environment "default" not found.

terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}

# The backend (ARBOR_ENDPOINT) and the credential of the selected
# workspace's environment (ARBOR_API_KEY) come from the pipeline, not the
# code: a key of one environment can only reach that environment.
provider "arbor" {
  environment = terraform.workspace
}

# What each environment keeps to itself (its channels' provider, its
# variables) is chosen by workspace; everything else is shared.
locals {
  email_service = { development = "mailtrap" }
  app_url = {
    development = "https://dev.app.example.com"
    staging     = "https://staging.app.example.com"
  }
}

module "notifications" {
  source = "../gitops/modules/notifications"

  email_service = lookup(local.email_service, terraform.workspace, "postmark")
  app_url       = lookup(local.app_url, terraform.workspace, "https://app.example.com")
}

output "workflow_shas" {
  value = module.notifications.workflow_shas
}
