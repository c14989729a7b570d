#!/bin/sh
# connect-veth.sh: rawshake connect over a plain veth pair between two
# namespaces of its own, offloads as the kernel sets them (no ethtool):
# the server's segments reach the capture with the checksum its kernel
# left for the NIC, and the local kernel takes them, so connect must too.
# IPv4 and IPv6: handshake, data the python server reads exactly, FIN
# close; with -q only the last line is left and it says so; a closed
# port is refused (RST) over IPv4 and IPv6, exit 1.  Needs root: skipped
# (77) otherwise.
. "$(dirname "$0")/connect-lib.sh"

A=rscv-a-$$
B=rscv-b-$$
new_ns "$A"
new_ns "$B"
veth "$A" "rscva$$" "$B" "rscvb$$"
ip -n "$A" addr add 192.0.2.1/24 dev "rscva$$"
ip -n "$B" addr add 192.0.2.2/24 dev "rscvb$$"
ip -n "$A" -6 addr add 2001:db8:c0::1/64 dev "rscva$$" nodad
ip -n "$B" -6 addr add 2001:db8:c0::2/64 dev "rscvb$$" nodad
wait_ping "$A" 192.0.2.2 2001:db8:c0::2

# 1. IPv4: 5000 bytes (several segments), FIN close.
python3 -c 'import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(5000)))' >"$work/v4.data"
start_server "$B" 192.0.2.2 8080 v4
connect_ok "$A" v4 192.0.2.2 8080
offloaded v4
ok "IPv4 over a default-offload veth: handshake, 5000 bytes delivered, FIN close"

# 2. IPv6, the same.
printf 'over IPv6, offloads on\n' >"$work/v6.data"
start_server "$B" 2001:db8:c0::2 8081 v6
connect_ok "$A" v6 2001:db8:c0::2 8081
offloaded v6
grep -q 'IP6 .*2001:db8:c0::1\.[0-9]* > 2001:db8:c0::2\.8081' "$work/v6.out" || fail "IPv6: not over IPv6"
ok "IPv6 over a default-offload veth: handshake, data delivered, FIN close"

# 3. -q and --brief: nothing dropped, and the one line on stderr after the
# banner and the guard's count is the result.
for opt in -q --brief; do
	printf 'quiet\n' >"$work/q.data"
	start_server "$B" 192.0.2.2 8082 q
	st=0
	ip netns exec "$A" timeout 30 "$bin" connect "$opt" --data-file "$work/q.data" 192.0.2.2 8082 \
		>"$work/q.out" 2>"$work/q.err" || st=$?
	wait "$spid" || fail "$opt: the server did not get the data: $(cat "$work/q.server")"
	[ "$st" -eq 0 ] || fail "$opt: exit $st: $(cat "$work/q.err")"
	tail -1 "$work/q.err" | grep -q '^rawshake connect: handshake completed, 6 of 6 bytes' ||
		fail "$opt: last line: $(tail -1 "$work/q.err")"
	! grep -q 'no answer\|arrived and\|: dropped' "$work/q.err" "$work/q.out" || fail "$opt: $(cat "$work/q.err")"
done
ok "-q and --brief: the handshake completes and the last line says so"

# 4. Closed ports: the server kernel's RST is a refusal, over IPv4 and
# IPv6, with -q as with -v.  The IPv6 RST carries the checksum its kernel
# left for the NIC (an IPv4 RST is checksummed in software).
for c in "192.0.2.2 csum_0x[0-9a-f]*_ok" "2001:db8:c0::2 csum_offload"; do
	dst=${c%% *}
	csum=$(echo "${c#* }" | tr _ ' ')
	for opt in -v -q; do
		st=0
		ip netns exec "$A" timeout 30 "$bin" connect "$opt" "$dst" 9 >"$work/closed.out" \
			2>"$work/closed.err" || st=$?
		[ "$st" -eq 1 ] || fail "closed port $dst $opt: exit $st, want 1: $(cat "$work/closed.err")"
		[ "$(tail -1 "$work/closed.err")" = "rawshake connect: refused: $dst port 9 answered the SYN with a RST" ] ||
			fail "closed port $dst $opt: last line: $(tail -1 "$work/closed.err")"
		! grep -q 'retransmitting\|no answer\|arrived and\|: dropped' "$work/closed.out" "$work/closed.err" ||
			fail "closed port $dst $opt: the RST was not taken: $(cat "$work/closed.out")"
		if [ "$opt" = -v ]; then
			grep -q "$dst.9 > .*\\[RST,ACK\\].* $csum" "$work/closed.out" ||
				fail "closed port $dst: the RST is not shown with '$csum': $(grep RST "$work/closed.out")"
			grep -q 'SYN_SENT → CLOSED: RST in answer to our SYN: connection refused' "$work/closed.out" ||
				fail "closed port $dst: the refusal is not explained"
		else
			! grep -q '^#[0-9]' "$work/closed.out" || fail "closed port $dst -q: packets printed"
		fi
	done
done
ok "closed port over IPv4 and IPv6: refused, exit 1"

echo "connect-veth: $pass passed"
