#!/bin/sh
# sniff-any.sh: rawshake sniff on "any" and on one interface of a router
# namespace between two others, offloads left as the kernel sets them (on):
#
#   A [va 192.0.2.1] <=veth=> [ra 192.0.2.254] R [rb 198.51.100.254] <=veth=> [vb 198.51.100.2] B
#
# A TCP connection from A to B through R (data both ways) is captured in R
# at the same time by `rawshake sniff -i any` (text and JSON), by
# `tcpdump -i any -n` and by `rawshake sniff -i any -w F --pcapng`:
#  - every line names R's interface and the direction (In on the side a
#    packet arrives, Out where it leaves), the same as tcpdump's lines;
#  - JSON has link.ifname and link.dir, the same;
#  - no "[bad csum]": what the veths leave for the NIC is "offload";
#  - the pcapng file has one "any" interface of link type LINUX_SLL2 and
#    epb_flags direction that tshark reads as the packet type says;
#  - an interface made after the capture started (and dropped root) is
#    named too (the index table is read again);
# and `rawshake sniff -i rb 'src port P'` sees only the server's segments,
# incoming (from B's MAC), while `-i rb 'dst port P'` sees them outgoing
# (from rb's own MAC): JSON link.dir; on lo nothing is taken as outgoing.
# Needs root (namespaces): skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip python3 tcpdump; do
	command -v $t >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
A=rsany-a-$$
R=rsany-r-$$
B=rsany-b-$$
VA=rsva$$ RA=rsra$$ RB=rsrb$$ VB=rsvb$$ RC=rsrc$$ VC=rsvc$$
P=8080
work=$(mktemp -d)
chmod 755 "$work"   # the sniffers write here as nobody
# sniff opens its -w file after dropping to nobody (as tcpdump -Z does):
# a directory of nobody's for it.
mkdir "$work/nb" && chown nobody "$work/nb"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$R" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ina() { ip netns exec "$A" "$@"; }
inr() { ip netns exec "$R" "$@"; }
inb() { ip netns exec "$B" "$@"; }

ip netns add "$A"
ip netns add "$R"
ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$RA" netns "$R"
ip link add "$VB" netns "$B" type veth peer name "$RB" netns "$R"
for ns in "$A" "$R" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" addr add 192.0.2.1/24 dev "$VA"
ip -n "$R" addr add 192.0.2.254/24 dev "$RA"
ip -n "$R" addr add 198.51.100.254/24 dev "$RB"
ip -n "$B" addr add 198.51.100.2/24 dev "$VB"
ip -n "$A" link set "$VA" up
ip -n "$R" link set "$RA" up
ip -n "$R" link set "$RB" up
ip -n "$B" link set "$VB" up
ip -n "$A" route add 198.51.100.0/24 via 192.0.2.254
ip -n "$B" route add 192.0.2.0/24 via 198.51.100.254
inr sysctl -q -w net.ipv4.ip_forward=1
i=0
until ina ping -c1 -W1 198.51.100.2 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 20 ] || fail "the route through R does not come up"; sleep 0.2
done
mac_rb=$(inr cat "/sys/class/net/$RB/address")
mac_vb=$(inb cat "/sys/class/net/$VB/address")

# Starts a sniffer in R: start_sniff NAME ARGS...; its output goes to
# $work/NAME.out, its messages to $work/NAME.err; waits until it listens.
start_sniff() {
	name=$1
	shift
	# Not through inr: $! must be the sniffer itself (ip netns exec execs it).
	ip netns exec "$R" "$@" >"$work/$name.out" 2>"$work/$name.err" &
	pids="$pids $!"
	eval "pid_$name=$!"
	i=0
	until grep -q 'listening on' "$work/$name.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$name did not start: $(cat "$work/$name.err")"
		sleep 0.05
	done
}
stop_sniff() {
	eval "p=\$pid_$1"
	# TERM: a background job of a script starts with SIGINT ignored.
	kill -TERM "$p" 2>/dev/null || true
	i=0
	while kill -0 "$p" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$1 did not stop"; sleep 0.05
	done
}

# 32 MiB buffers: in immediate mode libpcap's ring has one slot per
# packet of up to 64 KiB (GSO), so the default 2 MiB holds ~30 and a burst
# of the transfer would be dropped (by tcpdump as by rawshake).
start_sniff text "$bin" sniff -B 32768 -i any "tcp port $P or icmp"
start_sniff json "$bin" sniff -B 32768 -i any --format json "tcp port $P or icmp"
start_sniff ng "$bin" sniff -B 32768 -q -i any -w "$work/nb/any.pcapng" --pcapng "tcp port $P or icmp"
start_sniff tcpdump tcpdump -B 32768 -i any -n -l --immediate-mode "tcp port $P or icmp"
start_sniff src "$bin" sniff -B 32768 -i "$RB" --format json "src port $P"
start_sniff dst "$bin" sniff -B 32768 -i "$RB" --format json "dst port $P"

