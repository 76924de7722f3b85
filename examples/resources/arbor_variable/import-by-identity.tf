# environment may be left out: it is then the provider's environment.
import {
  to = arbor_variable.app_url
  identity = {
    environment = "development"
    key         = "app_url"
  }
}
