resource "arbor_hierarchy_node" "global" {
  key  = "global"
  name = "Global"
}

# Changing parent_key moves the node, with its subtree, in place.
resource "arbor_hierarchy_node" "emea" {
  key        = "emea"
  name       = "Europe, Middle East and Africa"
  parent_key = arbor_hierarchy_node.global.key
}
