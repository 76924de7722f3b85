terraform {
  required_providers {
    arbor = {
      source = "arborhq/arbor"
    }
  }
}
