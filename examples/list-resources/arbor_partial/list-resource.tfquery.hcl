# The partials of production, to adopt with
# terraform query -generate-config-out.
list "arbor_partial" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
