# Every translation of the billing namespace in staging.
data "arbor_translations" "billing" {
  environment = "staging"
  namespace   = "billing"
}

output "billing_locales" {
  value = [for t in data.arbor_translations.billing.translations : t.key]
}
