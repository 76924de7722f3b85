# environment may be left out: it is then the provider's environment.
import {
  to = arbor_permission.documents_read
  identity = {
    environment = "development"
    key         = "documents.read"
  }
}
