#!/bin/sh
# lab-sniff.sh: lab up/status/down leave nothing behind; sniff -w in the lab
# server captures as nobody and leaves, after SIGINT, a pcap tcpdump reads
# completely, and after SIGTERM a pcapng (--pcapng) with its statistics;
# lab exec runs this build for "rawshake" (also for what CMD starts); lab
# up --offload on keeps the kernel's offloads (sniff -v: csum offload) and
# a plain lab up turns them off again.  Needs root (network namespaces):
# skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "FAIL: iproute2 (ip) is not installed"; exit 1; }
bin=$(pwd)/rawshake
# Lab tests share the lab's names: one at a time, even under make -j.
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
# sniff and send open -w files as nobody (-Z), after the drop.
chmod 1777 "$work"
cleanup() {
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >"$work/up1"
"$bin" lab up >"$work/up2"
grep -q "already up" "$work/up2" || fail "second 'lab up' is not idempotent: $(cat "$work/up2")"
"$bin" lab status >"$work/status" || fail "lab status after up: $(cat "$work/status")"
grep -q "^lab is up" "$work/status" || fail "status does not say up"
# The lab has no route anywhere but its own /24 and /64.
routes=$("$bin" lab exec client ip -4 route show | grep -v '^192\.0\.2\.0/24 ' || true)
[ -z "$routes" ] || fail "unexpected IPv4 routes in the client: $routes"
"$bin" lab exec client ip -6 route show | grep -q default && fail "IPv6 default route in the client"

# start_sniff TAG ARGS...: sniff in the lab server, output to $work/TAG.out
# and .err; sets spid once it says it is listening.
start_sniff() {
	tag=$1
	shift
	"$bin" lab exec server "$bin" sniff -i rslab0 "$@" >"$work/$tag.out" 2>"$work/$tag.err" &
	spid=$!
	i=0
	while ! grep -q listening "$work/$tag.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "sniff $*: did not start: $(cat "$work/$tag.err")"
		sleep 0.05
	done
}

# sniff in the server host, as root at start: it must drop to nobody.
start_sniff sniff -w "$work/cap.pcap" tcp port 80
uid=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$spid/status")
[ "$uid" = "65534 65534 65534 65534" ] || fail "sniff still runs with uids '$uid' (want nobody)"

"$bin" lab exec client python3 -c '
import socket
s = socket.create_connection(("192.0.2.20", 80), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while not data.endswith(b"server\n"):
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
s.shutdown(socket.SHUT_WR)
s.recv(100)
s.close()
assert b"200 OK" in data, data
'
sleep 0.3
kill -INT "$spid"
wait "$spid" || fail "sniff exited with status $? after SIGINT"
spid=
grep -q "packets captured" "$work/sniff.err" || fail "no capture statistics: $(cat "$work/sniff.err")"
grep -q "dropped by kernel" "$work/sniff.err" || fail "no kernel drop count"
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$work/sniff.err")
[ "$captured" -ge 9 ] || fail "only $captured packets captured"
grep -q '\[SYN\] ' "$work/sniff.out" || fail "the SYN was not printed"
grep -q '\[FIN,ACK\]' "$work/sniff.out" || fail "no FIN printed"
# tcpdump reads the whole file without complaint.
n=$(tcpdump -n -r "$work/cap.pcap" 2>"$work/td.err" | wc -l)
[ "$n" -eq "$captured" ] || fail "tcpdump read $n packets of $captured: $(cat "$work/td.err")"
grep -qi "truncated\|error" "$work/td.err" && fail "tcpdump complains: $(cat "$work/td.err")"
# And so does rawshake read, without privileges.
"$bin" read -q "$work/cap.pcap" | grep -q "^$captured packets" || fail "read -q count differs"

# The same as pcapng (--pcapng --nano), stopped with SIGTERM: tcpdump reads
# every packet, and the blocks are a section header, the interface (name,
# nanosecond resolution), one packet block per packet and the statistics.
start_sniff sniff2 -q --nano --pcapng -w "$work/cap.pcapng" tcp port 7
"$bin" lab exec client python3 -c '
import socket
s = socket.create_connection(("192.0.2.20", 7), timeout=5)
s.sendall(b"ping\n"); s.recv(100); s.close()
'
sleep 0.3
kill -TERM "$spid"
wait "$spid" || fail "sniff --pcapng exited with status $? after SIGTERM"
spid=
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$work/sniff2.err")
[ "$captured" -ge 8 ] || fail "pcapng: only $captured packets captured"
n=$(tcpdump -n -r "$work/cap.pcapng" 2>"$work/td2.err" | wc -l)
[ "$n" -eq "$captured" ] || fail "tcpdump read $n packets of $captured from the pcapng: $(cat "$work/td2.err")"
"$bin" read -q "$work/cap.pcapng" | grep -q "^$captured packets" || fail "read -q count differs (pcapng)"
python3 - "$work/cap.pcapng" "$captured" <<'PY' || fail "pcapng blocks"
import struct, sys
data = open(sys.argv[1], "rb").read()
want = int(sys.argv[2])
off, kinds, opts = 0, [], {}
while off < len(data):
    btype, blen = struct.unpack_from("<II", data, off)
    assert blen % 4 == 0 and blen >= 12, (off, blen)
    assert struct.unpack_from("<I", data, off + blen - 4)[0] == blen, "trailing length"
    kinds.append(btype)
    body = data[off + 8:off + blen - 4]
    start = {0x0A0D0D0A: 16, 1: 8, 5: 12}.get(btype)
    if start is not None:
        o = start
        while o + 4 <= len(body):
            code, ln = struct.unpack_from("<HH", body, o)
            if code == 0:
                break
            opts[(btype, code)] = body[o + 4:o + 4 + ln]
            o += 4 + ln + (-ln) % 4
    off += blen
assert off == len(data)
assert kinds[0] == 0x0A0D0D0A and kinds[1] == 1 and kinds[-1] == 5, kinds[:2] + kinds[-1:]
assert kinds.count(6) == want, (kinds.count(6), want)
assert opts[(1, 2)] == b"rslab0", opts.get((1, 2))
assert opts[(1, 9)] == b"\x09", opts.get((1, 9))
assert opts[(0x0A0D0D0A, 4)].startswith(b"rawshake "), opts.get((0x0A0D0D0A, 4))
assert struct.unpack("<Q", opts[(5, 8)])[0] == want, "isb_usrdeliv"
assert struct.unpack("<Q", opts[(5, 4)])[0] >= want, "isb_ifrecv"
PY
st=0; "$bin" sniff --pcapng >"$work/e" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q -- "--pcapng: needs -w" "$work/e" || fail "--pcapng without -w: status $st, $(cat "$work/e")"

# "lab exec" runs this build for "rawshake", also for a command that
# starts it (timeout, sh -c), with no rawshake anywhere on PATH.
nopath=/usr/sbin:/usr/bin:/sbin:/bin
want=$("$bin" --version)
got=$(PATH=$nopath "$bin" lab exec server rawshake --version 2>&1) ||
	fail "lab exec server rawshake --version: $got"
[ "$got" = "$want" ] || fail "lab exec ran '$got', not this build ($want)"
got=$(PATH=$nopath "$bin" lab exec client timeout 5 rawshake --version 2>&1) ||
	fail "lab exec client timeout 5 rawshake --version: $got"
[ "$got" = "$want" ] || fail "a command run by lab exec found '$got', not this build"
link=$(PATH=$nopath "$bin" lab exec server sh -c 'readlink "$(command -v rawshake)"')
[ "$link" = "$(readlink -f "$bin")" ] || fail "rawshake in lab exec's PATH is '$link', not $bin"
st=0; PATH=$nopath "$bin" lab exec server no-such-command-$$ 2>"$work/e" || st=$?
[ $st -eq 127 ] || fail "lab exec of a missing command: status $st, $(cat "$work/e")"

# Offloads: off by default, "up --offload on" keeps the kernel's (rebuilding
# the lab), and a capture then shows checksums left for the NIC: "csum
# offload" with -v, and no "[bad csum]" although tcpdump calls them incorrect.
grep -q "^offload off at both ends" "$work/status" || fail "status does not say offloads off: $(cat "$work/status")"
"$bin" lab up --offload on >"$work/up3" || fail "lab up --offload on: $(cat "$work/up3")"
grep -q "rebuilding it with offloads on" "$work/up3" || fail "no rebuild with offloads on: $(cat "$work/up3")"
"$bin" lab status >"$work/status" || fail "lab status with offloads on: $(cat "$work/status")"
grep -q "^offload on at both ends: tx-checksum on" "$work/status" || fail "status does not say offloads on: $(cat "$work/status")"
"$bin" lab up --offload=on | grep -q "already up, offloads on" || fail "lab up --offload=on again is not idempotent"
start_sniff off -v -w "$work/off.pcap" tcp port 7
"$bin" lab exec client python3 -c '
import socket
s = socket.create_connection(("192.0.2.20", 7), timeout=5)
s.sendall(b"ping\n"); s.recv(100); s.close()
'
sleep 0.3
kill -INT "$spid"
wait "$spid" || fail "sniff -v (offloads on) exited with status $?"
spid=
n=$(grep -c 'csum offload (filled in by the NIC)' "$work/off.out" || true)
[ "$n" -ge 8 ] || fail "only $n segments with 'csum offload': $(head -5 "$work/off.out")"
grep -q 'bad csum' "$work/off.out" && fail "an offloaded checksum is called bad: $(grep -m1 'bad csum' "$work/off.out")"
tcpdump -vv -n -r "$work/off.pcap" 2>/dev/null | grep -q 'cksum 0x[0-9a-f]* (incorrect' ||
	fail "tcpdump -vv does not see unfilled checksums in the offload capture"
"$bin" lab up >"$work/up4" || fail "lab up (offloads back off): $(cat "$work/up4")"
grep -q "rebuilding it with offloads off" "$work/up4" || fail "lab up did not turn offloads off: $(cat "$work/up4")"
"$bin" lab status | grep -q "^offload off at both ends" || fail "offloads not off after plain lab up"
st=0; "$bin" lab up --offload maybe >/dev/null 2>"$work/e" || st=$?
[ $st -eq 2 ] && grep -q "'on' or 'off'" "$work/e" || fail "--offload maybe: status $st, $(cat "$work/e")"

"$bin" lab down >/dev/null
"$bin" lab status >/dev/null && fail "status says up after down"
[ ! -e /run/rawshake-lab ] || fail "/run/rawshake-lab is left: $(ls -R /run/rawshake-lab)"
ip netns list | grep -q rslab- && fail "a lab namespace is left: $(ip netns list)"
[ ! -e /run/rawshake-lab/serve.pid ] || fail "the service pid file is left"
echo "lab-sniff: 4 passed, 0 failed"
