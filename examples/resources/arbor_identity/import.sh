# Identities import by key: they have no environment.
terraform import arbor_identity.ada ada
