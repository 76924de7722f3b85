# Let lifecycle campaigns be authored directly in production. Workflows
# created in development still reach production only by promotion.
resource "arbor_account_settings" "this" {
  production_write_access = true
}
