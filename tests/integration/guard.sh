#!/bin/sh
# guard.sh: the route check of every bulk send (guard.c), on machines like
# the ones where it matters, built in namespaces of this test's own:
#  - an "uplink" (an interface numbered from a documentation range, with
#    the default route via a gateway on it; a veth to a "router" namespace
#    here, as this kernel may have no dummy driver): a flood to another
#    documentation address would be routed off the machine, so it is
#    refused and nothing reaches the interface; --force sends;
#  - the same link on-link (no gateway, a virtual device): allowed;
#  - a veth to a second namespace and loopback: allowed, packets arrive.
# Needs root (namespaces): skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "FAIL: iproute2 (ip) is not installed"; exit 1; }
bin=$(pwd)/rawshake
G=rsguard-g-$$
H=rsguard-h-$$
R=rsguard-r-$$
work=$(mktemp -d)
# sniff and send open -w files as nobody (-Z), after the drop.
chmod 1777 "$work"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns del "$G" 2>/dev/null || true
	ip netns del "$H" 2>/dev/null || true
	ip netns del "$R" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ing() { ip netns exec "$G" "$@"; }

ip netns add "$G"
ip netns add "$H"
ip netns add "$R"
ing ip link set lo up
ip link add up0 netns "$G" type veth peer name rtr0 netns "$R"
ing ip addr add 198.51.100.1/24 dev up0
ing ip link set up0 up
ip netns exec "$R" ip addr add 198.51.100.254/24 dev rtr0
ip netns exec "$R" ip -6 addr add 2001:db8:aa::fe/64 dev rtr0 nodad
ip netns exec "$R" ip link set rtr0 up
ing ip route add default via 198.51.100.254 dev up0
# Neighbours fixed, so that no packet waits for ARP.
rmac=$(ip netns exec "$R" cat /sys/class/net/rtr0/address)
ing ip neigh replace 198.51.100.254 lladdr "$rmac" dev up0 nud permanent
ing ip neigh replace 198.51.100.7 lladdr "$rmac" dev up0 nud permanent
ip link add rsgv0 netns "$G" type veth peer name rsgv1 netns "$H"
ing ip addr add 192.0.2.1/24 dev rsgv0
ip netns exec "$H" ip addr add 192.0.2.2/24 dev rsgv1
ing ip link set rsgv0 up
ip netns exec "$H" ip link set rsgv1 up
ip netns exec "$H" ip link set lo up

