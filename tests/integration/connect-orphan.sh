#!/bin/sh
# connect-orphan.sh: an RST guard belongs to a process that still runs,
# and a connect never runs on without its guard's owner.  In a namespace
# of its own, two connects (A and B) hold connections to a listener on
# loopback; A's supervisor is killed with SIGKILL:
#   - A's worker must be gone within a second (it dies with its parent);
#   - A's table is left (nobody could remove it), and the next connect's
#     sweep removes it and keeps B's, whose connection then closes with
#     FIN as if nothing had happened.
# Then tables made by hand for live processes: one whose comment gives
# another start time than its pid's process has (the pid was reused) is
# swept; one with the right start time, and one without a comment (an
# older rawshake's), are kept.  Needs root: skipped (77) otherwise.
. "$(dirname "$0")/connect-lib.sh"

L=rscor-$$
new_ns "$L"

# The listener: every connection read to its end in a thread of its own;
# "PORT BYTES" appended to OUT when the client's FIN comes.
cat >"$work/hold.py" <<'EOF'
import socket, sys, threading
out, ready = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080))
s.listen(8)
s.settimeout(25)
open(ready, "w").close()
lock = threading.Lock()
def serve(c, peer):
    c.settimeout(20)
    got = b""
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            got += b
    except OSError:
        return
    with lock, open(out, "a") as f:
        f.write("%d %s\n" % (peer[1], got.decode()))
    c.close()
while True:
    try:
        c, peer = s.accept()
    except OSError:
        break
    threading.Thread(target=serve, args=(c, peer), daemon=True).start()
EOF
ip netns exec "$L" timeout 30 python3 "$work/hold.py" "$work/got" "$work/ready" 2>"$work/server.err" &
pids="$pids $!"
i=0
until [ -e "$work/ready" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the listener did not start: $(cat "$work/server.err")"; sleep 0.05
done

tables() { ip netns exec "$L" nft list tables | sed -n 's/^table inet \(rawshake_[0-9]*\)$/\1/p' | sort; }
# alive PID: true while PID runs (a zombie has ended).
alive() { [ -e "/proc/$1" ] && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }

# start_connect TAG HOLD: a connect whose supervisor's pid goes to $work/TAG.pid.
start_connect() {
	ip netns exec "$L" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$work/$1.pid" \
		timeout 30 "$bin" connect -q --hold "$2" --data "$1" 127.0.0.1 8080 \
		>"$work/$1.out" 2>"$work/$1.err" &
	pids="$pids $!"
}
start_connect A 10
start_connect B 4
# Both established, each with its guard: their workers are up.
i=0
until [ -s "$work/A.pid" ] && [ -s "$work/B.pid" ] && grep -q 'nft table' "$work/A.err" 2>/dev/null &&
      grep -q 'nft table' "$work/B.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the connects did not start: $(cat "$work/A.err" "$work/B.err")"
	sleep 0.05
done
# The supervisor is timeout's child: timeout execs nothing, it forks.
supA=$(pgrep -P "$(cat "$work/A.pid")" -x rawshake || true)
supB=$(pgrep -P "$(cat "$work/B.pid")" -x rawshake || true)
workerA=$(pgrep -P "$supA" -x rawshake || true)
[ -n "$supA" ] && [ -n "$supB" ] && [ -n "$workerA" ] || fail "no supervisor or worker found ($supA $supB $workerA)"
[ "$(tables)" = "$(printf 'rawshake_%s\nrawshake_%s\n' "$supA" "$supB" | sort)" ] ||
	fail "tables are not A's and B's: $(tables)"
sleep 0.5
kill -KILL "$supA"
t0=$(date +%s%N)
i=0
while alive "$workerA"; do
	i=$((i + 1)); [ $i -lt 20 ] || fail "A's worker $workerA still runs 1 s after its supervisor was killed: $(ps -o pid,ppid,stat,args -p "$workerA" | tail -1)"
	sleep 0.05
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
tables | grep -qx "rawshake_$supA" || fail "A's table is gone before any sweep: $(tables)"
ok "supervisor killed with SIGKILL: its worker gone after $ms ms, its table left"

# The next run (to a closed port: quickly refused) sweeps before it starts.
st=0
ip netns exec "$L" timeout 20 "$bin" connect -q 127.0.0.1 9 >"$work/C.out" 2>"$work/C.err" || st=$?
[ "$st" -eq 1 ] || fail "connect to a closed port exited $st: $(cat "$work/C.err")"
grep -q "removed the stale RST guard inet rawshake_$supA (process $supA is gone)" "$work/C.err" ||
	fail "A's table not swept: $(cat "$work/C.err")"
grep -q "rawshake_$supB" "$work/C.err" && fail "the sweep named B's table: $(cat "$work/C.err")"
[ "$(tables)" = "rawshake_$supB" ] || fail "after the sweep: $(tables) (want B's alone)"
ok "the next run's sweep removed A's table and kept B's (its owner still runs)"

st=0
wait_for_b=0
while alive "$supB"; do
	wait_for_b=$((wait_for_b + 1)); [ $wait_for_b -lt 200 ] || fail "B did not end"; sleep 0.05
done
tail -1 "$work/B.err" | grep -q 'handshake completed, 1 of 1 bytes acknowledged, .*closed with FIN$' ||
	fail "B: last line: $(tail -1 "$work/B.err")"
grep -q ' B$' "$work/got" || fail "the listener did not get B's data and FIN: $(cat "$work/got" 2>/dev/null)"
[ -z "$(tables)" ] || fail "tables left after B: $(tables)"
ok "B's connection closed with FIN, its table removed by B itself"

# Tables of live pids, made by hand.
sleep 30 &
s1=$!
sleep 30 &
s2=$!
sleep 30 &
s3=$!
pids="$pids $s1 $s2 $s3"
start_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
mk() {  # pid [comment]
	if [ $# -gt 1 ]; then c="comment \"$2\";"; else c=; fi
	ip netns exec "$L" nft -f - <<EOF
table inet rawshake_$1 {
	$c
	chain output { type filter hook output priority 0; policy accept; }
}
EOF
}
mk "$s1" "rawshake connect: owner started at tick $(( $(start_of "$s1") + 7 ))"
mk "$s2" "rawshake connect: owner started at tick $(start_of "$s2")"
mk "$s3"
st=0
ip netns exec "$L" "$bin" connect --cleanup-guards 2>"$work/sweep.err" || st=$?
[ "$st" -eq 0 ] || fail "--cleanup-guards exited $st: $(cat "$work/sweep.err")"
grep -q "removed the stale RST guard inet rawshake_$s1 (process $s1 is another one now" "$work/sweep.err" ||
	fail "the table of a reused pid was not swept: $(cat "$work/sweep.err")"
grep -q '1 stale RST guard removed' "$work/sweep.err" || fail "$(cat "$work/sweep.err")"
[ "$(tables)" = "$(printf 'rawshake_%s\nrawshake_%s\n' "$s2" "$s3" | sort)" ] ||
	fail "after --cleanup-guards: $(tables) (want $s2's and $s3's)"
ok "a reused pid's table swept; a live owner's (with or without its start time) kept"

echo "connect-orphan: $pass passed"
