import {
  to = arbor_environment.staging
  identity = {
    slug = "staging"
  }
}
