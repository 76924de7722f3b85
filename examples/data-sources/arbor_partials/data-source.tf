# Every HTML partial of production with its content hash.
data "arbor_partials" "html" {
  environment = "production"
  type        = "html"
}

output "production_html_partials" {
  value = { for p in data.arbor_partials.html.partials : p.key => p.sha }
}
