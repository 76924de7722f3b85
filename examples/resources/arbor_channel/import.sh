# <environment>/<key>, or <key> in the provider's environment.
# Credentials are never read back: set credentials_wo after importing to manage them.
terraform import arbor_channel.email development/email
