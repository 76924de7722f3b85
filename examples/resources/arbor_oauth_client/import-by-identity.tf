# environment may be left out: it is then the provider's environment.
import {
  to = arbor_oauth_client.dashboard
  identity = {
    environment = "development"
    key         = "dashboard"
  }
}
