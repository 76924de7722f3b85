# Fail the pipeline's plan, in development, when editors stop writing
# documents in their team: a check block warns on every plan and apply,
# and a terraform test assertion (tests/*.tftest.hcl) fails the run.
check "editors_write_in_their_team" {
  data "arbor_access_check" "editor_at_team" {
    identity_key = "qa-editor"
    permission   = "documents.write"
    node_key     = "engineering"
  }

  assert {
    condition     = data.arbor_access_check.editor_at_team.allowed
    error_message = "The editor role no longer grants documents.write at engineering (checked: ${join(" → ", data.arbor_access_check.editor_at_team.path)})."
  }
}

# An assignment grants at its node and below, never above.
data "arbor_access_check" "editor_at_parent" {
  identity_key = "qa-editor"
  permission   = "documents.write"
  node_key     = "acme"
}

output "editor_writes_at_parent" {
  value = data.arbor_access_check.editor_at_parent.allowed # false
}
