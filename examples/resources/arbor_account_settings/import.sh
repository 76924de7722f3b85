# There is one settings object per account.
terraform import arbor_account_settings.this account
