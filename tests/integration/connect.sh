#!/bin/sh
# connect.sh: rawshake connect in the lab against real Linux listeners:
# handshake, data (the server process reads exactly what was sent), FIN
# and RST close, IPv6; a closed port (RST, exit 1); a silent host (SYN
# retransmissions, exit 1); SIGINT mid-handshake.  The server-side
# capture must hold no RST from the client's kernel, and no nft table,
# namespace or interface may be left behind.  Needs root: skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft python3 pgrep; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
# Lab tests share the lab's names: one at a time, even under make -j.
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
# sniff opens -w files as nobody (-Z), after the drop.
chmod 1777 "$work"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for ns in rslab-client rslab-server; do
		ip netns exec "$ns" nft list tables 2>/dev/null | sed -n 's/^table inet \(rawshake_[0-9]*\)$/\1/p' |
			while read -r t; do ip netns exec "$ns" nft delete table inet "$t" || true; done
	done
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }

no_guard_left() {
	left=$("$bin" lab exec client nft list tables | grep rawshake_ || true)
	[ -z "$left" ] || fail "$1: RST guard left behind: $left"
}

# A listener in the server host that writes what it read to a file.
cat >"$work/listener.py" <<'EOF'
import socket, sys
host, port, out, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(1)
open(ready, "w").close()
s.settimeout(30)
c, _ = s.accept()
data = b""
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
with open(out, "wb") as f:
    f.write(data)
c.close()
EOF

start_listener() {  # host port name
	rm -f "$work/$3.ready"
	"$bin" lab exec server python3 "$work/listener.py" "$1" "$2" "$work/$3.got" "$work/$3.ready" &
	lpid=$!
	pids="$pids $lpid"
	i=0
	while [ ! -e "$work/$3.ready" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "listener $3 did not start"
		sleep 0.05
	done
}

start_capture() {  # name
	"$bin" lab exec server "$bin" sniff -i rslab0 -w "$work/$1.pcap" -q tcp \
		>/dev/null 2>"$work/$1.sniff" &
	cpid=$!
	pids="$pids $cpid"
	i=0
	while ! grep -q listening "$work/$1.sniff" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "capture $1 did not start: $(cat "$work/$1.sniff")"
		sleep 0.05
	done
}

stop_capture() {
	sleep 0.3
	kill -INT "$cpid"
	wait "$cpid" || true
}

# RSTs from the client in a server-side capture (v4 or v6 without extension headers).
client_rsts() {  # pcap
	"$bin" read -q "$1" \
		'(src host 192.0.2.10 and tcp[13] & 4 != 0) or (ip6 src host 2001:db8::10 and ip6[53] & 4 != 0)' |
		sed -n 's/^\([0-9]*\) packets*.*/\1/p'
}

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >/dev/null
# A silent host: frames to 192.0.2.99 reach the server, which does not own it.
ip -n rslab-client neigh replace 192.0.2.99 lladdr 02:00:c0:00:02:14 dev rslab0 nud permanent

# 1. IPv4: handshake, 100000 bytes in MSS-sized segments over several
# windows, FIN close; the listener reads exactly those bytes.
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) % 256 for i in range(100000)))' \
	>"$work/data.bin"
start_listener 192.0.2.20 8080 v4
start_capture v4
st=0
"$bin" lab exec client "$bin" connect --data-file "$work/data.bin" 192.0.2.20 8080 \
	>"$work/v4.out" 2>"$work/v4.err" || st=$?
wait "$lpid" || fail "IPv4 listener failed"
stop_capture
[ "$st" -eq 0 ] || fail "IPv4 connect exited $st: $(cat "$work/v4.err")"
cmp -s "$work/data.bin" "$work/v4.got" ||
	fail "the listener read $(wc -c <"$work/v4.got") bytes, not the 100000 sent"
for s in 'CLOSED → SYN_SENT' 'SYN_SENT → ESTABLISHED' 'ESTABLISHED → FIN_WAIT_1' '→ TIME_WAIT' \
	 'client → \(FIN_WAIT_2 → \)\{0,1\}TIME_WAIT' 'server → CLOSED' 'connection 1: client 192.0.2.10' ' SF '; do
	grep -q -- "$s" "$work/v4.out" || fail "IPv4: '$s' not in the output"
done
grep -q 'len 1448' "$work/v4.out" || fail "IPv4: no MSS-sized (1448-byte) segment"
grep -q 'handshake completed, 100000 of 100000 bytes' "$work/v4.err" || fail "IPv4: $(cat "$work/v4.err")"
[ "$(client_rsts "$work/v4.pcap")" = 0 ] || fail "IPv4: an RST from the client reached the server"
no_guard_left "IPv4"
ok "IPv4 handshake, 100000 bytes delivered, FIN close, no kernel RST on the wire"

# 2. --close rst: the one RST on the wire is ours.
start_capture rst
st=0
"$bin" lab exec client "$bin" connect --close rst --data 'hello\n' 192.0.2.20 7 \
	>"$work/rst.out" 2>"$work/rst.err" || st=$?
stop_capture
[ "$st" -eq 0 ] || fail "--close rst exited $st: $(cat "$work/rst.err")"
grep -q 'ESTABLISHED → CLOSED: RST sent' "$work/rst.out" || fail "--close rst: no RST close shown"
grep -q '\[RST,ACK\]' "$work/rst.out" || fail "--close rst: our RST is not shown"
[ "$(client_rsts "$work/rst.pcap")" = 1 ] || fail "--close rst: want exactly our RST on the wire"
no_guard_left "--close rst"
ok "--close rst"

