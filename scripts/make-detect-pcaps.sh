#!/bin/bash
# make-detect-pcaps.sh - the labelled captures for "rawshake detect" in pcaps/:
#
#   detect-benign.pcap        busy, completing load only (no alert expected)
#   detect-flood-random.pcap  a random-source SYN flood during benign load
#   detect-flood-slow.pcap    a slow (300 SYN/s) random-source flood
#   detect-flood-single.pcap  a flood from one source address
#   detect-two-victims.pcap   two victims flooded at overlapping times
#   detect-portscan.pcap      a connect() scan of 1024 ports (a scan, not a flood)
#   detect-flood-ports.pcap   a random-source flood spread over 200 listening
#                             ports of one host (a flood on the host)
#   detect-labels.txt         the expected alerts, from what was actually captured
#
# Needs root, iproute2, tcpdump, ethtool, python3, and a built ./rawshake
# (its "send" makes the flood SYNs; scripts/detect-traffic.py otherwise).
# Every packet stays inside the namespaces rsdet-cli and rsdet-srv made here
# and uses documentation addresses only: the server 192.0.2.2 and 192.0.2.3,
# the client 192.0.2.1, the scanner 192.0.2.66, made-up flood sources in
# 198.51.100.0/24 and 203.0.113.0/24 (the server routes their SYN-ACKs to
# the client namespace, which drops them, as a spoofed flood's would be).
# Everything is removed on exit, also on failure.
#
# ONLY="detect-flood-ports ..." makes just those captures and keeps the
# labels of the others.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUT=${OUT:-$TOP/pcaps}
BIN=${RAWSHAKE:-$TOP/rawshake}
LAB_PREFIX=rsdet-
LAB_SCRIPTS=$HERE
LAB_TMP=$(mktemp -d /tmp/rsdet-pcaps.XXXXXX)
TRAFFIC="python3 $HERE/detect-traffic.py"
. "$HERE/lab-lib.sh"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    lab_down
    rm -rf "$LAB_TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
for t in ip tcpdump python3; do
    command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
USE_SEND=0
if [ -x "$BIN" ] && "$BIN" send --help 2>&1 | grep -q -- '--rand-source'; then
    USE_SEND=1
fi
mkdir -p "$OUT"

SRV=$LAB_SRV CLI=$LAB_CLI
S1=192.0.2.2 S2=192.0.2.3 SCANNER=192.0.2.66
NET_A=198.51.100.0/24 NET_B=203.0.113.0/24

lab_start() {
    lab_up
    ip -n "$SRV" addr add $S2/24 dev veth
    ip -n "$CLI" neigh replace $S2 lladdr $LAB_SRV_MAC dev veth nud permanent
    ip -n "$CLI" addr add $SCANNER/24 dev veth
    ip -n "$SRV" neigh replace $SCANNER lladdr $LAB_CLI_MAC dev veth nud permanent
    ip -n "$SRV" route add $NET_A via $LAB_CLI4
    ip -n "$SRV" route add $NET_B via $LAB_CLI4
    rm -f "$LAB_TMP/srv.ready"
    lab_bg "$SRV" $TRAFFIC serve --ports 80,443,8080,8000-8199 --ready "$LAB_TMP/srv.ready"
    lab_wait_file "$LAB_TMP/srv.ready" 5
}

# benign HOST PORT RATE SECONDS  - completing connections in the background
benign() {
    lab_bg "$CLI" $TRAFFIC clients --host "$1" --port "$2" --rate "$3" --duration "$4"
    BENIGN_PIDS="${BENIGN_PIDS:-} $LAB_BG_PID"
}
benign_wait() {
    local p
    for p in ${BENIGN_PIDS:-}; do lab_wait_pid "$p" 30 || true; done
    BENIGN_PIDS=
}

# flood DST PORT RATE SECONDS SRC|random  - SYNs that never complete
flood() {
    local dst=$1 port=$2 rate=$3 secs=$4 src=$5 half
    half=$(( rate / 2 ))
    if [ $USE_SEND = 1 ]; then
        local common="--dport $port --rand-seq --sport 1024 --sport-step 7 --duration $secs --no-listen -q"
        if [ "$src" = random ]; then
            lab_in "$CLI" "$BIN" send tcp "$dst" $common --rate $half --rand-source=$NET_A >/dev/null &
            local p=$!
            lab_in "$CLI" "$BIN" send tcp "$dst" $common --rate $half --rand-source=$NET_B >/dev/null
            wait $p
        else
            lab_in "$CLI" "$BIN" send tcp "$dst" $common --rate "$rate" --src "$src" >/dev/null
        fi
    else
        if [ "$src" = random ]; then
            lab_in "$CLI" $TRAFFIC flood --dst "$dst" --port "$port" --rate "$rate" \
                --duration "$secs" --src-cidr $NET_A --src-cidr $NET_B
        else
            lab_in "$CLI" $TRAFFIC flood --dst "$dst" --port "$port" --rate "$rate" \
                --duration "$secs" --src "$src"
        fi
    fi
}

# flood_ports DST LO-HI RATE SECONDS  - random sources, a random port of LO-HI per SYN
flood_ports() {
    lab_in "$CLI" $TRAFFIC flood --dst "$1" --ports "$2" --rate "$3" --duration "$4" \
        --src-cidr $NET_A --src-cidr $NET_B
}

# want NAME  - true when this run makes NAME
want() {
    [ -z "${ONLY:-}" ] && return 0
    case " $ONLY " in *" $1 "*) return 0 ;; esac
    return 1
}

