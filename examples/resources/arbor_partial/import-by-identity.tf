# environment may be left out: it is then the provider's environment.
import {
  to = arbor_partial.cta_button
  identity = {
    environment = "development"
    key         = "cta-button"
  }
}
