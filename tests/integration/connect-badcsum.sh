#!/bin/sh
# connect-badcsum.sh: a server whose SYN-ACKs have a truly wrong TCP
# checksum (a python raw-socket responder in a namespace of its own, over
# a veth with default offloads; its kernel is kept quiet by an nft rule
# in that namespace).  The local kernel drops those SYN-ACKs (its
# InCsumErrors counts them, and it sends no RST), and so does connect:
# each drop is said on a line shown even with -q and --brief, and the
# last line says how many SYN-ACKs arrived and why they were dropped,
# never "no answer".  send shows such a reply as [bad csum] and counts
# it in its summary.  Needs root: skipped (77) otherwise.
. "$(dirname "$0")/connect-lib.sh"

A=rscbad-a-$$
B=rscbad-b-$$
new_ns "$A"
new_ns "$B"
veth "$A" "rscxa$$" "$B" "rscxb$$"
ip -n "$A" addr add 203.0.113.1/24 dev "rscxa$$"
ip -n "$B" addr add 203.0.113.2/24 dev "rscxb$$"
wait_ping "$A" 203.0.113.2
# B's own TCP must not answer port 9 (a RST would be a refusal).
ip netns exec "$B" nft -f - <<EOF2
table inet rscbad$$ {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 9 drop
	}
}
EOF2