# 3. IPv6, with data and a FIN close.
printf 'over IPv6, by hand\n' >"$work/v6.data"
start_listener 2001:db8::20 8081 v6
start_capture v6
st=0
"$bin" lab exec client "$bin" connect --data-file "$work/v6.data" 2001:db8::20 8081 \
	>"$work/v6.out" 2>"$work/v6.err" || st=$?
wait "$lpid" || fail "IPv6 listener failed"
stop_capture
[ "$st" -eq 0 ] || fail "IPv6 connect exited $st: $(cat "$work/v6.err")"
cmp -s "$work/v6.data" "$work/v6.got" || fail "IPv6: the listener read something else"
for s in 'IP6 2001:db8::10' 'SYN_SENT → ESTABLISHED' '→ TIME_WAIT'; do
	grep -q -- "$s" "$work/v6.out" || fail "IPv6: '$s' not in the output"
done
[ "$(client_rsts "$work/v6.pcap")" = 0 ] || fail "IPv6: an RST from the client reached the server"
no_guard_left "IPv6"
ok "IPv6 handshake, data and FIN close"

# 4. A closed port: the server's RST, exit 1.
st=0
"$bin" lab exec client "$bin" connect 192.0.2.20 81 >"$work/closed.out" 2>"$work/closed.err" || st=$?
[ "$st" -eq 1 ] || fail "closed port: exit $st, want 1"
grep -q '192.0.2.20.81 > 192.0.2.10.*\[RST,ACK\]' "$work/closed.out" || fail "closed port: RST not shown"
grep -q 'connection refused' "$work/closed.out" || fail "closed port: refusal not explained"
no_guard_left "refused"
ok "closed port: RST shown, exit 1"

# 5. A silent host: the SYN and two retransmissions (1 s, 2 s), exit 1.
st=0
"$bin" lab exec client "$bin" connect -r 2 192.0.2.99 80 >"$work/silent.out" 2>"$work/silent.err" || st=$?
[ "$st" -eq 1 ] || fail "silent host: exit $st, want 1"
n=$(grep -c '192.0.2.10.[0-9]* > 192.0.2.99.80: TCP \[SYN\]' "$work/silent.out" || true)
[ "$n" -eq 3 ] || fail "silent host: $n SYNs shown, want 3"
grep -q 'retransmitting the SYN (2 of 2), next timeout 4 s' "$work/silent.out" ||
	fail "silent host: backoff not shown"
[ "$(tail -1 "$work/silent.err")" = "rawshake connect: no answer from 192.0.2.99 port 80 after 2 retransmissions" ] ||
	fail "silent host: $(cat "$work/silent.err")"
no_guard_left "silent host"
ok "silent host: SYN retransmitted with backoff, exit 1"

# 6. SIGINT mid-handshake: the guard goes, nothing is left running.
"$bin" lab exec client "$bin" connect -r 5 192.0.2.99 80 >"$work/int.out" 2>"$work/int.err" &
kpid=$!
pids="$pids $kpid"
i=0
until "$bin" lab exec client nft list tables | grep -q rawshake_; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "SIGINT: the guard never appeared: $(cat "$work/int.err")"
	sleep 0.05
done
sleep 1.2
kill -INT "$kpid"
st=0
wait "$kpid" || st=$?
[ "$st" -eq 1 ] || fail "SIGINT: exit $st, want 1"
grep -q 'interrupted' "$work/int.err" || fail "SIGINT: $(cat "$work/int.err")"
no_guard_left "SIGINT"
pgrep -f "rawshake connect -r 5 192.0.2.99" >/dev/null && fail "SIGINT: a connect process is left"
ok "SIGINT mid-handshake: guard removed, exit 1"

# 7. A guard of a process that is gone is removed.
ip netns exec rslab-client nft add table inet rawshake_4194303
"$bin" lab exec client "$bin" connect --cleanup-guards 2>"$work/clean.err" ||
	fail "--cleanup-guards: $(cat "$work/clean.err")"
no_guard_left "--cleanup-guards"
ok "stale guard removed"

# 8. Over loopback (the server host to its own HTTP service), where the
# kernel leaves every TCP checksum for the NIC: taken by the same rule as
# on any other interface (connect-loopback.sh tests it in depth).
st=0
"$bin" lab exec server "$bin" connect --data 'GET / HTTP/1.0\r\n\r\n' --hold 0.2 --show-data \
	192.0.2.20 80 >"$work/lo.out" 2>"$work/lo.err" || st=$?
[ "$st" -eq 0 ] || fail "loopback: exit $st: $(cat "$work/lo.err")"
grep -q '| HTTP/1.0 200 OK' "$work/lo.out" || fail "loopback: no HTTP answer shown"
grep -q 'on lo;' "$work/lo.err" || fail "loopback: not captured on lo: $(cat "$work/lo.err")"
left=$("$bin" lab exec server nft list tables | grep rawshake_ || true)
[ -z "$left" ] || fail "loopback: RST guard left behind: $left"
ok "loopback"

"$bin" lab down >/dev/null
ip netns list | grep -q rslab- && fail "a lab namespace is left: $(ip netns list)"
ip link show rslab0 >/dev/null 2>&1 && fail "an rslab0 interface is left in the root namespace"
nft list tables | grep -q rawshake_ && fail "a rawshake_ table is left in the root namespace"
echo "connect: $pass passed, 0 failed"
