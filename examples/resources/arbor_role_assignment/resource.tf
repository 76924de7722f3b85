resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada Lovelace"
}

resource "arbor_role" "editor" {
  environment = "production"
  key         = "editor"
  name        = "Editor"
}

resource "arbor_hierarchy_node" "emea" {
  environment = "production"
  key         = "emea"
  name        = "EMEA"
}

# Ada is an editor of everything under EMEA, in production only:
# assignments are never copied between environments.
resource "arbor_role_assignment" "ada_editor_emea" {
  environment  = "production"
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.editor.key
  node_key     = arbor_hierarchy_node.emea.key
}
