# connect-lib.sh: what the connect-*.sh tests share (sourced, not run).
# Namespaces and interfaces of their own, named with the test's pid so
# that runs side by side never meet; every one is removed on exit, also
# when a test fails or is interrupted.  Offloads are left as the kernel
# sets them: checksums the kernel leaves for the NIC are the point.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft python3 timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
lib_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
namespaces=""
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for ns in $namespaces; do ip netns del "$ns" 2>/dev/null || true; done
	[ -n "${RS_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

# new_ns NAME: a namespace with loopback up, removed at exit.
new_ns() {
	ip netns add "$1"
	namespaces="$namespaces $1"
	ip -n "$1" link set lo up
}

# veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up.
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# wait_ping NS ADDR...: until NS reaches every ADDR (a fresh link drops
# its first packets, neighbour discovery has to run).
wait_ping() {
	ns=$1
	shift
	for a in "$@"; do
		i=0
		until ip netns exec "$ns" ping -c1 -W1 "$a" >/dev/null 2>&1; do
			i=$((i + 1)); [ $i -lt 20 ] || fail "$ns cannot reach $a"; sleep 0.2
		done
	done
}

# The server: accepts one connection on ADDR PORT, reads to the end (the
# client's FIN), writes what it read to OUT, closes (its own FIN), and
# exits 0 only when that is exactly the bytes of EXPECT.  READY is created
# once it listens.  At most 20 s.
cat >"$work/server.py" <<'EOF'
import socket, sys
addr, port, expect, out, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(1)
s.settimeout(20)
open(ready, "w").close()
c, peer = s.accept()
c.settimeout(20)
got = b""
while True:
    b = c.recv(65536)
    if not b:
        break
    got += b
c.close()
with open(out, "wb") as f:
    f.write(got)
want = open(expect, "rb").read()
if got != want:
    sys.stderr.write("server: read %d bytes, want %d\n" % (len(got), len(want)))
    sys.exit(1)
sys.stderr.write("server: %d bytes from %s, then the client's FIN\n" % (len(got), peer[0]))
EOF

# start_server NS ADDR PORT TAG: the server above in NS, expecting the
# bytes of $work/TAG.data; sets spid.
start_server() {
	rm -f "$work/$4.ready"
	ip netns exec "$1" timeout 25 python3 "$work/server.py" "$2" "$3" "$work/$4.data" \
		"$work/$4.got" "$work/$4.ready" 2>"$work/$4.server" &
	spid=$!
	pids="$pids $spid"
	i=0
	while [ ! -e "$work/$4.ready" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "$4: the server did not start: $(cat "$work/$4.server")"
		sleep 0.05
	done
}

# connect_ok NS TAG DST PORT ARGS...: connect from NS to the server of
# TAG, which must read exactly $work/TAG.data and then see our FIN; the
# handshake, the data and the close must complete with exit 0, every
# segment of the server taken (none dropped, none shown as [bad csum]),
# and no RST guard left behind.
connect_ok() {
	ns=$1 tag=$2 dst=$3 port=$4
	shift 4
	st=0
	ip netns exec "$ns" timeout 30 "$bin" connect -v --data-file "$work/$tag.data" "$@" \
		"$dst" "$port" >"$work/$tag.out" 2>"$work/$tag.err" || st=$?
	wait "$spid" || fail "$tag: the server did not get the data: $(cat "$work/$tag.server")" \
		"$(cat "$work/$tag.err")"
	[ "$st" -eq 0 ] || fail "$tag: connect exited $st: $(tail -3 "$work/$tag.err")"
	cmp -s "$work/$tag.data" "$work/$tag.got" || fail "$tag: the server read something else"
	for s in 'SYN_SENT → ESTABLISHED' 'ESTABLISHED → FIN_WAIT_1' '→ TIME_WAIT'; do
		grep -q -- "$s" "$work/$tag.out" || fail "$tag: '$s' not in the output"
	done
	n=$(wc -c <"$work/$tag.data")
	tail -1 "$work/$tag.err" | grep -q "handshake completed, $n of $n bytes acknowledged, .*closed with FIN$" ||
		fail "$tag: last line: $(tail -1 "$work/$tag.err")"
	! grep -q 'bad csum\|: dropped' "$work/$tag.out" || fail "$tag: a segment was dropped: $(grep 'bad csum\|: dropped' "$work/$tag.out")"
	left=$(ip netns exec "$ns" nft list tables | grep rawshake_ || true)
	[ -z "$left" ] || fail "$tag: RST guard left behind: $left"
}

# offloaded TAG: the server's segments reached the capture with the
# checksum its kernel left for the NIC, so the test did cross the case it
# is about (-v prints "csum offload").
offloaded() {
	grep -q ' > .*\[SYN,ACK\].*csum offload (filled in by the NIC)' "$work/$1.out" ||
		fail "$1: the SYN-ACK did not come with an offloaded checksum: $(grep 'SYN,ACK' "$work/$1.out")"
}
