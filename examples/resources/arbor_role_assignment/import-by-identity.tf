# environment may be left out: it is then the provider's environment.
import {
  to = arbor_role_assignment.ada_editor_emea
  identity = {
    environment  = "production"
    identity_key = "ada"
    role_key     = "editor"
    node_key     = "emea"
  }
}
