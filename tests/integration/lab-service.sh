#!/bin/sh
# lab-service.sh: the lab's pid file is not trusted.  Its pid may be any
# process's by now (a stale file, the pid reused), so:
#   - a pid file naming an unrelated sleep of this namespace: lab status
#     does not call the service running, lab down leaves the sleep alone
#     (with the lab up, and with only the pid file left);
#   - the service killed (SIGKILL, so its pid file stays): lab status says
#     not running and exits 1, and lab up rebuilds the lab;
#   - a pid file naming a process in rslab-server that is not the service
#     (a sleep), and one that looks like it (its arguments 'lab serve', its
#     own executable) but listens on nothing: not running;
#   - otherwise 'service running' only while TCP 80, 7 and 19 are listened on.
# Needs root: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip flock timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
chmod 755 "$work"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
pidfile=/run/rawshake-lab/serve.pid
alive() { [ -e "/proc/$1" ] && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }

# status_says WHAT EXIT LABEL: lab status exits EXIT and its service line matches WHAT.
status_says() {
	st=0
	"$bin" lab status >"$work/status" 2>&1 || st=$?
	line=$(grep '^service ' "$work/status" || true)
	[ "$st" -eq "$2" ] || fail "$3: lab status exited $st, want $2: $(tr '\n' '|' <"$work/status")"
	printf '%s\n' "$line" | grep -q -- "$1" || fail "$3: lab status says '$line', want '$1'"
}

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >/dev/null || fail "lab up"
status_says '^service running (pid [0-9]*): TCP 80 HTTP, TCP 7 echo, TCP 19 chargen$' 0 "a fresh lab"
serve=$(cat "$pidfile")

# 1. The service killed: its pid file stays, naming a dead process.
kill -KILL "$serve"
i=0
while alive "$serve"; do i=$((i + 1)); [ $i -lt 100 ] || fail "the service did not die"; sleep 0.02; done
[ -e "$pidfile" ] || fail "the pid file went with the service"
status_says "^service not running (process $serve of the pid file has ended)$" 1 "service killed"
grep -q '^lab is incomplete$' "$work/status" || fail "service killed: $(tail -1 "$work/status")"

# 2. ...and its pid taken by an unrelated process of this namespace.
sleep 60 &
victim=$!
pids="$pids $victim"
echo "$victim" >"$pidfile"
status_says "^service not running (the pid file names process $victim, which is not the lab's service: it is not in rslab-server)$" 1 "pid reused by a sleep outside the lab"
"$bin" lab down >"$work/down" 2>&1 || fail "lab down: $(cat "$work/down")"
alive "$victim" || fail "lab down killed process $victim, a sleep outside the lab named by the stale pid file"
grep -q "the pid file names process $victim, which is not the lab's service (it is not in rslab-server): left alone" "$work/down" ||
	fail "lab down did not say why it left $victim alone: $(cat "$work/down")"
grep -q '^lab is down$' "$work/down" || fail "lab down: $(cat "$work/down")"
ok "a stale pid file naming a sleep outside the lab: status says not running, lab down leaves the sleep alive"

# 3. Only the pid file is left (the lab is down): the same.
mkdir -p /run/rawshake-lab
echo "$victim" >"$pidfile"
status_says "not running (the pid file names process $victim" 1 "a lone stale pid file"
grep -q '^lab is incomplete$' "$work/status" || fail "a lone pid file: $(tail -1 "$work/status")"
"$bin" lab down >"$work/down" 2>&1 || fail "lab down: $(cat "$work/down")"
alive "$victim" || fail "lab down (lab down before) killed process $victim"
[ ! -e /run/rawshake-lab ] || fail "lab down left /run/rawshake-lab"
status_says '^service not running (no pid file)$' 1 "after lab down"
grep -q '^lab is down$' "$work/status" || fail "after lab down: $(tail -1 "$work/status")"
ok "a lone stale pid file: lab status says incomplete, lab down removes it and leaves the sleep alive"

# 4. lab up over a killed service rebuilds the lab.
"$bin" lab up >/dev/null || fail "lab up"
kill -KILL "$(cat "$pidfile")"
sleep 0.2
"$bin" lab up >"$work/up" 2>&1 || fail "lab up over a killed service: $(cat "$work/up")"
grep -q 'lab is incomplete: rebuilding it' "$work/up" || fail "lab up did not rebuild: $(cat "$work/up")"
status_says '^service running' 0 "rebuilt"
ok "lab status says not running once the service is killed, and lab up rebuilds the lab"

# 5. A process in rslab-server that is not the service.
"$bin" lab exec server sleep 60 &
pids="$pids $!"
i=0
until s=$(ip netns pids rslab-server | while read -r p; do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]; then echo "$p"; fi; done) && [ -n "$s" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no sleep in rslab-server"; sleep 0.05
done
serve=$(cat "$pidfile")
echo "$s" >"$pidfile"
status_says "not running (the pid file names process $s, which is not the lab's service: it runs 'sleep ...', not 'rawshake lab serve')" 1 "a sleep in the lab"

# 6. One that looks like the service (in rslab-server, arguments 'lab
# serve', running its own executable) but listens on nothing: sh running
# the script ./lab with the argument serve.
kill -KILL "$serve"
printf 'sleep 60\n' >"$work/lab"
(cd "$work" && exec "$bin" lab exec server /bin/sh lab serve) &
pids="$pids $!"
i=0
fake=
until [ -n "$fake" ]; do
	fake=$(ip netns pids rslab-server | while read -r p; do
		if [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "/bin/sh lab serve " ]; then echo "$p"; fi
	done)
	i=$((i + 1)); [ $i -lt 100 ] || fail "no fake service in rslab-server"; sleep 0.05
done
echo "$fake" >"$pidfile"
status_says "^service not running (process $fake, the lab's service, does not listen on TCP 80, 7 and 19)$" 1 "a service listening on nothing"
"$bin" lab down >/dev/null || fail "lab down"
alive "$fake" && fail "lab down left process $fake in rslab-server"
ok "a pid file naming a process in the lab that is not the service, or one that listens on nothing: not running"

echo "lab-service: $pass passed"
