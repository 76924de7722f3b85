output "workflow_shas" {
  description = "Content hash of each workflow: equal across environments once a change is promoted."
  value = {
    (arbor_workflow.welcome.key)     = arbor_workflow.welcome.sha
    (arbor_workflow.new_comment.key) = arbor_workflow.new_comment.sha
  }
}
