#!/usr/bin/env bash
# make console: the demo's backend (.demo/arbor.db, made by make demo when
# missing) served with its web console until Ctrl-C, for a person to look
# at. It prints the console's address and a new owner token to sign in with.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary="$root/bin/terraform-provider-arbor"
db="${ARBOR_DATABASE:-$root/.demo/arbor.db}"
listen="${ARBOR_LISTEN:-127.0.0.1:8710}"
if [ ! -f "$db" ]; then
	echo "No demo database at $db: running make demo first."
	make -C "$root" --no-print-directory demo
fi
token=$("$binary" token create --database "$db" --name "console $(date -u +%Y-%m-%dT%H:%M:%SZ)" --role owner |
	sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then
	echo "could not create a sign-in token on $db" >&2
	exit 1
fi
printf '\nThe console: http://%s/console/\nSign in with this owner token: %s\n(Ctrl-C stops the server; the token stays valid: revoke it on the Tokens page.)\n\n' "$listen" "$token"
exec "$binary" serve --database "$db" --listen "$listen"
