# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_partial.cta_button development/cta-button
