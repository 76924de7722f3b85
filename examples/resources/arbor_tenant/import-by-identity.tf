# environment may be left out: it is then the provider's environment.
import {
  to = arbor_tenant.acme
  identity = {
    environment = "production"
    key         = "org_2Nk81"
  }
}
