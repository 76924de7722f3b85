data "arbor_tenants" "production" {
  environment = "production"
}

output "tenant_keys" {
  value = data.arbor_tenants.production.keys
}
