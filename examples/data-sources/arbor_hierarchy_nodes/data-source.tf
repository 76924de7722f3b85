# The children of one node.
data "arbor_hierarchy_nodes" "emea_countries" {
  parent_key = "emea"
}

# The roots of the forest.
data "arbor_hierarchy_nodes" "roots" {
  roots_only = true
}

output "root_keys" {
  value = data.arbor_hierarchy_nodes.roots.keys
}
