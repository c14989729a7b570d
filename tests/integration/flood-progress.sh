#!/bin/sh
# flood-progress.sh: a flood says what it does while it runs, and the lab's
# stays short unless asked.
#   - flood with standard error on a terminal (a pty): a status line there
#     (packets, rate, elapsed), redrawn once a second and ended with a
#     newline; standard output holds the summary alone.  With standard
#     error not a terminal, or with -q: no status line at all.
#   - lab synflood on a terminal shows the same line (its flood is a
#     rawshake flood on the same terminal); --duration over 60 s is
#     refused without --force (exit 2, the cap named, nothing made) and
#     accepted with it (interrupted once the flood has started).
# Uses the rawshake lab (rslab-*).  Needs root: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip python3 flock timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
cpid=
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

# onpty OUT TTY CMD...: runs CMD with standard error on a new pty (standard
# output to OUT, standard input /dev/null); what the pty showed goes to TTY
# as lines "SECONDS<TAB>TEXT", one per status line drawn ("\r" or "\n"
# ends one), SECONDS since the start.  Exits as CMD.
cat >"$work/onpty.py" <<'EOF'
import os, pty, re, subprocess, sys, time
out, tty, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(out, "wb"), stderr=slave)
os.close(slave)
lines, cur = [], b""
while True:
    try:
        b = os.read(master, 4096)
    except OSError:   # EIO: every holder of the slave has closed it
        break
    if not b:
        break
    for c in b:
        if c in b"\r\n":
            if cur.strip():
                lines.append((time.monotonic() - t0, cur.decode(errors="replace").strip()))
            cur = b""
        else:
            cur += bytes([c])
if cur.strip():
    lines.append((time.monotonic() - t0, cur.decode(errors="replace").strip()))
rc = p.wait()
with open(tty, "w") as f:
    for t, l in lines:
        f.write("%.3f\t%s\n" % (t, l))
sys.exit(rc)
EOF
status_re='sent [0-9]*  rate [0-9]* pps  elapsed [0-9.]* of [0-9.]* s$'

"$bin" lab down >/dev/null 2>&1 || true
"$bin" lab up >/dev/null || fail "lab up"

# 1. flood, standard error on a terminal.
st=0
timeout 30 python3 "$work/onpty.py" "$work/f.out" "$work/f.tty" ip netns exec rslab-client \
	"$bin" flood 192.0.2.20 80 --rate 2000 --duration 3.5 --rand-source || st=$?
[ $st -eq 0 ] || fail "flood on a pty exited $st: $(cat "$work/f.tty")"
n=$(grep -c "$status_re" "$work/f.tty" || true)
# Once a second for 3.5 s: at 1, 2 and 3 s, and the last at the end.
[ "$n" -ge 3 ] && [ "$n" -le 5 ] || fail "$n status lines in 3.5 s (want 3 to 5, once a second): $(cat "$work/f.tty")"
grep -v "$status_re" "$work/f.tty" | grep . && fail "the pty showed more than status lines: $(cat "$work/f.tty")"
# Drawn about a second apart (the last one at the end may come sooner).
awk -F'\t' '{ split($2, w, " "); e[NR] = w[7] } END { for (i = 2; i < NR; i++) if (e[i] - e[i-1] < 0.9 || e[i] - e[i-1] > 1.3) exit 1; exit !(e[NR] >= 3.4) }' \
	"$work/f.tty" || fail "status lines not a second apart, or the last before the end: $(cat "$work/f.tty")"
tail -1 "$work/f.tty" | grep -q 'sent [1-9][0-9]*  rate 1[89][0-9][0-9] pps\|sent [1-9][0-9]*  rate 2[0-9][0-9][0-9] pps' ||
	fail "the last status line: $(tail -1 "$work/f.tty")"
grep -q '^[1-9][0-9]* SYNs sent to 192.0.2.20 port 80 in 3\.[0-9]* s' "$work/f.out" ||
	fail "standard output is not the summary alone: $(cat "$work/f.out")"
[ "$(wc -l <"$work/f.out")" -eq 1 ] || fail "standard output has more than the summary: $(cat "$work/f.out")"
ok "flood on a terminal: $n status lines on standard error, a second apart; the summary alone on standard output"

# 2. Not a terminal, or -q: no status line.
st=0
timeout 30 ip netns exec rslab-client "$bin" flood 192.0.2.20 80 --rate 2000 --duration 1.5 \
	>"$work/n.out" 2>"$work/n.err" || st=$?
[ $st -eq 0 ] || fail "flood exited $st: $(cat "$work/n.err")"
[ ! -s "$work/n.err" ] || fail "standard error not a terminal, yet: $(od -c "$work/n.err" | head -3)"
st=0
timeout 30 python3 "$work/onpty.py" "$work/q.out" "$work/q.tty" ip netns exec rslab-client \
	"$bin" flood -q 192.0.2.20 80 --rate 2000 --duration 1.5 || st=$?
[ $st -eq 0 ] || fail "flood -q exited $st"
[ ! -s "$work/q.tty" ] || fail "flood -q drew on the terminal: $(cat "$work/q.tty")"
ok "no status line when standard error is not a terminal, nor with -q"

# 3. lab synflood on a terminal: its flood's status line.
st=0
timeout 60 python3 "$work/onpty.py" "$work/sf.out" "$work/sf.tty" "$bin" lab synflood --rate 1000 --duration 2.5 || st=$?
[ $st -eq 0 ] || fail "lab synflood on a pty exited $st: $(cat "$work/sf.tty")"
n=$(grep -c "$status_re" "$work/sf.tty" || true)
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "lab synflood: $n status lines in 2.5 s: $(cat "$work/sf.tty")"
grep -q 'flood: [0-9]* SYNs sent' "$work/sf.out" || fail "lab synflood's report: $(cat "$work/sf.out")"
grep -q 'elapsed' "$work/sf.out" && fail "a status line on lab synflood's standard output"
ok "lab synflood on a terminal: $n status lines of its flood"

# 4. The cap.
"$bin" lab down >/dev/null
for d in 120 61s 60001ms; do
	st=0
	"$bin" lab synflood --duration "$d" >"$work/cap.out" 2>"$work/cap.err" || st=$?
	[ $st -eq 2 ] || fail "lab synflood --duration $d exited $st (want 2): $(cat "$work/cap.err")"
	grep -q '^rawshake lab synflood: --duration: at most 60 s without --force' "$work/cap.err" ||
		fail "--duration $d: $(cat "$work/cap.err")"
	[ ! -s "$work/cap.out" ] || fail "--duration $d printed: $(cat "$work/cap.out")"
	ip netns list | grep -q rslab- && fail "a refused lab synflood made the lab: $(ip netns list)"
done
"$bin" lab synflood --duration 120 --force >"$work/force.out" 2>"$work/force.err" &
cpid=$!
i=0
until grep -q 'flood from' "$work/force.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "lab synflood --force did not start: $(cat "$work/force.err")"
	sleep 0.05
done
grep -q -- '--duration 120.000$' "$work/force.out" || fail "not a 120 s flood: $(grep 'flood from' "$work/force.out")"
sleep 1.5
kill -INT "$cpid"
st=0
wait "$cpid" || st=$?
cpid=
[ $st -eq 1 ] || fail "interrupted lab synflood exited $st"
grep -q interrupted "$work/force.err" || fail "no interruption message: $(cat "$work/force.err")"
ip netns list | grep -q rslab- && fail "the interrupted lab synflood left the lab: $(ip netns list)"
ok "lab synflood --duration over 60 s: refused (exit 2) without --force, accepted with it"

echo "flood-progress: $pass passed"
