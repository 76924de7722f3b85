# The active guides written in production itself (in the console).
list "arbor_guide" "production_born" {
  provider = arbor

  config {
    environment        = "production"
    origin_environment = "production"
    active             = true
  }
}
