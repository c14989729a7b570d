#!/bin/sh
# read-write.sh: read -w.  On every classic pcap in pcaps/, with several
# filters, `rawshake read -w OUT IN FILTER` writes the file tcpdump writes
# for `tcpdump -r IN -w REF FILTER` byte for byte (--nano for a nanosecond
# input: read keeps the input's precision, plain tcpdump cuts it), except
# ts-invalid.pcap, whose time fields are not times (read writes the time
# it shows: man page).  Then -w - (text on standard error), -c and --conn,
# pcapng with inputs of several link types (times and lengths as tshark
# reads the inputs), the refusal of another link type in a pcap file, a
# full disk (/dev/full), --conn N without connection N.
# Needs tcpdump (77 without); the pcapng part also tshark.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump is not installed"; exit 77; }
p=$(cd "$srcdir/pcaps" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# Run as root, read writes as nobody (-Z's default), as sniff -w does.
chmod 1777 "$work"
fail() { echo "FAIL: $*"; exit 1; }
compared=0
for f in "$p"/*.pcap; do
	case $f in */ts-invalid.pcap) continue ;; esac
	nano=
	case $(od -An -tx1 -N4 "$f" | tr -d ' \n') in 4d3cb2a1 | a1b23c4d) nano=--nano ;; esac
	for flt in "" "tcp" "udp or icmp" "tcp[tcpflags] & tcp-syn != 0" "ip6"; do
		rm -f "$work/ref" "$work/out"
		# shellcheck disable=SC2086
		tcpdump $nano -r "$f" -w "$work/ref" $flt 2>/dev/null || true
		# Where tcpdump writes nothing (a filter for a link type it
		# cannot filter, a link type it does not know) read refuses too.
		[ -s "$work/ref" ] || continue
		# shellcheck disable=SC2086
		"$bin" read -q -w "$work/out" "$f" -- $flt >/dev/null 2>&1 || true
		cmp -s "$work/out" "$work/ref" || fail "$(basename "$f") [$flt]: not tcpdump's file"
		compared=$((compared + 1))
	done
done
[ "$compared" -gt 400 ] || fail "only $compared comparisons"
echo "ok: $compared files written as tcpdump writes them"

cap=$p/handshake-v4.pcap
tcpdump -r "$cap" -w "$work/ref" tcp 2>/dev/null
"$bin" read -w - "$cap" tcp 2>"$work/err" >"$work/out"
cmp -s "$work/out" "$work/ref" || fail "-w -: not tcpdump's file"
grep -q '^#1 .*SYN' "$work/err" || fail "-w -: the packet lines are not on standard error"
"$bin" read -c 3 -w "$work/out" "$cap" >/dev/null
tcpdump -r "$cap" -c 3 -w "$work/ref" 2>/dev/null
cmp -s "$work/out" "$work/ref" || fail "-c 3: not tcpdump's -c 3"
echo "ok: -w -, -c"

# --conn N: only that connection's packets.
both=$work/both.pcap
"$bin" read -q -w "$both" "$p/handshake-v4.pcap" "$p/handshake-v6.pcap" >/dev/null
"$bin" read -q --conn 2 -w "$work/out" "$both" >/dev/null
# (the records: the header is the first input's)
tail -c +25 "$work/out" >"$work/got"
tail -c +25 "$p/handshake-v6.pcap" >"$work/want"
cmp -s "$work/got" "$work/want" || fail "--conn 2 of v4+v6: not the v6 capture's packets"
echo "ok: --conn"

# Another link type into a pcap file: that input refused (status 2), the
# file holds the others.
rc=0
"$bin" read -q -w "$work/out" "$cap" "$p/handshake-v4-sll.pcap" >/dev/null 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a second link type into pcap: exit $rc (want 2)"
grep -q 'handshake-v4-sll.pcap: link type LINUX_SLL (113) differs .*--pcapng' "$work/err" ||
	fail "a second link type: $(cat "$work/err")"
cmp -s "$work/out" "$cap" || fail "a second link type: the first input is not all there"
echo "ok: one link type per pcap file"

# A full disk: one message, exit 1.
rc=0
"$bin" read -q -w /dev/full "$cap" >/dev/null 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] && [ "$(grep -c 'write error: No space left on device' "$work/err")" -eq 1 ] ||
	fail "-w /dev/full: exit $rc: $(cat "$work/err")"
echo "ok: write error"

# --pcapng needs -w; --conn N without connection N.
rc=0
"$bin" read --pcapng "$cap" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "--pcapng without -w: exit $rc"
rc=0
"$bin" read --conn 5 "$cap" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] && [ ! -s "$work/out" ] &&
	grep -qx 'rawshake read: --conn 5: no connection 5 in the input (1 connection)' "$work/err" ||
	fail "--conn 5 of one connection: exit $rc: $(cat "$work/err")"
echo "ok: --conn N missing"

if command -v tshark >/dev/null; then
	set -- "$p/handshake-v4.pcap" "$p/handshake-v4-sll.pcap" "$p/handshake-v6.pcap" \
		"$p/handshake-v4-nano.pcap"
	"$bin" read -q --pcapng -w "$work/out.pcapng" "$@" >/dev/null
	F="-T fields -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.protocols"
	# shellcheck disable=SC2086
	for f; do tshark -r "$f" $F 2>/dev/null; done >"$work/want"
	# shellcheck disable=SC2086
	tshark -r "$work/out.pcapng" $F 2>/dev/null >"$work/got"
	cmp -s "$work/got" "$work/want" || fail "--pcapng: not the inputs' packets: $(diff "$work/want" "$work/got" | head -5)"
	ifs=$(tshark -r "$work/out.pcapng" -T fields -e frame.interface_id 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$ifs" = "0 1 " ] || fail "--pcapng: interfaces '$ifs' (want 0 1: one per link type)"
	echo "ok: pcapng, one interface per link type"
fi
