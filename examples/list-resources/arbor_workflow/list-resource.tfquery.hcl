# The workflows written in production itself, which no promotion brings:
# they are the ones to bring under code there.
list "arbor_workflow" "production_born" {
  provider = arbor

  config {
    environment        = "production"
    origin_environment = "production"
  }
}
