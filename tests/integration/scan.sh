#!/bin/sh
# scan.sh: "rawshake scan" classifies ports as nmap -sS -n -Pn does on the
# same host, IPv4 and IPv6, in two namespaces of this test's own
# (rsscan-c-PID, rsscan-s-PID, a veth): a python3 listener makes ports
# open, an nftables drop one port filtered (no reply to either SYN), an
# nftables ICMP reject another (filtered, with the code), the rest are
# closed.  Each open port is answered by the scan's own RST only (the RST
# guard keeps the client kernel's from going out) and leaves no half-open
# entry on the server; refusals (public destinations) send nothing; detect
# finds the scan in a capture made on the server.  Needs root and nmap:
# skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft tcpdump python3 flock nmap ss; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
C=rsscan-c-$$
S=rsscan-s-$$
work=$(mktemp -d)
chmod 755 "$work"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns del "$C" 2>/dev/null || true
	ip netns del "$S" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
inc() { ip netns exec "$C" "$@"; }
ins() { ip netns exec "$S" "$@"; }

ip netns add "$C"
ip netns add "$S"
inc ip link set lo up
ins ip link set lo up
ip link add rsscan0 netns "$C" type veth peer name rsscan1 netns "$S"
inc ip addr add 203.0.113.1/24 dev rsscan0
ins ip addr add 203.0.113.2/24 dev rsscan1
inc ip -6 addr add 2001:db8:5ca::1/64 dev rsscan0 nodad
ins ip -6 addr add 2001:db8:5ca::2/64 dev rsscan1 nodad
inc ip link set rsscan0 up
ins ip link set rsscan1 up
# Neighbours fixed: no SYN waits for ARP or neighbour discovery.
cmac=$(inc cat /sys/class/net/rsscan0/address)
smac=$(ins cat /sys/class/net/rsscan1/address)
inc ip neigh replace 203.0.113.2 lladdr "$smac" dev rsscan0 nud permanent
inc ip neigh replace 2001:db8:5ca::2 lladdr "$smac" dev rsscan0 nud permanent
ins ip neigh replace 203.0.113.1 lladdr "$cmac" dev rsscan1 nud permanent
ins ip neigh replace 2001:db8:5ca::1 lladdr "$cmac" dev rsscan1 nud permanent

# Open: 22, 80, 8080 (both families).  Filtered: 81 dropped, 82 rejected
# with ICMP administratively prohibited.  Everything else closed.
ins python3 -c '
import socket, time
socks = []
for port in (22, 80, 8080):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(16)
    socks.append(s)
open("'"$work"'/listening", "w").close()
time.sleep(300)
' &
pids="$pids $!"
ins nft -f - <<'NFT'
table inet rsscan {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 81 drop
		tcp dport 82 reject with icmpx type admin-prohibited
	}
}
NFT
i=0
until [ -e "$work/listening" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the listener did not start"; sleep 0.05
done
ports=20-23,79-84,443,8079-8081

# rawshake's and nmap's states, "PORT STATE" per line, sorted.
scan_states() {
	inc "$bin" scan "$1" "$ports" --rate 1000 --timeout 300ms --format json >"$work/scan.json" 2>"$work/scan.err" ||
		fail "scan $1 exited $?: $(cat "$work/scan.err")"
	python3 - "$work/scan.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "scan_port":
        print(o["port"], o["state"])
PY
}
nmap_states() {
	inc timeout 120 nmap "$@" -sS -n -Pn --max-retries 1 -p "$ports" -oX "$work/nmap.xml" >"$work/nmap.out" 2>"$work/nmap.err" ||
		fail "nmap exited $?: $(cat "$work/nmap.err")"
	python3 - "$work/nmap.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for p in ET.parse(sys.argv[1]).iter("port"):
    print(p.get("portid"), p.find("state").get("state"))
PY
}

# A capture of TCP on the server's side into $work/$1 (pid in $tpid),
# once tcpdump listens.
capture() {
	rm -f "$work/tcpdump.err"
	ip netns exec "$S" tcpdump -i rsscan1 -n -U --immediate-mode -w "$work/$1" tcp >/dev/null 2>"$work/tcpdump.err" &
	tpid=$!
	pids="$pids $tpid"
	i=0
	until grep -q 'listening on' "$work/tcpdump.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "tcpdump did not start"; sleep 0.05
	done
}

# 1. The same states as nmap, IPv4 and IPv6.
for dst in 203.0.113.2 2001:db8:5ca::2; do
	six=
	case $dst in *:*) six=-6 ;; esac
	scan_states "$dst" | sort -n >"$work/rs.states"
	# shellcheck disable=SC2086
	nmap_states $six "$dst" | sort -n >"$work/nmap.states"
	[ "$(wc -l <"$work/rs.states")" -eq 14 ] || fail "$dst: rawshake gave $(wc -l <"$work/rs.states") ports, want 14"
	diff "$work/nmap.states" "$work/rs.states" >"$work/diff" ||
		fail "$dst: rawshake and nmap disagree (< nmap, > rawshake): $(cat "$work/diff")"
	grep -qx '80 open' "$work/rs.states" && grep -qx '81 filtered' "$work/rs.states" &&
		grep -qx '82 filtered' "$work/rs.states" && grep -qx '83 closed' "$work/rs.states" ||
		fail "$dst: unexpected states: $(tr '\n' ' ' <"$work/rs.states")"
	# The exchange behind each verdict.
	python3 - "$work/scan.json" "$dst" <<'PY' || fail "$dst: the JSON lines do not show the exchanges"
