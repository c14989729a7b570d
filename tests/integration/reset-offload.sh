#!/bin/sh
# reset-offload.sh: "rawshake reset" where users are, not in the lab:
# a veth pair with the offloads the kernel sets (checksums left to the
# "NIC", segments coalesced by GRO into what the capture sees), over IPv4
# and IPv6, and loopback inside a namespace.  The server sends 1000 bytes
# every 50 ms for 3 s; reset, on the client's side (on lo: the one
# interface), injects an RST toward the server: at rcv_nxt it closes the
# server's end (its send fails), half a window above it draws the
# server's challenge ACK (RFC 5961) and the transfer completes.
# Namespaces of its own (connect-lib.sh), removed at exit.  Needs root.
. "$(dirname "$0")/connect-lib.sh"

. "$(dirname "$0")/reset-peers.sh"
reset_peers "$work"

ns_c=rsrst-c-$$
ns_s=rsrst-s-$$
new_ns "$ns_c"
new_ns "$ns_s"
veth "$ns_c" rsrst0 "$ns_s" rsrst1
ip -n "$ns_c" addr add 198.51.100.1/24 dev rsrst0
ip -n "$ns_s" addr add 198.51.100.2/24 dev rsrst1
ip -n "$ns_c" addr add 2001:db8:5e7::1/64 dev rsrst0 nodad
ip -n "$ns_s" addr add 2001:db8:5e7::2/64 dev rsrst1 nodad
wait_ping "$ns_c" 198.51.100.2 2001:db8:5e7::2

# run SERVER-NS CLIENT-NS IFACE ADDRESS KIND: one transfer, one injection
run() {
	rm -f "$work/ready"
	ip netns exec "$1" timeout 10 python3 "$work/srv.py" "$4" "$work/ready" >"$work/srv" 2>&1 &
	sp=$!
	pids="$pids $sp"
	i=0
	until [ -e "$work/ready" ]; do
		i=$((i + 1)); [ $i -lt 50 ] || fail "the server did not start"; sleep 0.1
	done
	ip netns exec "$2" timeout 15 "$bin" reset -i "$3" --seq "$5" --format json \
		"tcp port 9000" >"$work/out.json" 2>"$work/err" &
	rp=$!
	pids="$pids $rp"
	sleep 0.5
	ip netns exec "$2" timeout 10 python3 "$work/cli.py" "$4" >"$work/cli" 2>&1 || true
	wait "$rp" || fail "reset --seq $5 to $4 on $3: status $? ($(cat "$work/err"))"
	wait "$sp" || true
	grep -q '"injected":true' "$work/out.json" || fail "$4 $5: no packet marked injected"
}
verdict() { grep '"type":"reset"' "$work/out.json" | sed 's/.*"verdict":"\([^"]*\)".*/\1/'; }

# check WHERE SERVER-NS CLIENT-NS IFACE ADDRESS
check() {
	where=$1
	shift
	run "$@" exact
	v=$(verdict)
	case "$v" in closed*) ;; *) fail "$where exact: verdict '$v' ($(cat "$work/srv"))";; esac
	grep -q "send failed" "$work/srv" || fail "$where exact: the server kept sending ($(cat "$work/srv"))"
	ok "$where: an RST at rcv_nxt closes the server's end"

	run "$@" in-window
	v=$(verdict)
	case "$v" in "challenge ACK"*) ;; *) fail "$where in-window: verdict '$v'";; esac
	grep -q '"challenge-ack"' "$work/out.json" || fail "$where in-window: no challenge-ack"
	grep -q "sent to the end" "$work/srv" || fail "$where in-window: the transfer broke"
	ok "$where: an RST in the window draws a challenge ACK, the connection survives"
}

check "IPv4, default-offload veth" "$ns_s" "$ns_c" rsrst0 198.51.100.2
check "IPv6, default-offload veth" "$ns_s" "$ns_c" rsrst0 2001:db8:5e7::2
check "IPv4, loopback" "$ns_s" "$ns_s" lo 127.0.0.1
echo "reset-offload: $pass passed"
