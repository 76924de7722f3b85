# What staging shows, to compare with this workspace's plan.
data "arbor_guide" "projects_launch_staging" {
  environment = "staging"
  key         = "projects-launch"
}

output "staging_guide_sha" {
  value = data.arbor_guide.projects_launch_staging.sha
}
