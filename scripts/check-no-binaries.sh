#!/usr/bin/env bash
# Fails when git tracks a built executable: an ELF, Mach-O or PE file, or a
# Go test binary (*.test). Built things are made by make, never committed.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
found=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	case "$f" in
	*.test) echo "tracked test binary: $f"; found=1; continue ;;
	esac
	magic=$(head -c 4 -- "$f" | od -An -tx1 | tr -d ' \n')
	case "$magic" in
	7f454c46 | feedface | feedfacf | cefaedfe | cffaedfe | cafebabe | 4d5a*)
		echo "tracked executable binary: $f"; found=1 ;;
	esac
done < <(git ls-files -z)
if [ "$found" -ne 0 ]; then
	echo "remove the files above from git (git rm --cached) and ignore them"
	exit 1
fi
