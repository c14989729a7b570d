#!/bin/sh
# replay.sh: every fuzz target must get through its committed corpus
# (fuzz/corpus/TARGET), and the decode and capture-file targets also
# through pcaps/ and, when it is there, tcpdump's test corpus in
# ../shared/corpus/tcpdump.  Run by `make check` with the replay drivers
# (no libFuzzer needed); a crash or sanitizer report fails.
set -eu
srcdir=${srcdir:-.}
builddir=$(pwd)
tcpdump_corpus=${RS_TCPDUMP_CORPUS:-$srcdir/../shared/corpus/tcpdump}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fail=0
run() {
	target=$1
	shift
	if out=$("$builddir/fuzz/replay_$target" "$@" 2>&1); then
		echo "$target: $out"
	else
		echo "FAIL: $target"
		echo "$out" | tail -40
		fail=1
	fi
}

extra=$srcdir/pcaps
[ -d "$tcpdump_corpus" ] && extra="$extra $tcpdump_corpus"
# shellcheck disable=SC2086
run decode "$srcdir/fuzz/corpus/decode" $extra
# shellcheck disable=SC2086
run capfile "$srcdir/fuzz/corpus/capfile" $extra
run tracker "$srcdir/fuzz/corpus/tracker"
run send_opts "$srcdir/fuzz/corpus/send_opts"
run detect "$srcdir/fuzz/corpus/detect"
exit $fail