# The connection: 30000 bytes from A, 20000 back from B, then close.
inb python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.2", int(sys.argv[1]))); s.listen(1); s.settimeout(10)
open(sys.argv[2] + "/ready", "w").close()
c, _ = s.accept(); c.settimeout(10); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
c.sendall(b"s" * 20000); c.close()
open(sys.argv[2] + "/server-got", "w").write(str(n))
' "$P" "$work" &
pids="$pids $!"
i=0
while [ ! -e "$work/ready" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the server did not start"; sleep 0.05
done
ina python3 -c '
import socket, sys
c = socket.create_connection(("198.51.100.2", int(sys.argv[1])), timeout=10)
c.sendall(b"c" * 30000); c.shutdown(socket.SHUT_WR); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
c.close()
sys.exit(0 if n == 20000 else 1)
' "$P" || fail "the TCP connection through R failed"
i=0
while [ ! -e "$work/server-got" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the server did not finish"; sleep 0.05
done
[ "$(cat "$work/server-got")" = 30000 ] || fail "the server got $(cat "$work/server-got") bytes"

# An interface made now, after the capture started and dropped root:
# A pings R over it.
ip link add "$VC" netns "$A" type veth peer name "$RC" netns "$R"
ip -n "$A" addr add 203.0.113.1/24 dev "$VC"
ip -n "$R" addr add 203.0.113.254/24 dev "$RC"
ip -n "$A" link set "$VC" up
ip -n "$R" link set "$RC" up
sleep 1.2   # the table is read again at most once a second
i=0
until ina ping -c1 -W1 203.0.113.254 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 20 ] || fail "the new link does not come up"; sleep 0.2
done
sleep 0.5
for s in text json ng tcpdump src dst; do stop_sniff $s; done
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
for s in text json ng tcpdump src dst; do
	grep -q '^0 packets dropped by kernel' "$work/$s.err" ||
		fail "$s dropped packets, the comparisons would not hold: $(cat "$work/$s.err")"
done

# 1. Text: every TCP line names ra or rb and a direction; a segment from
#    A is In on ra and Out on rb, one from B the other way round.
n_tcp=$(grep -c ': TCP ' "$work/text.out" || true)
[ "$n_tcp" -ge 8 ] || fail "only $n_tcp TCP lines: $(head -5 "$work/text.out")"
bad=$(grep ': TCP ' "$work/text.out" | grep -Ev "^#[0-9]+ [0-9:.]+ ($RA|$RB) (In|Out) IP " | head -3)
[ -z "$bad" ] || fail "lines without interface and direction: $bad"
grep -q " $RA In IP 192.0.2.1.[0-9]* > 198.51.100.2.$P: TCP \[SYN\]" "$work/text.out" ||
	fail "no SYN In on $RA: $(head -3 "$work/text.out")"
grep -q " $RB Out IP 192.0.2.1.[0-9]* > 198.51.100.2.$P: TCP \[SYN\]" "$work/text.out" ||
	fail "no SYN Out on $RB"
grep -q " $RB In IP 198.51.100.2.$P > 192.0.2.1.[0-9]*: TCP \[SYN,ACK\]" "$work/text.out" ||
	fail "no SYN-ACK In on $RB"
grep -q " $RA Out IP 198.51.100.2.$P > 192.0.2.1.[0-9]*: TCP \[SYN,ACK\]" "$work/text.out" ||
	fail "no SYN-ACK Out on $RA"
ok "sniff -i any: $n_tcp TCP lines, each with R's interface and In/Out"

# 2. The same interfaces and directions, packet by packet, as tcpdump -i any.
norm() {   # interface, direction, addresses of each TCP packet line
	sed -nE 's/^(#[0-9]+ )?[0-9:.]+ +([^ ]+) +(In|Out) +IP ([0-9.]+) > ([0-9.]+): .*/\2 \3 \4 \5/p' "$1" |
		grep -E "\.$P |\.$P\$"
}
norm "$work/text.out" >"$work/text.norm"
norm "$work/tcpdump.out" >"$work/tcpdump.norm"
[ -s "$work/tcpdump.norm" ] || fail "tcpdump printed no TCP line: $(head -3 "$work/tcpdump.out")"
cmp -s "$work/text.norm" "$work/tcpdump.norm" ||
	fail "not tcpdump's interfaces/directions: $(diff "$work/tcpdump.norm" "$work/text.norm" | head -10)"
ok "the same $(wc -l <"$work/text.norm") interface/direction/address tuples as tcpdump -i any -n"

# 3. No bad checksum, and the offloaded ones are told as such.
if grep -q 'bad csum' "$work/text.out"; then
	fail "[bad csum] with offloads on: $(grep 'bad csum' "$work/text.out" | head -3)"
fi
python3 - "$work/json.out" "$RA" "$RB" "$P" <<'PY' || fail "JSON check"
import json, sys
path, ra, rb, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pk = [json.loads(l) for l in open(path)]
tcp = [p for p in pk if p.get("type") == "pkt" and "tcp" in p]
assert len(tcp) >= 8, len(tcp)
offload = 0
for p in tcp:
    l, t = p["link"], p["tcp"]
    assert l["type"] == "LINUX_SLL2", l
    assert l.get("ifname") in (ra, rb), l
    from_a = p["ip"]["src"] == "192.0.2.1"
    want = ("in" if l["ifname"] == ra else "out") if from_a else ("in" if l["ifname"] == rb else "out")
    assert l.get("dir") == want, (l, p["ip"])
    assert t["csum"] != "bad", p
    offload += t["csum"] == "offload"
print("json: %d TCP packets, link.ifname/dir right, no bad checksum, %d offloaded" % (len(tcp), offload))
assert offload > 0, "no offloaded checksum seen: were the offloads turned off?"
PY
ok "JSON: link.ifname and link.dir right, csum never bad (offload seen)"

# 4. The interface made after the capture started is named, not "ifindex N".
grep -q " $RC In IP 203.0.113.1 > 203.0.113.254: ICMP echo-request" "$work/text.out" ||
	fail "the new interface is not named: $(grep 203.0.113 "$work/text.out" | head -2)"
ok "an interface made after the start is named ($RC)"

# 5. The pcapng file: one interface "any", LINUX_SLL2, epb_flags as the
#    packet type says (tshark: p2p_dir 0 sent, 1 received).
grep -q 'listening on any, link type LINUX_SLL2, writing to file' "$work/ng.err" ||
	fail "ng: $(cat "$work/ng.err")"
"$bin" read --format json "$work/nb/any.pcapng" >"$work/ng.json" || fail "cannot read the pcapng back"
python3 - "$work/ng.json" <<'PY' || fail "pcapng read back"
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1]) if '"pkt"' in l]
assert len(pk) >= 8, len(pk)
for p in pk:
    l = p["link"]
    assert l["type"] == "LINUX_SLL2" and "ifname" not in l, l
    assert l["dir"] == ("out" if l["pkttype"] == 4 else "in"), l
