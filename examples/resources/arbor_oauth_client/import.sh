# <environment>/<key>, or <key> in the provider's environment.
# An imported client has no client_secret: it is shown only at creation.
terraform import arbor_oauth_client.dashboard development/dashboard
