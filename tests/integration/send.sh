#!/bin/sh
# send.sh: rawshake send between two lab namespaces over a veth pair
# with default offloads (198.51.100.0/24, 2001:db8:5e::/64): SYN-ACK and
# RST replies shown (their checksums left for the NIC), echo
# replies, a UDP datagram reaching a socket, the receiver's capture holding
# exactly the fields asked for (as tcpdump reads them), MTU and
# privilege errors; a closed UDP port's unreachable shown by default
# (hping3's -2 -p -s too), --data's escapes on the wire.  Needs root (namespaces): skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "FAIL: iproute2 (ip) is not installed"; exit 1; }
bin=$(pwd)/rawshake
# Lab tests one at a time, even under make -j (the names are its own).
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
A=rssend-a-$$
B=rssend-b-$$
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
# wait_file FILE TRIES WHY: until FILE exists, TRIES times 50 ms, or fail.
wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1)); [ $i -lt "$2" ] || fail "$3"; sleep 0.05
	done
}
ina() { ip netns exec "$A" "$@"; }
inb() { ip netns exec "$B" "$@"; }

ip netns add "$A"
ip netns add "$B"
ip link add rssa0 netns "$A" type veth peer name rssb0 netns "$B"
ina ip link set lo up
inb ip link set lo up
ina ip addr add 198.51.100.1/24 dev rssa0
inb ip addr add 198.51.100.2/24 dev rssb0
ina ip -6 addr add 2001:db8:5e::1/64 dev rssa0 nodad
inb ip -6 addr add 2001:db8:5e::2/64 dev rssb0 nodad
ina ip link set rssa0 up
inb ip link set rssb0 up
# Wait until both families pass packets (a fresh veth drops the first ones).
i=0
until ina ping -c1 -W1 198.51.100.2 >/dev/null 2>&1 && ina ping -6 -c1 -W1 2001:db8:5e::2 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 10 ] || fail "the lab link does not come up"; sleep 0.2
done

# Listeners in B: TCP on 8080, UDP on 5353 writing what it gets to a file.
ip netns exec "$B" python3 -c '
import socket, sys
t = socket.socket(socket.AF_INET6); t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("::", 8080)); t.listen(64)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5353))
open(sys.argv[1] + "/ready", "w").close()
data, _ = u.recvfrom(65535)
open(sys.argv[1] + "/udp.tmp", "wb").write(data)
import os; os.rename(sys.argv[1] + "/udp.tmp", sys.argv[1] + "/udp")
data, _ = u.recvfrom(65535)
open(sys.argv[1] + "/udp2.tmp", "wb").write(data)
os.rename(sys.argv[1] + "/udp2.tmp", sys.argv[1] + "/udp2")
data, _ = u.recvfrom(65535)
open(sys.argv[1] + "/udp3.tmp", "wb").write(data)
os.rename(sys.argv[1] + "/udp3.tmp", sys.argv[1] + "/udp3")
data, _ = u.recvfrom(65535)
open(sys.argv[1] + "/udp4.tmp", "wb").write(data)
os.rename(sys.argv[1] + "/udp4.tmp", sys.argv[1] + "/udp4")
import time; time.sleep(60)
' "$work" &
pids="$pids $!"
wait_file "$work/ready" 100 "listeners did not start"
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

# 1. A SYN to the listening port: its SYN-ACK is shown with an RTT.
ina "$bin" send tcp 198.51.100.2 --dport 8080 --sport 40001 -c 1 >"$work/syn.out" 2>&1 \
	|| fail "send tcp: $(cat "$work/syn.out")"
grep -q 'IP 198.51.100.2.8080 > 198.51.100.1.40001: TCP \[SYN,ACK\]' "$work/syn.out" \
	|| fail "no SYN-ACK shown: $(cat "$work/syn.out")"
grep -q 'reply to #1, rtt [0-9.]* ms' "$work/syn.out" || fail "no RTT: $(cat "$work/syn.out")"
grep -q '^1 packet sent, 0 errors' "$work/syn.out" || fail "summary: $(cat "$work/syn.out")"
ok "SYN to a listening port gets its SYN-ACK shown"

# 2. A SYN to a closed port: its RST is shown.
ina "$bin" send tcp 198.51.100.2 --dport 8081 --sport 40002 >"$work/rst.out" 2>&1 || fail "$(cat "$work/rst.out")"
grep -q '198.51.100.2.8081 > 198.51.100.1.40002: TCP \[RST,ACK\]' "$work/rst.out" \
	|| fail "no RST shown: $(cat "$work/rst.out")"
