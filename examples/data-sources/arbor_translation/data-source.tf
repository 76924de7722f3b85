# The German strings production sends.
data "arbor_translation" "de" {
  environment = "production"
  key         = "de"
}

output "production_german_welcome" {
  value = data.arbor_translation.de.strings["welcome"]
}
