data "arbor_role" "editor" {
  environment = "production"
  key         = "editor"
}

output "editor_permissions" {
  value = data.arbor_role.editor.permissions
}
