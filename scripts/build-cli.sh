#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its source on the Go module proxy:
#   scripts/build-cli.sh terraform 1.16.0 bin/terraform-1.16.0
#   scripts/build-cli.sh tofu 1.12.6 bin/tofu-1.12.6
# `go install` cannot build them: Terraform >= 1.6 points replace directives
# at remote-state backends that are separate modules, absent from its module
# zip, and OpenTofu replaces hcl. So the module's source is copied to a
# scratch directory, the replace directives whose local target is missing
# are dropped with the backends that need them, and the copy is built there.
# Only the local and http/inmem state backends remain, which is all the
# tests use.
set -euo pipefail

cli=$1 version=$2 out=$3
case "$cli" in
terraform) module=github.com/hashicorp/terraform main=. ;;
tofu) module=github.com/opentofu/opentofu main=./cmd/tofu ;;
*) echo "build-cli.sh: unknown CLI $cli (terraform or tofu)" >&2; exit 2 ;;
esac
GO=${GO:-go}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

started=$(date +%s)
echo "Building $cli $version from the Go module proxy into $out (a few minutes; done once, then reused)"
src=$($GO mod download -json "$module@v$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ]; then
	echo "build-cli.sh: go mod download found no $module@v$version" >&2
	exit 1
fi
scratch=$(mktemp -d)
trap 'chmod -R u+w "$scratch"; rm -rf "$scratch"' EXIT
cp -R "$src/." "$scratch"
chmod -R u+w "$scratch"
cd "$scratch"

# Go 1.24 renamed the tlskyber setting (Terraform 1.11 pins it) to tlsmlkem,
# and refuses the old name.
sed -i 's/^godebug tlskyber=/godebug tlsmlkem=/' go.mod

# replace <module path> => ./<dir> whose <dir> the module zip left out.
missing=$(sed -n 's|^replace \([^ ]*\) => \(\./[^ ]*\)$|\1 \2|p' go.mod | while read -r path dir; do
	[ -d "$dir" ] || echo "$path"
done)
for path in $missing; do
	sed -i "\\|^replace $path =>|d; \\|^[[:space:]]*$path v|d" go.mod
	init=internal/backend/init/init.go
	alias=$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\) \"$path\"$|\1|p" "$init")
	if [ -n "$alias" ]; then
		sed -i "\\|\"$path\"$|d; /$alias\\.New(/d" "$init"
		echo "  without the ${path##*/} state backend (not in the module zip)"
	elif grep -rlq --include='*.go' --exclude='*_test.go' "\"$path[/\"]" .; then
		echo "build-cli.sh: $path is missing from the module zip and is not a state backend; cannot build" >&2
		exit 1
	fi
done

# version.dev=no: a release build, whose version has no -dev suffix.
$GO build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$out" "$main"
echo "Built $(TF_CLI_CONFIG_FILE=/dev/null "$out" version | head -n 1) in $(($(date +%s) - started))s"
