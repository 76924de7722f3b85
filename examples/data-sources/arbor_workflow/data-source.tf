# What staging runs, to compare with this workspace's plan.
data "arbor_workflow" "new_comment_staging" {
  environment = "staging"
  key         = "new-comment"
}

output "staging_sha" {
  value = data.arbor_workflow.new_comment_staging.sha
}