ok "SYN to a closed port gets its RST shown"

# 2b. The veth keeps its default offloads, so B's kernel leaves the
#     checksum of its SYN-ACKs, and of its IPv6 RSTs, for the NIC: the
#     capture holds the pseudo-header sum (an IPv4 RST is checksummed in
#     software).  Those are replies like any other (the kernel in A takes
#     them): matched with an RTT, counted, never [bad csum].
n=0
for c in "198.51.100.2 8080 SYN,ACK offload" "2001:db8:5e::2 8080 SYN,ACK offload" \
	 "2001:db8:5e::2 8081 RST,ACK offload" "198.51.100.2 8081 RST,ACK ok"; do
	# shellcheck disable=SC2086
	set -- $c
	n=$((n + 1))
	ina "$bin" send tcp "$1" --dport "$2" --sport 4100$n -c 1 -v >"$work/off.out" 2>&1 \
		|| fail "send -v $c: $(cat "$work/off.out")"
	if [ "$4" = offload ]; then want='csum offload (filled in by the NIC)'; else want='csum 0x[0-9a-f]* ok'; fi
	grep -q "$1.$2 > [0-9a-f:.]*.4100$n: TCP \\[$3\\].*$want" "$work/off.out" ||
		fail "$c: the reply is not shown with '$want': $(cat "$work/off.out")"
	! grep -q 'bad csum\|BAD' "$work/off.out" || fail "$c: a reply shown as bad: $(cat "$work/off.out")"
	grep -q 'reply to #1, rtt' "$work/off.out" || fail "$c: reply not matched: $(cat "$work/off.out")"
	grep -q '^1 packet sent, 0 errors, 1 reply, ' "$work/off.out" || fail "$c: $(tail -1 "$work/off.out")"
done
ok "SYN-ACK and RST with offloaded checksums are replies, not bad ones"

# 3. ICMP echo, IPv4 and IPv6, and JSON lines for both directions.
ina "$bin" send icmp 198.51.100.2 -c 2 -i 50ms >"$work/icmp.out" 2>&1 || fail "$(cat "$work/icmp.out")"
[ "$(grep -c 'ICMP echo-reply' "$work/icmp.out")" -eq 2 ] || fail "echo replies: $(cat "$work/icmp.out")"
grep -q 'reply to #3' "$work/icmp.out" || fail "second reply not matched: $(cat "$work/icmp.out")"
ina "$bin" send icmp 2001:db8:5e::2 --format json >"$work/icmp6.json" 2>&1 || fail "$(cat "$work/icmp6.json")"
python3 - "$work/icmp6.json" <<'EOF' || fail "ICMPv6 JSON: $(cat "$work/icmp6.json")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
pk = [o for o in objs if o["type"] == "pkt"]
assert pk[0]["ip"]["dst"] == "2001:db8:5e::2", pk[0]
assert any(o["ip"]["src"] == "2001:db8:5e::2" for o in pk[1:]), pk
assert any(o["type"] == "reply" and o["reply_to"] == 1 for o in objs), objs
assert objs[-1]["type"] == "send_summary" and objs[-1]["sent"] == 1, objs[-1]
EOF
ok "ICMP echo (v4, v6) gets its replies, JSON for sent and received"

# 4. A UDP datagram reaches the listening socket.
ina "$bin" send udp 198.51.100.2 --dport 5353 --data "hello lab" >"$work/udp.out" 2>&1 || fail "$(cat "$work/udp.out")"
wait_file "$work/udp" 60 "UDP datagram never arrived"
[ "$(cat "$work/udp")" = "hello lab" ] || fail "UDP payload: $(cat "$work/udp")"
ok "UDP datagram reaches a listening socket"

# 5. The receiver's capture shows exactly the fields asked for, as
#    tcpdump reads them (-c 2: it stops by itself after our two packets).
ip netns exec "$B" timeout 10 tcpdump -nn -S -v -l -c 2 -i rssb0 -Q in 'tcp port 9999 or (ip6 and tcp port 9998)' \
	>"$work/rx.txt" 2>"$work/td.err" &
tdpid=$!
pids="$pids $tdpid"
i=0
while ! grep -q listening "$work/td.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "tcpdump did not start"; sleep 0.05
done
ina "$bin" send tcp 198.51.100.2 --dport 9999 --sport 1234 --flags syn,ece,cwr --seq 0xdeadbeef \
	--win 1000 --ttl 33 --tos 0x10 --id 4242 --df --mss 1400 --sack-perm --ts 11:22 \
	--nop --wscale 6 --data ABC --no-listen -q >"$work/f.out" 2>&1 || fail "$(cat "$work/f.out")"
