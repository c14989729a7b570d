#!/bin/sh
# regen-golden.sh [BUILDDIR]: rewrites every golden file from the current
# build (TZ=UTC); review the result with git diff before committing.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$top}" && pwd)
. "$top/tests/golden-lib.sh"
cd "$top"
n=0
while read -r name args; do
	case $name in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	golden_run "$builddir/rawshake" $args >"tests/golden/$name"
	n=$((n + 1))
done < tests/golden/cases
echo "regenerated $n golden files"
