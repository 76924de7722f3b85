#!/bin/sh
# Plan, and on request apply, the Arbor roots of this repository in
# promotion order. Plain POSIX shell: run it from any CI system.
#
#   ./pipeline.sh plan  [root...]   plan each root; stop at the first that fails
#   ./pipeline.sh apply [root...]   plan each root, then apply exactly that plan
#
# Roots default to: account development staging production.
#
# The backend is not in the code; the pipeline supplies it:
#   ARBOR_DATABASE                  an embedded backend's SQLite file (demos, one machine), or
#   ARBOR_ENDPOINT + ARBOR_API_KEY  a team's server. ARBOR_API_KEY_<ROOT> (for example
#                                   ARBOR_API_KEY_PRODUCTION) overrides ARBOR_API_KEY for
#                                   one root, so each environment uses its own key.
# ARBOR_PIPELINE_INIT=get installs modules only, for CLI configurations with
# dev_overrides (there, terraform init would look the provider up in the registry).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
action=${1:-plan}
[ $# -gt 0 ] && shift
case $action in
plan | apply) ;;
*)
	echo "usage: $0 plan|apply [root...]" >&2
	exit 2
	;;
esac
[ $# -gt 0 ] || set -- account development staging production

dir_of() {
	case $1 in
	account) echo "$here/account" ;;
	*) echo "$here/environments/$1" ;;
	esac
}

for root in "$@"; do
	dir=$(dir_of "$root")
	[ -d "$dir" ] || {
		echo "pipeline: no root named $root ($dir)" >&2
		exit 2
	}
	key_var="ARBOR_API_KEY_$(echo "$root" | tr '[:lower:]-' '[:upper:]_')"
	key=$(eval "printf '%s' \"\${$key_var:-}\"")
	if [ -n "$key" ]; then
		export ARBOR_API_KEY="$key"
	fi

	echo "--- $root: plan"
	if [ "${ARBOR_PIPELINE_INIT:-init}" = get ]; then
		terraform -chdir="$dir" get -no-color >/dev/null
	else
		terraform -chdir="$dir" init -input=false -no-color >/dev/null
	fi
	status=0
	terraform -chdir="$dir" plan -input=false -no-color -detailed-exitcode -out=pipeline.tfplan || status=$?
	case $status in
	0) echo "--- $root: no changes" ;;
	2) echo "--- $root: changes planned" ;;
	*)
		echo "--- $root: the plan failed; later roots are not planned" >&2
		exit 1
		;;
	esac
	if [ "$action" = apply ] && [ $status -eq 2 ]; then
		echo "--- $root: apply"
		terraform -chdir="$dir" apply -input=false -no-color pipeline.tfplan
	fi
	rm -f "$dir/pipeline.tfplan"
done
