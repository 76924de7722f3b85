# Every environment of the account, to adopt those made in the console.
list "arbor_environment" "all" {
  provider = arbor
}
