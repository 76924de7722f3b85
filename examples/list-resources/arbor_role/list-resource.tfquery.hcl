# The roles of production whose key starts with "billing-". The limit
# (default 100) caps the results: raise it for an environment with more.
list "arbor_role" "production" {
  provider = arbor
  limit    = 1000

  config {
    environment = "production"
    key_prefix  = "billing-"
  }
}
