# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_guide.projects_launch development/projects-launch
