# terraform apply -invoke=action.arbor_environment_export.staging
# writes staging's configuration document, as the record of a release.
action "arbor_environment_export" "staging" {
  config {
    environment = "staging"
    path        = "${path.root}/staging-config.json"
  }
}
