# The role assignments of one identity in production.
list "arbor_role_assignment" "ada" {
  provider = arbor

  config {
    environment  = "production"
    identity_key = "ada"
  }
}
