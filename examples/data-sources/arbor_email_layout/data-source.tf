# What staging wraps its emails in, to compare with this workspace's plan.
data "arbor_email_layout" "default_staging" {
  environment = "staging"
  key         = "default"
}

output "staging_layout_sha" {
  value = data.arbor_email_layout.default_staging.sha
}
