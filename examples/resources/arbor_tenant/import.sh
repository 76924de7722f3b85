# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_tenant.acme production/org_2Nk81
