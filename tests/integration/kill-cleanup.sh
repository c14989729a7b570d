#!/bin/sh
# kill-cleanup.sh: everything connect and lab change in the system is
# removed on every way out.  KILL_ITERATIONS times (default 30) one of
#   lab up, lab demo, lab synflood (lab down before), connect from the
#   lab client to 192.0.2.20 port 80 --hold 1, lab synflood (lab up before),
#   lab arpspoof (its third host, a macvlan, removed as well), lab reset
#   (lab up before: its reset and client processes ended), lab old-syn
#   (lab down before)
# is started and, after a pseudo-random delay of 0 to 1.5 s (0 to 0.3 s
# for lab up, which is quick; KILL_SEED,
# default 7, printed, so that a failure can be replayed), sent SIGINT or
# SIGTERM (in turn).  Once it has exited (within 20 s) nothing it made may
# be left:
#   - no process of its session (each run is its own session), no
#     rawshake_* nft table in this namespace or in the lab's;
#   - with the lab down before: no rslab-* namespace, no service, no
#     /run/rawshake-lab; except a 'lab up' that exited 0 (the signal came
#     after its last step): then the lab must be complete.  A killed
#     'lab up' may never leave a lab that 'lab status' calls incomplete;
#   - with the lab up before: the lab still up, no process in it but the
#     service, its routes as they were;
#   - never a veth (or any rslab interface) in this namespace.
# KILL_KEEP_GOING=1 reports every run that left something and goes on.
# Needs root: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft setsid pgrep; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
iterations=${KILL_ITERATIONS:-30}
seed=${KILL_SEED:-7}
env --default-signal=INT true 2>/dev/null || { echo "SKIP: env has no --default-signal (coreutils 8.31)"; exit 77; }
# Lab tests share the lab's names: one at a time, even under make -j.
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
run=
cleanup() {
	[ -z "$run" ] || pkill -KILL -s "$run" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "FAIL: iteration $i ($what, signal $sig after $delay ms; KILL_SEED=$seed): $*"
	exit 1
}

# A linear congruential generator, so that the delays repeat with the seed.
rng=$seed
next_delay() {
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	delay=$(( (rng / 65536) % 1501 ))
}

guards_left() {  # where ("" for this namespace)
	if [ -z "$1" ]; then
		nft list tables 2>/dev/null | grep 'rawshake_' || true
	else
		ip netns exec "$1" nft list tables 2>/dev/null | grep 'rawshake_' || true
	fi
}

ns_pids() {  # namespace: the processes in it
	ip netns pids "$1" 2>/dev/null | tr '\n' ' '
}
describe() {  # pids: what they are
	for p in "$@"; do ps -o pid=,ppid=,sid=,stat=,args= -p "$p" 2>/dev/null || echo "$p (gone)"; done | tr '\n' ';'
}

routes() {
	for ns in rslab-client rslab-server; do
		ip -n "$ns" route show
		ip -n "$ns" -6 route show
	done
}

# The live processes of the run's session (a zombie holds nothing; init
# reaps it).
session_left() {
	for p in $(pgrep -s "$run" 2>/dev/null || true); do
		[ "$(ps -o stat= -p "$p" | cut -c1)" = Z ] || printf '%s ' "$p"
	done
}

check_common() {
	left=$(session_left)
	[ -z "$left" ] || fail "processes of its session still run: $(describe $left)"
	t=$(guards_left "")
	[ -z "$t" ] || fail "nft table left in this namespace: $t"
	v=$(ip -o link show | grep -E 'rslab|veth' || true)
	[ -z "$v" ] || fail "interface left in this namespace: $v"
}

check_down() {
	ns=$(ip netns list | grep rslab || true)
	[ -z "$ns" ] || fail "namespaces left: $ns ($("$bin" lab status | tail -1))"
	[ ! -e /run/rawshake-lab ] || fail "/run/rawshake-lab left: $(ls -l /run/rawshake-lab)"
	s=$(pgrep -f "$bin lab serve" || true)
	[ -z "$s" ] || fail "lab service left: $s"
}

check_up() {
	"$bin" lab status >"$work/status" || fail "the lab is no longer complete: $(cat "$work/status")"
	for ns in rslab-client rslab-server; do
		t=$(guards_left "$ns")
		[ -z "$t" ] || fail "nft table left in $ns: $t"
	done
	p=$(ns_pids rslab-client)
	[ -z "$p" ] || fail "processes left in rslab-client: $(describe $p)"
	serve=$(cat /run/rawshake-lab/serve.pid)
	p=$(ns_pids rslab-server)
	[ "$p" = "$serve " ] || fail "processes in rslab-server besides the service ($serve): $(describe $p)"
	routes >"$work/routes.now"
	cmp -s "$work/routes.base" "$work/routes.now" ||
		fail "routes changed: $(diff "$work/routes.base" "$work/routes.now" | tr '\n' ' ')"
}

