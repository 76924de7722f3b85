# Every one of production's variables.
list "arbor_variable" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