# Each capture gets a fresh lab, so that no SYN-ACK retransmission of one
# flood ends up in the next capture.
cap() {
    CUR=$1
    lab_start
    lab_cap_start "$SRV" "$LAB_TMP/$CUR.pcap" -Z root -n -s 96 -i veth tcp
}
done_cap() {
    lab_cap_stop
    lab_down
    mv -f "$LAB_TMP/$CUR.pcap" "$OUT/$CUR.pcap"
    echo "== $CUR.pcap: $(tcpdump -nr "$OUT/$CUR.pcap" 2>/dev/null | wc -l) packets" >&2
}

# label FILE KIND VICTIM PORT  - first and last flood SYN (or scan SYN) in FILE
LABELS=$LAB_TMP/labels
label() {
    local f=$1 kind=$2 victim=$3 port=${4:-0} expr times
    if [ "$kind" = port-scan ]; then
        expr="src host $SCANNER and dst host $victim"
    elif [ "$port" = 0 ]; then
        expr="dst host $victim and (src net $NET_A or src net $NET_B)"
    else
        expr="dst host $victim and dst port $port and (src net $NET_A or src net $NET_B)"
    fi
    times=$(tcpdump -tt -nr "$OUT/$f" "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and $expr" \
        2>/dev/null | awk 'NR == 1 { f = $1 } { l = $1 } END { print f, l }')
    [ -n "$times" ] || { echo "no flood SYNs found in $f" >&2; exit 1; }
    if [ "$kind" = port-scan ]; then
        echo "$f $kind $victim 0 $times $SCANNER" >>"$LABELS"
    else
        echo "$f $kind $victim $port $times -" >>"$LABELS"
    fi
}

: >"$LABELS"

if want detect-benign; then
# Busy legitimate load: 1000 completing handshakes a second for 3 s.
cap detect-benign
benign $S1 80 500 3
benign $S1 8080 500 3
benign_wait
done_cap
echo "detect-benign.pcap none - - - - -" >>"$LABELS"
fi

if want detect-flood-random; then
# 1000 SYN/s from random sources for 3 s, during 200 completing handshakes/s.
cap detect-flood-random
benign $S1 80 200 8
sleep 2
flood $S1 80 1000 3 random
benign_wait
sleep 1
done_cap
label detect-flood-random.pcap syn-flood $S1 80
fi

if want detect-flood-slow; then
# 300 SYN/s from random sources for 4 s, with 50 completing handshakes/s.
cap detect-flood-slow
benign $S1 80 50 8
sleep 1.5
flood $S1 80 300 4 random
benign_wait
done_cap
label detect-flood-slow.pcap syn-flood $S1 80
fi

if want detect-flood-single; then
# 500 SYN/s from one address for 3 s, with 100 completing handshakes/s.
cap detect-flood-single
benign $S1 443 100 7
sleep 1.5
flood $S1 443 500 3 203.0.113.7
benign_wait
done_cap
label detect-flood-single.pcap syn-flood $S1 443
fi

if want detect-two-victims; then
# Two victims: 192.0.2.2:80 then, overlapping, 192.0.2.3:8080, 400 SYN/s each.
cap detect-two-victims
benign $S1 80 100 9
sleep 1
flood $S1 80 400 3 random &
fpid=$!
sleep 1.5
flood $S2 8080 400 3 random
wait $fpid
benign_wait
done_cap
label detect-two-victims.pcap syn-flood $S1 80
label detect-two-victims.pcap syn-flood $S2 8080
fi

if want detect-portscan; then
# A connect() scan of ports 1-1024 from 192.0.2.66 at 500 ports/s, with
# 100 completing handshakes/s from 192.0.2.1.
cap detect-portscan
benign $S1 80 100 6
sleep 1
lab_in "$CLI" $TRAFFIC scan --host $S1 --ports 1-1024 --bind $SCANNER --rate 500
benign_wait
done_cap
label detect-portscan.pcap port-scan $S1
fi

# 3000 SYN/s from random sources for 3 s, each to a random one of 200
# listening ports (15 SYN/s a port: no port alone looks flooded), with 100
# completing handshakes/s to port 80.
if want detect-flood-ports; then
cap detect-flood-ports
benign $S1 80 100 8
sleep 1.5
flood_ports $S1 8000-8199 3000 3
benign_wait
done_cap
label detect-flood-ports.pcap syn-flood $S1 0
fi

# A partial run keeps the labels of the captures it did not make.
if [ -n "${ONLY:-}" ] && [ -f "$OUT/detect-labels.txt" ]; then
    grep -v '^#' "$OUT/detect-labels.txt" | while read -r f rest; do
        want "${f%.pcap}" || echo "$f $rest"
    done >"$LABELS.keep"
    cat "$LABELS" >>"$LABELS.keep"
    sort -s -k1,1 "$LABELS.keep" >"$LABELS"
fi

{
    echo "# Expected alerts for the detect-*.pcap captures, written by"
    echo "# scripts/make-detect-pcaps.sh from the captured packets; checked by"
    echo "# tests/detect-eval.sh.  Flood generator: $([ $USE_SEND = 1 ] && echo 'rawshake send' || echo 'scripts/detect-traffic.py flood')."
    echo "# file kind victim port first_syn last_syn source"
    cat "$LABELS"
} >"$OUT/detect-labels.txt"
cat "$OUT/detect-labels.txt" >&2
