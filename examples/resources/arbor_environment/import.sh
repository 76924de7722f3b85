# Environments import by slug. Importing a built-in environment
# (development, production) adopts it; destroying it later only removes it
# from state.
terraform import arbor_environment.staging staging
