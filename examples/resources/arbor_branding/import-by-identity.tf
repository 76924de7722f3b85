# The branding of one environment.
import {
  to = arbor_branding.this
  identity = {
    environment = "production"
  }
}
