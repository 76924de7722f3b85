# The backend generates the signing secret; this run sees it once.
resource "arbor_webhook" "audit" {
  key    = "audit"
  url    = "https://hooks.example.com/arbor"
  events = ["role.created", "role.updated"]
}

output "audit_signing_secret" {
  value     = arbor_webhook.audit.signing_secret
  sensitive = true
}

# Or supply it, write-only (Terraform 1.11 or later): it never reaches plan
# or state. Increment the version to send a new secret.
variable "billing_signing_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "arbor_webhook" "billing" {
  key                       = "billing"
  url                       = "https://billing.example.com/hooks/arbor"
  events                    = ["role_assignment.created"]
  enabled                   = true
  signing_secret_wo         = var.billing_signing_secret
  signing_secret_wo_version = 1
}
