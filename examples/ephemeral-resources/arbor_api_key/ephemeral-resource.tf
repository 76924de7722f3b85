# A read-only key of production that exists only while this run needs it:
# created when Terraform opens it, revoked when the run ends, never stored
# in plan or state.
ephemeral "arbor_api_key" "audit" {
  environment = "production"
  name        = "nightly audit run"
  scope       = "read_only"
}

# Hand it to something that needs a credential for this run only, such as
# a provider that reads production's configuration with a key of its own.
provider "arbor" {
  alias    = "production_reader"
  endpoint = "https://arbor.example.com"
  api_key  = ephemeral.arbor_api_key.audit.secret
}

data "arbor_roles" "production" {
  provider = arbor.production_reader
}
