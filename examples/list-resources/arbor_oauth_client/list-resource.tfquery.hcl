# Every one of production's OAuth clients.
list "arbor_oauth_client" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
