#!/bin/sh
# make-compressed-pcaps.sh: compressed copies of a few captures in pcaps/,
# one per format rawshake reads by content (gzip, zstd, xz, bzip2), for the
# golden cases: each must print what its uncompressed original prints.
# gzip -n leaves out the name and time, so that a remake is byte for byte
# the same with the same tool versions.
set -eu
cd "$(dirname "$0")/../pcaps"
gzip -n -9 -c handshake-v4.pcap >handshake-v4.pcap.gz
zstd -q -19 -c -f handshake-v4.pcapng >handshake-v4.pcapng.zst
xz -9 -c dup-ack.pcap >dup-ack.pcap.xz
bzip2 -9 -c half-close.pcap >half-close.pcap.bz2
# Two gzip members one after another, as `cat a.gz b.gz` makes them.
{ head -c 500 out-of-order.pcap | gzip -n -c; tail -c +501 out-of-order.pcap | gzip -n -c; } \
	>out-of-order.pcap.gz
# Cut short in the middle of its compressed data, and with corrupt data:
# the packets before, then the complaint.
gzip -n -9 -c handshake-v4.pcap | head -c 400 >cut-handshake-v4.pcap.gz
xz -9 -c handshake-v4.pcap | python3 -c '
import sys
d = bytearray(sys.stdin.buffer.read())
d[300:306] = b"\x55\xaa\x55\xaa\x55\xaa"
sys.stdout.buffer.write(d)' >corrupt-handshake-v4.pcap.xz