lab_up() {
	"$bin" lab up >/dev/null || { echo "FAIL: lab up"; exit 1; }
}
lab_down() {
	"$bin" lab down >/dev/null || { echo "FAIL: lab down"; exit 1; }
}

# The routes of a fresh lab, to compare with.
"$bin" lab down >/dev/null 2>&1 || true
lab_up
routes >"$work/routes.base"
lab_down

echo "KILL_SEED=$seed, $iterations iterations"
start=$(date +%s)
i=0
killed=0
failures=0
while [ "$i" -lt "$iterations" ]; do
	i=$((i + 1))
	next_delay
	if [ $((i % 2)) -eq 1 ]; then sig=INT; else sig=TERM; fi
	case $((i % 8)) in
	# lab up takes 50 to 300 ms: a fifth of the delay, to land inside it.
	1) what="lab up"; before=down; delay=$((delay / 5)); set -- lab up ;;
	2) what="lab demo"; before=down; set -- lab demo ;;
	3) what="connect"; before=up
	   set -- lab exec client "$bin" connect -q --hold 1 192.0.2.20 80 ;;
	4) what="lab synflood (from down)"; before=down; set -- lab synflood --rate 500 --duration 2 ;;
	0) what="lab synflood (from up)"; before=up; set -- lab synflood --rate 500 --duration 2 ;;
	5) what="lab arpspoof"; before=up; set -- lab arpspoof ;;
	6) what="lab reset"; before=up; set -- lab reset ;;
	7) what="lab old-syn"; before=down; set -- lab old-syn ;;
	esac
	if [ "$before" = up ]; then lab_up; else lab_down; fi

	# Its own session (setsid execs: a background job is no group leader),
	# so that every process it starts can be found; SIGINT back to its
	# default, which sh sets to 'ignored' for a background job.
	env --default-signal=INT setsid "$bin" "$@" >"$work/out" 2>"$work/err" &
	run=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	if kill -"$sig" "$run" 2>/dev/null; then
		sent=yes
		killed=$((killed + 1))
	else
		sent="no (it had ended)"
	fi
	n=0
	while kill -0 "$run" 2>/dev/null && [ "$(ps -o stat= -p "$run" | cut -c1)" != Z ]; do
		n=$((n + 1))
		[ $n -lt 400 ] || { pkill -KILL -s "$run" || true; fail "did not exit within 20 s"; }
		sleep 0.05
	done
	st=0
	wait "$run" || st=$?
	echo "iteration $i: $what, SIG$sig after $delay ms (sent: $sent), exit $st"
	# Its children are waited for before it exits; give a straggler a moment.
	n=0
	while [ -n "$(session_left)" ] && [ $n -lt 20 ]; do n=$((n + 1)); sleep 0.05; done
	# The checks run in a subshell: fail() ends it, and with
	# KILL_KEEP_GOING=1 the next iteration starts from a clean state.
	if ! (
		check_common
		if [ "$before" = up ]; then
			check_up
		elif [ "$what" = "lab up" ] && [ "$st" -eq 0 ]; then
			"$bin" lab status >"$work/status" ||
				fail "lab up exited 0 but the lab is not complete: $(cat "$work/status")"
		else
			if "$bin" lab status >"$work/status" 2>&1; then :; fi
			grep -q "lab is down" "$work/status" ||
				fail "the lab is not down: $(tr '\n' ' ' <"$work/status") -- stderr: $(tr '\n' ' ' <"$work/err")"
			check_down
		fi
	); then
		failures=$((failures + 1))
		[ "${KILL_KEEP_GOING:-0}" = 1 ] || exit 1
		pkill -KILL -s "$run" 2>/dev/null || true
		for ns in "" rslab-client rslab-server; do
			guards_left "$ns" | sed -n 's/^table inet \(rawshake_[0-9]*\)$/\1/p' | while read -r t; do
				if [ -z "$ns" ]; then nft delete table inet "$t"; else ip netns exec "$ns" nft delete table inet "$t"; fi
			done
		done
		"$bin" lab down >/dev/null 2>&1 || true
		pkill -KILL -f "$bin lab serve" 2>/dev/null || true
		rm -rf /run/rawshake-lab
	fi
	run=
done
lab_down
check_down
[ "$failures" -eq 0 ] || { echo "FAIL: $failures of $iterations runs left something behind (KILL_SEED=$seed)"; exit 1; }
echo "PASS: kill-cleanup: $iterations runs ($killed interrupted) in $(( $(date +%s) - start )) s, nothing left"
