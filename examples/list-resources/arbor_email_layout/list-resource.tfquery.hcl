# The email layouts of production, to adopt with
# terraform query -generate-config-out.
list "arbor_email_layout" "production" {
  provider = arbor

  config {
    environment = "production"
  }
}
