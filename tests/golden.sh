#!/bin/sh
# golden.sh: every case in tests/golden/cases must print exactly its golden file.
set -eu
srcdir=${srcdir:-.}
builddir=$(pwd)
bin=$builddir/rawshake
. "$srcdir/tests/golden-lib.sh"
cd "$srcdir"
pass=0
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
while read -r name args; do
	case $name in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	golden_run "$bin" $args >"$out"
	if cmp -s "$out" "tests/golden/$name"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name (rawshake $args)"
		diff -u "tests/golden/$name" "$out" | head -40 || true
	fi
done < tests/golden/cases
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
