# environment may be left out: it is then the provider's environment.
import {
  to = arbor_role.editor
  identity = {
    environment = "development"
    key         = "editor"
  }
}
