# Identities (account-wide) whose key starts with "ops-".
list "arbor_identity" "ops" {
  provider = arbor

  config {
    key_prefix = "ops-"
  }
}
