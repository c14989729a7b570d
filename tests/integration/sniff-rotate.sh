#!/bin/sh
# sniff-rotate.sh: rawshake sniff -w FILE with -C, -G and -W, rotating as
# tcpdump does, in two namespaces of its own:
#
#   A [va 192.0.2.1] <=veth=> [vb 192.0.2.2] B
#
# A pings B (a bounded count, 1400-byte payloads: 1458-byte records) while
# sniff captures on va as nobody (the -Z default) into a directory of
# nobody's.  For each rotation: the files' number, names (FILE, FILE1 ...;
# FILE0 ... padded with -W; strftime names with -G), sizes (tcpdump's
# 1000212 bytes for -C 1), each file readable on its own by tcpdump -r and
# rawshake read, and no packet lost or duplicated across files (the
# echo-request/reply sequence of all files in order is the ping's, and
# their total is sniff's own "N packets captured").  Then the errors: a
# -w directory that does not exist (one line, the path once, exit 2), and
# a next file that cannot be opened (a planted symbolic link: one line,
# the capture stops, exit 1, every file before complete).
# Needs root (namespaces): skipped (77) otherwise.
set -eu
. "${srcdir:-.}/tests/integration/sniff-lib.sh"
sniff_test_begin ip ping tcpdump
A=rsrot-a-$$
B=rsrot-b-$$
VA=rsrota$$ VB=rsrotb$$
work=$(mktemp -d)
chmod 755 "$work"
pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
ina() { ip netns exec "$A" "$@"; }

ip netns add "$A"
ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev "$VA"
ip -n "$B" addr add 192.0.2.2/24 dev "$VB"
ip -n "$A" link set lo up
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
i=0
until ina ping -c1 -W1 192.0.2.2 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 20 ] || fail "the veth does not come up"; sleep 0.2
done

