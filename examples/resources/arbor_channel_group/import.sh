# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_channel_group.chat development/chat
