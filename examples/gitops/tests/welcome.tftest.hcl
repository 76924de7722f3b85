# The welcome email carries the tenant's name and colour: its branding over
# the environment's, in the message a new member would get, inside the
# default layout, with its call to action, in the recipient's language.

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

  assert {
    condition     = strcontains(local.welcome_email.rendered.body, "<footer>") && strcontains(local.welcome_email.rendered.body, "Notification preferences")
    error_message = "The welcome email is not inside the default layout: ${local.welcome_email.rendered.body}"
  }

  assert {
    condition     = strcontains(local.welcome_email.rendered.body, ">Get started</a>") && strcontains(local.welcome_email.rendered.body, "Hello Quinn")
    error_message = "The welcome email lacks its English greeting or call to action: ${local.welcome_email.rendered.body}"
  }

  assert {
    condition     = local.welcome_email_fr.locale == "fr" && strcontains(local.welcome_email_fr.rendered.body, "Bonjour Quinn") && strcontains(local.welcome_email_fr.rendered.body, ">Commencer</a>")
    error_message = "A recipient in fr-CA does not get the French welcome email (${local.welcome_email_fr.locale}): ${jsonencode(local.welcome_email_fr)}"
  }
}

# The new-comment digest takes its email branch for a recipient with an
# address, and its send windows keep a Saturday message until Monday.
run "new_comment_emails_recipients_with_an_address_on_weekdays" {
  command = plan

  assert {
    condition     = local.new_comment_route.branch == "email"
    error_message = "The new-comment digest does not take its email branch: ${local.new_comment_route.reason}"
  }

  assert {
    condition     = local.new_comment_email.deferred_until == "2026-12-14T08:00:00Z"
    error_message = "A Saturday digest email is not deferred to Monday 08:00 in London: ${local.new_comment_email.reason}"
  }
}
