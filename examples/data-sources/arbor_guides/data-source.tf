# Every active banner of production, with the content it shows.
data "arbor_guides" "banners" {
  environment = "production"
  type        = "banner"
  active      = true
}

output "production_banners" {
  value = { for g in data.arbor_guides.banners.guides : g.key => g.content.body }
}
