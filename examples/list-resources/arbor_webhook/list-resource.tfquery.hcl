# Every one of production's webhooks.
list "arbor_webhook" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
