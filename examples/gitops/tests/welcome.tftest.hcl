# The welcome email carries the tenant's name and colour: its branding over
# the environment's, in the message a new member would get.

run "welcome_email_renders_the_tenants_name_and_colour" {
  command = plan

  assert {
    condition     = data.arbor_workflow_preview.welcome.tenant_found
    error_message = "Tenant ${var.tenant_key} does not exist in ${var.environment}: the preview used an empty tenant."
  }

  assert {
    condition     = local.welcome_email.runs
    error_message = "The welcome email would not be sent: ${local.welcome_email.reason}"
  }

  assert {
    condition     = length(local.welcome_email.errors) == 0
    error_message = "The welcome email's templates do not render: ${jsonencode(local.welcome_email.errors)}"
  }

  assert {
    condition     = strcontains(local.welcome_email.rendered.body, "Internal QA")
    error_message = "The welcome email does not name the tenant: ${local.welcome_email.rendered.body}"
  }

  assert {
    condition     = strcontains(local.welcome_email.rendered.body, "#E4002B")
    error_message = "The welcome email does not carry the tenant's colour #E4002B: ${local.welcome_email.rendered.body}"
  }
}
