resource "arbor_oauth_client" "dashboard" {
  key  = "dashboard"
  name = "Customer dashboard"
  redirect_uris = [
    "https://app.example.com/callback",
    # http is accepted for local development only.
    "http://localhost:3000/callback",
  ]
  scopes = ["openid", "email"]
}

output "dashboard_client_id" {
  value = arbor_oauth_client.dashboard.client_id
}

# Known only to the run that created the client.
output "dashboard_client_secret" {
  value     = arbor_oauth_client.dashboard.client_secret
  sensitive = true
}
