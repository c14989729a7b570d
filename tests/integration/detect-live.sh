#!/bin/bash
# detect-live.sh: "rawshake detect -i" in a lab server namespace raises a
# syn-flood alert while a random-source flood runs and ends it after (with
# nothing more sent), runs as nobody, and on SIGINT prints the capture
# statistics and exits 3.  Own namespaces rsdet-live-cli / rsdet-live-srv
# (192.0.2.1 / 192.0.2.2), flood sources in 198.51.100.0/24 and
# 203.0.113.0/24, 400 SYN/s for 3 s.  Needs root: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip python3 flock; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
srcdir=$(cd "${srcdir:-.}" && pwd)
bin=$(pwd)/rawshake
LAB_PREFIX=rsdet-live-
LAB_SCRIPTS=$srcdir/scripts
LAB_TMP=$(mktemp -d /tmp/rsdet-live.XXXXXX)
. "$srcdir/scripts/lab-lib.sh"
exec 9>/tmp/rsdet-live.lock
flock 9
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
	lab_down
	rm -rf "$LAB_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; [ -f "$LAB_TMP/err" ] && cat "$LAB_TMP/err"; exit 1; }
now() { date +%s.%N; }

lab_up
ip -n "$LAB_SRV" route add 198.51.100.0/24 via "$LAB_CLI4"
ip -n "$LAB_SRV" route add 203.0.113.0/24 via "$LAB_CLI4"
lab_bg "$LAB_SRV" python3 "$srcdir/scripts/detect-traffic.py" serve --ports 80 --ready "$LAB_TMP/ready"
lab_wait_file "$LAB_TMP/ready" 5

ip netns exec "$LAB_SRV" "$bin" detect -i veth --format json >"$LAB_TMP/out" 2>"$LAB_TMP/err" &
dpid=$!
i=0
while ! grep -q listening "$LAB_TMP/err" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "detect did not start"
	sleep 0.05
done
uid=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$dpid/status")
[ "$uid" = "65534 65534 65534 65534" ] || fail "detect still runs with uids '$uid' (want nobody)"

# A few completing handshakes first: no alert for them.
lab_in "$LAB_CLI" python3 "$srcdir/scripts/detect-traffic.py" clients --host "$LAB_SRV4" --port 80 \
	--rate 50 --duration 1 --threads 2
sleep 0.5
grep -q '"type":"alert"' "$LAB_TMP/out" && fail "alert for benign traffic: $(cat "$LAB_TMP/out")"

t0=$(now)
if "$bin" send --help 2>&1 | grep -q -- --rand-source; then
	common="--dport 80 --rand-seq --sport 1024 --sport-step 7 --rate 200 --duration 3 --no-listen -q"
	lab_in "$LAB_CLI" "$bin" send tcp "$LAB_SRV4" $common --rand-source=198.51.100.0/24 >/dev/null &
	spid=$!
	lab_in "$LAB_CLI" "$bin" send tcp "$LAB_SRV4" $common --rand-source=203.0.113.0/24 >/dev/null
	wait $spid
else
	lab_in "$LAB_CLI" python3 "$srcdir/scripts/detect-traffic.py" flood --dst "$LAB_SRV4" --port 80 \
		--rate 400 --duration 3 --src-cidr 198.51.100.0/24 --src-cidr 203.0.113.0/24
fi
t1=$(now)

# The start was printed while the flood ran.
start=$(grep '"phase":"start"' "$LAB_TMP/out" | head -1)
[ -n "$start" ] || fail "no start line during the flood: $(cat "$LAB_TMP/out")"
ts=$(echo "$start" | sed 's/.*"ts":"\([0-9.]*\)".*/\1/')
awk -v s="$ts" -v a="$t0" -v b="$t1" 'BEGIN { exit !(s >= a && s <= b) }' ||
	fail "start at $ts, not between $t0 and $t1"
echo "$start" | grep -q '"victim":"192.0.2.2","port":80' || fail "wrong victim: $start"
echo "$start" | grep -q '"spoofed":true' || fail "not marked spoofed: $start"
grep -q '"phase":"end"' "$LAB_TMP/out" && fail "ended during the flood: $(cat "$LAB_TMP/out")"

# The end comes after, with nothing more sent (the idle clock moves it on).
i=0
while ! grep -q '"phase":"end"' "$LAB_TMP/out"; do
	i=$((i + 1)); [ $i -lt 160 ] || fail "no end line 8 s after the flood: $(cat "$LAB_TMP/out")"
	sleep 0.05
done
end=$(grep '"phase":"end"' "$LAB_TMP/out")
te=$(echo "$end" | sed 's/.*"ts":"\([0-9.]*\)".*/\1/')
awk -v e="$te" -v b="$t1" 'BEGIN { exit !(e >= b - 0.5 && e <= b + 6) }' ||
	fail "end at $te, flood ended at $t1"

kill -INT "$dpid"
rc=0
wait "$dpid" || rc=$?
dpid=
[ $rc -eq 3 ] || fail "exit status $rc after an alert (want 3)"
grep -q "packets dropped by kernel" "$LAB_TMP/err" || fail "no capture statistics"
grep -q '"type":"stats"' "$LAB_TMP/out" || fail "no statistics line"
echo "ok: start $(awk -v s="$ts" -v a="$t0" 'BEGIN{printf "%.2f", s - a}') s into the flood, end $(awk -v e="$te" -v b="$t1" 'BEGIN{printf "%.2f", e - b}') s after it"
