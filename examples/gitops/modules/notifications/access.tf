# What people may do, and where in the organisation. The same module is
# applied to every environment; each environment's plan shows what would
# change there.

locals {
  permissions = {
    "documents.read"  = "Read documents"
    "documents.write" = "Write documents"
    "billing.read"    = "Read invoices"
    "members.manage"  = "Invite and remove members"
  }
}

resource "arbor_permission" "this" {
  for_each = local.permissions

  key  = each.key
  name = each.value
}

resource "arbor_role" "viewer" {
  key         = "viewer"
  name        = "Viewer"
  description = "Reads documents."
  permissions = [arbor_permission.this["documents.read"].key]
}

resource "arbor_role" "editor" {
  key  = "editor"
  name = "Editor"
  permissions = [
    arbor_permission.this["documents.read"].key,
    arbor_permission.this["documents.write"].key,
  ]
}

resource "arbor_role" "org_admin" {
  key         = "org-admin"
  name        = "Organisation admin"
  permissions = [for p in arbor_permission.this : p.key]
}

resource "arbor_hierarchy_node" "acme" {
  key  = "acme"
  name = "Acme Corp"
}

resource "arbor_hierarchy_node" "engineering" {
  key        = "engineering"
  name       = "Engineering"
  parent_key = arbor_hierarchy_node.acme.key
}

resource "arbor_hierarchy_node" "sales" {
  key        = "sales"
  name       = "Sales"
  parent_key = arbor_hierarchy_node.acme.key
}
