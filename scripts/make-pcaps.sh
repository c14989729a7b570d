#!/bin/bash
# make-pcaps.sh - regenerate the sample captures in pcaps/.
#
#   bash scripts/make-pcaps.sh            # every capture that is missing
#   FORCE=1 bash scripts/make-pcaps.sh    # remake all (changes ISNs/times:
#                                         # tests/golden must be regenerated)
#   bash scripts/make-pcaps.sh NAME...    # remake these (e.g. handshake-v4 udp-v4)
#
# Needs root, iproute2, tcpdump, editcap, ethtool, nft, ping, python3, and
# rawshake built in the source directory (send, and the offload checks).
# Every packet stays inside network namespaces named rsgen<PID>-* created
# here (or on their loopback) and uses only documentation addresses.
# Everything is removed again on exit (trap).  Captures are written to a
# temporary file and moved into pcaps/ only when complete (and, for the
# offload-* and onedir-* ones, checked), so re-running is safe.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUT=${OUT:-$TOP/pcaps}
LAB_SCRIPTS=$HERE
LAB_TMP=$(mktemp -d /tmp/rsgen-pcaps.XXXXXX)
PEER="python3 $HERE/peer.py"
# Namespace names unique to this run: another run (or a test) may use its own.
LAB_PREFIX=${LAB_PREFIX:-rsgen$$-}
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

for t in ip tcpdump editcap ethtool nft ping python3 ss; do
    command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -x "$TOP/rawshake" ] || { echo "build rawshake first ($TOP/rawshake)" >&2; exit 1; }
mkdir -p "$OUT"

CLI=$LAB_CLI
SRV=$LAB_SRV
C4=$LAB_CLI4 S4=$LAB_SRV4 C6=$LAB_CLI6 S6=$LAB_SRV6
TD="-Z root -n"                  # tcpdump common args (used via $TD)

