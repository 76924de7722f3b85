# Every one of production's channels.
list "arbor_channel" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
