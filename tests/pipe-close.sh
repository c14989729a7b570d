#!/bin/sh
# pipe-close.sh: when the reader of standard output goes away (| head),
# rawshake stops quietly: no message, status 0, and it does not read on.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Enough output to fill any pipe buffer several times over.
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	set -- "$@" "$srcdir/pcaps/dup-ack.pcap" "$srcdir/pcaps/zero-window.pcap"
done
for fmt in text json ladder; do
	status=$( { "$bin" read --format "$fmt" --summary "$@" 2>"$work/err"; echo $? >"$work/st"; } | head -c 100 | wc -c)
	[ "$status" -eq 100 ] || { echo "FAIL: $fmt: head got $status bytes"; exit 1; }
	[ "$(cat "$work/st")" -eq 0 ] || { echo "FAIL: $fmt: exit status $(cat "$work/st")"; exit 1; }
	[ ! -s "$work/err" ] || { echo "FAIL: $fmt: printed on stderr: $(cat "$work/err")"; exit 1; }
done
echo "pipe-close: 3 passed, 0 failed"
