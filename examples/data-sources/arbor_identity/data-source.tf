# Any credential can read identities, environment API keys included.
data "arbor_identity" "ada" {
  key = "ada"
}

output "ada_email" {
  value = data.arbor_identity.ada.email
}
