output "workflow_shas" {
  description = "Content hash of each workflow: equal across environments once a change is promoted."
  value = {
    (arbor_workflow.welcome.key)     = arbor_workflow.welcome.sha
    (arbor_workflow.new_comment.key) = arbor_workflow.new_comment.sha
  }
}

output "internal_qa_branding" {
  description = "The branding of the internal QA tenant's messages: the environment's, with the tenant's overrides."
  value       = arbor_tenant.internal_qa.effective_branding
}
