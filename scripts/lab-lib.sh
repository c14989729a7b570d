# shellcheck shell=bash
# lab-lib.sh - reusable helpers for building a tiny two-host lab out of
# network namespaces.  Source it from bash:  . scripts/lab-lib.sh
#
# Topology made by lab_up (direct):
#
#   rsgen-cli [veth 192.0.2.1/24 2001:db8::1/64] <==veth==> [veth 192.0.2.2/24 2001:db8::2/64] rsgen-srv
#
# Topology made by lab_up_relay (an L2 "wire" with programmable delay /
# loss / reordering, because this kernel has no sch_netem):
#
#   rsgen-cli veth <==> rsgen-mid:c  [scripts/relay.py]  rsgen-mid:s <==> veth rsgen-srv
#
# Topology made by lab_up_bridge (veth -> bridge -> veth, as between two
# containers on one host):
#
#   rsgen-cli veth <==> rsgen-mid:c  [bridge br0]  rsgen-mid:s <==> veth rsgen-srv
#
# Offloads are off on every veth (checksums in captures are real, no
# TSO/GSO/GRO), unless LAB_OFFLOAD=on: then every interface keeps the
# kernel's defaults and captures show the checksums left for the NIC.
#
# Only documentation addresses are used (192.0.2.0/24, 198.51.100.0/24,
# 2001:db8::/32).  No default routes are ever installed.  MAC addresses are
# fixed and neighbour entries are permanent, so captures contain no ARP/ND.
#
# Every namespace this file creates has the prefix $LAB_PREFIX (rsgen-);
# lab_down removes exactly those it created (tracked in LAB_NS_CREATED).

LAB_PREFIX=${LAB_PREFIX:-rsgen-}
LAB_CLI=${LAB_PREFIX}cli
LAB_SRV=${LAB_PREFIX}srv
LAB_MID=${LAB_PREFIX}mid
LAB_CLI4=192.0.2.1
LAB_SRV4=192.0.2.2
LAB_CLI6=2001:db8::1
LAB_SRV6=2001:db8::2
LAB_CLI_MAC=02:00:00:00:00:01
LAB_SRV_MAC=02:00:00:00:00:02
LAB_OFFLOAD=${LAB_OFFLOAD:-off}
LAB_NS_CREATED=${LAB_NS_CREATED:-}
LAB_PIDS=${LAB_PIDS:-}

lab_log() { printf '[lab] %s\n' "$*" >&2; }

# lab_in NS CMD...   run CMD inside namespace NS
lab_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# lab_ns_add NS  - create namespace (removing a stale one of ours first)
lab_ns_add() {
    local ns=$1
    case $ns in "$LAB_PREFIX"*) ;; *) lab_log "refusing namespace $ns"; return 1;; esac
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
        ip netns del "$ns"
    fi
    ip netns add "$ns"
    LAB_NS_CREATED="$LAB_NS_CREATED $ns"
    ip -n "$ns" link set lo up
    # quiet IPv6: no router solicitations, no DAD noise
    lab_in "$ns" sysctl -qw net.ipv6.conf.all.router_solicitations=0 \
        net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0 >/dev/null 2>&1 || true
}

# lab_offloads_off NS IF  - no checksum offload, no segmentation/coalescing
# (nothing when LAB_OFFLOAD=on: the kernel's defaults stay)
lab_offloads_off() {
    [ "$LAB_OFFLOAD" = on ] && return 0
    lab_in "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || \
        lab_in "$1" ethtool -K "$2" tx off rx off tso off gso off >/dev/null 2>&1 || true
}

