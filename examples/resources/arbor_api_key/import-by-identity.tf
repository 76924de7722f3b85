# environment may be left out: it is then the provider's environment.
import {
  to = arbor_api_key.dashboard
  identity = {
    environment = "production"
    key_id      = "k7dq2m4a"
  }
}
