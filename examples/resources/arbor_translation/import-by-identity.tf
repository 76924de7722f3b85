# environment may be left out: it is then the provider's environment.
import {
  to = arbor_translation.billing_en_us
  identity = {
    environment = "development"
    key         = "billing.en-US"
  }
}
