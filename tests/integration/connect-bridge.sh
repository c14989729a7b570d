#!/bin/sh
# connect-bridge.sh: rawshake connect from one namespace to another
# through a third holding a Linux bridge (veth -> bridge -> veth), every
# offload as the kernel sets it: the segments keep the checksum their
# sender left for the NIC across the bridge, and connect takes them as
# the kernel does.  IPv4 and IPv6: handshake, data the python server reads
# exactly, FIN close; then a closed port is refused.  Needs root: skipped
# (77) otherwise.
. "$(dirname "$0")/connect-lib.sh"

A=rscbr-a-$$
M=rscbr-m-$$
B=rscbr-b-$$
new_ns "$A"
new_ns "$M"
new_ns "$B"
veth "$A" "rsbra$$" "$M" "rsbrma$$"
veth "$B" "rsbrb$$" "$M" "rsbrmb$$"
ip -n "$M" link add "rsbr$$" type bridge
ip -n "$M" link set "rsbrma$$" master "rsbr$$"
ip -n "$M" link set "rsbrmb$$" master "rsbr$$"
ip -n "$M" link set "rsbr$$" up
ip -n "$A" addr add 198.51.100.1/24 dev "rsbra$$"
ip -n "$B" addr add 198.51.100.2/24 dev "rsbrb$$"
ip -n "$A" -6 addr add 2001:db8:c1::1/64 dev "rsbra$$" nodad
ip -n "$B" -6 addr add 2001:db8:c1::2/64 dev "rsbrb$$" nodad
wait_ping "$A" 198.51.100.2 2001:db8:c1::2
# Nothing is routed: the middle namespace has no address at all, the
# frames are switched.
[ -z "$(ip -n "$M" -4 addr show scope global)" ] || fail "the bridge namespace has an address"

python3 -c 'import sys; sys.stdout.buffer.write(bytes(i % 253 for i in range(3000)))' >"$work/v4.data"
start_server "$B" 198.51.100.2 8080 v4
connect_ok "$A" v4 198.51.100.2 8080
offloaded v4
ok "IPv4 through a bridge: handshake, 3000 bytes delivered, FIN close"

printf 'across the bridge\n' >"$work/v6.data"
start_server "$B" 2001:db8:c1::2 8080 v6
connect_ok "$A" v6 2001:db8:c1::2 8080
offloaded v6
ok "IPv6 through a bridge: handshake, data delivered, FIN close"

st=0
ip netns exec "$A" timeout 30 "$bin" connect -q 2001:db8:c1::2 9 >"$work/closed.out" 2>"$work/closed.err" || st=$?
[ "$st" -eq 1 ] || fail "closed port: exit $st: $(cat "$work/closed.err")"
tail -1 "$work/closed.err" | grep -q '^rawshake connect: refused: 2001:db8:c1::2 port 9' ||
	fail "closed port: last line: $(tail -1 "$work/closed.err")"
ok "closed port through a bridge: refused, exit 1"

echo "connect-bridge: $pass passed"
