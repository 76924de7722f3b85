# Templates read it as {{ vars.app_url }}; each environment has its own value.
resource "arbor_variable" "app_url" {
  key         = "app_url"
  value       = "https://dev.app.example.com"
  description = "Base URL of the app, for links in messages."
}

variable "support_api_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

# A secret value: write-only, stored encrypted, never returned or in state.
resource "arbor_variable" "support_api_token" {
  key              = "support_api_token"
  sensitive        = true
  value_wo         = var.support_api_token
  value_wo_version = 1
}
