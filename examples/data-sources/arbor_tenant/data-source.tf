data "arbor_tenant" "acme" {
  environment = "production"
  key         = "org_2Nk81"
}

output "acme_plan" {
  value = jsondecode(data.arbor_tenant.acme.properties).plan
}
