# The one settings object of the account.
import {
  to = arbor_account_settings.this
  identity = {
    id = "account"
  }
}
