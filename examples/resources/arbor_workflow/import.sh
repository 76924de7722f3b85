# <environment>/<key>, or <key> in the provider's environment.
terraform import arbor_workflow.new_comment development/new-comment
