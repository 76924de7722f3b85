# environment may be left out: it is then the provider's environment.
import {
  to = arbor_workflow.new_comment
  identity = {
    environment = "development"
    key         = "new-comment"
  }
}
