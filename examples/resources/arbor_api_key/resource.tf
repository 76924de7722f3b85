# A read-only key for a dashboard that reads production's configuration.
resource "arbor_api_key" "dashboard" {
  environment = "production"
  name        = "status dashboard"
  scope       = "read_only"
}

output "dashboard_key" {
  value     = arbor_api_key.dashboard.secret
  sensitive = true
}
