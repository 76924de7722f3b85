# <environment>/<key_id>, or <key_id> in the provider's environment.
# An imported key has no secret: it is shown only when a key is created.
terraform import arbor_api_key.dashboard production/k7dq2m4a
