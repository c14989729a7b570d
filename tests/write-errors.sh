#!/bin/sh
# write-errors.sh: a command whose standard output cannot be written
# (/dev/full: "No space left on device") says so once on standard error,
# "rawshake CMD: write error: ...", and exits 1, whatever it would have
# exited with otherwise: output nobody got is not a result.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
pass=0
fail=0
# check NAME CMD...: exit 1 and exactly one write-error line
check() {
	name=$1
	shift
	rc=0
	"$@" >/dev/full 2>"$work/err" || rc=$?
	n=$(grep -c "write error: No space left on device" "$work/err" || true)
	if [ "$rc" -eq 1 ] && [ "$n" -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc (want 1), $n write-error lines (want 1):"
		sed 's/^/  /' "$work/err"
	fi
}
p=$srcdir/pcaps
check "read" "$bin" read "$p/handshake-v4.pcap"
check "read json" "$bin" read --format json "$p/handshake-v4.pcap"
check "read summary" "$bin" read --summary "$p/handshake-v4.pcap"
check "read ladder" "$bin" read --format ladder "$p/handshake-v4.pcap"
check "read -q" "$bin" read -q "$p/handshake-v4.pcap"
check "detect (alerts)" "$bin" detect -r "$p/detect-flood-ports.pcap"
check "detect json (alerts)" "$bin" detect -r "$p/detect-flood-ports.pcap" --format json
check "detect (no alert)" "$bin" detect -r "$p/detect-benign.pcap"
echo "write-errors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
