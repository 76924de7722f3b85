# terraform query -generate-config-out=generated.tf (Terraform 1.14 or
# later) lists what production holds that no promotion brought: the guides
# and workflows written in production itself. Review the generated blocks
# into this root (see the guide "Bringing an existing environment under
# code"). The provider's environment is production, so no list names it.
list "arbor_guide" "production_born" {
  provider = arbor

  config {
    origin_environment = "production"
  }
}

list "arbor_workflow" "production_born" {
  provider = arbor

  config {
    origin_environment = "production"
  }
}
