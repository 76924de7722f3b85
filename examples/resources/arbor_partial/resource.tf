# Templates render it with {% render 'cta-button', url: "...", label: "..." %}.
resource "arbor_partial" "cta_button" {
  key     = "cta-button"
  name    = "Call-to-action button"
  type    = "html"
  content = "<a href=\"{{ url }}\" style=\"background: {{ tenant.branding.primary_color }}\">{{ label }}</a>"

  input_fields = [
    { key = "url", label = "Link" },
    { key = "label", label = "Text" },
  ]
}
