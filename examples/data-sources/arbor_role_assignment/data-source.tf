# Fails unless ada holds editor at emea in production.
data "arbor_role_assignment" "ada_editor_emea" {
  environment  = "production"
  identity_key = "ada"
  role_key     = "editor"
  node_key     = "emea"
}
