#!/bin/sh
# send-flood.sh: SYN flood speed of rawshake send against hping3 --flood and
# nping --rate, the same 40-byte SYN from lab namespace rssend-fa to
# rssend-fb over a veth pair (198.51.100.0/24), counted on the receiving
# interface.  Each tool runs DUR seconds (default 3), bounded by timeout.
# Usage (as root, from the build directory): bench/send-flood.sh [DUR]
set -eu
DUR=${1:-3}
bin=${RAWSHAKE:-$(pwd)/rawshake}
A=rssend-fa-$$
B=rssend-fb-$$
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$A"
ip netns add "$B"
ip link add rssfa0 netns "$A" type veth peer name rssfb0 netns "$B"
ip -n "$A" addr add 198.51.100.1/24 dev rssfa0
ip -n "$B" addr add 198.51.100.2/24 dev rssfb0
ip -n "$A" link set rssfa0 up
ip -n "$B" link set rssfb0 up
# B drops the SYNs before TCP sees them, so no RST flows back to skew the run.
ip netns exec "$B" iptables -t raw -A PREROUTING -p tcp --dport 9 -j DROP 2>/dev/null || true
ip netns exec "$A" ping -c1 -W2 198.51.100.2 >/dev/null

rx() { ip netns exec "$B" cat /sys/class/net/rssfb0/statistics/rx_packets; }
run() {   # name, command...
	name=$1; shift
	before=$(rx)
	t0=$(date +%s.%N)
	ip netns exec "$A" timeout -s INT "$DUR" "$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	after=$(rx)
	pps=$(echo "$before $after $t0 $t1" | awk '{ printf "%.0f", ($2 - $1) / ($4 - $3) }')
	echo "$name $pps"
}
r=$(run rawshake "$bin" send tcp 198.51.100.2 --dport 9 --sport 40000 --flood --duration "$DUR" -q ${RSFLOOD_OPTS:-})
h=$(run hping3 hping3 -S -p 9 -s 40000 -k --flood 198.51.100.2)
command -v nping >/dev/null || apt-get install -y nmap >/dev/null 2>&1 || true
n=$(run nping nping --tcp --flags syn -p 9 -g 40000 --rate 10000000 -c 100000000 -N --no-capture -H 198.51.100.2)
echo "$r"; echo "$h"; echo "$n"
echo "$r $h $n" | awk '{ printf "rawshake/hping3 = %.2fx (want >= 2), rawshake/nping = %.2fx (want >= 5)\n", $2 / ($4 ? $4 : 1), $2 / ($6 ? $6 : 1) }'
