data "arbor_channel_group" "chat" {
  key = "chat"
}

output "chat_channels" {
  value = [for r in data.arbor_channel_group.chat.channel_rules : r.channel_key]
}
