# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_email_layout.default development/default
