data "arbor_variable" "app_url" {
  key = "app_url"
}

output "app_url" {
  value = data.arbor_variable.app_url.value
}