# lab_addr_side NS MAC IP4 IP6 PEER_MAC PEER4 PEER6  - configure "veth" in NS
lab_addr_side() {
    local ns=$1 mac=$2 a4=$3 a6=$4 pmac=$5 p4=$6 p6=$7
    ip -n "$ns" link set veth address "$mac"
    lab_offloads_off "$ns" veth
    ip -n "$ns" link set veth up
    ip -n "$ns" addr add "$a4/24" dev veth
    ip -n "$ns" -6 addr add "$a6/64" dev veth nodad
    ip -n "$ns" neigh replace "$p4" lladdr "$pmac" dev veth nud permanent
    ip -n "$ns" -6 neigh replace "$p6" lladdr "$pmac" dev veth nud permanent
}

# lab_up  - two namespaces joined directly by one veth pair
lab_up() {
    lab_ns_add "$LAB_CLI"
    lab_ns_add "$LAB_SRV"
    ip link add veth netns "$LAB_CLI" type veth peer name veth netns "$LAB_SRV"
    lab_addr_side "$LAB_CLI" $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6 $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6
    lab_addr_side "$LAB_SRV" $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6 $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6
    lab_wait_link "$LAB_CLI" veth
    lab_wait_link "$LAB_SRV" veth
}

# lab_up_relay RELAY_ARGS...  - same hosts, but joined through an L2 relay
# (scripts/relay.py) running in a third namespace.  Extra args go to relay.py.
lab_up_relay() {
    lab_ns_add "$LAB_CLI"
    lab_ns_add "$LAB_SRV"
    lab_ns_add "$LAB_MID"
    ip link add veth netns "$LAB_CLI" type veth peer name c netns "$LAB_MID"
    ip link add veth netns "$LAB_SRV" type veth peer name s netns "$LAB_MID"
    local i
    for i in c s; do
        lab_offloads_off "$LAB_MID" $i
        lab_in "$LAB_MID" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" >/dev/null 2>&1 || true
        ip -n "$LAB_MID" link set $i promisc on up
    done
    lab_addr_side "$LAB_CLI" $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6 $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6
    lab_addr_side "$LAB_SRV" $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6 $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6
    lab_wait_link "$LAB_CLI" veth
    lab_wait_link "$LAB_SRV" veth
    ip netns exec "$LAB_MID" python3 "$LAB_SCRIPTS/relay.py" --a c --b s --ready "$LAB_TMP/relay.ready" "$@" \
        >"$LAB_TMP/relay.log" 2>&1 &
    LAB_PIDS="$LAB_PIDS $!"
    LAB_RELAY_PID=$!
    lab_wait_file "$LAB_TMP/relay.ready" 5
}

# lab_up_bridge  - same hosts, joined through a Linux bridge in a third
# namespace (no relay: the kernel forwards the frames)
lab_up_bridge() {
    lab_ns_add "$LAB_CLI"
    lab_ns_add "$LAB_SRV"
    lab_ns_add "$LAB_MID"
    # the bridge itself must not speak (no IPv6 on it or its ports)
    lab_in "$LAB_MID" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
    ip link add veth netns "$LAB_CLI" type veth peer name c netns "$LAB_MID"
    ip link add veth netns "$LAB_SRV" type veth peer name s netns "$LAB_MID"
    ip -n "$LAB_MID" link add br0 type bridge stp_state 0
    local i
    for i in c s; do
        lab_offloads_off "$LAB_MID" $i
        ip -n "$LAB_MID" link set $i master br0 up
    done
    ip -n "$LAB_MID" link set br0 up
    lab_addr_side "$LAB_CLI" $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6 $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6
    lab_addr_side "$LAB_SRV" $LAB_SRV_MAC $LAB_SRV4 $LAB_SRV6 $LAB_CLI_MAC $LAB_CLI4 $LAB_CLI6
    lab_wait_link "$LAB_MID" br0
    lab_wait_link "$LAB_CLI" veth
    lab_wait_link "$LAB_SRV" veth
}

# lab_wait_link NS IF  - wait (max 5 s) until IF is operationally up
lab_wait_link() {
    local i
    for i in $(seq 1 50); do
        if ip -n "$1" link show "$2" | grep -q 'state UP'; then return 0; fi
        sleep 0.1
    done
    lab_log "link $2 in $1 did not come up"; return 1
}

