#!/bin/bash
# detect-live.sh - does "rawshake detect -i" on the lab server keep up with
# "rawshake flood"? (live speed)
#
#   bench/detect-live.sh [DUR [RATES...]]     as root, from the build directory
#
# Uses the lab (rawshake lab up; brought down again at the end if this
# script brought it up): rawshake detect -i rslab0 runs in rslab-server,
# rawshake flood 192.0.2.20 80 --rand-source 198.51.100.0/24 --rand-sport
# in rslab-client for DUR seconds (default 3), first as fast as it can
# (--flood), then at each of RATES (default 400k 200k 100k 50k 20k) until a
# run has no packet dropped by the kernel.  The server answers every SYN
# (SYN-ACK or SYN cookie), so detect sees about twice the flood's packets.
# Each row: the flood's own rate (JSON summary), what detect's capture
# counted (captured, received by the filter, dropped by the kernel) and
# whether the alert fired.  DETECT_OPTS adds options to detect (e.g.
# "-B 65536" for a 64 MiB capture buffer).
# A benchmark, not a test: it reports, it never fails because of a rate.
# Every packet stays inside the lab's namespaces; the flood stops by itself.
set -u
DUR=${1:-3}
shift || true
[ $# -gt 0 ] || set -- 400k 200k 100k 50k 20k
bin=${RAWSHAKE:-$(pwd)/rawshake}
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (network namespaces)" >&2; exit 2; }
[ -x "$bin" ] || { echo "$0: no rawshake at $bin" >&2; exit 2; }
SRV=rslab-server
CLI=rslab-client
CIDR=198.51.100.0/24
out=$(mktemp -d /tmp/rsbench-detect-live.XXXXXX)
made_lab=0
route_added=0
dpid=
cleanup() {
	[ -z "$dpid" ] || kill "$dpid" 2>/dev/null || true
	[ "$route_added" = 0 ] || ip -n "$SRV" route del "$CIDR" 2>/dev/null || true
	[ "$made_lab" = 0 ] || "$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! ip netns list | grep -qw "$SRV"; then
	"$bin" lab up >/dev/null || { echo "$0: rawshake lab up failed" >&2; exit 2; }
	made_lab=1
fi
# The server's SYN-ACKs to the spoofed sources go back towards the client
# (which drops them), as in "rawshake lab synflood", not nowhere.
if ip -n "$SRV" route add "$CIDR" via 192.0.2.10 2>/dev/null; then route_added=1; fi

echo "rawshake detect -i bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rawshake: $bin ($("$bin" --version 2>/dev/null | head -1)); detect options: ${DETECT_OPTS:-(none)}"
printf '%-10s %12s %12s %12s %12s %12s  %s\n' rate "flood pps" "SYNs sent" captured "recv filter" "kern drops" alert

# one RATE: sets DROPS
one() {
	local rate=$1 rateopt
	if [ "$rate" = full ]; then rateopt=--flood; else rateopt="--rate $rate"; fi
	ip netns exec "$SRV" "$bin" detect -i rslab0 -q ${DETECT_OPTS:-} >"$out/d.out" 2>"$out/d.err" &
	dpid=$!
	local i=0
	until grep -q listening "$out/d.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$dpid" 2>/dev/null; then
			echo "$0: detect did not start: $(cat "$out/d.err")" >&2
			exit 2
		fi
		sleep 0.05
	done
	# shellcheck disable=SC2086
	ip netns exec "$CLI" timeout $((DUR + 10)) "$bin" flood 192.0.2.20 80 --rand-source "$CIDR" \
		--rand-sport $rateopt --duration "$DUR" --format json -q >"$out/f.json" 2>"$out/f.err"
	sleep 1
	kill -INT "$dpid"
	local st=0
	wait "$dpid" || st=$?
	dpid=
	local pps sent cap recv drop
	pps=$(grep -o '"pps":[0-9.]*' "$out/f.json" | cut -d: -f2)
	sent=$(grep -o '"sent":[0-9]*' "$out/f.json" | cut -d: -f2)
	cap=$(awk '/packets captured/{print $1}' "$out/d.err")
	recv=$(awk '/received by filter/{print $1}' "$out/d.err")
	drop=$(awk '/dropped by kernel/{print $1}' "$out/d.err")
	printf '%-10s %12.0f %12s %12s %12s %12s  %s\n' "$rate" "${pps:-0}" "${sent:-?}" "${cap:-?}" \
		"${recv:-?}" "${drop:-?}" "$([ $st -eq 3 ] && echo yes || echo "no (exit $st)")"
	DROPS=${drop:-1}
}

one full
if [ "$DROPS" -eq 0 ]; then
	echo "detect -i kept up with rawshake flood at full rate: no packet dropped by the kernel"
	exit 0
fi
for r in "$@"; do
	one "$r"
	if [ "$DROPS" -eq 0 ]; then
		echo "highest rate tried without kernel drops: $r SYN/s (plus the server's answers)"
		exit 0
	fi
done
echo "kernel drops at every rate tried; try lower RATES or DETECT_OPTS=\"-B 65536\""
