# environment may be left out: it is then the provider's environment.
import {
  to = arbor_hierarchy_node.emea
  identity = {
    environment = "development"
    key         = "emea"
  }
}
