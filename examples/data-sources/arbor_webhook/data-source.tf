data "arbor_webhook" "audit" {
  key = "audit"
}

output "audit_events" {
  value = data.arbor_webhook.audit.events
}
