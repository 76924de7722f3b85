# Editors write documents in their team, and only there: an assignment at
# a node grants at that node and below, never above it.

run "editor_writes_documents_at_a_team_node" {
  command = plan

  assert {
    condition     = data.arbor_access_check.this.allowed
    error_message = "The editor role no longer grants documents.write at team node engineering (checked path: ${join(" → ", data.arbor_access_check.this.path)})."
  }

  assert {
    condition     = data.arbor_access_check.this.granted_by == tolist(["${var.environment}/qa-editor/editor/engineering"])
    error_message = "documents.write at engineering is granted by ${jsonencode(data.arbor_access_check.this.granted_by)}, not by the editor assignment alone."
  }
}

run "editor_does_not_write_at_the_parent_node" {
  command = plan

  variables {
    node_key = "acme"
  }

  assert {
    condition     = !data.arbor_access_check.this.allowed
    error_message = "An editor of engineering can write documents at its parent, acme (granted by ${jsonencode(data.arbor_access_check.this.granted_by)})."
  }
}
