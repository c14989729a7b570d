#!/bin/sh
# lab-demo.sh: "rawshake lab demo" runs end to end from a clean state and
# leaves nothing behind, also when interrupted.  Needs root: skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

nothing_left() {
	ip netns list | grep -q rslab- && fail "$1: a lab namespace is left: $(ip netns list)"
	ip link show rslab0 >/dev/null 2>&1 && fail "$1: an rslab0 interface is left"
	nft list tables | grep -q rawshake_ && fail "$1: a rawshake_ table is left"
	[ ! -e /run/rawshake-lab/serve.pid ] || fail "$1: the lab service pid file is left"
	new=$(ls -d /tmp/rawshake-demo.* 2>/dev/null | grep -vxF -f "$work/before" || true)
	[ -z "$new" ] || fail "$1: temporary files left: $new"
}

"$bin" lab down >/dev/null 2>&1 || true
ls -d /tmp/rawshake-demo.* >"$work/before" 2>/dev/null || true
echo /nonexistent >>"$work/before"

st=0
"$bin" lab demo --html "$work/report.html" -Z root >"$work/demo.out" 2>"$work/demo.err" || st=$?
[ "$st" -eq 0 ] || fail "lab demo exited $st: $(cat "$work/demo.err")"
for s in 'lab is up' 'what the server saw' '192.0.2.10.[0-9]* > 192.0.2.20.80: TCP \[SYN\]' \
	 'GET\|len 3[0-9]' 'client → \(FIN_WAIT_2 → \)\{0,1\}TIME_WAIT' 'connection 1: client 192.0.2.10' 'LAST_ACK' \
	 'lab is down'; do
	grep -q -- "$s" "$work/demo.out" || fail "'$s' not in the demo's output"
done
grep -q '192.0.2.10.[0-9]* > 192.0.2.20.80: TCP \[RST' "$work/demo.out" &&
	fail "an RST from the client reached the server"
grep -q 'handshake completed' "$work/demo.err" || fail "connect did not complete: $(cat "$work/demo.err")"
nothing_left "after the demo"
echo "ok: lab demo end to end"

# --html: the report of the same capture, its ladder one arrow (a
# class="seg ..." group) per TCP segment the server saw.
[ -s "$work/report.html" ] || fail "--html: no report"
head -c 15 "$work/report.html" | grep -qi '<!DOCTYPE html' || fail "--html: not HTML"
grep -q '<svg[^>]*class="ladder"' "$work/report.html" || fail "--html: no SVG ladder"
nseg=$(grep -c '^#[0-9]* .* TCP \[' "$work/demo.out")
nsvg=$(grep -o 'class="seg[ "]' "$work/report.html" | wc -l)
[ "$nseg" -ge 10 ] && [ "$nsvg" -eq "$nseg" ] ||
	fail "--html: $nsvg segments in the ladder, $nseg TCP segments seen"
grep -qF "the report: $work/report.html" "$work/demo.out" || fail "--html: the report is not named"
echo "ok: lab demo --html ($nsvg segments in the ladder)"

# Without -Z the report is written as nobody, who may not write in a
# root-only directory: refused with the reason, status 1, nothing left.
st=0
"$bin" lab demo --html "$work/no.html" >"$work/no.out" 2>"$work/no.err" || st=$?
[ "$st" -eq 1 ] || fail "--html into a root-only directory as nobody exited $st"
grep -q 'opened as nobody' "$work/no.err" || fail "--html refusal: $(cat "$work/no.err")"
[ ! -e "$work/no.html" ] || fail "--html: a report was written as nobody in a root-only directory"
nothing_left "after a refused report"
echo "ok: lab demo --html as nobody, refused"

# Interrupted while the connection is held open.
"$bin" lab demo >"$work/int.out" 2>"$work/int.err" &
dpid=$!
i=0
until grep -q 'capturing on' "$work/int.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the demo did not start: $(cat "$work/int.err")"
	sleep 0.05
done
sleep 0.2
kill -INT "$dpid"
st=0
wait "$dpid" || st=$?
dpid=
[ "$st" -ne 0 ] || fail "interrupted demo exited 0"
grep -q 'interrupted' "$work/int.err" || fail "no interruption message: $(cat "$work/int.err")"
nothing_left "after SIGINT"
echo "ok: lab demo interrupted leaves nothing behind"
echo "lab-demo: 4 passed, 0 failed"
