# environment may be left out: it is then the provider's environment.
import {
  to = arbor_channel.email
  identity = {
    environment = "development"
    key         = "email"
  }
}
