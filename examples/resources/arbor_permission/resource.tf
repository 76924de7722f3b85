resource "arbor_permission" "documents_read" {
  key         = "documents.read"
  name        = "Read documents"
  description = "View any document of the organisation."
}

# The same permission in another environment is another object.
resource "arbor_permission" "documents_read_staging" {
  environment = "staging"
  key         = "documents.read"
  name        = "Read documents"
}