PY
if command -v tshark >/dev/null; then
	tshark -r "$work/nb/any.pcapng" -T fields -e frame.interface_name -e frame.p2p_dir -e sll.pkttype \
		2>/dev/null | sort | uniq -c >"$work/ng.tshark"
	awk '{ if ($2 != "any" || ($3 == 0) != ($4 == 4)) bad = 1 } END { exit bad }' "$work/ng.tshark" ||
		fail "tshark reads other directions: $(cat "$work/ng.tshark")"
	ok "sniff -w --pcapng: interface any, LINUX_SLL2, epb_flags = packet type (tshark agrees)"
else
	ok "sniff -w --pcapng: interface any, LINUX_SLL2, epb_flags = packet type (no tshark)"
fi

# 6. One interface, one direction: 'src port P' on rb sees only the
#    server's segments, incoming; 'dst port P' only A's, outgoing (rb's MAC).
python3 - "$work/src.out" "$work/dst.out" "$P" "$mac_rb" "$mac_vb" <<'PY' || fail "-i $RB"
import json, sys
src, dst, port, mac_rb, mac_vb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def load(p):
    return [x for x in (json.loads(l) for l in open(p)) if x.get("type") == "pkt"]
s, d = load(src), load(dst)
assert len(s) >= 4 and len(d) >= 4, (len(s), len(d))
for p in s:
    assert p["tcp"]["sport"] == port, p
    assert p["link"]["type"] == "EN10MB" and p["link"]["src"] == mac_vb, p["link"]
    assert p["link"]["dir"] == "in", p["link"]
    assert p["tcp"]["csum"] != "bad", p
for p in d:
    assert p["tcp"]["dport"] == port, p
    assert p["link"]["src"] == mac_rb and p["link"]["dir"] == "out", p["link"]
    assert p["tcp"]["csum"] != "bad", p
print("-i rb: %d segments from the server (in), %d to it (out)" % (len(s), len(d)))
PY
ok "sniff -i $RB 'src port $P' / 'dst port $P': one direction each, dir in / out by the MAC"

# 7. Loopback: its MAC is all zeros and libpcap keeps only the incoming
#    copy of each packet, so no frame is taken as going out.
start_sniff lo "$bin" sniff -i lo --format json icmp
inr ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null || fail "ping on R's loopback"
sleep 0.3
stop_sniff lo
n_lo=$(grep -c '"type":"pkt"' "$work/lo.out" || true)
[ "$n_lo" -eq 4 ] || fail "lo: $n_lo packets: $(head -2 "$work/lo.out")"
if grep -q '"dir":' "$work/lo.out"; then fail "lo: a direction from an all-zero MAC"; fi
ok "sniff -i lo: no direction guessed from the all-zero MAC"

echo "sniff-any: $pass passed"
