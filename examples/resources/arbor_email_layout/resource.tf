# Every email step that names this layout (layout_key = "default") is sent
# inside it: its body goes where {{ content }} is. Applied in development
# first; staging and production accept it only once the environment below
# holds the same content (the same sha).
resource "arbor_email_layout" "default" {
  key  = "default"
  name = "Default"

  html_layout = <<-EOT
    <html>
      <body style="font-family: sans-serif">
        {{ content }}
        <footer>
          {% for link in layout.footer_links %}<a href="{{ link.url }}">{{ link.text }}</a> {% endfor %}
        </footer>
      </body>
    </html>
  EOT

  text_layout = <<-EOT
    {{ content }}

    -- The Acme team
  EOT

  footer_links = [
    { text = "Preferences", url = "https://app.example.com/settings/notifications" },
    { text = "Help", url = "https://help.example.com" },
  ]
}
