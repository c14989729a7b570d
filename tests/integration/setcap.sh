#!/bin/sh
# setcap.sh: rawshake installed with file capabilities instead of run as
# root.  A copy of the binary gets cap_net_raw,cap_net_admin+ep; as user
# nobody, in a network namespace of this test's own (lo with 192.0.2.1):
#  - sniff -i lo -c 2 captures two pings, and while it captures its
#    /proc/PID/status shows CapEff 0 (capabilities cleared once the handle
#    is open);
#  - connect to a closed port is refused (raw socket, capture and the RST
#    guard's nft work with capabilities alone) and leaves no nft table;
#  - without capabilities, sniff and connect say what is missing and
#    name setcap;
#  - read works with no capabilities at all.
# Needs root, setcap (libcap2-bin) and setpriv (util-linux): skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in setcap setpriv ip ping nft; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
ns=rscap-$$
work=$(mktemp -d)
spid=
cleanup() {
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	# Whatever still runs in the namespace would outlive its deletion.
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# A copy that user nobody can run, with the capabilities on the file.
chmod 755 "$work"
cp "$bin" "$work/rawshake"
chmod 755 "$work/rawshake"
setcap cap_net_raw,cap_net_admin+ep "$work/rawshake" || { echo "SKIP: setcap failed (file system without xattrs?)"; exit 77; }
getcap "$work/rawshake" 2>/dev/null | grep -q cap_net_admin || fail "setcap left no capabilities: $(getcap "$work/rawshake" 2>&1)"

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add 192.0.2.1/32 dev lo
asnobody() { ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# 1. sniff with capabilities as nobody; CapEff 0 while it captures.
# (not through the function: $! would be a subshell's pid)
ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$work/rawshake" sniff -i lo -c 2 -p icmp >"$work/sniff.out" 2>"$work/sniff.err" &
spid=$!
i=0
while ! grep -q listening "$work/sniff.err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "sniff did not start: $(cat "$work/sniff.err")"
	kill -0 "$spid" 2>/dev/null || fail "sniff exited: $(cat "$work/sniff.err")"
	sleep 0.05
done
st=/proc/$spid/status
uid=$(awk '/^Uid:/ { print $2 }' "$st")
capeff=$(awk '/^CapEff:/ { print $2 }' "$st")
capprm=$(awk '/^CapPrm:/ { print $2 }' "$st")
[ "$uid" = 65534 ] || fail "sniff runs as uid $uid, not nobody"
[ "$capeff" = 0000000000000000 ] || fail "sniff still has CapEff $capeff while capturing"
[ "$capprm" = 0000000000000000 ] || fail "sniff still has CapPrm $capprm while capturing"
ok "sniff as nobody with setcap: capturing with CapEff $capeff, CapPrm $capprm"
ip netns exec "$ns" ping -c 2 -i 0.2 -W 1 192.0.2.1 >/dev/null || fail "ping in $ns failed"
i=0
while kill -0 "$spid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "sniff -c 2 did not end after the pings"
	sleep 0.05
done
wait "$spid" || fail "sniff exited with $?: $(cat "$work/sniff.err")"
spid=
n=$(grep -c 'ICMP echo' "$work/sniff.out" || true)
[ "$n" -eq 2 ] || fail "sniff printed $n ICMP echo lines, not 2: $(cat "$work/sniff.out")"
grep -q '^2 packets captured' "$work/sniff.err" || fail "no '2 packets captured': $(cat "$work/sniff.err")"
ok "sniff as nobody with setcap captured 2 packets"

# 2. connect with capabilities as nobody: a closed port answers RST.
rc=0
asnobody "$work/rawshake" connect -q --retries 1 192.0.2.1 9 >"$work/connect.out" 2>"$work/connect.err" || rc=$?
[ "$rc" -eq 1 ] || fail "connect exited with $rc, not 1: $(cat "$work/connect.err")"
grep -q refused "$work/connect.err" || fail "connect was not refused: $(cat "$work/connect.err")"
left=$(ip netns exec "$ns" nft list tables | grep rawshake_ || true)
[ -z "$left" ] || fail "connect left an RST guard: $left"
ok "connect as nobody with setcap: refused, RST guard removed"

# 3. Without capabilities: a message that names them and setcap.
rc=0
asnobody "$bin" sniff -i lo -c 1 >/dev/null 2>"$work/nocap.err" || rc=$?
[ "$rc" -eq 2 ] || fail "sniff without capabilities exited with $rc: $(cat "$work/nocap.err")"
grep -q setcap "$work/nocap.err" || fail "sniff without capabilities does not name setcap: $(cat "$work/nocap.err")"
rc=0
asnobody "$bin" connect 192.0.2.1 9 >/dev/null 2>"$work/nocap2.err" || rc=$?
[ "$rc" -eq 2 ] || fail "connect without capabilities exited with $rc: $(cat "$work/nocap2.err")"
grep -q 'cap_net_raw,cap_net_admin.*setcap' "$work/nocap2.err" ||
	fail "connect without capabilities: $(cat "$work/nocap2.err")"
ok "without capabilities: $(cat "$work/nocap2.err")"

# 4. read needs nothing.
pcap=$srcdir/pcaps/detect-benign.pcap
[ -r "$pcap" ] || fail "no $pcap"
cp "$pcap" "$work/in.pcap"
chmod 644 "$work/in.pcap"
asnobody "$bin" read -q --summary "$work/in.pcap" >"$work/read.out" 2>"$work/read.err" ||
	fail "read as nobody failed: $(cat "$work/read.err")"
[ -s "$work/read.out" ] || fail "read as nobody printed nothing"
ok "read as nobody without capabilities"
echo "PASS: setcap"
