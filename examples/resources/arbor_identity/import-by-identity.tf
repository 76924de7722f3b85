import {
  to = arbor_identity.ada
  identity = {
    key = "ada"
  }
}
