# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_translation.billing_en_us development/billing.en-US
