# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_permission.documents_read development/documents.read
