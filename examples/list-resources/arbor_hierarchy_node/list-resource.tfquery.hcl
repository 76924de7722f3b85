# The hierarchy nodes of production whose key starts with "emea". The limit
# (default 100) caps the results: raise it for an environment with more.
list "arbor_hierarchy_node" "production" {
  provider = arbor
  limit    = 1000

  config {
    environment = "production"
    key_prefix  = "emea"
  }
}
