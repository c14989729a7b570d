#!/bin/sh
# read-privdrop.sh: read and detect -r need no privilege, so run as root
# they open their files and drop to nobody (or -Z USER) before the first
# byte of a capture is parsed.
#  - a capture only root may read (mode 600) is still read: opened first;
#  - while read (then detect -r) waits for the bytes of a FIFO, its
#    /proc/PID/status shows uid 65534 and no effective capability;
#  - -Z root keeps uid 0; -Z with an unknown user is refused (exit 2).
# Needs root and user nobody: skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
pcap=$srcdir/pcaps/handshake-v4.pcap
work=$(mktemp -d)
rpid=
cleanup() {
	[ -z "$rpid" ] || kill "$rpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# 1. A root-only file.
cp "$pcap" "$work/secret.pcap"
chmod 600 "$work/secret.pcap"
out=$("$bin" read -q "$work/secret.pcap") || fail "read of a mode-600 file as root failed"
[ "$out" = "11 packets" ] || fail "read of a mode-600 file printed '$out'"
ok "a mode-600 capture is read (opened before the drop)"

# The four uids and effective capabilities of PID once it blocks reading
# its FIFO with uid WANT: "RUID EUID SUID FSUID CAPEFF".  (Blocked with
# another uid is sampled again: it may be a moment before the drop; a
# drop that never comes ends in the timeout, reported with the uids.)
ids_while_reading() {
	pid=$1 want=$2
	i=0
	while :; do
		state=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
		uid=$(awk '/^Uid:/{print $2, $3, $4, $5}' "/proc/$pid/status" 2>/dev/null || true)
		[ "$state" = S ] && [ "${uid%% *}" = "$want" ] && break
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "$uid -"; return; }
		sleep 0.05
	done
	capeff=$(awk '/^CapEff:/{print $2}' "/proc/$pid/status")
	echo "$uid $capeff"
}

# run_on_fifo EXPECTED_UID CMD...: runs CMD with FIFO as its capture, feeds
# it the header, checks the ids, then the rest of the capture.
run_on_fifo() {
	want=$1
	shift
	rm -f "$work/fifo"
	mkfifo "$work/fifo"
	chmod 600 "$work/fifo"
	"$@" >"$work/out" 2>"$work/err" &
	rpid=$!
	exec 3>"$work/fifo"
	head -c 24 "$pcap" >&3
	ids=$(ids_while_reading "$rpid" "$want")
	tail -c +25 "$pcap" >&3
	exec 3>&-
	st=0
	wait "$rpid" || st=$?
	rpid=
	set -- $ids
	[ "$1 $2 $3 $4" = "$want $want $want $want" ] ||
		fail "uids while reading: $1 $2 $3 $4, want $want ($(cat "$work/err"))"
	if [ "$want" != 0 ]; then
		[ "$5" = 0000000000000000 ] || fail "effective capabilities while reading: $5"
	fi
	return $st
}

run_on_fifo 65534 "$bin" read -q "$work/fifo" || fail "read from the FIFO failed: $(cat "$work/err")"
[ "$(cat "$work/out")" = "11 packets" ] || fail "read from the FIFO printed: $(cat "$work/out")"
ok "read parses as nobody (uid 65534, CapEff 0), all 11 packets"

run_on_fifo 0 "$bin" read -Z root -q "$work/fifo" || fail "read -Z root failed: $(cat "$work/err")"
ok "read -Z root keeps uid 0"

run_on_fifo 65534 "$bin" detect -q -r "$work/fifo" || fail "detect -r from the FIFO failed: $(cat "$work/err")"
ok "detect -r parses as nobody"

st=0
"$bin" read -Z no-such-user-rs -q "$pcap" >"$work/out" 2>"$work/err" || st=$?
[ $st -eq 2 ] || fail "read -Z no-such-user exited $st"
grep -q "no user 'no-such-user-rs'" "$work/err" || fail "read -Z no-such-user said: $(cat "$work/err")"
[ ! -s "$work/out" ] || fail "read -Z no-such-user printed: $(cat "$work/out")"
ok "read -Z with an unknown user is refused before reading"
