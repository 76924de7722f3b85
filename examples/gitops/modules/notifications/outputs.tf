output "workflow_shas" {
  description = "Content hash of each workflow: equal across environments once a change is promoted."
  value = {
    (arbor_workflow.welcome.key)     = arbor_workflow.welcome.sha
    (arbor_workflow.new_comment.key) = arbor_workflow.new_comment.sha
  }
}

output "role_keys" {
  description = "Key of each role, for the role assignments each environment makes."
  value = {
    viewer    = arbor_role.viewer.key
    editor    = arbor_role.editor.key
    org_admin = arbor_role.org_admin.key
  }
}

output "node_keys" {
  description = "Key of each hierarchy node."
  value = {
    acme        = arbor_hierarchy_node.acme.key
    engineering = arbor_hierarchy_node.engineering.key
    sales       = arbor_hierarchy_node.sales.key
  }
}

output "internal_qa_branding" {
  description = "The branding of the internal QA tenant's messages: the environment's, with the tenant's overrides."
  value       = arbor_tenant.internal_qa.effective_branding
}