ina "$bin" send tcp 2001:db8:5e::2 --dport 9998 --sport 4321 --flags PA --seq 5 --ack 9 --hlim 7 \
	--tclass 32 --flow-label 0x12345 --sack 100-200,300-400 --no-listen -q >"$work/f6.out" 2>&1 \
	|| fail "$(cat "$work/f6.out")"
wait "$tdpid" || fail "tcpdump: $(cat "$work/td.err")"
rx=$(tr -s ' \n' ' ' <"$work/rx.txt")
echo "$rx" | grep -q 'IP (tos 0x10, ttl 33, id 4242, offset 0, flags \[DF\], proto TCP (6), length 63) 198.51.100.1.1234 > 198.51.100.2.9999: Flags \[SEW\], cksum 0x[0-9a-f]* (correct), seq 3735928559:3735928562, win 1000, options \[mss 1400,sackOK,TS val 11 ecr 22,nop,wscale 6\], length 3' \
	|| fail "tcpdump reads: $rx"
echo "$rx" | grep -q 'IP6 (class 0x20, flowlabel 0x12345, hlim 7, next-header TCP (6) payload length: 40) 2001:db8:5e::1.4321 > 2001:db8:5e::2.9998: Flags \[P.\], cksum 0x[0-9a-f]* (correct), ack 9, win 64240, options \[sack 2 {100:200}{300:400},eol\], length 0' \
	|| fail "tcpdump reads: $rx"
ok "receiver's capture (tcpdump) shows exactly the fields asked for"

# 6. Too big for the veth MTU: refused naming the way out; --frag sends it
#    in fragments that the receiver reassembles.
big=$(python3 -c 'print("x" * 3000)')
st=0; ina "$bin" send udp 198.51.100.2 --dport 5353 --data "$big" >"$work/big.out" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q 'MTU.*--frag' "$work/big.out" || fail "MTU: status $st, $(cat "$work/big.out")"
ina "$bin" send udp 198.51.100.2 --dport 5353 --data "$big" --frag -q >"$work/frag.out" 2>&1 || fail "$(cat "$work/frag.out")"
wait_file "$work/udp2" 60 "fragmented datagram never arrived"
[ "$(cat "$work/udp2")" = "$big" ] || fail "reassembled payload differs"
# The same through the link layer: every fragment needs its own frame header.
ina "$bin" send udp 198.51.100.2 --dport 5353 --data "$big" --frag --link -q >"$work/fragl.out" 2>&1 \
	|| fail "$(cat "$work/fragl.out")"
wait_file "$work/udp3" 60 "fragmented datagram sent with --link never arrived"
[ "$(cat "$work/udp3")" = "$big" ] || fail "reassembled payload (--link) differs"
ok "MTU check, and --frag fragments the receiver reassembles (IP and --link)"

# 7. --link: Ethernet frames with the MACs from the interface and the
#    neighbour table (filled by the pings above).
ina "$bin" send icmp 198.51.100.2 --link -v >"$work/link.out" 2>&1 || fail "$(cat "$work/link.out")"
grep -q 'echo-reply' "$work/link.out" || fail "--link: no reply: $(cat "$work/link.out")"
ok "--link sends a frame that is answered"

# 8. Usage errors exit 2 and send nothing; no CAP_NET_RAW exits 2.
st=0; ina "$bin" send tcp 198.51.100.2 --dport 80 --wscale 15 2>"$work/e1" || st=$?
[ $st -eq 2 ] && grep -q -- '--wscale' "$work/e1" || fail "--wscale 15: status $st, $(cat "$work/e1")"
st=0; ina "$bin" send tcp 198.51.100.2 --dport 80 --flags SYNX 2>"$work/e2" || st=$?
[ $st -eq 2 ] || fail "bad flag letter: status $st"
if command -v setpriv >/dev/null; then
	st=0
	ina setpriv --bounding-set=-net_raw --inh-caps=-net_raw "$bin" send tcp 198.51.100.2 --dport 80 \
		>"$work/e3" 2>&1 || st=$?
	[ $st -eq 2 ] && grep -q 'CAP_NET_RAW' "$work/e3" && grep -q setcap "$work/e3" \
		|| fail "without CAP_NET_RAW: status $st, $(cat "$work/e3")"
	[ "$(wc -l <"$work/e3")" -eq 1 ] || fail "privilege message is not one line"
fi
ok "bad values and missing CAP_NET_RAW exit 2"

