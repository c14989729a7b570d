#!/bin/bash
# arp.sh: send arp on a three-host bridge of this test's own namespaces
# (scripts/arp-lab.sh): a request makes the server learn the asker; the
# third host's unsolicited replies and gratuitous replies poison the
# server's entry for the client; the server's capture shows each message
# as tcpdump does and detect on it raises arp-spoof, arp-unsolicited-reply
# and arp-gratuitous-flood.  The guard refuses lo.  Root (77 otherwise).
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "FAIL: iproute2 (ip) is not installed"; exit 1; }
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
ARPLAB_PREFIX=rsa$(($$ % 100000))-
. "$srcdir/scripts/arp-lab.sh"
work=$(mktemp -d)
chmod 1777 "$work"
cap=""
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	arplab_down
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
exec 9>/tmp/rawshake-lab-tests.lock
flock 9

arplab_up || fail "could not build the three hosts"
p=$ARPLAB_PREFIX
arplab_in srv "$bin" sniff -i "${p}srv" -w "$work/srv.pcap" -Z root -q arp 2>"$work/sniff.err" &
cap=$!
sleep 1

# A request: the server answers and learns the asker (RFC 826's merge).
arplab_in atk "$bin" send arp -I "${p}atk" -Z root 192.0.2.2 >"$work/req.out" 2>&1 ||
	fail "send arp request: $(cat "$work/req.out")"
grep -q 'ARP, Request who-has 192.0.2.2 tell 192.0.2.3, length 28' "$work/req.out" ||
	fail "send arp did not show its request: $(cat "$work/req.out")"
sleep 0.3
arplab_in srv ip neigh show 192.0.2.3 | grep -q "lladdr $ARPLAB_MAC_atk" ||
	fail "the server did not learn 192.0.2.3: $(arplab_in srv ip neigh)"

arplab_poison "$bin" || fail "the poisoning's sends failed"
sleep 0.3
after=$(arplab_in srv ip neigh show 192.0.2.1)
echo "$after" | grep -q "lladdr $ARPLAB_MAC_atk" ||
	fail "the server's entry for 192.0.2.1 is not the poisoner's: $after"

kill -TERM "$cap"; wait "$cap"; cap=""
"$bin" read "$work/srv.pcap" >"$work/read.out" || fail "read the capture"
for want in 'Reply 192.0.2.2 is-at 02:00:00:00:00:02' \
	'Reply 192.0.2.1 is-at 02:00:00:00:00:03' \
	'Reply 192.0.2.1 is-at 02:00:00:00:00:03, length 28 (gratuitous)'; do
	grep -qF "$want" "$work/read.out" || fail "no '$want' in: $(cat "$work/read.out")"
done
"$bin" detect -r "$work/srv.pcap" --no-stats >"$work/detect.out"
st=$?
[ "$st" -eq 3 ] || fail "detect exit $st, want 3: $(cat "$work/detect.out")"
for want in 'ALERT arp-spoof start 192.0.2.1: claimed by 02:00:00:00:00:03, held by 02:00:00:00:00:01' \
	'ALERT arp-unsolicited-reply start 192.0.2.1 is-at 02:00:00:00:00:03 to 192.0.2.2' \
	'ALERT arp-gratuitous-flood start' 'ALERT arp-gratuitous-flood end'; do
	grep -qF "$want" "$work/detect.out" || fail "no '$want' in: $(cat "$work/detect.out")"
done

# The guard: no ARP on loopback.
arplab_in atk "$bin" send arp -I lo 192.0.2.2 >"$work/lo.out" 2>&1 && fail "send arp -I lo was sent"
grep -q "loopback has no link layer" "$work/lo.out" || fail "lo refusal: $(cat "$work/lo.out")"
echo "PASS: send arp request/reply/gratuitous, the server's cache poisoned, detect's three alerts"