# TCP frames arriving on an interface, counted by nftables in its
# namespace (exact, and no capture that may start late).
counter_add() {
	ip netns exec "$1" nft -f - <<NFT
table netdev rsguard {
	chain in {
		type filter hook ingress device "$2" priority 0;
		meta l4proto tcp counter
	}
}
NFT
}
counter_get() {
	ip netns exec "$1" nft list table netdev rsguard | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
command -v nft >/dev/null || { echo "FAIL: nft (nftables) is not installed"; exit 1; }
counter_add "$R" rtr0
counter_add "$H" rsgv1

# 1. Routed off the machine via a gateway: refused, nothing sent.
rc=0
ing "$bin" flood 203.0.113.5 80 -c 5 -q 2>"$work/gw.err" || rc=$?
[ $rc -eq 2 ] || fail "flood via a gateway: exit $rc, want 2 ($(cat "$work/gw.err"))"
grep -q "via the gateway 198.51.100.254 on up0" "$work/gw.err" ||
	fail "flood via a gateway: message: $(cat "$work/gw.err")"
grep -q -- "--force" "$work/gw.err" || fail "the refusal does not say what --force does"
n=$(counter_get "$R")
[ "$n" -eq 0 ] || fail "a refused flood still put $n packets on the uplink"
echo "ok refused via a gateway: $(cat "$work/gw.err")"

# IPv6 the same: a default route via a gateway.
ing ip -6 addr add 2001:db8:aa::1/64 dev up0 nodad
ing ip -6 route add default via 2001:db8:aa::fe dev up0
rc=0
ing "$bin" flood 2001:db8:bb::5 80 -c 5 -q 2>"$work/gw6.err" || rc=$?
[ $rc -eq 2 ] && grep -q "via the gateway 2001:db8:aa::fe" "$work/gw6.err" ||
	fail "IPv6 flood via a gateway: exit $rc: $(cat "$work/gw6.err")"
echo "ok refused via an IPv6 gateway"

# With --force it goes (the counter would have seen it).
ing "$bin" flood 203.0.113.5 80 -c 5 -q --force 2>"$work/force.err" ||
	fail "flood --force: $(cat "$work/force.err")"
n=$(counter_get "$R")
[ "$n" -eq 5 ] || fail "flood --force: $n packets on the uplink, want 5"
echo "ok --force sends through the gateway ($n packets arrived)"

# 2. On-link on the uplink: a virtual device, no gateway: allowed.
before=$(counter_get "$R")
ing "$bin" flood 198.51.100.7 80 -c 5 -q 2>"$work/onlink.err" ||
	fail "on-link flood refused: $(cat "$work/onlink.err")"
n=$(( $(counter_get "$R") - before ))
[ "$n" -eq 5 ] || fail "on-link flood: $n packets, want 5"
echo "ok on-link on a veth, no gateway: allowed"

# 3. A veth to another namespace: allowed, and the SYNs arrive there.
ing "$bin" flood 192.0.2.2 80 -c 5 -q 2>"$work/veth.err" ||
	fail "veth flood refused: $(cat "$work/veth.err")"
n=$(counter_get "$H")
[ "$n" -eq 5 ] || fail "veth flood: $n SYNs arrived, want 5"
echo "ok veth: allowed, 5 SYNs arrived"

# 4. Loopback.
ing "$bin" flood 127.0.0.1 9 -c 3 -q 2>"$work/lo.err" || fail "loopback flood refused: $(cat "$work/lo.err")"
echo "ok loopback: allowed"
# 5. send goes through the same guard when it is bulk traffic.
before=$(counter_get "$R")
for how in "--flood -c 5" "--rate 5000 -c 5" "--rand-source -c 2"; do
	rc=0
	# shellcheck disable=SC2086
	ing "$bin" send tcp 203.0.113.5 --dport 80 $how -q 2>"$work/send.err" || rc=$?
	[ $rc -eq 2 ] && grep -q "via the gateway 198.51.100.254 on up0" "$work/send.err" ||
		fail "send $how via a gateway: exit $rc: $(cat "$work/send.err")"
done
[ "$(counter_get "$R")" -eq "$before" ] || fail "a refused send still put packets on the uplink"
# A probe or a slow run is not bulk: it goes, as hping3's would.
ing "$bin" send tcp 203.0.113.5 --dport 80 -c 2 -i 10ms --no-listen -q 2>"$work/send.err" ||
	fail "send -c 2 refused: $(cat "$work/send.err")"
ing "$bin" send tcp 203.0.113.5 --dport 80 --rate 500 -c 2 --no-listen -q 2>"$work/send.err" ||
	fail "send --rate 500 refused: $(cat "$work/send.err")"
n=$(( $(counter_get "$R") - before ))
[ "$n" -eq 4 ] || fail "the probes: $n packets on the uplink, want 4"
ing "$bin" send tcp 203.0.113.5 --dport 80 --flood -c 5 -q --force 2>"$work/send.err" ||
	fail "send --flood --force: $(cat "$work/send.err")"
echo "ok send: --flood, --rate 5000 and --rand-source refused via a gateway, probes go, --force floods"

# A dry run sends nothing, so its route does not matter, but its
# addresses do (the file is a flood someone may replay).
rc=0
"$bin" send tcp 8.8.8.8 --dport 80 --flags S --flood -c 100000 --rand-source=0.0.0.0/0 --dry-run \
	-w "$work/dry.pcap" 2>"$work/dry.err" >/dev/null || rc=$?
[ $rc -eq 2 ] && [ ! -e "$work/dry.pcap" ] && grep -q "public Internet address" "$work/dry.err" ||
	fail "dry-run flood to 8.8.8.8: exit $rc: $(cat "$work/dry.err")"
rc=0
"$bin" send tcp 198.51.100.5 --dport 80 --rand-source=224.0.0.0/4 -c 1 --dry-run -q 2>"$work/dry.err" || rc=$?
[ $rc -eq 2 ] && grep -q "multicast" "$work/dry.err" || fail "multicast sources: exit $rc: $(cat "$work/dry.err")"
"$bin" send tcp 192.0.2.9 --dport 80 --rand-source -c 50 -i 1ms --dry-run -q -w "$work/rand.pcap" 2>"$work/dry.err" ||
	fail "a dry run with the default random sources: $(cat "$work/dry.err")"
bad=$(tcpdump -n -r "$work/rand.pcap" 2>/dev/null | awk '{print $3}' | grep -cv '^198\.51\.100\.' || true)
[ "$bad" -eq 0 ] || fail "--rand-source without a range: $bad sources outside 198.51.100.0/24"
"$bin" send tcp 2001:db8::9 --dport 80 --rand-source -c 20 -i 1ms --dry-run -q -w "$work/rand6.pcap" 2>"$work/dry.err" ||
	fail "IPv6 dry run with the default random sources: $(cat "$work/dry.err")"
bad=$(tcpdump -n -r "$work/rand6.pcap" 2>/dev/null | awk '{print $3}' | grep -cv '^2001:db8:f100:' || true)
[ "$bad" -eq 0 ] || fail "IPv6 --rand-source without a range: $bad sources outside 2001:db8:f100::/48"
echo "ok send --dry-run: refused for 8.8.8.8 and multicast sources; default random sources in the documentation ranges"
echo "guard: all passed"
