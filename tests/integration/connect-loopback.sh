#!/bin/sh
# connect-loopback.sh: rawshake connect to 127.0.0.1 and ::1 inside a
# fresh namespace of its own.  On loopback the kernel never fills in a
# TCP checksum (nothing can corrupt it there): the capture holds the
# pseudo-header sum, and connect takes those segments by the same rule as
# on a veth, with no special case for the interface.  Handshake, data the
# python server reads exactly, FIN close; a closed port is refused.
# Needs root: skipped (77) otherwise.
. "$(dirname "$0")/connect-lib.sh"

L=rsclo-$$
new_ns "$L"

printf 'GET / HTTP/1.0\r\n\r\n' >"$work/v4.data"
start_server "$L" 127.0.0.1 8080 v4
connect_ok "$L" v4 127.0.0.1 8080
offloaded v4
grep -q 'on lo;' "$work/v4.err" || fail "not captured on lo: $(head -1 "$work/v4.err")"
ok "127.0.0.1: handshake, data delivered, FIN close"

printf 'over ::1\n' >"$work/v6.data"
start_server "$L" ::1 8080 v6
connect_ok "$L" v6 ::1 8080
offloaded v6
ok "::1: handshake, data delivered, FIN close"

for dst in 127.0.0.1 ::1; do
	st=0
	ip netns exec "$L" timeout 30 "$bin" connect -q "$dst" 9 >"$work/closed.out" 2>"$work/closed.err" || st=$?
	[ "$st" -eq 1 ] || fail "closed port $dst: exit $st: $(cat "$work/closed.err")"
	tail -1 "$work/closed.err" | grep -q "^rawshake connect: refused: $dst port 9" ||
		fail "closed port $dst: last line: $(tail -1 "$work/closed.err")"
done
ok "closed port on loopback: refused, exit 1"

echo "connect-loopback: $pass passed"
