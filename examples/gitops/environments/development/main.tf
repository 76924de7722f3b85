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
  environment = "development"
}

module "notifications" {
  source = "../../modules/notifications"

  # This environment's own: never promoted.
  email_service = "mailtrap"
  app_url       = "https://dev.app.example.com"
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

# The person the team tests access with. Role assignments are each
# environment's own (never promoted), so only development declares this one;
# ../../tests checks what it grants before a change is promoted.
resource "arbor_identity" "qa_editor" {
  key   = "qa-editor"
  email = "qa-editor@example.com"
  name  = "QA editor"
}

resource "arbor_role_assignment" "qa_editor" {
  identity_key = arbor_identity.qa_editor.key
  role_key     = module.notifications.role_keys.editor
  node_key     = module.notifications.node_keys.engineering
}
