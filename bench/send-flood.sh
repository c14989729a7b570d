#!/bin/sh
# send-flood.sh: SYN flood speed of rawshake send against hping3 --flood and
# nping --rate, the same 40-byte SYN from lab namespace rsperf-fa to
# rsperf-fb over a veth pair (198.51.100.0/24), counted on the receiving
# interface.  Each tool runs DUR seconds (default 3), bounded by timeout;
# the three run one after the other in each of RUNS rounds (default 5), so
# a busy machine slows them alike, and the medians and their ratios are
# printed at the end.  RSFLOOD_OPTS adds options to rawshake's command
# (e.g. --no-link, --threads 1); RSFLOOD_RAW=1 also times rawshake --no-link
# (the raw IP socket instead of frames) in each round.
# Usage (as root, from the build directory): bench/send-flood.sh [DUR [RUNS]]
set -eu
DUR=${1:-3}
RUNS=${2:-5}
bin=${RAWSHAKE:-$(pwd)/rawshake}
A=rsperf-fa-$$
B=rsperf-fb-$$
out=$(mktemp -d)
cleanup() {
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT INT TERM
command -v nping >/dev/null || apt-get install -y nmap >/dev/null 2>&1 || true
ip netns add "$A"
ip netns add "$B"
ip link add rspfa0 netns "$A" type veth peer name rspfb0 netns "$B"
ip -n "$A" addr add 198.51.100.1/24 dev rspfa0
ip -n "$B" addr add 198.51.100.2/24 dev rspfb0
ip -n "$A" link set rspfa0 up
ip -n "$B" link set rspfb0 up
# B drops the SYNs before TCP sees them, so no RST flows back to skew the run.
ip netns exec "$B" iptables -t raw -A PREROUTING -p tcp --dport 9 -j DROP 2>/dev/null ||
	echo 'table ip rsperf { chain pre { type filter hook prerouting priority -300; tcp dport 9 drop; }; }' |
	ip netns exec "$B" nft -f - 2>/dev/null || echo "no iptables or nft: RSTs flow back" >&2
i=0
until ip netns exec "$A" ping -c1 -W1 198.51.100.2 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 10 ] || { echo "the lab link does not come up" >&2; exit 1; }
done

rx() { ip netns exec "$B" cat /sys/class/net/rspfb0/statistics/rx_packets; }
run() {   # name, command...
	name=$1; shift
	before=$(rx)
	t0=$(date +%s.%N)
	ip netns exec "$A" timeout -s INT "$DUR" "$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	after=$(rx)
	pps=$(echo "$before $after $t0 $t1" | awk '{ printf "%.0f", ($2 - $1) / ($4 - $3) }')
	echo "$pps" >>"$out/$name"
	echo "$name $pps"
}
r=1
while [ "$r" -le "$RUNS" ]; do
	echo "round $r"
	run rawshake "$bin" send tcp 198.51.100.2 --dport 9 --sport 40000 --flood \
		--duration "$DUR" -q ${RSFLOOD_OPTS:-}
	[ -z "${RSFLOOD_RAW:-}" ] || run rawshake-raw "$bin" send tcp 198.51.100.2 --dport 9 \
		--sport 40000 --flood --duration "$DUR" -q --no-link
	run hping3 hping3 -S -p 9 -s 40000 -k --flood 198.51.100.2
	run nping nping --tcp --flags syn -p 9 -g 40000 --rate 10000000 -c 100000000 -N \
		--no-capture -H 198.51.100.2
	r=$((r + 1))
done
med() { sort -n "$out/$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "medians over $RUNS rounds of $DUR s (packets/s received):"
for t in rawshake rawshake-raw hping3 nping; do
	if [ -e "$out/$t" ]; then echo "  $t $(med $t)  ($(tr '\n' ' ' <"$out/$t" | sed 's/ $//'))"; fi
done
for t in rawshake rawshake-raw; do
	[ -e "$out/$t" ] || continue
	echo "$t $(med $t) $(med hping3) $(med nping)" | awk '{ printf "%s/hping3 = %.2fx (want >= 2), %s/nping = %.2fx (want >= 5)\n", $1, $2 / ($3 ? $3 : 1), $1, $2 / ($4 ? $4 : 1) }'
done
