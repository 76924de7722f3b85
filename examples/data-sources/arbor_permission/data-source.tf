data "arbor_permission" "documents_read" {
  environment = "production"
  key         = "documents.read"
}
