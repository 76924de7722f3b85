data "arbor_environment" "production" {
  slug = "production"
}

output "production_position" {
  value = data.arbor_environment.production.position
}
