variable "postmark_server_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

# Development sends through Postmark's sandbox; production's root declares
# the same key with its real account, so a promoted workflow finds it.
resource "arbor_channel" "email" {
  key     = "email"
  name    = "Transactional email"
  type    = "email"
  service = "postmark"
  settings = {
    from_address = "hello@example.com"
    sandbox      = "true"
  }

  # Write-only: never in plan or state. Bump the version to rotate it.
  credentials_wo         = jsonencode({ server_token = var.postmark_server_token })
  credentials_wo_version = 1
}
