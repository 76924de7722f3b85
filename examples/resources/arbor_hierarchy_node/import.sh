# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_hierarchy_node.emea development/emea
