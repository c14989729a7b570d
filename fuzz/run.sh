#!/bin/sh
# run.sh BUILDDIR SECONDS [TARGET...]: runs each libFuzzer target of a
# --enable-fuzz build for SECONDS over a copy of its corpus (the committed
# one is left alone; new inputs go to BUILDDIR/fuzz/work/TARGET), one job
# each.  Crash inputs are left in BUILDDIR/fuzz/artifacts/.  Exits 1 when
# any target found a crash, leak or timeout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
secs=$2
shift 2
[ $# -gt 0 ] || set -- decode capfile tracker send_opts detect
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz/artifacts"
status=0
for t in "$@"; do
	work=$build/fuzz/work/$t
	mkdir -p "$work"
	cp -n "$here/corpus/$t"/* "$work/" 2>/dev/null || true
	echo "== fuzz_$t: ${secs}s"
	if ! "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$t-" \
		"$work" >"$build/fuzz/fuzz_$t.log" 2>&1; then
		echo "FAIL: fuzz_$t found a problem:"
		grep -A30 -E 'ERROR|runtime error|deadly signal' "$build/fuzz/fuzz_$t.log" | head -60
		status=1
	fi
	grep -E '^#[0-9]+.*(DONE|cov:)' "$build/fuzz/fuzz_$t.log" | tail -1
	grep -E 'stat::number_of_executed_units' "$build/fuzz/fuzz_$t.log" || true
done
exit $status
