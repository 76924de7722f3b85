# environment may be left out: it is then the provider's environment.
import {
  to = arbor_webhook.audit
  identity = {
    environment = "development"
    key         = "audit"
  }
}
