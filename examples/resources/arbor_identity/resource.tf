# Identities belong to the account and are seen from every environment.
# Managing them needs an account token (member, admin or owner).
resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada Lovelace"
}
