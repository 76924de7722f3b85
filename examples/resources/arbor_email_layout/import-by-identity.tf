# environment may be left out: it is then the provider's environment.
import {
  to = arbor_email_layout.default
  identity = {
    environment = "development"
    key         = "default"
  }
}
