#!/bin/sh
# reset.sh: "rawshake reset" in the lab.  The server sends 1000 bytes
# every 50 ms for 3 s; from the client host, reset watches and injects an
# RST toward the server with each --seq kind: out-of-window is ignored
# (the transfer completes, no challenge ACK), in-window draws the server's
# challenge ACK (RFC 5961) and the transfer completes, exact closes (the
# server's send fails, the transfer stops short).  IPv4 and IPv6.  Uses the
# rawshake lab (rslab-*) under the lab lock.  Needs root: skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip flock timeout python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
cleanup() {
	# Under set -e a false test here would end the trap, and the test,
	# with status 1 before the lab is down.
	ip netns pids rslab-server 2>/dev/null | while read -r p; do
		if [ "$(cat /proc/$p/comm 2>/dev/null)" = python3 ]; then
			kill "$p" 2>/dev/null || true
		fi
	done || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

. "$(dirname "$0")/reset-peers.sh"
reset_peers "$work"

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >/dev/null || fail "lab up"

run() {   # FAMILY-ADDRESS KIND: server, reset, client; outputs in $work
	ip netns exec rslab-server timeout 10 python3 "$work/srv.py" "$1" >"$work/srv" 2>&1 &
	sp=$!
	sleep 0.3
	ip netns exec rslab-client timeout 15 "$bin" reset -i rslab0 --seq "$2" --format json \
		"tcp port 9000" >"$work/out.json" 2>"$work/err" &
	rp=$!
	sleep 0.3
	ip netns exec rslab-client timeout 10 python3 "$work/cli.py" "$1" >"$work/cli" 2>&1 || true
	wait "$rp" || fail "reset --seq $2 to $1: status $? ($(cat "$work/err"))"
	wait "$sp" || true
	grep -q '"injected":true' "$work/out.json" || fail "$2: no packet marked injected"
}
verdict() { grep '"type":"reset"' "$work/out.json" | sed 's/.*"verdict":"\([^"]*\)".*/\1/'; }

for addr in 192.0.2.20 2001:db8::20; do
	run "$addr" out-of-window
	v=$(verdict)
	case "$v" in ignored*) ;; *) fail "$addr out-of-window: verdict '$v'";; esac
	grep -q "sent to the end" "$work/srv" || fail "$addr out-of-window: the transfer broke"
	grep -q '"challenge-ack"' "$work/out.json" && fail "$addr out-of-window: a challenge ACK"
	ok "$addr: an RST beyond the window is ignored"

	run "$addr" in-window
	v=$(verdict)
	case "$v" in "challenge ACK"*) ;; *) fail "$addr in-window: verdict '$v'";; esac
	grep -q '"rst-challenge-expected"' "$work/out.json" || fail "$addr in-window: not named"
	grep -q '"challenge-ack"' "$work/out.json" || fail "$addr in-window: no challenge-ack"
	grep -q "sent to the end" "$work/srv" || fail "$addr in-window: the transfer broke"
	ok "$addr: an RST in the window draws a challenge ACK, the connection survives"

	run "$addr" exact
	v=$(verdict)
	case "$v" in closed*) ;; *) fail "$addr exact: verdict '$v'";; esac
	grep -q "send failed" "$work/srv" || fail "$addr exact: the server kept sending ($(cat "$work/srv"))"
	ok "$addr: an RST at rcv_nxt closes the server's end"
done

echo "reset: $pass passed"