# 9. A bounded flood stops by itself and says what it did.
ina "$bin" send tcp 198.51.100.2 --dport 9 --flood -c 5000 --rand-source 203.0.113.0/24 \
	>"$work/flood.out" 2>&1 || fail "$(cat "$work/flood.out")"
grep -q '^5000 packets sent, 0 errors' "$work/flood.out" || fail "flood: $(cat "$work/flood.out")"
ok "bounded flood"
# 10. Privileges: the sockets and the capture are opened as root, then
#     send drops to nobody before it reads a reply: while it waits for
#     replies (from an address nobody answers), no UID of the process is 0
#     and it holds no capability.  -Z with an unknown user exits 2; a dry
#     run needs no privilege at all.
# A neighbour entry for the silent address: without it the failed ARP
# for .3 ends seconds later in a host unreachable that a later case's
# reply capture would count.
ina ip neigh replace 198.51.100.3 lladdr 02:00:00:00:00:99 dev rssa0 nud permanent
ip netns exec "$A" "$bin" send icmp 198.51.100.3 -c 1 --wait 2 >"$work/priv.out" 2>&1 &
ppid=$!
pids="$pids $ppid"
uids="" caps=""
i=0
while [ $i -lt 30 ]; do
	uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$ppid/status" 2>/dev/null || true)
	caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$ppid/status" 2>/dev/null || true)
	case "$uids" in "" | 0\ * | *\ 0\ * | *\ 0) ;; *) break ;; esac
	i=$((i + 1)); sleep 0.05
done
nobody=$(id -u nobody)
[ "$uids" = "$nobody $nobody $nobody $nobody" ] || fail "UIDs while waiting for replies: '$uids'"
[ "$caps" = 0000000000000000 ] || fail "capabilities while waiting for replies: $caps"
wait "$ppid" || fail "send to a silent address: $(cat "$work/priv.out")"
grep -q '^1 packet sent, 0 errors, 0 replies' "$work/priv.out" || fail "priv: $(cat "$work/priv.out")"
st=0; ina "$bin" send icmp 198.51.100.2 -Z rs-no-such-user >"$work/e4" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "no user 'rs-no-such-user'" "$work/e4" || fail "-Z unknown: status $st, $(cat "$work/e4")"
if command -v setpriv >/dev/null; then
	mkdir "$work/nb" && chmod 711 "$work" && chmod 777 "$work/nb"
	setpriv --reuid="$nobody" --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
		"$bin" send tcp 198.51.100.2 --dport 80 --dry-run -c 2 --flood -w "$work/nb/dry.pcap" \
		>"$work/dry.out" 2>&1 || fail "dry run without privileges: $(cat "$work/dry.out")"
	grep -q '^2 packets built and written to .*(dry run, nothing sent)' "$work/dry.out" || fail "dry run: $(cat "$work/dry.out")"
fi
ok "privileges dropped before replies are read; -Z; a dry run needs none"

# 10b. Without --sport each packet comes from the next port (as in hping3),
#      so each SYN is a connection of its own and gets its own SYN-ACK;
#      a port given with --sport stays.
ina "$bin" send tcp 198.51.100.2 --dport 8080 -c 3 --interval 0.05 >"$work/ports.out" 2>&1 \
	|| fail "three SYNs: $(cat "$work/ports.out")"
