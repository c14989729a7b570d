#!/bin/sh
# outputs-diskfull.sh: a -w file on a full disk.  A 1 MiB tmpfs, mounted
# in a mount namespace of this test's own (unshare -m: it goes away with
# the test whatever happens), takes
#  - sniff -w (pcap), sniff --pcapng -w and sniff -w - >FILE, capturing a
#    bounded flood of 1,000-byte UDP packets on a veth between two network
#    namespaces of this test's own;
#  - send --dry-run --flood -w;
#  - read -w of a 2.5 MB capture.
# Each must stop at the first failed write with exit 1 and one message
# giving the real errno ("No space left on device") and how many packets
# the file holds; tcpdump -r must read the file to its end without an
# error, exactly that many packets.
# Needs root, ip, unshare and tcpdump; skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip unshare tcpdump timeout; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
bin=$(pwd)/rawshake
pcaps=$(cd "${srcdir:-.}/pcaps" && pwd)
a=rsfull-a-$$
b=rsfull-b-$$
va=rsfa$$
vb=rsfb$$
work=$(mktemp -d)
cleanup() {
	for n in "$a" "$b"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

chmod 755 "$work"
mkdir "$work/full"
ip netns add "$a"
ip netns add "$b"
ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b"
ip -n "$a" addr add 192.0.2.1/24 dev "$va"
ip -n "$b" addr add 192.0.2.2/24 dev "$vb"
ip -n "$a" link set "$va" up
ip -n "$b" link set "$vb" up
ip -n "$a" link set lo up
ip -n "$b" link set lo up
python3 -c 'import sys; sys.stdout.write("x" * 1000)' >"$work/data"

# in_full NAME CMD: CMD (sh) with $full a fresh 1 MiB tmpfs of its own;
# afterwards the file it wrote there ($full/x) is copied to $work/NAME.file.
in_full() {
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=1m,mode=1777 rsfull "$1/full" || exit 99
		full=$1/full
		rc=0
		eval "$3" || rc=$?
		echo $rc >"$1/$2.rc"
		cp "$full/x" "$1/$2.file" 2>/dev/null || true
	' in_full "$work" "$1" "$2"
}

# check NAME WHAT: exit 1, the errno once, and tcpdump reads the file to
# its end: as many packets as the message says the file holds.
check() {
	name=$1
	rc=$(cat "$work/$name.rc")
	[ "$rc" -eq 1 ] || fail "$2: exit $rc (want 1): $(cat "$work/$name.err")"
	n=$(grep -c "write error: No space left on device" "$work/$name.err" || true)
	[ "$n" -eq 1 ] || fail "$2: $n write-error lines (want 1): $(cat "$work/$name.err")"
	held=$(sed -n 's/.*the file holds \([0-9]*\) whole packet.*/\1/p' "$work/$name.err")
	[ -n "$held" ] && [ "$held" -gt 500 ] || fail "$2: the file holds '$held' packets: $(cat "$work/$name.err")"
	st=0
	got=$(tcpdump -n -r "$work/$name.file" 2>"$work/$name.tcpdump" | wc -l) || st=$?
	tcpdump -n -r "$work/$name.file" >/dev/null 2>&1 || st=$?
	[ $st -eq 0 ] && [ "$got" -eq "$held" ] && ! grep -v '^reading from file' "$work/$name.tcpdump" |
		grep -q . || fail "$2: tcpdump read $got of $held (status $st): $(cat "$work/$name.tcpdump")"
	size=$(stat -c %s "$work/$name.file")
	cat "$work/$name.err" | sed "s/^/    /"
	echo "  $2: stopped at $held packets, $size bytes on a 1 MiB tmpfs"
}

# A bounded flood from b to a's port 9 until the sniffer stopped (at most
# 5 rounds of 2,000 packets, about 10 MB in all).
flood_until_stopped() {
	pid=$1
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 5 ]; do
		ip netns exec "$b" "$bin" send udp 192.0.2.1 --dport 9 --data-file "$work/data" \
			--flood -c 2000 -q >/dev/null 2>&1 || true
		i=$((i + 1))
		sleep 0.2
	done
}

sniff_full() {
	name=$1
	what=$2
	cmd=$3
	rm -f "$work/$name.err"
	timeout 60 ip netns exec "$a" unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=1m,mode=1777 rsfull "$1/full" || exit 99
		full=$1/full
		rc=0
		eval "$3" 2>"$1/$2.err" >"$1/$2.out" || rc=$?
		echo $rc >"$1/$2.rc"
		cp "$full/x" "$1/$2.file" 2>/dev/null || true
	' sniff_full "$work" "$name" "$cmd" &
	pid=$!
	i=0
	until grep -q listening "$work/$name.err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null || fail "$what did not start: $(cat "$work/$name.err" 2>/dev/null)"
		sleep 0.05
	done
	flood_until_stopped "$pid"
	wait "$pid" || fail "$what: the namespace shell failed"
	check "$name" "$what"
}

P="-i $va -p -q -B 65536"
F="udp port 9"
sniff_full pcap "sniff -w" "\"$bin\" sniff $P -w \"\$full/x\" $F"
sniff_full pcapng "sniff --pcapng -w" "\"$bin\" sniff $P --pcapng -w \"\$full/x\" $F"
sniff_full stdout "sniff -w - >FILE" "\"$bin\" sniff $P -w - $F >\"\$full/x\""
ok "sniff on a full tmpfs: exit 1, 'No space left on device' once, the file read to its end by tcpdump"

in_full send "\"$bin\" send udp 192.0.2.1 --src 192.0.2.2 --dport 9 --data-file \"$work/data\" \
	--dry-run --flood -c 5000 -q -w \"\$full/x\" >\"$work/send.out\" 2>\"$work/send.err\""
check send "send --dry-run -w"
ok "send --dry-run -w on a full tmpfs: exit 1, 'No space left on device' once, the file read to its end"
in_full read "\"$bin\" read -q -w \"\$full/x\" \"$pcaps/detect-benign.pcap\" \
	>\"$work/read.out\" 2>\"$work/read.err\""
check read "read -w"
ok "read -w on a full tmpfs: exit 1, 'No space left on device' once, the file read to its end"
echo "outputs-diskfull: all passed"
