# Every one of production's tenants.
list "arbor_tenant" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
