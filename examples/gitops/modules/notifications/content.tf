# Reusable content: the layout every email is sent inside, a partial the
# emails render, and the strings of each language. Versioned like
# workflows and promoted with them: the workflows that use them depend on
# them, so each environment's plan writes them first, and a workflow never
# reaches an environment before the content it uses.

resource "arbor_email_layout" "default" {
  key         = "default"
  name        = "Default"
  html_layout = "<html><body>{{ content }}<footer>{% for link in layout.footer_links %}<a href=\"{{ link.url }}\">{{ link.text }}</a>{% endfor %}</footer></body></html>"
  text_layout = "{{ content }}\n\n-- {{ tenant.name }}"

  footer_links = [
    { text = "Notification preferences", url = "https://app.example.com/settings/notifications" },
  ]
}

resource "arbor_partial" "call_to_action" {
  key     = "call-to-action"
  name    = "Call to action"
  type    = "html"
  content = "<a href=\"{{ url }}\" style=\"background: {{ color }}\">{{ label }}</a>"

  input_fields = [
    { key = "label", label = "Button text" },
    { key = "url", label = "Link" },
    { key = "color", label = "Background colour" },
  ]
}

# A recipient's locale picks the strings (fr-CA reads fr); one without a
# locale, or in a language with no translation, reads the environment's
# default_locale (en).
resource "arbor_translation" "en" {
  key = "en"
  strings = {
    greeting    = "Hello {{ recipient.name }}, glad to have you."
    get_started = "Get started"
  }
}

resource "arbor_translation" "fr" {
  key = "fr"
  strings = {
    greeting    = "Bonjour {{ recipient.name }}, ravis de vous compter parmi nous."
    get_started = "Commencer"
  }
}

output "content_shas" {
  description = "Content hash of each layout, partial and translation: equal across environments once a change is promoted."
  value = {
    "email_layout.${arbor_email_layout.default.key}" = arbor_email_layout.default.sha
    "partial.${arbor_partial.call_to_action.key}"    = arbor_partial.call_to_action.sha
    "translation.${arbor_translation.en.key}"        = arbor_translation.en.sha
    "translation.${arbor_translation.fr.key}"        = arbor_translation.fr.sha
  }
}
