# What staging renders for the button, to compare with this workspace's plan.
data "arbor_partial" "cta_button_staging" {
  environment = "staging"
  key         = "cta-button"
}

output "staging_partial_sha" {
  value = data.arbor_partial.cta_button_staging.sha
}
