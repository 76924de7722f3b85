# What the configuration must keep doing, asked of an environment as
# applied. Only data sources: `terraform test` here creates, changes and
# destroys nothing, so it runs against development itself. The pipeline
# runs it after applying development and before planning staging:
#
#   terraform -chdir=tests test                          # development
#   terraform -chdir=tests test -var environment=staging

terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}

variable "environment" {
  description = "Environment to check."
  type        = string
  default     = "development"
}

variable "identity_key" {
  description = "Identity whose access is checked: development's QA editor, an editor at engineering."
  type        = string
  default     = "qa-editor"
}

variable "permission" {
  description = "Permission checked."
  type        = string
  default     = "documents.write"
}

variable "node_key" {
  description = "Hierarchy node the permission is checked at."
  type        = string
  default     = "engineering"
}

variable "tenant_key" {
  description = "Tenant the welcome workflow is previewed for."
  type        = string
  default     = "internal-qa"
}

provider "arbor" {
  environment = var.environment
}

data "arbor_access_check" "this" {
  identity_key = var.identity_key
  permission   = var.permission
  node_key     = var.node_key
}

data "arbor_workflow_preview" "welcome" {
  workflow_key = "welcome"
  tenant_key   = var.tenant_key
  recipient    = jsonencode({ id = "qa-editor", name = "Quinn" })
  data         = jsonencode({ organisation = "Acme Corp" })
}

# The same message for a recipient whose locale is fr-CA: the fr strings.
data "arbor_workflow_preview" "welcome_fr" {
  workflow_key = "welcome"
  tenant_key   = var.tenant_key
  recipient    = jsonencode({ id = "qa-editor", name = "Quinn", locale = "fr-CA" })
  data         = jsonencode({ organisation = "Acme Corp" })
}

# The new-comment digest: by email for a recipient with an address (the
# branch named email), on a Saturday deferred to Monday by its send windows.
data "arbor_workflow_preview" "new_comment" {
  workflow_key = "new-comment"
  recipient    = jsonencode({ id = "qa-editor", name = "Quinn", email = "quinn@example.com", timezone = "Europe/London" })
  data         = jsonencode({ thread_title = "Roadmap" })
  at           = "2026-12-12T10:00:00Z"
}

locals {
  new_comment_route = one([for s in data.arbor_workflow_preview.new_comment.steps : s if s.ref == "route"])
  new_comment_email = one([for s in data.arbor_workflow_preview.new_comment.steps : s if s.ref == "email"])
  welcome_email     = one([for s in data.arbor_workflow_preview.welcome.steps : s if s.ref == "email"])
  welcome_email_fr  = one([for s in data.arbor_workflow_preview.welcome_fr.steps : s if s.ref == "email"])
}
