# <environment>/<key>, or <key> in the provider's environment.
# A sensitive value is never read back: set value_wo after importing.
terraform import arbor_variable.app_url development/app_url
