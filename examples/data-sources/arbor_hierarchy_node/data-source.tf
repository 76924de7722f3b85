data "arbor_hierarchy_node" "emea" {
  key = "emea"
}

output "emea_parent" {
  value = data.arbor_hierarchy_node.emea.parent_key
}
