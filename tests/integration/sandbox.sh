#!/bin/sh
# sandbox.sh: what a command that parses packets can still do, read off
# /proc/PID/status while it runs (privilege drop as OpenBSD
# does it): uid and gid 65534 (nobody), no capability in any set (the
# bounding set too), no_new_privs, and a seccomp filter (mode 2), for
# sniff (a live capture, also -i any), detect -i, read and detect -r
# (from a FIFO, so that they wait while we look) and send.  In namespaces
# of this test's own; root only (skipped, 77, otherwise).
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
bin=$(pwd)/rawshake
srcdir=${srcdir:-.}
pcap=$(cd "$srcdir/pcaps" && pwd)/handshake-v4.pcap
ns=rssandbox-$$
work=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

# status_of PID: waits until the process has switched to nobody, then
# checks every line the issue names.
check_status() {
	name=$1 pid=$2
	i=0
	while :; do
		uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
		[ "$uid" = 65534 ] && break
		i=$((i + 1)); [ $i -lt 100 ] || fail "$name: never ran as nobody (uid '$uid')"
		sleep 0.05
	done
	# The sandbox comes right after the drop; give it the time to be set.
	i=0
	until [ "$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status")" = 2 ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$name: no seccomp filter: $(grep Seccomp "/proc/$pid/status")"
		sleep 0.05
	done
	s=/proc/$pid/status
	[ "$(awk '/^Uid:/ {print $2,$3,$4,$5}' "$s")" = "65534 65534 65534 65534" ] || fail "$name: $(grep Uid "$s")"
	[ "$(awk '/^Gid:/ {print $2,$3,$4,$5}' "$s")" = "65534 65534 65534 65534" ] || fail "$name: $(grep Gid "$s")"
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(awk -v k="$set:" '$1 == k {print $2}' "$s")
		[ "$v" = 0000000000000000 ] || fail "$name: $set $v"
	done
	[ "$(awk '/^NoNewPrivs:/ {print $2}' "$s")" = 1 ] || fail "$name: $(grep NoNewPrivs "$s")"
	echo "ok $name: uid/gid 65534, CapInh/Prm/Eff/Bnd/Amb 0, NoNewPrivs 1, Seccomp 2"
}

for iface in lo any; do
	ip netns exec "$ns" "$bin" sniff -i "$iface" -q >/dev/null 2>&1 &
	p=$!
	pids="$pids $p"
	check_status "sniff -i $iface" "$p"
	# Still working inside it: packets are captured and counted.
	ip netns exec "$ns" ping -c 2 -i 0.2 127.0.0.1 >/dev/null
	kill -INT "$p"
	st=0
	wait "$p" || st=$?
	[ $st -eq 0 ] || fail "sniff -i $iface in its sandbox exited $st"
done

ip netns exec "$ns" "$bin" detect -i lo -q >/dev/null 2>&1 &
p=$!
pids="$pids $p"
check_status "detect -i lo" "$p"
kill -INT "$p"
wait "$p" || fail "detect -i in its sandbox failed"

for cmd in "read" "detect -r"; do
	rm -f "$work/fifo"
	mkfifo "$work/fifo"
	# shellcheck disable=SC2086
	"$bin" $cmd "$work/fifo" >"$work/out" 2>&1 &
	p=$!
	pids="$pids $p"
	check_status "$cmd" "$p"
	cat "$pcap" >"$work/fifo"
	st=0
	wait "$p" || st=$?
	[ $st -eq 0 ] || fail "$cmd in its sandbox exited $st: $(cat "$work/out")"
done
grep -q "packets" "$work/out" || true

ip netns exec "$ns" "$bin" send tcp 127.0.0.1 --dport 9 -c 3 -i 1 -q >/dev/null 2>&1 &
p=$!
pids="$pids $p"
check_status "send" "$p"
wait "$p" || fail "send in its sandbox failed"
listening() {
	i=0
	until ip netns exec "$ns" ss -ltn | grep -q "127.0.0.1:$1 "; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "the test server on port $1 did not start"; sleep 0.05
	done
}

# connect: its worker (the supervisor stays root for the RST guard).
ip netns exec "$ns" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8099)); s.listen(1)
c, _ = s.accept(); c.recv(100); time.sleep(3); c.close()
' &
pids="$pids $!"
listening 8099
ip netns exec "$ns" "$bin" connect 127.0.0.1 8099 --data hi --hold 2 -q >"$work/c.out" 2>&1 &
p=$!
pids="$pids $p"
i=0
until w=$(pgrep -P "$p" -x rawshake | head -1) && [ -n "$w" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "connect: no worker"; sleep 0.05
done
check_status "connect (worker)" "$w"
wait "$p" || fail "connect in its sandbox failed: $(cat "$work/c.out")"

# Writing to a full standard output: reported once, exit 1.
ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8098)); s.listen(1)
c, _ = s.accept(); c.recv(100); c.close()
' &
pids="$pids $!"
listening 8098
st=0
ip netns exec "$ns" "$bin" connect 127.0.0.1 8098 --data hi >/dev/full 2>"$work/c.err" || st=$?
[ $st -eq 1 ] && [ "$(grep -c 'write error: No space left on device' "$work/c.err")" -eq 1 ] ||
	fail "connect >/dev/full: exit $st: $(cat "$work/c.err")"
echo "ok connect >/dev/full: one write error, exit 1"
echo "sandbox: all passed"
