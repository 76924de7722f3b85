data "arbor_environments" "all" {}

# ["development", "staging", "production"]
output "promotion_order" {
  value = data.arbor_environments.all.slugs
}