# Starts sniff on va, writing into a new directory of nobody's:
# start NAME ARGS... (the -w names are relative to $work/NAME).
start() {
	name=$1
	shift
	mkdir "$work/$name"
	chown nobody "$work/$name"
	(cd "$work/$name" && exec ip netns exec "$A" env TZ=UTC "$bin" sniff -q -B 32768 \
		-i "$VA" "$@" icmp) >"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	i=0
	until grep -q 'listening on' "$work/$name.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$name did not start: $(cat "$work/$name.err")"
		kill -0 "$pid" 2>/dev/null || fail "$name: $(cat "$work/$name.err")"
		sleep 0.05
	done
}
# Stops it (TERM, as a background job ignores INT) and gives its status.
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	st=0
	wait "$pid" || st=$?
	pid=""
	return $st
}
# ping COUNT INTERVAL: echo requests of 1400 bytes from A to B.
traffic() {
	ina ping -q -c "$1" -i "$2" -s 1400 -W 1 192.0.2.2 >/dev/null || fail "ping A -> B"
	sleep 0.3
}
# The echo sequence of files, in the order given: "request N" / "reply N".
seqs() {
	for f in "$@"; do
		tcpdump -n -r "$f" 2>/dev/null
	done | sed -nE 's/.*ICMP echo (request|reply), id [0-9]+, seq ([0-9]+),.*/\1 \2/p'
}
# What ping -c N gives, when nothing is lost.
expect() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) print "request " i "\nreply " i }'; }
captured() { sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$work/$1.err"; }
# Each file complete on its own: tcpdump -r and rawshake read agree on
# its count, and neither reports a truncated file.
readable() {
	for f in "$@"; do
		n_td=$(tcpdump -n -r "$f" 2>"$work/td.err" | wc -l) || fail "tcpdump -r $f"
		if grep -qi 'truncated\|error' "$work/td.err"; then
			fail "tcpdump -r $f: $(cat "$work/td.err")"
		fi
		got=$("$bin" read -q "$f" 2>&1) || fail "rawshake read $f: $got"
		[ "$got" = "$n_td packets" ] || fail "$f: rawshake read says '$got', tcpdump $n_td"
	done
}
names() { (cd "$work/$1" && ls -1 | sort | tr '\n' ' ' | sed 's/ $//'); }
size() { stat -c %s "$1"; }
no_drops() {
	grep -q '^0 packets dropped by kernel' "$work/$1.err" ||
		fail "$1 dropped packets: $(cat "$work/$1.err")"
}

# 1. -C 1: FILE, FILE1, FILE2; a new file before the packet that finds
#    the current one over 1,000,000 bytes: 24 + 686 * 1458 = 1000212.
start c1 -w x.pcap -C 1
traffic 800 0.002
stop || fail "c1: exit $?: $(cat "$work/c1.err")"
no_drops c1
[ "$(names c1)" = "x.pcap x.pcap1 x.pcap2" ] || fail "c1: files $(names c1)"
[ "$(size "$work/c1/x.pcap")" = 1000212 ] && [ "$(size "$work/c1/x.pcap1")" = 1000212 ] ||
	fail "c1: sizes $(size "$work/c1/x.pcap") $(size "$work/c1/x.pcap1")"
readable "$work/c1/x.pcap" "$work/c1/x.pcap1" "$work/c1/x.pcap2"
seqs "$work/c1/x.pcap" "$work/c1/x.pcap1" "$work/c1/x.pcap2" >"$work/c1.seq"
expect 800 | cmp -s - "$work/c1.seq" || fail "c1: packets lost or doubled: $(expect 800 | diff - "$work/c1.seq" | head -5)"
[ "$(captured c1)" = 1600 ] || fail "c1: sniff says $(captured c1) packets captured"
[ "$(stat -c %U "$work/c1/x.pcap2")" = nobody ] || fail "c1: the files are not nobody's"
ok "-C 1: x.pcap x.pcap1 x.pcap2, 1000212 bytes each but the last, 1600 packets in order, each file readable"

# 2. -C 1 -W 2: a ring of x0 and x1, x0 written over: x1 then x0 hold the
#    end of the traffic.
start ring -w x -C 1 -W 2
traffic 800 0.002
stop || fail "ring: exit $?: $(cat "$work/ring.err")"
no_drops ring
[ "$(names ring)" = "x0 x1" ] || fail "ring: files $(names ring)"
readable "$work/ring/x0" "$work/ring/x1"
seqs "$work/ring/x1" "$work/ring/x0" >"$work/ring.seq"
n=$(wc -l <"$work/ring.seq")
[ "$n" = $((686 + 1600 - 2 * 686)) ] || fail "ring: $n packets in x1 x0"
expect 800 | tail -n "$n" | cmp -s - "$work/ring.seq" || fail "ring: x1 x0 are not the traffic's end"
[ "$(captured ring)" = 1600 ] || fail "ring: sniff says $(captured ring) packets captured"
ok "-C 1 -W 2: a ring of x0 x1, x0 rewritten whole, the last $n packets in order"

# 3. -C 1 -W 11: numbers padded to two digits, from 00; as pcapng.
start pad -w x -C 1 -W 11 --pcapng
traffic 800 0.002
stop || fail "pad: exit $?: $(cat "$work/pad.err")"
no_drops pad
[ "$(names pad)" = "x00 x01 x02" ] || fail "pad: files $(names pad)"
readable "$work/pad/x00" "$work/pad/x01" "$work/pad/x02"
for f in x00 x01 x02; do
	od -An -tx1 -N4 "$work/pad/$f" | grep -q '0a 0d 0d 0a' || fail "pad: $f has no section header"
done
seqs "$work/pad/x00" "$work/pad/x01" "$work/pad/x02" >"$work/pad.seq"
expect 800 | cmp -s - "$work/pad.seq" || fail "pad: packets lost or doubled"
[ "$(captured pad)" = 1600 ] || fail "pad: sniff says $(captured pad) packets captured"
ok "-C 1 -W 11 --pcapng: x00 x01 x02, each a pcapng file of its own, 1600 packets in order"

# 4. -G 1 -W 3: strftime names, three files, then the capture ends by
#    itself (exit 0, as tcpdump's "Maximum file limit reached").
start g -w 'g-%Y%m%d-%H%M%S.pcap' -G 1 -W 3
ina ping -q -c 50 -i 0.1 -s 1400 -W 1 192.0.2.2 >/dev/null || fail "ping A -> B"
st=0
wait "$pid" || st=$?
pid=""
[ $st = 0 ] || fail "g: exit $st: $(cat "$work/g.err")"
grep -q '^rawshake sniff: -W 3: the last file is written, capture done$' "$work/g.err" ||
	fail "g: $(cat "$work/g.err")"
set -- $(names g)
[ $# = 3 ] || fail "g: files $(names g)"
for f in "$@"; do
	echo "$f" | grep -qE '^g-20[0-9]{6}-[0-9]{6}\.pcap$' || fail "g: name $f"
done
readable "$work/g/$1" "$work/g/$2" "$work/g/$3"
seqs "$work/g/$1" "$work/g/$2" "$work/g/$3" >"$work/g.seq"
n=$(wc -l <"$work/g.seq")
[ "$n" -ge 10 ] || fail "g: only $n packets"
expect 50 | head -n "$n" | cmp -s - "$work/g.seq" || fail "g: packets lost or doubled"
[ "$(captured g)" = "$n" ] || fail "g: sniff says $(captured g) packets captured, the files hold $n"
ok "-G 1 -W 3: $*, $n packets in order, then the capture ends (exit 0)"

# 5. -w into a directory that does not exist: one line, the path once.
st=0
ina "$bin" sniff -i "$VA" -w /nonexistent/rawshake-dir/x.pcap icmp >"$work/nodir.out" \
	2>"$work/nodir.err" || st=$?
[ $st = 2 ] || fail "nodir: exit $st"
[ "$(cat "$work/nodir.err")" = \
  "rawshake sniff: -w /nonexistent/rawshake-dir/x.pcap: No such file or directory" ] ||
	fail "nodir: $(cat "$work/nodir.err")"
[ "$(grep -o /nonexistent/rawshake-dir/x.pcap "$work/nodir.err" | wc -l)" = 1 ] ||
	fail "nodir: the path more than once"
st=0
ina "$bin" sniff -i "$VA" -C 1 -w /nonexistent/rawshake-dir/x icmp 2>"$work/nodir2.err" || st=$?
[ $st = 2 ] && [ "$(cat "$work/nodir2.err")" = \
  "rawshake sniff: -w /nonexistent/rawshake-dir/x: No such file or directory" ] ||
	fail "nodir -C: exit $st: $(cat "$work/nodir2.err")"
ok "-w /nonexistent/...: one line, the path once, with strerror, exit 2"

# 6. The next file cannot be opened (x1 is a link planted there): the
#    capture stops with one line, exit 1; x is complete.
start planted -w x -C 1
ln -s /tmp/rawshake-rotate-target-$$ "$work/planted/x1"
traffic 800 0.002
st=0
wait "$pid" || st=$?
pid=""
[ $st = 1 ] || fail "planted: exit $st: $(cat "$work/planted.err")"
# "listening on", then the one line.
[ "$(grep -c '^rawshake sniff:' "$work/planted.err")" = 2 ] || fail "planted: $(cat "$work/planted.err")"
grep -qx 'rawshake sniff: -w x1: is a symbolic link: not followed (name the file itself); the capture stopped after 1 file' \
	"$work/planted.err" || fail "planted: $(cat "$work/planted.err")"
[ ! -e /tmp/rawshake-rotate-target-$$ ] || fail "planted: the link was followed"
[ "$(size "$work/planted/x")" = 1000212 ] || fail "planted: x is $(size "$work/planted/x") bytes"
readable "$work/planted/x"
[ "$(captured planted)" = 686 ] || fail "planted: sniff says $(captured planted) packets captured"
ok "a next file that cannot be opened: said once, exit 1, x whole (686 packets)"

echo "sniff-rotate: $pass passed"