# The responder: every SYN to port 9 gets a SYN-ACK that acknowledges it
# exactly, with a checksum that is neither right nor the pseudo-header
# sum (nor 0) an offloading sender would leave; one line per SYN-ACK.
cat >"$work/responder.py" <<'EOF2'
import socket, struct, sys, time
ifname, log, ready = sys.argv[1], sys.argv[2], sys.argv[3]
rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
rx.bind((ifname, 0))
rx.settimeout(0.2)
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def fold(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return t
open(ready, "w").close()
end = time.time() + 60
while time.time() < end:
    try:
        ip, addr = rx.recvfrom(65535)
    except socket.timeout:
        continue
    if addr[2] != socket.PACKET_HOST or ip[9] != 6:
        continue
    ihl = (ip[0] & 15) * 4
    src, dst = ip[12:16], ip[16:20]
    sport, dport, seq = struct.unpack("!HHI", ip[ihl:ihl + 8])
    if dport != 9 or ip[ihl + 13] & 0x12 != 0x02:
        continue
    tcp = struct.pack("!HHIIBBHHHBBH", 9, sport, 777000, (seq + 1) & 0xffffffff,
                      6 << 4, 0x12, 64240, 0, 0, 2, 4, 1460)
    pseudo = dst + src + struct.pack("!BBH", 0, 6, len(tcp))
    partial = fold(pseudo)
    good = ~fold(pseudo + tcp) & 0xffff
    bad = good
    while bad in (good, partial, 0, 0xffff):
        bad = (bad + 0x1111) & 0xffff
    tcp = tcp[:16] + struct.pack("!H", bad) + tcp[18:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, dst, src)
    tx.sendto(iph + tcp, (socket.inet_ntoa(src), 0))
    with open(log, "a") as f:
        f.write("SYN-ACK to port %d, checksum 0x%04x (right: 0x%04x)\n" % (sport, bad, good))
EOF2
: >"$work/responder.log"
ip netns exec "$B" timeout 90 python3 "$work/responder.py" "rscxb$$" "$work/responder.log" \
	"$work/responder.ready" &
pids="$pids $!"
i=0
while [ ! -e "$work/responder.ready" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the responder did not start"; sleep 0.05
done

csum_errors() {  # the TCP InCsumErrors counter of namespace $A
	ip netns exec "$A" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InCsumErrors") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# connect -r 1: the SYN, one retransmission a second later, each answered
# by a bad SYN-ACK; gives up after 3 s.
for opt in -q --brief; do
	before=$(wc -l <"$work/responder.log")
	errs=$(csum_errors)
	st=0
	ip netns exec "$A" timeout 30 "$bin" connect "$opt" -r 1 203.0.113.2 9 >"$work/c.out" 2>"$work/c.err" || st=$?
	[ "$st" -eq 1 ] || fail "$opt: exit $st, want 1: $(cat "$work/c.err")"
	n=$(( $(wc -l <"$work/responder.log") - before ))
	[ "$n" -eq 2 ] || fail "$opt: the responder sent $n SYN-ACKs, want 2"
	drops=$(grep -c '^  connect \[SYN_SENT\]: SYN-ACK with a bad TCP checksum (0x[0-9a-f]*, .*): dropped' "$work/c.out" || true)
	[ "$drops" -eq 2 ] || fail "$opt: $drops drop notes shown, want 2: $(cat "$work/c.out")"
	want="rawshake connect: gave up on 203.0.113.2 port 9 after 1 retransmission of the SYN; 2 SYN-ACKs arrived and were dropped: bad checksum"
	[ "$(tail -1 "$work/c.err")" = "$want" ] || fail "$opt: last line: $(tail -1 "$work/c.err")"
	! grep -q 'no answer' "$work/c.out" "$work/c.err" || fail "$opt: says 'no answer': $(cat "$work/c.err")"
	# The kernel agrees: it counted both as checksum errors and answered
	# neither with a RST (the guard dropped none).
	[ $(( $(csum_errors) - errs )) -eq 2 ] || fail "$opt: the kernel counted $(( $(csum_errors) - errs )) checksum errors, want 2"
	! grep -q 'RST guard dropped' "$work/c.err" || fail "$opt: the kernel sent RSTs: $(cat "$work/c.err")"
done
grep -q '203.0.113.2.9 > 203.0.113.1.[0-9]*: TCP \[SYN,ACK\].* \[bad csum\]' "$work/c.out" ||
	fail "--brief: the SYN-ACK is not shown as [bad csum]: $(cat "$work/c.out")"
ok "connect -q and --brief: each bad SYN-ACK dropped with a note, the last line counts them"

# JSON: the drop objects carry the reason.
ip netns exec "$A" timeout 30 "$bin" connect --format json -q -r 0 203.0.113.2 9 >"$work/j.out" 2>"$work/j.err" || true
python3 - "$work/j.out" <<'EOF2' || fail "JSON: $(cat "$work/j.out")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
d = [o for o in objs if o.get("type") == "connect" and o.get("drop")]
assert len(d) == 1 and d[0]["drop"] == "bad checksum" and d[0]["state"] == "SYN_SENT", objs
EOF2
tail -1 "$work/j.err" | grep -q '1 SYN-ACK arrived and was dropped: bad checksum$' || fail "JSON: $(tail -1 "$work/j.err")"
ok "connect --format json: the drop is an object with its reason"

# send: the reply is a reply, shown as [bad csum] and counted as such,
# with -q in the summary alone.
ip netns exec "$A" timeout 30 "$bin" send tcp 203.0.113.2 --dport 9 --sport 40009 -c 1 --wait 1 \
	>"$work/s.out" 2>&1 || fail "send: $(cat "$work/s.out")"
grep -q '203.0.113.2.9 > 203.0.113.1.40009: TCP \[SYN,ACK\].* \[bad csum\]' "$work/s.out" ||
	fail "send: no [bad csum] SYN-ACK: $(cat "$work/s.out")"
grep -q '^1 packet sent, 0 errors, 1 reply (1 with a bad checksum)' "$work/s.out" || fail "send: $(cat "$work/s.out")"
ip netns exec "$A" timeout 30 "$bin" send tcp 203.0.113.2 --dport 9 --sport 40010 -c 1 --wait 1 -q \
	>"$work/sq.out" 2>&1 || fail "send -q: $(cat "$work/sq.out")"
grep -q '^1 packet sent, 0 errors, 1 reply (1 with a bad checksum)' "$work/sq.out" || fail "send -q: $(cat "$work/sq.out")"
ok "send: a reply with a bad checksum is shown and counted as one"

echo "connect-badcsum: $pass passed"
