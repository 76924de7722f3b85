# There is one branding per environment: import it by the environment's slug.
terraform import arbor_branding.this production
