#!/bin/bash
# make-capture.sh OUT.pcap [PACKETS] - capture PACKETS (default 1,000,000)
# packets of real kernel TCP traffic between two lab namespaces.
#
#   rsbench-cli-PID [veth 192.0.2.1 2001:db8::1] <==veth==> [veth 192.0.2.2 2001:db8::2] rsbench-srv-PID
#
# bench/lab_traffic.py serves on port 8080 in the server namespace; several
# clients in the client namespace make many short connections (handshake,
# small request, small response, teardown) over IPv4 and IPv6 plus some
# bulk transfers both ways.  tcpdump -w runs in the server namespace with a
# 64 MiB buffer, the default snaplen (whole packets, so TCP checksums can be
# verified) and -c PACKETS.  Offloads are off on both veth ends, so
# segments are wire-sized and checksums are computed by the kernel.
#
# Only documentation addresses; no default routes; everything is bounded in
# time (BUDGET seconds, default 600) and the namespaces are removed on exit,
# whatever happens.
set -eu

usage() { echo "usage: $0 OUT.pcap [PACKETS]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
OUT=$1
PACKETS=${2:-1000000}
BUDGET=${BUDGET:-600}
case $PACKETS in ''|*[!0-9]*) usage;; esac
[ "$(id -u)" = 0 ] || { echo "$0: must run as root (network namespaces)" >&2; exit 2; }
for t in ip tcpdump ethtool python3 timeout; do
    command -v $t >/dev/null || { echo "$0: $t not found" >&2; exit 2; }
done

HERE=$(cd "$(dirname "$0")" && pwd)
TRAFFIC=$HERE/lab_traffic.py
NS_C=rsbench-cli-$$
NS_S=rsbench-srv-$$
CLI4=192.0.2.1 SRV4=192.0.2.2
CLI6=2001:db8::1 SRV6=2001:db8::2
CLI_MAC=02:00:00:00:be:01 SRV_MAC=02:00:00:00:be:02
PORT=8080
WORK=$(mktemp -d /tmp/rsbench-cap.XXXXXX)
STOP=$WORK/stop
PIDS=""

log() { printf '[make-capture] %s\n' "$*" >&2; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    touch "$STOP" 2>/dev/null || true
    # our own background jobs, then whatever still runs inside our own
    # two namespaces (only processes this script started can be there)
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for ns in "$NS_C" "$NS_S"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    done
    sleep 0.3
    for ns in "$NS_C" "$NS_S"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WORK"
    rm -f "$OUT.tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mkdir -p "$(dirname "$OUT")"

log "lab: $NS_C <-> $NS_S"
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 >/dev/null 2>&1 || true
done
# client side: wide port range, reuse of TIME_WAIT ports (the server closes
# first anyway, so TIME_WAIT normally sits on the server side)
in_ns "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1 >/dev/null
in_ns "$NS_S" sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096 >/dev/null 2>&1 || true

ip link add veth netns "$NS_C" type veth peer name veth netns "$NS_S"
side() {  # NS MAC A4 A6 PEER_MAC P4 P6
    ip -n "$1" link set veth address "$2"
    in_ns "$1" ethtool -K veth tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
        in_ns "$1" ethtool -K veth tso off gso off tx off rx off >/dev/null
    ip -n "$1" link set veth up
    ip -n "$1" addr add "$3/24" dev veth
    ip -n "$1" -6 addr add "$4/64" dev veth nodad
    # permanent neighbours: no ARP / ND in the capture
    ip -n "$1" neigh replace "$6" lladdr "$5" dev veth nud permanent
    ip -n "$1" -6 neigh replace "$7" lladdr "$5" dev veth nud permanent
}
side "$NS_C" $CLI_MAC $CLI4 $CLI6 $SRV_MAC $SRV4 $SRV6
side "$NS_S" $SRV_MAC $SRV4 $SRV6 $CLI_MAC $CLI4 $CLI6
in_ns "$NS_S" ethtool -k veth 2>/dev/null | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming|rx-checksumming):' | sed 's/^/[make-capture]   /' >&2 || true

# capture first, then traffic
log "tcpdump -c $PACKETS -B 65536 -w $OUT (budget ${BUDGET}s)"
ip netns exec "$NS_S" timeout -s INT "$BUDGET" tcpdump -i veth -n -B 65536 -c "$PACKETS" -w "$OUT.tmp" tcp \
    2>"$WORK/tcpdump.err" &
TCPDUMP=$!
PIDS="$PIDS $TCPDUMP"
for _ in $(seq 100); do
    grep -q 'listening on' "$WORK/tcpdump.err" 2>/dev/null && break
    sleep 0.1
done
grep -q 'listening on' "$WORK/tcpdump.err" || { cat "$WORK/tcpdump.err" >&2; log "tcpdump did not start"; exit 1; }

ip netns exec "$NS_S" timeout "$((BUDGET + 30))" python3 "$TRAFFIC" server $PORT "$((BUDGET + 20))" &
PIDS="$PIDS $!"
for _ in $(seq 50); do
    in_ns "$NS_S" ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q . && break
    sleep 0.1
done

# clients: 3 short IPv4, 1 short IPv6, 1 bulk IPv4, 1 bulk IPv6
client() {  # HOST MODE MAXCONNS BULKBYTES
    ip netns exec "$NS_C" timeout "$((BUDGET + 30))" python3 "$TRAFFIC" client "$1" $PORT "$2" "$3" "$BUDGET" "$STOP" "$4" "${BULK_PAUSE:-0.25}" &
    PIDS="$PIDS $!"
    CLIENTS="$CLIENTS $!"
}
CLIENTS=""
client $SRV4 short 1000000 0
client $SRV4 short 1000000 0
client $SRV4 short 1000000 0
client $SRV6 short 1000000 0
client $SRV4 bulk 100000 ${BULK_BYTES:-2000000}
client $SRV6 bulk 100000 ${BULK_BYTES:-2000000}

START=$(date +%s)
while kill -0 $TCPDUMP 2>/dev/null; do
    sleep 2
    now=$(date +%s)
    sz=$(stat -c %s "$OUT.tmp" 2>/dev/null || echo 0)
    log "$((now - START))s: ${sz} bytes written"
done
wait $TCPDUMP || true
touch "$STOP"
for p in $CLIENTS; do wait "$p" 2>/dev/null || true; done
cat "$WORK/tcpdump.err" | grep -v '^listening on' | sed 's/^/[make-capture] tcpdump: /' >&2

if command -v capinfos >/dev/null; then
    got=$(capinfos -M -c -T "$OUT.tmp" | awk -F'\t' 'NR==2{print $2}')
else
    got=$(tcpdump -r "$OUT.tmp" -n 2>/dev/null | wc -l)
fi
mv "$OUT.tmp" "$OUT"
log "wrote $OUT: $got packets in $(( $(date +%s) - START ))s"
if [ "$got" -lt "$PACKETS" ]; then
    log "only $got of $PACKETS packets within ${BUDGET}s"
    exit 1
fi
exit 0
