# Embedded mode: no server to run. The provider keeps Arbor's state in a
# local SQLite file and serves the API to itself in-process.
provider "arbor" {
  database = "arbor.db"
}

# Remote mode: a team's shared backend (terraform-provider-arbor serve).
# Prefer the ARBOR_ENDPOINT and ARBOR_API_KEY environment variables to
# keep the credential out of the configuration.
provider "arbor" {
  alias    = "team"
  endpoint = "https://arbor.example.com"
  api_key  = var.arbor_api_key
}

variable "arbor_api_key" {
  type      = string
  sensitive = true
}
