# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_role.editor development/editor
