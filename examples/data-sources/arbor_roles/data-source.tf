# Every role of production that grants documents.write.
data "arbor_roles" "writers" {
  environment = "production"
  permission  = "documents.write"
}

output "writer_roles" {
  value = data.arbor_roles.writers.keys
}
