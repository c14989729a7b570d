#!/bin/sh
# read-threads.sh: read -q on two threads (view_pipe.c) gives what one
# thread gives, byte for byte, and is used when it should be.
#   - every capture of pcaps/ in every summary format (text, JSON, zeek,
#     zeek-json, --zeek-compat, the count alone, -c, --since): standard
#     output, standard error and exit status of RAWSHAKE_THREADS=2 against
#     RAWSHAKE_THREADS=1; the larger ones wrap the ring many times;
#   - all of pcaps/ in one run (the worker carries over from file to file);
#   - a file cut short: the rows before the complaint, the complaint, the
#     status; a gzip'd file (the reader's buffer reused at once);
#   - the output closed early: ends at once, the same status;
#   - two threads while reading with -q, one with RAWSHAKE_THREADS=1 or
#     when packets are printed (counted in /proc while it waits on a pipe);
#   - as root (the sandboxed path: the worker enters the sandbox itself)
#     and as nobody.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
pcaps=$(cd "$srcdir/pcaps" && pwd)
work=$(mktemp -d)
sleeper=
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"
pass=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
cd "$work"

# run THREADS ARGS...: output, errors and status in one file
run() {
	t=$1
	shift
	set +e
	RAWSHAKE_THREADS=$t "$bin" read "$@" >out.$t 2>err.$t
	echo "status $?" >>err.$t
	set -e
	cat out.$t err.$t >all.$t
}
same() {   # ARGS...: both ways alike
	run 1 "$@"
	run 2 "$@"
	cmp -s all.1 all.2 || { diff all.1 all.2 | head -20; fail "threads differ: read $*"; }
}

n=0
for f in "$pcaps"/*; do
	case $f in *.pcap|*.pcapng|*.gz) ;; *) continue;; esac
	for args in "-q --summary" "-q --summary --format json" "-q --format zeek" \
		"-q --format zeek-json" "-q --format zeek --zeek-compat" "-q" \
		"-q --summary -c 3" "-q --format zeek -c 50" "-q --summary --since 1"; do
		# shellcheck disable=SC2086
		same $args "$f"
		n=$((n + 1))
	done
done
ok "$n runs over pcaps/: two threads give what one gives"

# shellcheck disable=SC2046
same -q --summary $(ls "$pcaps"/*.pcap)
[ "$(grep -c '^ *[0-9]' out.2)" -gt 1000 ] || fail "all of pcaps/ gave few rows"
ok "all of pcaps/ in one run"

big=$pcaps/detect-flood-ports.pcap
size=$(wc -c <"$big")
head -c $((size * 2 / 3)) "$big" >cut.pcap
same -q --summary cut.pcap
grep -q 'file is truncated after frame' err.2 || fail "no complaint about the cut file"
grep -q 'status 1' err.2 || fail "a cut file's status is not 1"
gzip -c "$big" >big.pcap.gz
same -q --format zeek big.pcap.gz
ok "a cut file and a gzip'd file"

for t in 1 2; do
	set +e
	RAWSHAKE_THREADS=$t timeout 60 "$bin" read -q --summary "$big" "$big" "$big" 2>err.$t | head -n 2 >out.$t
	echo "status $?" >>err.$t
	set -e
done
cmp -s out.1 out.2 || fail "early close: different rows"
[ "$(wc -l <out.2)" = 2 ] || fail "early close: not 2 rows"
ok "output closed early"

# threads NAME EXPECTED ARGS...: the thread count of read waiting on a pipe
threads() {
	name=$1 want=$2
	shift 2
	mkfifo fifo.$name
	"$@" <fifo.$name >/dev/null 2>&1 &
	pid=$!
	sleep 600 >fifo.$name &
	sleeper=$!
	got=0
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		got=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
		[ "$got" = "$want" ] && break
		sleep 0.1
	done
	kill "$sleeper" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	sleeper=
	[ "$got" = "$want" ] || fail "$name: $got threads, not $want"
}
threads quiet 2 env RAWSHAKE_THREADS=2 "$bin" read -q --summary -
threads one 1 env RAWSHAKE_THREADS=1 "$bin" read -q --summary -
threads printed 1 env RAWSHAKE_THREADS=2 "$bin" read -
threads written 1 env RAWSHAKE_THREADS=2 "$bin" read -q -w "$work/w.pcap" -
ok "two threads with -q, one with RAWSHAKE_THREADS=1, when printing or writing"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	for t in 1 2; do
		RAWSHAKE_THREADS=$t "$bin" read -Z nobody -q --format zeek "$big" >z.$t
	done
	cmp -s z.1 z.2 || fail "as nobody: threads differ"
	ok "as root, reading as nobody"
fi
echo "read-threads: $pass passed"
