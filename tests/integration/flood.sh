#!/bin/sh
# flood.sh: "rawshake flood" refuses public, private and link-local
# destinations without sending anything; a bounded flood from the lab
# client reaches the lab server (counted in a capture there) with random
# sources inside the CIDR, random source ports and Linux's SYN options, and
# stops by itself; "lab synflood" runs end to end, prints the kernel's
# counters and leaves the lab as it found it (down, or up without its
# route).  Uses the rawshake lab (rslab-*).  Needs root: skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip tcpdump flock timeout pgrep; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
cpid=
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
CLI=rslab-client
SRV=rslab-server

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >/dev/null || fail "lab up"

# 1. Refusals: exit 2 with the reason, before any socket or route lookup
# (in the client namespace there is no route to these at all, so a route
# error instead of the refusal would show the check came too late).  A
# TCP capture on every client interface proves nothing was sent.
ip netns exec "$CLI" tcpdump -i any -n -U --immediate-mode -w "$work/refuse.pcap" tcp >/dev/null 2>"$work/refuse.tcpdump" &
cpid=$!
i=0
until grep -q 'listening on' "$work/refuse.tcpdump" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "tcpdump did not start"; sleep 0.05
done
for dst in 8.8.8.8 1.1.1.1 10.0.0.1 172.16.0.1 192.168.1.1 169.254.1.1 fe80::1 fd00::1 2001:4860::1; do
	st=0
	ip netns exec "$CLI" "$bin" flood "$dst" 80 -c 10 >"$work/r.out" 2>"$work/r.err" || st=$?
	[ $st -eq 2 ] || fail "flood $dst exited $st (want 2)"
	grep -q "refusing to flood $dst: it is " "$work/r.err" || fail "no reason for $dst: $(cat "$work/r.err")"
done
grep -q 'public Internet address' "$work/r.err" || fail "no 'public' reason: $(cat "$work/r.err")"
ip netns exec "$CLI" "$bin" flood 10.0.0.1 80 -c 1 2>&1 | grep -q 'RFC 1918' || fail "10.0.0.1 not named RFC 1918"
ip netns exec "$CLI" "$bin" flood fe80::1 80 -c 1 2>&1 | grep -q 'link-local' || fail "fe80::1 not named link-local"
st=0
ip netns exec "$CLI" "$bin" flood 192.0.2.20 80 -c 1 --rand-source 8.8.0.0/16 2>"$work/r.err" || st=$?
[ $st -eq 2 ] && grep -q 'refusing random sources in 8.8.0.0/16: the range is or holds a public Internet address' "$work/r.err" ||
	fail "a public --rand-source was not refused: $(cat "$work/r.err")"
st=0
ip netns exec "$CLI" "$bin" flood 192.0.2.20 80 2>"$work/r.err" || st=$?
[ $st -eq 2 ] && grep -q 'stops by itself' "$work/r.err" || fail "a flood without --count or --duration was accepted"
sleep 0.3
kill -INT "$cpid"; wait "$cpid" || true; cpid=
n=$(tcpdump -r "$work/refuse.pcap" -n 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || fail "refused floods sent $n packets: $(tcpdump -r "$work/refuse.pcap" -n 2>/dev/null | head -3)"
ok "public, RFC 1918, link-local and ULA destinations refused with a reason, nothing sent"

# 2. A bounded flood from the lab client, counted on the server.
ip netns exec "$SRV" tcpdump -i rslab0 -n -U --immediate-mode -B 8192 -w "$work/srv.pcap" \
	'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' >/dev/null 2>"$work/srv.tcpdump" &
cpid=$!
i=0
until grep -q 'listening on' "$work/srv.tcpdump" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "tcpdump did not start"; sleep 0.05
done
t0=$(date +%s.%N)
st=0
timeout 20 ip netns exec "$CLI" "$bin" flood 192.0.2.20 80 --count 2000 --rate 2000 \
	--rand-source 198.51.100.0/24 --rand-sport >"$work/flood.out" 2>"$work/flood.err" || st=$?
t1=$(date +%s.%N)
[ $st -eq 0 ] || fail "flood exited $st: $(cat "$work/flood.err")"
grep -q '^2000 SYNs sent to 192.0.2.20 port 80 in ' "$work/flood.out" || fail "summary: $(cat "$work/flood.out")"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a > 0.7 && b - a < 5) }' ||
	fail "2000 SYNs at 2000/s took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s"
sleep 0.5
kill -INT "$cpid"; wait "$cpid" || true; cpid=
tcpdump -r "$work/srv.pcap" -n -v 2>/dev/null >"$work/srv.txt"
n=$(grep -c '> 192.0.2.20.80: Flags \[S\]' "$work/srv.txt" || true)
[ "$n" -ge 1900 ] || fail "the server saw $n of 2000 SYNs"
outside=$(grep '> 192.0.2.20.80: Flags \[S\]' "$work/srv.txt" | grep -vc '^ *198\.51\.100\.[0-9]*\.[0-9]* >' || true)
[ "$outside" -eq 0 ] || fail "$outside SYNs from outside 198.51.100.0/24"
srcs=$(grep -o '^ *198\.51\.100\.[0-9]*' "$work/srv.txt" | sort -u | wc -l)
[ "$srcs" -ge 200 ] || fail "only $srcs distinct sources"
ports=$(grep -o '^ *198\.51\.100\.[0-9]*\.[0-9]* >' "$work/srv.txt" | sed 's/.*\.\([0-9]*\) >/\1/' | sort -u | wc -l)
[ "$ports" -ge 1800 ] || fail "only $ports distinct source ports in $n SYNs"
grep -q '\.0 > 192.0.2.20.80' "$work/srv.txt" && fail "a SYN from source port 0"
grep -q 'win 64240, options \[mss 1460,sackOK,TS val [0-9]* ecr 0,nop,wscale 7\]' "$work/srv.txt" ||
	fail "not a Linux-like SYN: $(grep -m1 'Flags \[S\]' "$work/srv.txt")"
