# The secret is never readable; client_id is.
data "arbor_oauth_client" "dashboard" {
  environment = "production"
  key         = "dashboard"
}

output "dashboard_client_id" {
  value = data.arbor_oauth_client.dashboard.client_id
}
