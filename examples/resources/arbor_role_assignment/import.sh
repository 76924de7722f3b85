# <environment>/<identity_key>/<role_key>/<node_key>, or
# <identity_key>/<role_key>/<node_key> in the provider's environment.
terraform import arbor_role_assignment.ada_editor_emea production/ada/editor/emea