# cap NAME NS TCPDUMP_ARGS...  - start capture into $LAB_TMP/NAME.pcap
cap() {
    CUR=$1; local ns=$2; shift 2
    lab_cap_start "$ns" "$LAB_TMP/$CUR.pcap" $TD "$@"
}
# done_cap [CHECK]  - stop capture, run CHECK FILE NAME on it if given (a
# failed check leaves pcaps/ as it was), move the file into place, print a
# summary
done_cap() {
    lab_cap_stop
    local n
    n=$(tcpdump -n -r "$LAB_TMP/$CUR.pcap" 2>/dev/null | wc -l)
    [ $# -eq 0 ] || "$1" "$LAB_TMP/$CUR.pcap" "$CUR.pcap"
    mv -f "$LAB_TMP/$CUR.pcap" "$OUT/$CUR.pcap"
    echo "== $CUR.pcap: $n packets" >&2
}

# http_exchange CLIENT_NS SERVER_NS SERVER_ADDR BIND [server-args] -- [client-args]
# server on 8080, client from port 40000; client closes first.
http_exchange() {
    local cns=$1 sns=$2 saddr=$3 sbind=$4
    rm -f "$LAB_TMP/srv.ready"
    lab_bg "$sns" $PEER srv-http --bind "$sbind" --port 8080 --pause 0.3 --ready "$LAB_TMP/srv.ready" ${SRV_ARGS:-}
    local spid=$LAB_BG_PID
    lab_wait_listen "$sns" tcp 8080
    lab_in "$cns" $PEER cli-http --host "$saddr" --port 8080 --sport 40000 ${CLI_ARGS:-}
    lab_wait_pid "$spid" 10
}

# --------------------------------------------------------------- foundation
g_handshake_v4() {
    lab_up
    cap handshake-v4 "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap
    lab_down
}

g_handshake_v6() {
    lab_up
    cap handshake-v6 "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S6 ::
    done_cap
    lab_down
}

g_handshake_v4_nano() {
    lab_up
    cap handshake-v4-nano "$SRV" -i veth --time-stamp-precision=nano tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap
    lab_down
}

g_handshake_v4_pcapng() {
    # captured as pcap by tcpdump, converted to pcapng by editcap
    lab_up
    cap handshake-v4-ng "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    lab_cap_stop
    editcap -F pcapng "$LAB_TMP/handshake-v4-ng.pcap" "$LAB_TMP/handshake-v4.pcapng"
    mv -f "$LAB_TMP/handshake-v4.pcapng" "$OUT/handshake-v4.pcapng"
    echo "== handshake-v4.pcapng: $(tcpdump -n -r "$OUT/handshake-v4.pcapng" 2>/dev/null | wc -l) packets" >&2
    lab_down
}

g_handshake_v4_sll() {
    lab_up
    cap handshake-v4-sll "$SRV" -i any -y LINUX_SLL tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap
    lab_down
}

g_handshake_v4_sll2() {
    lab_up
    cap handshake-v4-sll2 "$SRV" -i any -y LINUX_SLL2 tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap
    lab_down
}

g_handshake_v4_lo() {
    # client and server both inside the server namespace, over its private loopback
    lab_up
    # NB: lo has tx-checksum-ip-generic "on [fixed]", so the TCP checksums
    # in this capture are the unfinished partial ones, as in any lo capture
    cap handshake-v4-lo "$SRV" -i lo tcp port 8080
    http_exchange "$SRV" "$SRV" 127.0.0.1 127.0.0.1
    done_cap
    lab_down
}

g_refused_v4() {
    lab_up
    cap refused-v4 "$SRV" -i veth tcp port 8081
    lab_in "$CLI" $PEER cli-connect --host $S4 --port 8081 --sport 40000 --timeout 3
    done_cap
    lab_down
}

g_udp_v4() {
    lab_up
    cap udp-v4 "$SRV" -i veth udp port 5300
    rm -f "$LAB_TMP/srv.ready"
    lab_bg "$SRV" $PEER srv-udp --bind 0.0.0.0 --port 5300 --ready "$LAB_TMP/srv.ready"
    local spid=$LAB_BG_PID
    lab_wait_listen "$SRV" udp 5300
    lab_in "$CLI" $PEER cli-udp --host $S4 --port 5300 --sport 40000 --timeout 3
    lab_wait_pid "$spid" 5
    done_cap
    lab_down
}

g_icmp_echo_v4() {
    lab_up
    cap icmp-echo-v4 "$SRV" -i veth icmp
    lab_in "$CLI" ping -n -c 2 -i 0.2 -W 2 $S4 >/dev/null
    done_cap
    lab_down
}

g_icmp_unreach_v4() {
    lab_up
    cap icmp-unreach-v4 "$SRV" -i veth udp or icmp
    lab_in "$CLI" $PEER cli-udp --host $S4 --port 5301 --sport 40000 --timeout 1
    done_cap
    lab_down
}

g_truncated_record() {
    # handshake-v4.pcap cut in the middle of its last-but-one record
    [ -s "$OUT/handshake-v4.pcap" ] || g_handshake_v4
    local off
    off=$(python3 - "$OUT/handshake-v4.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
pos, recs = 24, []
while pos + 16 <= len(d):
    incl = struct.unpack(e + "I", d[pos + 8:pos + 12])[0]
    recs.append((pos, incl))
    pos += 16 + incl
start, incl = recs[-2]
print(start + 16 + incl // 2)
EOF
)
    head -c "$off" "$OUT/handshake-v4.pcap" >"$LAB_TMP/truncated-record.pcap"
    mv -f "$LAB_TMP/truncated-record.pcap" "$OUT/truncated-record.pcap"
    echo "== truncated-record.pcap: cut at byte $off" >&2
}

g_vlan_v4() {
    # This kernel has no 802.1Q support (ip link add ... type vlan fails), so
    # the traffic is real kernel traffic over 198.51.100.0/24 and the VID 100
    # tags are inserted afterwards by scripts/vlan-tag.py.
    lab_up
    ip -n "$CLI" addr add 198.51.100.1/24 dev veth
    ip -n "$SRV" addr add 198.51.100.2/24 dev veth
    ip -n "$CLI" neigh replace 198.51.100.2 lladdr $LAB_SRV_MAC dev veth nud permanent
    ip -n "$SRV" neigh replace 198.51.100.1 lladdr $LAB_CLI_MAC dev veth nud permanent
    cap vlan-untagged "$SRV" -i veth net 198.51.100.0/24
    lab_in "$CLI" ping -n -c 1 -W 2 198.51.100.2 >/dev/null
    http_exchange "$CLI" "$SRV" 198.51.100.2 0.0.0.0
    lab_cap_stop
    python3 "$HERE/vlan-tag.py" --vid 100 "$LAB_TMP/vlan-untagged.pcap" "$LAB_TMP/vlan-v4.pcap"
    mv -f "$LAB_TMP/vlan-v4.pcap" "$OUT/vlan-v4.pcap"
    echo "== vlan-v4.pcap: $(tcpdump -n -r "$OUT/vlan-v4.pcap" 2>/dev/null | wc -l) packets" >&2
    lab_down
}

# ------------------------------------------------------ default offloads
# The same exchange as handshake-v4 with every interface keeping the
# kernel's default offloads (LAB_OFFLOAD=on), as on an ordinary machine: the
# sending kernel leaves each TCP checksum for the NIC (the field holds the
# pseudo-header sum, CHECKSUM_PARTIAL), a veth, bridge or lo never fills it
# in, and the receiver accepts the segment unchecked.  Every capture is
# checked before it is kept (check_offload).

# check_offload FILE NAME  - the capture really has the offload pattern: tcpdump
# -vv and rawshake -v agree on every TCP segment, most checksums are left
# for the NIC (tcpdump "incorrect", rawshake "offload"), and rawshake calls
# none "[bad csum]".  The exceptions are segments the kernel checksums in
# software even with offload on: the ACK and RST it sends from its control
# socket for a connection in TIME_WAIT or without a socket.
check_offload() {
    local f=$1 td rs tcp inc cor off ok
    td=$(tcpdump -vv -n -r "$f" 2>/dev/null | grep 'Flags \[' || true)
    rs=$("$TOP/rawshake" read -v "$f" | grep '^#[0-9]' || true)
    tcp=$(printf '%s\n' "$td" | grep -c 'Flags \[' || true)
    inc=$(printf '%s\n' "$td" | grep -c 'cksum 0x[0-9a-f]* (incorrect' || true)
    cor=$(printf '%s\n' "$td" | grep -c 'cksum 0x[0-9a-f]* (correct)' || true)
    off=$(printf '%s\n' "$rs" | grep -c ' csum offload (filled in by the NIC)' || true)
    ok=$(printf '%s\n' "$rs" | grep -c ' csum 0x[0-9a-f]* ok' || true)
    if [ "$tcp" -eq 0 ] || [ "$inc" -ne "$off" ] || [ "$cor" -ne "$ok" ] ||
       [ $((inc + cor)) -ne "$tcp" ] || [ $((inc * 2)) -le "$tcp" ] ||
       printf '%s\n' "$rs" | grep -q 'bad csum'; then
        echo "$2: not the offload pattern: $tcp TCP segments; tcpdump -vv: $inc incorrect," \
             "$cor correct; rawshake -v: $off offload, $ok ok" >&2
        return 1
    fi
    echo "== $2: $inc of $tcp TCP checksums left for the NIC (tcpdump: incorrect," \
         "rawshake: offload), $cor computed in software (both: correct)" >&2
}

g_offload_veth_v4() {
    local LAB_OFFLOAD=on
    lab_up
    cap offload-veth-v4 "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap check_offload
    lab_down
}

g_offload_veth_v6() {
    local LAB_OFFLOAD=on
    lab_up
    cap offload-veth-v6 "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S6 ::
    done_cap check_offload
    lab_down
}

g_offload_bridge() {
    # client veth -> bridge br0 (in rsgen<PID>-mid) -> server veth, captured
    # on the server's veth
    local LAB_OFFLOAD=on
    lab_up_bridge
    cap offload-bridge "$SRV" -i veth tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap check_offload
    lab_down
}

g_offload_lo() {
    # both ends in the server namespace over ::1 (handshake-v4-lo.pcap is
    # the IPv4 one); lo cannot turn its offloads off anyway
    local LAB_OFFLOAD=on
    lab_up
    cap offload-lo "$SRV" -i lo tcp port 8080
    http_exchange "$SRV" "$SRV" ::1 ::1
    done_cap check_offload
    lab_down
}

g_offload_any() {
    # tcpdump -i any in the server namespace: Linux cooked v2, packet type
    # "to us" (In) and "outgoing" (Out), the interface index of veth
    local LAB_OFFLOAD=on
    lab_up
    cap offload-any "$SRV" -i any -y LINUX_SLL2 tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap check_offload
    lab_down
}

g_onedir_server() {
    # only the server's side of the exchange: the capture's own filter keeps
    # the segments from port 8080 (as a span port that sees one direction)
    local LAB_OFFLOAD=on
    lab_up
    cap onedir-server "$SRV" -i veth tcp src port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap check_offload
    lab_down
}

g_onedir_client() {
    # only the client's side: tcpdump -Q in on the server's veth
    local LAB_OFFLOAD=on
    lab_up
    cap onedir-client "$SRV" -i veth -Q in tcp port 8080
    http_exchange "$CLI" "$SRV" $S4 0.0.0.0
    done_cap check_offload
    lab_down
}

# --------------------------------------------------------------- TCP tracker
# helpers: start server role in SRV and wait for its listener
srv_start() {   # srv_start PORT ROLE ARGS...
    local port=$1; shift
    lab_bg "$SRV" $PEER "$@" --port "$port"
    SPID=$LAB_BG_PID
    lab_wait_listen "$SRV" tcp "$port"
}

g_half_close() {
    lab_up
    cap half-close "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http --mode half-close --chunks 4 --pause 0.1
    lab_in "$CLI" $PEER cli-halfclose --host $S4 --sport 40000
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_simultaneous_close() {
    # both ends close() at the same wall-clock instant; relay.py delays
    # every frame 50 ms so the two FINs cross on the wire
    lab_up_relay --delay-ms 50
    cap simultaneous-close "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-simclose
    lab_in "$CLI" $PEER cli-simclose --host $S4 --sport 40000
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_rst_client() {
    lab_up
    cap rst-client "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http
    lab_in "$CLI" $PEER cli-http --host $S4 --sport 40000 --mode abort --pause 0.1
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_rst_server() {
    lab_up
    cap rst-server "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http --mode abort --pause 0.1
    lab_in "$CLI" $PEER cli-http --host $S4 --sport 40000 --mode wait-eof
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_syn_retransmit() {
    # nft drops every SYN to 8080 in the server namespace; the client
    # (tcp_syn_retries=2, tcp_syn_linear_timeouts=0) sends SYN at 0 s, 1 s,
    # 3 s and gives up at ~7 s
    lab_up
    lab_in "$CLI" sysctl -qw net.ipv4.tcp_syn_retries=2
    # Linux >= 6.6 retransmits the first SYNs at linear 1 s intervals; ask
    # for the classic exponential backoff where the knob exists
    if [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]; then
        lab_in "$CLI" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
    fi
    lab_nft "$SRV" 'table inet rsgen {
        chain in { type filter hook input priority 0; tcp dport 8080 drop; }
    }'
    cap syn-retransmit "$SRV" -i veth tcp port 8080
    lab_in "$CLI" $PEER cli-connect --host $S4 --sport 40000 --timeout 12
    done_cap
    lab_down
}

g_syn_ack_retransmit() {
    # the server's nft drops the client's handshake ACK (and its repeats),
    # so the server retransmits its SYN-ACK (1 s, 3 s); the rule is removed
    # after 3.3 s and the client's request at 3.6 s completes the handshake
    lab_up
    lab_nft "$SRV" 'table inet rsgen {
        chain in { type filter hook input priority 0; tcp dport 8080 tcp flags & (fin|syn|rst|ack) == ack drop; }
    }'
    cap syn-ack-retransmit "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http
    lab_bg "$CLI" $PEER cli-connect --host $S4 --sport 40000 --pause 3.6
    local cpid=$LAB_BG_PID
    sleep 3.3
    lab_nft_flush "$SRV"
    lab_wait_pid "$cpid" 10
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_syn_kernel_rst() {
    # a hand-made SYN (rawshake send: the client's kernel knows nothing of
    # it) to a listening port, twice, 1 s apart, same port and ISN: the
    # server answers SYN-ACK, the client's kernel resets it, and the
    # retransmitted SYN gets a SYN-ACK with a new ISN (and a RST again)
    lab_up
    cap syn-kernel-rst "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http
    lab_in "$CLI" "$TOP/rawshake" send tcp $S4 --dport 8080 --sport 40000 --seq 1000000 \
        --mss 1460 --sack-perm --wscale 7 -c 2 --interval 1 -q --no-listen
    sleep 0.3
    kill "$SPID" 2>/dev/null || true
    done_cap
    lab_down
}

g_retransmit_data() {
    # relay.py drops the first client data segment once; captured on the
    # client side, so the original and the kernel's retransmission both show
    lab_up_relay --drop a2b:1
    cap retransmit-data "$CLI" -i veth tcp port 8080
    srv_start 8080 srv-http
    lab_in "$CLI" $PEER cli-http --host $S4 --sport 40000
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_out_of_order() {
    # relay.py holds client data segment #2 until #3 has passed.  All frames
    # are also delayed 20 ms: with a realistic RTT the sender's RACK
    # reordering window absorbs the swap and nothing is retransmitted.
    lab_up_relay --delay-ms 20 --hold a2b:2
    cap out-of-order "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-sink --pause 0.1
    lab_in "$CLI" $PEER cli-bulk --host $S4 --sport 40000 --nbytes 2000 --chunks 4
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_dup_ack() {
    # relay.py drops data segment #2 of an 8-segment burst: the server
    # answers every later segment with a duplicate ACK (with SACK), the
    # client fast-retransmits; captured on the client side
    lab_up_relay --drop a2b:2
    cap dup-ack "$CLI" -i veth tcp port 8080
    srv_start 8080 srv-sink --pause 0.1
    lab_in "$CLI" $PEER cli-bulk --host $S4 --sport 40000 --nbytes 2400 --chunks 8
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_zero_window() {
    lab_up
    cap zero-window "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-slow --rcvbuf 1024 --pause 3
    lab_in "$CLI" $PEER cli-bulk --host $S4 --sport 40000 --nbytes 3000 --chunks 3 --sndbuf 4096
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_port_reuse() {
    # two connections 192.0.2.1:40000 -> 192.0.2.2:8080; the server closes
    # first each time (it keeps TIME_WAIT, the client does not), the second
    # SYN reuses the 4-tuple and is accepted from TIME_WAIT
    lab_up
    cap port-reuse "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-http --mode close-first --count 2
    lab_in "$CLI" $PEER cli-http --host $S4 --sport 40000 --mode wait-eof
    sleep 0.3
    lab_in "$CLI" $PEER cli-http --host $S4 --sport 40000 --mode wait-eof
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_simultaneous_open() {
    # both ends bind their port and connect() to each other at the same
    # wall-clock instant; relay.py delays frames 100 ms so the SYNs cross
    lab_up_relay --delay-ms 100
    cap simultaneous-open "$SRV" -i veth tcp port 8080
    local at
    at=$(python3 -c 'import time; print("%.3f" % (time.time() + 1.0))')
    lab_bg "$SRV" $PEER simopen --bind $S4 --sport 8080 --host $C4 --port 40000 --at "$at" --pause 0.3
    local spid=$LAB_BG_PID
    lab_in "$CLI" $PEER simopen --bind $C4 --sport 40000 --host $S4 --port 8080 --at "$at" --pause 0.6
    lab_wait_pid "$spid" 10
    done_cap
    lab_down
}

g_mid_connection() {
    # tcpdump is started only after the handshake has completed
    lab_up
    srv_start 8080 srv-echo
    rm -f "$LAB_TMP/cli.ready" "$LAB_TMP/go"
    lab_bg "$CLI" $PEER cli-midconn --host $S4 --sport 40000 --ready "$LAB_TMP/cli.ready" --go "$LAB_TMP/go"
    local cpid=$LAB_BG_PID
    lab_wait_file "$LAB_TMP/cli.ready" 5
    sleep 0.2
    cap mid-connection "$SRV" -i veth tcp port 8080
    touch "$LAB_TMP/go"
    lab_wait_pid "$cpid" 10
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

g_keepalive() {
    lab_up
    cap keepalive "$SRV" -i veth tcp port 8080
    srv_start 8080 srv-echo --pause 0.1
    lab_in "$CLI" $PEER cli-keepalive --host $S4 --sport 40000 --pause 3.5
    lab_wait_pid "$SPID" 10
    done_cap
    lab_down
}

TRACKER="half-close simultaneous-close rst-client rst-server syn-retransmit
syn-ack-retransmit syn-kernel-rst retransmit-data out-of-order dup-ack zero-window port-reuse
simultaneous-open mid-connection keepalive"

FOUNDATION="handshake-v4 handshake-v6 refused-v4 udp-v4 icmp-echo-v4 icmp-unreach-v4
truncated-record handshake-v4-nano handshake-v4-pcapng handshake-v4-sll
handshake-v4-sll2 handshake-v4-lo vlan-v4"

OFFLOAD="offload-veth-v4 offload-veth-v6 offload-bridge offload-lo offload-any
onedir-server onedir-client"

# Without arguments only missing captures are made: the committed files are
# referenced by golden test output (tests/golden), and every regeneration
# changes ISNs and timestamps.  FORCE=1 regenerates all of them; captures
# named on the command line are always regenerated.
FORCE=${FORCE:-0}
if [ $# -eq 0 ]; then set -- $FOUNDATION $OFFLOAD $TRACKER; else FORCE=1; fi
for name in "$@"; do
    name=${name%.pcap}
    fn=g_$(printf '%s' "$name" | tr -- '-.' '__')
    if ! declare -F "$fn" >/dev/null; then echo "unknown capture: $name" >&2; exit 2; fi
    file=$OUT/$name.pcap
    [ "$name" = handshake-v4-pcapng ] && file=$OUT/handshake-v4.pcapng
    if [ "$FORCE" != 1 ] && [ -s "$file" ]; then
        echo "-- $name: exists, kept (FORCE=1 to remake)" >&2
        continue
    fi
    echo "-- $name" >&2
    "$fn"
done
echo "all done: $OUT" >&2