import json, sys
rows = {}
summary = None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "scan_port":
        rows[o["port"]] = o
    else:
        summary = o
assert summary and summary["type"] == "scan_summary", summary
assert (summary["open"], summary["closed"], summary["filtered"]) == (3, 9, 2), summary
assert summary["dst"] == sys.argv[2], summary
o = rows[80]
assert o["reason"] == "syn-ack" and o["rsts_sent"] >= 1 and o["syns"] == 1 and o["rtt_ms"] > 0, o
o = rows[83]
assert o["reason"] == "reset" and o["rsts_sent"] == 0 and o["rtt_ms"] > 0, o
o = rows[81]
assert o["reason"] == "no-response" and o["syns"] == 2 and o["rtt_ms"] is None, o
o = rows[82]
assert o["reason"] == "icmp-unreach" and o["from"] == sys.argv[2], o
assert o["icmp_type"] == (1 if ":" in sys.argv[2] else 3), o
assert o["icmp_code"] == (1 if ":" in sys.argv[2] else 13), o
PY
	ok "$dst: the same states as nmap -sS -n -Pn ($(tr '\n' ' ' <"$work/rs.states" | sed 's/ $//')), with each exchange"
done

# 2. The text: one line per port with its exchange, the summary; our RST
# is the only one the server sees, and no connection is left half-open.
capture srv.pcap
inc "$bin" scan 203.0.113.2 -p 80,83 81 --timeout 300ms >"$work/text.out" 2>"$work/text.err" ||
	fail "text scan exited $?: $(cat "$work/text.err")"
grep -Eq '^80/tcp open: SYN -> SYN-ACK \(rtt [0-9.]+ ms\), RST sent$' "$work/text.out" ||
	fail "no open line: $(cat "$work/text.out")"
grep -Eq '^83/tcp closed: SYN -> RST \(rtt [0-9.]+ ms\)$' "$work/text.out" || fail "no closed line: $(cat "$work/text.out")"
grep -Eq '^81/tcp filtered: SYN, SYN again after 0.3 s -> no reply in 0.3 s$' "$work/text.out" ||
	fail "no filtered line: $(cat "$work/text.out")"
grep -Eq '^1 open, 1 closed, 1 filtered in [0-9.]+ s \(3 ports of 203.0.113.2, 4 SYNs, 1 RST sent\)$' "$work/text.out" ||
	fail "no summary: $(cat "$work/text.out")"
grep -q 'RSTs from this port are dropped by nft table inet rawshake_' "$work/text.err" ||
	fail "the guard is not announced: $(cat "$work/text.err")"
sleep 0.3
kill -INT "$tpid"; wait "$tpid" || true
rsts=$(tcpdump -r "$work/srv.pcap" -n 'tcp[tcpflags] & tcp-rst != 0 and src host 203.0.113.1 and dst port 80' 2>/dev/null | wc -l)
[ "$rsts" -eq 1 ] || fail "the server saw $rsts RSTs for port 80, want 1 (ours): $(tcpdump -r "$work/srv.pcap" -n 2>/dev/null)"
half=$(ins ss -tn state syn-recv | tail -n +2 | wc -l)
[ "$half" -eq 0 ] || fail "$half half-open connections left on the server"
inc nft list tables | grep -q rawshake_ && fail "the RST guard was left behind"
ok "text lines with the exchange, one RST (ours) per SYN-ACK, nothing half-open, the guard removed"

# 3. Without the guard the client kernel resets the open port too.
inc "$bin" scan 203.0.113.2 80 --no-rst-guard >"$work/ng.out" 2>"$work/ng.err" || fail "--no-rst-guard exited $?"
grep -q '^80/tcp open' "$work/ng.out" && grep -q 'no RST guard' "$work/ng.err" || fail "--no-rst-guard: $(cat "$work/ng.out" "$work/ng.err")"
ok "--no-rst-guard scans and says the kernel resets as well"

# 4. Refused destinations: exit 2 with the guard's reason, nothing sent.
for dst in 8.8.8.8 10.0.0.1 2001:4860::1; do
	st=0
	inc "$bin" scan "$dst" 80 >"$work/r.out" 2>"$work/r.err" || st=$?
	[ $st -eq 2 ] && grep -q "refusing to scan $dst: it is " "$work/r.err" ||
		fail "scan $dst exited $st: $(cat "$work/r.err")"
done
st=0
inc "$bin" scan 203.0.113.2 0 2>"$work/r.err" || st=$?
[ $st -eq 2 ] && grep -q "'0' is not a port" "$work/r.err" || fail "port 0 accepted: $(cat "$work/r.err")"
ok "public and private destinations refused with the guard's reason; port 0 refused"

# 5. detect finds the scan in a capture made on the server.
capture scan.pcap
inc "$bin" scan 203.0.113.2 1-100 --rate 1000 --timeout 300ms -q >"$work/d.out" 2>&1 || fail "scan 1-100: $(cat "$work/d.out")"
grep -Eq '^2 open, 96 closed, 2 filtered' "$work/d.out" || fail "scan 1-100: $(cat "$work/d.out")"
sleep 0.3
kill -INT "$tpid"; wait "$tpid" || true
st=0
"$bin" detect -r "$work/scan.pcap" >"$work/detect.out" 2>&1 || st=$?
[ $st -eq 3 ] || fail "detect exited $st (want 3, an alert): $(cat "$work/detect.out")"
grep -q 'ALERT port-scan start 203.0.113.1' "$work/detect.out" || fail "no port-scan alert: $(cat "$work/detect.out")"
ok "detect raises the port-scan alert on a capture of the scan"

echo "scan: $pass checks passed"
