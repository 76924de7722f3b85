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

module "notifications" {
  source = "../gitops/modules/notifications"
}

output "workflow_shas" {
  value = module.notifications.workflow_shas
}
