# The quickstart: Arbor with nothing running but Terraform. The provider
# embeds the backend and keeps its data in quickstart.db beside this file.
terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}

provider "arbor" {
  database = "quickstart.db"
}

resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_permission" "documents_read" {
  key         = "documents.read"
  name        = "Read documents"
  description = "View any document."
}

resource "arbor_permission" "documents_read_staging" {
  environment = arbor_environment.staging.slug
  key         = "documents.read"
  name        = "Read documents"
  description = "View any document."
}

data "arbor_environments" "all" {
  depends_on = [arbor_environment.staging]
}

output "promotion_order" {
  value = data.arbor_environments.all.slugs
}
