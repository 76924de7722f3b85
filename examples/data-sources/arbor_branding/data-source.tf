data "arbor_branding" "production" {
  environment = "production"
}

output "production_primary_color" {
  value = data.arbor_branding.production.primary_color
}
