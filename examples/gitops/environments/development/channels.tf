# The channels this environment's workflows send through. Channels are each
# environment's own, never promoted: development and staging send through
# the providers' sandboxes, production through the real accounts. Their
# keys are what the module's workflow steps name.
resource "arbor_channel" "email" {
  key      = "postmark"
  name     = "Postmark"
  type     = "email"
  service  = "postmark"
  settings = { sandbox = "true" }
}

resource "arbor_channel" "feed" {
  key     = "feed"
  name    = "In-app feed"
  type    = "in_app_feed"
  service = "arbor"
}
