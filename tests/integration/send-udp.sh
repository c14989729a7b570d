#!/bin/sh
# send-udp.sh: rawshake send udp to a closed port shows the ICMP port
# unreachable that answers it, by default, as hping3 -2 does (IPv4 and
# IPv6, the word "udp" or hping3's -2 -p); --no-listen shows none; a
# datagram to an open port is delivered with --data's escapes turned into
# bytes.  Two namespaces of its own over a veth pair (198.51.100.0/24,
# 2001:db8:5f::/64).  Needs root: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip python3 flock; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
A=rssendudp-a-$$
B=rssendudp-b-$$
work=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ina() { ip netns exec "$A" "$@"; }
inb() { ip netns exec "$B" "$@"; }

ip netns add "$A"
ip netns add "$B"
ip link add rsua0 netns "$A" type veth peer name rsub0 netns "$B"
ina ip link set lo up
inb ip link set lo up
ina ip addr add 198.51.100.1/24 dev rsua0
inb ip addr add 198.51.100.2/24 dev rsub0
ina ip -6 addr add 2001:db8:5f::1/64 dev rsua0 nodad
inb ip -6 addr add 2001:db8:5f::2/64 dev rsub0 nodad
ina ip link set rsua0 up
inb ip link set rsub0 up
# The kernel's ICMP rate limits must not hide an answer the test expects.
inb sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
i=0
until ina ping -c1 -W1 198.51.100.2 >/dev/null 2>&1 && ina ping -6 -c1 -W1 2001:db8:5f::2 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 10 ] || fail "the link does not come up"; sleep 0.2
done
pass=0
ok() { pass=$((pass + 1)); printf 'ok %s - %s\n' "$pass" "$*"; }

# 1. To a closed port: the port unreachable is shown and matched.
ina "$bin" send udp 198.51.100.2 --dport 5399 --sport 40101 >"$work/u4.out" 2>&1 \
	|| fail "send udp: $(cat "$work/u4.out")"
grep -q 'ICMP.*unreach' "$work/u4.out" || fail "no port unreachable shown: $(cat "$work/u4.out")"
grep -q 'reply to #1, rtt [0-9.]* ms' "$work/u4.out" || fail "not matched: $(cat "$work/u4.out")"
grep -q '^1 packet sent, 0 errors, 1 reply, [0-9.]* s$' "$work/u4.out" \
	|| fail "summary (one packet: no rate): $(cat "$work/u4.out")"
ok "udp to a closed port shows its ICMP port unreachable by default"

# 2. hping3's words: -2 DST -p PORT -s BASE; three probes, three answers,
#    each matched to its own source port.
ina "$bin" send -2 198.51.100.2 -p 5399 -s 40200 -c 3 -i u100000 >"$work/h.out" 2>&1 \
	|| fail "send -2: $(cat "$work/h.out")"
for n in 1 3 5; do   # the frames of the probes (each reply a frame too)
	grep -q "reply to #$n, rtt" "$work/h.out" || fail "probe $n unanswered: $(cat "$work/h.out")"
done
grep -q '198.51.100.1.40202 > 198.51.100.2.5399: UDP' "$work/h.out" \
	|| fail "-s is a base port going up by one: $(cat "$work/h.out")"
grep -q '^3 packets sent, 0 errors, 3 replies, [0-9.]* s, [0-9.]* packets/s$' "$work/h.out" \
	|| fail "summary: $(cat "$work/h.out")"
ok "send -2 DST -p PORT (hping3's UDP mode): every probe answered"

# 3. IPv6: the ICMPv6 port unreachable.
ina "$bin" send udp 2001:db8:5f::2 --dport 5399 >"$work/u6.out" 2>&1 || fail "$(cat "$work/u6.out")"
grep -q 'ICMP6.*unreach' "$work/u6.out" || fail "no ICMPv6 unreachable: $(cat "$work/u6.out")"
grep -q 'reply to #1, rtt' "$work/u6.out" || fail "not matched: $(cat "$work/u6.out")"
ok "IPv6: the ICMPv6 port unreachable is shown"

# 4. --no-listen: nothing captured, nothing waited for.
ina "$bin" send udp 198.51.100.2 --dport 5399 --no-listen >"$work/nl.out" 2>&1 || fail "$(cat "$work/nl.out")"
! grep -q 'unreach' "$work/nl.out" || fail "--no-listen showed a reply: $(cat "$work/nl.out")"
grep -q ', 0 replies,' "$work/nl.out" || fail "$(cat "$work/nl.out")"
ok "--no-listen shows no reply"

# 5. To an open port: the datagram arrives with --data's escapes as bytes.
inb python3 -c '
import socket, sys, os
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5400))
open(sys.argv[1] + "/ready", "w").close()
data, _ = u.recvfrom(65535)
open(sys.argv[1] + "/got.tmp", "wb").write(data)
os.rename(sys.argv[1] + "/got.tmp", sys.argv[1] + "/got")
' "$work" &
pids="$pids $!"
i=0
while [ ! -e "$work/ready" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "listener did not start"; sleep 0.05
done
ina "$bin" send udp 198.51.100.2 --dport 5400 --wait 0 --data 'GET / HTTP/1.0\r\n\r\n' >"$work/d.out" 2>&1 \
	|| fail "$(cat "$work/d.out")"
i=0
while [ ! -e "$work/got" ]; do
	i=$((i + 1)); [ $i -lt 60 ] || fail "datagram never arrived"; sleep 0.05
done
[ "$(wc -c <"$work/got")" -eq 18 ] || fail "payload is $(wc -c <"$work/got") bytes, not 18"
printf 'GET / HTTP/1.0\r\n\r\n' | cmp -s - "$work/got" || fail "payload: $(od -c "$work/got")"
ok "--data 'GET / HTTP/1.0\\r\\n\\r\\n' sends the 18 bytes"
echo "PASS: $pass checks"
