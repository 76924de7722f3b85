data "arbor_channel" "email" {
  key = "email"
}

output "email_service" {
  value = data.arbor_channel.email.service
}
