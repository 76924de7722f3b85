#!/usr/bin/env bash
# make demo: use the provider built from this checkout, on the embedded
# backend, without touching your own Terraform configuration.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
heading() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

rm -rf "$work"
mkdir -p "$work"

# A CLI configuration that makes Terraform use bin/terraform-provider-arbor
# for arborhq/arbor. It lives under .demo/ and is used only by this script.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "arborhq/arbor" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

cp -r "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"

heading "Plan: the quickstart on the embedded backend (no server running)"
terraform plan -no-color -input=false 2>&1 | grep -v -e '^Warning: Provider development overrides' -e '^│' -e '^╷' -e '^╵' || true

heading "Apply"
terraform apply -auto-approve -no-color -input=false 2>&1 | grep -E '^(arbor_|Apply complete|Outputs|promotion_order|  ")' || true

heading "Plan again: nothing to do"
terraform plan -detailed-exitcode -no-color -input=false >/dev/null 2>&1 && echo "No changes: the plan after apply is empty."

heading "What the backend holds"
terraform output -no-color promotion_order
terraform state list

heading "Done"
echo "State and the SQLite database live in $work/quickstart (quickstart.db). make clean removes them."
