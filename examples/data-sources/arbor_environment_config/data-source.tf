# Keep a copy of production's configuration in the repository's artifacts,
# or compare two environments' documents in a pipeline.
data "arbor_environment_config" "production" {
  environment = "production"
}

output "production_roles" {
  value = data.arbor_environment_config.production.counts["roles"]
}

output "production_role_keys" {
  value = [for r in jsondecode(data.arbor_environment_config.production.document).roles : r.key]
}