# lab_wait_file FILE SECONDS
lab_wait_file() {
    local i n=$(( ${2:-5} * 20 ))
    for i in $(seq 1 $n); do [ -e "$1" ] && return 0; sleep 0.05; done
    lab_log "timeout waiting for $1"; return 1
}

# lab_wait_listen NS PROTO PORT [SECONDS]  - wait for a listener (tcp|udp)
lab_wait_listen() {
    local ns=$1 proto=$2 port=$3 secs=${4:-5} i flag=-Hltn
    [ "$proto" = udp ] && flag=-Hlun
    for i in $(seq 1 $(( secs * 20 ))); do
        if lab_in "$ns" ss $flag "sport = :$port" | grep -q .; then return 0; fi
        sleep 0.05
    done
    lab_log "nothing listening on $proto/$port in $ns"; return 1
}

# lab_cap_start NS FILE TCPDUMP_ARGS...   (interface etc. in args)
# starts tcpdump in NS writing FILE, waits until it is listening.
lab_cap_start() {
    local ns=$1 file=$2; shift 2
    rm -f "$file" "$LAB_TMP/tcpdump.err"
    # background "ip netns exec" itself (not a shell function) so that $! is
    # the tcpdump process and SIGINT reaches it
    ip netns exec "$ns" tcpdump --immediate-mode -U -w "$file" "$@" 2>"$LAB_TMP/tcpdump.err" &
    LAB_CAP_PID=$!
    LAB_PIDS="$LAB_PIDS $LAB_CAP_PID"
    local i
    for i in $(seq 1 100); do
        grep -q 'listening on' "$LAB_TMP/tcpdump.err" 2>/dev/null && return 0
        kill -0 $LAB_CAP_PID 2>/dev/null || break
        sleep 0.05
    done
    cat "$LAB_TMP/tcpdump.err" >&2
    lab_log "tcpdump did not start"; return 1
}

# lab_cap_stop  - SIGINT the running tcpdump and wait for it
lab_cap_stop() {
    [ -n "${LAB_CAP_PID:-}" ] || return 0
    sleep 0.3
    kill -INT "$LAB_CAP_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do
        kill -0 "$LAB_CAP_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -TERM "$LAB_CAP_PID" 2>/dev/null || true
    wait "$LAB_CAP_PID" 2>/dev/null || true
    LAB_CAP_PID=
}

# lab_bg NS CMD...  - run CMD in NS in background, remember its pid in LAB_BG_PID
lab_bg() {
    local ns=$1; shift
    ip netns exec "$ns" "$@" &
    LAB_BG_PID=$!
    LAB_PIDS="$LAB_PIDS $LAB_BG_PID"
}

# lab_wait_pid PID SECONDS  - wait for a background job, kill it on timeout
lab_wait_pid() {
    local pid=$1 secs=${2:-10} i
    for i in $(seq 1 $(( secs * 20 ))); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
        sleep 0.05
    done
    lab_log "pid $pid still running after ${secs}s, killing"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
}

# lab_nft NS RULESET_TEXT  - load an nft ruleset (table inet rsgen) into NS
lab_nft() { printf '%s\n' "$2" | lab_in "$1" nft -f -; }
lab_nft_flush() { lab_in "$1" nft delete table inet rsgen 2>/dev/null || true; }

# lab_down  - kill what we started and delete the namespaces we created
lab_down() {
    local p ns
    for p in $LAB_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $LAB_PIDS; do wait "$p" 2>/dev/null || true; done
    LAB_PIDS=
    LAB_CAP_PID=
    for ns in $LAB_NS_CREATED; do
        lab_nft_flush "$ns"
        ip netns del "$ns" 2>/dev/null || true
    done
    LAB_NS_CREATED=
}
