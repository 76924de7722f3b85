#!/usr/bin/env bash
# make demo: a GitOps promotion with the provider built from this checkout,
# on the embedded backend (no server), without touching your own Terraform
# configuration. Everything it writes lives under .demo/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
bold=$(printf '\033[1m') plain=$(printf '\033[0m')
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"; }
say() { printf '   %s\n' "$@"; }

rm -rf "$work"
mkdir -p "$work"

# Terraform uses bin/terraform-provider-arbor for arborhq/arbor through a CLI
# configuration of the demo's own (never ~/.terraformrc).
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "arborhq/arbor" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
# One embedded database for every root: the pipeline, not the code, says
# where the backend is. With a server: ARBOR_ENDPOINT and ARBOR_API_KEY_<ROOT>.
export ARBOR_DATABASE="$work/arbor.db"
# With dev_overrides, roots only need their modules installed.
export ARBOR_PIPELINE_INIT=get

cp -r "$root/examples/gitops" "$work/gitops"
repo="$work/gitops"
pipeline="$repo/pipeline.sh"
module="$repo/modules/notifications/workflows.tf"

# Terraform's notice about dev_overrides is true but repetitive here.
quiet() { grep -v -e 'Provider development overrides are in effect' -e 'The following provider development overrides' \
	-e 'configuration:' -e ' - arborhq/arbor in ' -e 'may therefore not match any released' -e 'applying changes may cause the state' \
	-e 'releases\.$' -e '^Warning: ' -e '^│' -e '^╷' -e '^╵' | cat -s; }
# What each step shows: the pipeline's progress, the resources a plan
# touches, its totals, and what apply did.
summary() { grep -E '^(---|Plan:|Apply complete|  # )' || true; }

step "The repository: one shared module, one root per environment (examples/gitops)"
say "modules/notifications   permissions, roles, hierarchy, a tenant, two workflows, a guide, an email" \
	"                        layout, a partial and two translations (en, fr) the welcome email uses, and" \
	"                        each environment's own channels, app_url variable and branding (never promoted)" \
	"account/                the promotion order (adds staging) and account settings" \
	"environments/<env>/     development, staging, production: the same module each" \
	"pipeline.sh             plans each root in promotion order; applies on request"

step "1. Account: staging joins the promotion order (development → staging → production)"
"$pipeline" apply account 2>&1 | quiet | summary

step "2. Development: apply (workflows are born here)"
"$pipeline" apply development 2>&1 | quiet | summary

step "2a. Development: prove it before promoting (terraform test in tests/: access checks and a preview)"
checks() { terraform -chdir="$repo/tests" test -no-color 2>&1 | quiet | grep -E '^  run "|^(Success|Failure)!|^Error: Test assertion failed' || true; }
checks
step "2b. A change that breaks a promise: the editor role loses documents.write"
access="$repo/modules/notifications/access.tf"
sed -i.orig '/arbor_permission.this\["documents.write"\].key,/d' "$access"
diff -u "$access.orig" "$access" | tail -n +3 || true
"$pipeline" apply development 2>&1 | quiet | grep -E '^(--- development: apply|Apply complete)' || true
if terraform -chdir="$repo/tests" test -no-color >"$work/tests-failed.txt" 2>&1; then
	echo "the tests passed a role that no longer grants documents.write: that is a bug" >&2
	exit 1
fi
quiet <"$work/tests-failed.txt" | grep -E '^  run "|^Failure!|The editor role no longer grants' || true
say "" "The pipeline stops here: a change that fails its tests in development is not promoted."
mv "$access.orig" "$access"
"$pipeline" apply development 2>&1 | quiet | grep -E '^(--- development: apply|Apply complete)' || true
say "" "Restored and re-applied; the tests pass again:"
checks

step "3. Staging: the plan is the promotion diff"
"$pipeline" plan staging 2>&1 | quiet | summary
step "   ... reviewed; apply staging: the content the welcome email uses arrives before it"
"$pipeline" apply staging 2>&1 | quiet |
	grep -E '^(--- staging: apply|Apply complete|module\.notifications\.arbor_(email_layout|partial|translation|workflow)\.[a-z_]+: Creation complete)' |
	sed -E 's/ after [0-9]+s.*//' || true

step "4. Production: the same diff, then apply"
"$pipeline" plan production 2>&1 | quiet | summary
"$pipeline" apply production 2>&1 | quiet | grep -E '^(--- production: apply|Apply complete)' || true

step "5. A pull request changes the welcome email, and someone plans production first"
sed -i.orig 's/Welcome to {{ data.organisation }}/You are in: welcome to {{ data.organisation }}/' "$module"
diff -u "$module.orig" "$module" | tail -n +3 || true
rm -f "$module.orig"
echo
if "$pipeline" plan production >"$work/refused.txt" 2>&1; then
	echo "production planned the un-promoted change: that is a bug" >&2
	exit 1
fi
quiet <"$work/refused.txt" | sed -n '/Error:/,$p' | sed '/^$/N;/^\n$/D'
say "" "Refused at plan time: nothing reached apply. Production waits for staging."

step "6. The change goes the way it must: development, then staging, then production"
"$pipeline" apply development 2>&1 | quiet | grep -E '^(--- development: apply|Apply complete)' || true
say "" "staging's plan, the promotion diff of the change:"
"$pipeline" plan staging 2>&1 | quiet | grep -E '^(  # module|\s+~ (sha|subject) |Plan:)' || true
echo
"$pipeline" apply staging 2>&1 | quiet | grep -E '^(--- staging: apply|Apply complete)' || true
"$pipeline" apply production 2>&1 | quiet | grep -E '^(--- production: apply|Apply complete)' || true

step "7. Every environment now runs the same content"
shas() {
	for output in "$@"; do terraform -chdir="$repo/environments/$env" output -json "$output"; done |
		tr -d '{}"\n' | sed -E 's/([0-9a-f]{12})[0-9a-f]{52}/\1/g; s/:/ /g; s/,/   /g; s/([0-9a-f]{12})([a-z])/\1   \2/g'
}
for env in development staging production; do
	printf '   %-12s %s\n' "$env" "$(shas workflow_shas guide_shas)" "" "$(shas content_shas)"
done

step "8. The same backend in a browser: the console"
token=$("$root/bin/terraform-provider-arbor" token create --database "$work/arbor.db" --name "demo console" --role owner |
	sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p')
say "make console serves this database with its console at http://${ARBOR_LISTEN:-127.0.0.1:8710}/console/" \
	"Sign in with this owner token (make console prints a new one too): $token"

step "Done"
say "The roots, their state and the embedded database (arbor.db) are in $work." \
	"Try: cd $work/gitops/environments/production && terraform plan" \
	"     (with TF_CLI_CONFIG_FILE=$work/terraformrc and ARBOR_DATABASE=$work/arbor.db)" \
	"make clean removes it all."
