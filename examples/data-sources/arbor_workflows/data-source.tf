# Every active workflow of the collaboration category in production.
data "arbor_workflows" "collaboration" {
  environment = "production"
  category    = "collaboration"
  active      = true
}

output "collaboration_workflows" {
  value = { for w in data.arbor_workflows.collaboration.workflows : w.key => w.sha }
}
