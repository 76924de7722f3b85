# <environment>/<key>, or <key> in the provider's environment.
# An imported webhook has no signing_secret: it is shown only at creation.
terraform import arbor_webhook.audit development/audit
