# environment may be left out: it is then the provider's environment.
import {
  to = arbor_guide.projects_launch
  identity = {
    environment = "development"
    key         = "projects-launch"
  }
}
