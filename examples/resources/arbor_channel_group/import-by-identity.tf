# environment may be left out: it is then the provider's environment.
import {
  to = arbor_channel_group.chat
  identity = {
    environment = "development"
    key         = "chat"
  }
}
