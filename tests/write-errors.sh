#!/bin/sh
# write-errors.sh: a command whose standard output cannot be written
# (/dev/full: "No space left on device") says so once on standard error,
# "rawshake CMD: write error: ...", and exits 1, whatever it would have
# exited with otherwise: output nobody got is not a result.  read, detect,
# send (dry runs, text, JSON, and the pcap of -w -), read -w -, and as root sniff
# (text, JSON, and -w - as pcap and pcapng).
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
work=$(mktemp -d)
ns=rswe-$$
cleanup() {
	if [ "$(id -u)" -eq 0 ]; then
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
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
check "read -w -" "$bin" read -w - "$p/handshake-v4.pcap"
check "read -q -w -" "$bin" read -q -w - "$p/handshake-v4.pcap"
check "detect (alerts)" "$bin" detect -r "$p/detect-flood-ports.pcap"
check "detect json (alerts)" "$bin" detect -r "$p/detect-flood-ports.pcap" --format json
check "detect (no alert)" "$bin" detect -r "$p/detect-benign.pcap"
# send: a dry run needs no privilege; its packet lines, its summary, and
# with -w - the pcap stream itself (the text then on standard error).
S="udp 192.0.2.1 --src 192.0.2.2 --dport 9 --dry-run -i 1ms"
check "send --dry-run" "$bin" send $S -c 3
check "send --dry-run json" "$bin" send $S -c 3 --format json
check "send --dry-run -q" "$bin" send $S -c 3 -q
check "send --dry-run (more than a buffer)" "$bin" send $S -c 2000 -i 10us
check "send --dry-run -w -" "$bin" send $S -c 3 -q -w -
# sniff: live, on lo in a network namespace of this test's own, with
# pings going while it captures (root only).
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v ping >/dev/null &&
	ip netns add "$ns" 2>/dev/null; then
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sh -c 'while :; do ping -c 1 -W 1 -q 127.0.0.1 >/dev/null 2>&1; sleep 0.05; done' &
	pinger=$!
	check "sniff" ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 icmp
	check "sniff json" ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 --format json icmp
	check "sniff -q" ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 -q icmp
	check "sniff -w -" ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 -q -w - icmp
	check "sniff --pcapng -w -" ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 -q --pcapng -w - icmp
	kill "$pinger" 2>/dev/null || true
	wait "$pinger" 2>/dev/null || true
else
	echo "skip: sniff (needs root and ip netns)"
fi
echo "write-errors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
