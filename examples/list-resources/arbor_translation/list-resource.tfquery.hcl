# The translations of production, to adopt with
# terraform query -generate-config-out.
list "arbor_translation" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
