resource "arbor_permission" "documents_read" {
  key  = "documents.read"
  name = "Read documents"
}

resource "arbor_permission" "documents_write" {
  key  = "documents.write"
  name = "Write documents"
}

# permissions is the role's whole set: a permission granted to the role any
# other way is removed on the next apply.
resource "arbor_role" "editor" {
  key         = "editor"
  name        = "Editor"
  description = "Reads and writes every document."
  permissions = [
    arbor_permission.documents_read.key,
    arbor_permission.documents_write.key,
  ]
}