ok "2000 SYNs at 2000/s: $n seen by the server, $srcs sources in 198.51.100.0/24, $ports source ports, Linux options; stopped by itself"

# 3. --duration and --format json; as fast as possible stops too.
st=0
timeout 20 ip netns exec "$CLI" "$bin" flood 192.0.2.20 80 --duration 0.5 --rand-source --format json \
	>"$work/j.out" 2>"$work/j.err" || st=$?
[ $st -eq 0 ] || fail "flood --duration exited $st: $(cat "$work/j.err")"
grep -q '^{"type":"flood_summary","dst":"192.0.2.20","port":80,"sent":[1-9][0-9]*,.*"rate":null,"rand_source":"198.51.100.0/24"' \
	"$work/j.out" || fail "json summary: $(cat "$work/j.out")"
awk -F'"elapsed_s":' '{ split($2, a, ","); exit !(a[1] >= 0.45 && a[1] < 1.5) }' "$work/j.out" ||
	fail "--duration 0.5 ran $(cat "$work/j.out")"
ok "--duration 0.5 as fast as possible stops on time; JSON summary"

# 4. lab synflood from a lab that is down: ends with the lab down.
"$bin" lab down >/dev/null
st=0
timeout 60 "$bin" lab synflood --rate 1000 --duration 2 >"$work/sf.out" 2>"$work/sf.err" || st=$?
[ $st -eq 0 ] || fail "lab synflood exited $st: $(cat "$work/sf.err")"
for s in 'net.ipv4.tcp_syncookies=' 'rawshake detect printed' 'flood: 1[89][0-9][0-9] SYNs sent\|flood: 2000 SYNs sent' \
	 'TcpExt:SyncookiesSent *+[0-9]' 'TcpExt:ListenOverflows' 'Tcp:PassiveOpens *+[0-9]' \
	 'during *[0-9]*/[0-9]* ok' 'lab is down'; do
	grep -q -- "$s" "$work/sf.out" || fail "'$s' not in lab synflood's output: $(cat "$work/sf.out")"
done
ip netns list | grep -q rslab- && fail "lab synflood left the lab up: $(ip netns list)"
# Standard error is a file: no status line of the flood in it.
grep -q 'elapsed' "$work/sf.err" && fail "a status line though standard error is no terminal: $(cat "$work/sf.err")"
# detect -i on the server raised the alert while the flood ran, and ended it
# after: the start line comes before the end line, both for the lab server.
start=$(grep -n 'ALERT syn-flood start 192\.0\.2\.20:80' "$work/sf.out" | head -1 | cut -d: -f1)
end=$(grep -n 'ALERT syn-flood end 192\.0\.2\.20:80' "$work/sf.out" | head -1 | cut -d: -f1)
[ -n "$start" ] && [ -n "$end" ] && [ "$start" -lt "$end" ] \
	|| fail "no syn-flood start then end alert for 192.0.2.20:80: $(cat "$work/sf.out")"
grep -q 'detect: alert raised (exit 3)' "$work/sf.out" || fail "detect did not exit 3"
# The alert starts within a second of the flood and lasts about as long.
t0=$(sed -n 's/^\([0-9.]*\) ALERT syn-flood start.*/\1/p' "$work/sf.out" | head -1)
t1=$(sed -n 's/^\([0-9.]*\) ALERT syn-flood end.*/\1/p' "$work/sf.out" | head -1)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 1.0) }' \
	|| fail "the alert lasted $t0 .. $t1, less than the 2 s flood's second half"
ok "lab synflood from a lab that was down: counters, client, detector alert start/end; lab down after"

# 5. From a lab that is up: left up, without its route.
"$bin" lab up >/dev/null
st=0
timeout 60 "$bin" lab synflood --rate 1000 --duration 1 >"$work/sf2.out" 2>"$work/sf2.err" || st=$?
[ $st -eq 0 ] || fail "lab synflood (lab up) exited $st: $(cat "$work/sf2.err")"
grep -q 'leaving it up' "$work/sf2.out" || fail "no 'leaving it up': $(cat "$work/sf2.out")"
"$bin" lab status >/dev/null || fail "the lab is not complete after lab synflood"
ip -n "$SRV" route | grep -q 198.51.100 && fail "the route for the spoofed sources is left"
ok "lab synflood from a lab that was up: left up, route removed"

# 6. Interrupted mid-flood: nothing left.
"$bin" lab down >/dev/null
"$bin" lab synflood --rate 1000 --duration 5 >"$work/int.out" 2>"$work/int.err" &
cpid=$!
i=0
until grep -q 'flood from' "$work/int.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "lab synflood did not start: $(cat "$work/int.err")"
	sleep 0.05
done
sleep 1.5
kill -INT "$cpid"
st=0
wait "$cpid" || st=$?
cpid=
[ $st -ne 0 ] || fail "interrupted lab synflood exited 0"
grep -q interrupted "$work/int.err" || fail "no interruption message: $(cat "$work/int.err")"
ip netns list | grep -q rslab- && fail "interrupted lab synflood left the lab: $(ip netns list)"
pgrep -f "rawshake (flood|detect) .*192.0.2.20|rawshake detect -i rslab0" >/dev/null &&
	fail "a flood or detector is left running"
ok "lab synflood interrupted leaves nothing behind"
echo "flood: $pass passed, 0 failed"
