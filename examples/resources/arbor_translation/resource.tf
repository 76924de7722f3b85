# Templates read these with {{ "welcome" | t }}; a recipient whose locale is
# de gets the German strings, any other the environment's default_locale.
resource "arbor_translation" "en" {
  key = "en"
  strings = {
    welcome = "Welcome, {{ recipient.name }}!"
    cta     = "Open your dashboard"
  }
}

resource "arbor_translation" "de" {
  key = "de"
  strings = {
    welcome = "Willkommen, {{ recipient.name }}!"
    cta     = "Zum Dashboard"
  }
}

# A namespace keeps a team's strings apart: <namespace>.<locale>.
resource "arbor_translation" "billing_en_us" {
  key     = "billing.en-US"
  strings = { due = "Your invoice is due on {{ data.due_date }}." }
}