grep -q '^3 packets sent, 0 errors, 3 replies' "$work/ports.out" || fail "three SYNs: $(cat "$work/ports.out")"
ports=$(sed -n 's/^#[0-9]* [0-9:.]* IP 198\.51\.100\.1\.\([0-9]*\) > 198\.51\.100\.2\.8080: TCP \[SYN\].*/\1/p' "$work/ports.out" | tr '\n' ' ')
set -- $ports
[ $# -eq 3 ] && [ "$2" -eq $(($1 + 1)) ] && [ "$3" -eq $(($1 + 2)) ] || fail "source ports not consecutive: '$ports'"
! grep -q 'same ISN' "$work/ports.out" || fail "a probe seen as a retransmission: $(cat "$work/ports.out")"
ina "$bin" send tcp 198.51.100.2 --dport 8080 --sport 40123 -c 2 --interval 0.05 --no-listen >"$work/port1.out" 2>&1 \
	|| fail "--sport: $(cat "$work/port1.out")"
[ "$(grep -c '198\.51\.100\.1\.40123 > ' "$work/port1.out")" -eq 2 ] || fail "--sport 40123 not kept: $(cat "$work/port1.out")"
ok "a random source port goes up by one per packet; --sport stays"

# 11. A flood from two threads, each on its own socket, sends exactly the
#     count asked for, and the receiver counts them all: as Ethernet frames
#     (the default for a flood to a neighbour whose MAC is known) and
#     through the raw IP socket (--no-link).
for how in "198.51.100.2" "198.51.100.2 --no-link" "2001:db8:5e::2" "2001:db8:5e::2 --no-link"; do
	before=$(inb cat /sys/class/net/rssb0/statistics/rx_packets)
	# shellcheck disable=SC2086
	ina "$bin" send udp $how --dport 9 --flood -c 20001 --threads 2 >"$work/t2.out" 2>&1 \
		|| fail "$(cat "$work/t2.out")"
	grep -q '^20001 packets sent, 0 errors' "$work/t2.out" || fail "two threads $how: $(cat "$work/t2.out")"
	after=$(inb cat /sys/class/net/rssb0/statistics/rx_packets)
	[ $((after - before)) -ge 20001 ] || fail "two threads $how: $((after - before)) packets arrived of 20001"
done
ok "flood from two threads, IPv4 and IPv6, as frames and through the raw socket"
# 12-16: udp listens by default, as hping3 -2 shows a closed port's ICMP
# port unreachable; the kernel's ICMP rate limit must not hide one.
inb sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
# 12. udp to a closed port: the port unreachable is shown and matched.
ina "$bin" send udp 198.51.100.2 --dport 5399 --sport 40101 >"$work/u4.out" 2>&1 \
	|| fail "send udp: $(cat "$work/u4.out")"
grep -q 'ICMP.*unreach' "$work/u4.out" || fail "no port unreachable shown: $(cat "$work/u4.out")"
grep -q 'reply to #1, rtt [0-9.]* ms' "$work/u4.out" || fail "not matched: $(cat "$work/u4.out")"
grep -q '^1 packet sent, 0 errors, 1 reply, [0-9.]* s$' "$work/u4.out" \
	|| fail "summary (one packet: no rate): $(cat "$work/u4.out")"
ok "udp to a closed port shows its ICMP port unreachable by default"

# 13. hping3's words: -2 DST -p PORT -s BASE; three probes, three answers,
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

# 13b. hping3's --faster (-i u1) is bulk: allowed to the lab's documentation
#      address on a link inside namespaces (the guard), all packets sent.
ina "$bin" send -2 198.51.100.2 -p 5399 -c 50 --faster -q --no-listen >"$work/faster.out" 2>&1 \
	|| fail "--faster: $(cat "$work/faster.out")"
grep -q '^50 packets sent, 0 errors, 0 replies, [0-9.]* s, [0-9.]* packets/s$' "$work/faster.out" \
	|| fail "--faster: $(cat "$work/faster.out")"
ok "--faster goes through the guard and sends every packet"

# 14. IPv6: the ICMPv6 port unreachable.
ina "$bin" send udp 2001:db8:5e::2 --dport 5399 >"$work/u6.out" 2>&1 || fail "$(cat "$work/u6.out")"
grep -q 'ICMP6.*unreach' "$work/u6.out" || fail "no ICMPv6 unreachable: $(cat "$work/u6.out")"
grep -q 'reply to #1, rtt' "$work/u6.out" || fail "not matched: $(cat "$work/u6.out")"
ok "IPv6: the ICMPv6 port unreachable is shown"

# 15. --no-listen: nothing captured, nothing waited for.
ina "$bin" send udp 198.51.100.2 --dport 5399 --no-listen >"$work/nl.out" 2>&1 || fail "$(cat "$work/nl.out")"
! grep -q 'unreach' "$work/nl.out" || fail "--no-listen showed a reply: $(cat "$work/nl.out")"
grep -q ', 0 replies,' "$work/nl.out" || fail "$(cat "$work/nl.out")"
ok "--no-listen shows no reply"

# 16. To the listening socket: the datagram arrives with --data's escapes
#     as bytes.
ina "$bin" send udp 198.51.100.2 --dport 5353 --wait 0 --data 'GET / HTTP/1.0\r\n\r\n' >"$work/d.out" 2>&1 \
	|| fail "$(cat "$work/d.out")"
wait_file "$work/udp4" 60 "datagram never arrived"
[ "$(wc -c <"$work/udp4")" -eq 18 ] || fail "payload is $(wc -c <"$work/udp4") bytes, not 18"
printf 'GET / HTTP/1.0\r\n\r\n' | cmp -s - "$work/udp4" || fail "payload: $(od -c "$work/udp4")"
ok "--data with CR LF escapes sends the 18 bytes of the request"
echo "send.sh: $pass passed"
