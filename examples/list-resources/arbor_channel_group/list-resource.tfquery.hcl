# Every one of production's chat channel groups.
list "arbor_channel_group" "production" {
  provider = arbor

  config {
    environment  = "production"
    channel_type = "chat"
  }
}
