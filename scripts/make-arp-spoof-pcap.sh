#!/bin/bash
# make-arp-spoof-pcap.sh: records pcaps/arp-spoof.pcap in a three-host lab
# (scripts/arp-lab.sh): the server learns the client by ARP, then the third
# host poisons the server's cache for the client's address with
# `rawshake send arp` (unsolicited replies, then gratuitous ones).  The
# capture is the server's.  Root; run from the source tree after make.
#     bash scripts/make-arp-spoof-pcap.sh [OUT]     (default pcaps/arp-spoof.pcap)
set -u
cd "$(dirname "$0")/.." || exit 1
out=${1:-pcaps/arp-spoof.pcap}
ARPLAB_PREFIX=arpmk-
. scripts/arp-lab.sh
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
trap 'arplab_down' EXIT INT TERM
arplab_up || exit 1
arplab_in srv tcpdump -n -U -i "${ARPLAB_PREFIX}srv" -w "$out" arp 2>/dev/null &
cap=$!
sleep 1
arplab_poison "$PWD/rawshake"
sleep 0.5
kill "$cap"; wait "$cap" 2>/dev/null
echo "server's neighbour table after:" >&2
arplab_in srv ip neigh show >&2
