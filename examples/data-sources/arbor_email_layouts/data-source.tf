# Every layout of production with its content hash: a layout whose sha
# differs from staging's still waits for promotion.
data "arbor_email_layouts" "production" {
  environment = "production"
}

output "production_layouts" {
  value = { for l in data.arbor_email_layouts.production.email_layouts : l.key => l.sha }
}
