#!/bin/bash
# detect.sh - speed and memory of "rawshake detect -r" against
# "tshark -r FILE -Y <SYN filter>" on the same files.
#
#   bench/detect.sh [CAPTURE...]
#
# CAPTUREs default to bench/out/lab-1m.pcap (bench/make-capture.sh) and
# bench/out/flood-10m.pcap (bench/run.sh --flood makes it with flood-gen).
# rawshake is ${RAWSHAKE:-./rawshake}; use a plain -O2 build (bench/run.sh
# --build makes one in bench/out/src), not the sanitizer build of make check.
# rawshake runs RUNS times (default 3, best wall time kept), tshark once.
# Target: rawshake at least 5x faster (wall), in bounded memory (its peak
# RSS stays near the detector's fixed memory bound whatever the file).
# A benchmark, not a test: it never fails because of a time.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RAWSHAKE=${RAWSHAKE:-./rawshake}
RUNS=${RUNS:-3}
SYN='tcp.flags.syn == 1 && tcp.flags.ack == 0'
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[ -x "$RAWSHAKE" ] || { echo "$0: no rawshake at $RAWSHAKE" >&2; exit 2; }
command -v tshark >/dev/null || { echo "$0: tshark missing" >&2; exit 2; }
[ $# -gt 0 ] || set -- "$HERE/out/lab-1m.pcap" "$HERE/out/flood-10m.pcap"
TMP=$(mktemp -d /tmp/rsbench-detect.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# run NAME CMD... : sets W (best wall s), M (peak RSS KiB), R (exit of the last run)
run() {
    local n=$1 i; shift
    W="" M=0
    for i in $(seq "$n"); do
        /usr/bin/time -f '%e %M' -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err"
        R=$?
        read -r e m < <(tail -n 1 "$TMP/t")
        if [ -z "$W" ] || awk -v a="$e" -v b="$W" 'BEGIN{exit !(a < b)}'; then W=$e; fi
        [ "$m" -gt "$M" ] && M=$m
    done
}

echo "rawshake detect bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  $(tshark --version 2>/dev/null | head -1)"
bound=$("$RAWSHAKE" detect -r "$HERE/../pcaps/handshake-v4.pcap" --format json 2>/dev/null | sed -n 's/.*"memory_bound":\([0-9]*\).*/\1/p')
for f in "$@"; do
    [ -r "$f" ] || { echo "$f: missing, skipped"; continue; }
    cat "$f" >/dev/null
    run "$RUNS" "$RAWSHAKE" detect -q -r "$f"
    rw=$W rm=$M rr=$R
    run 1 tshark -r "$f" -Y "$SYN"
    tw=$W tm=$M tr=$R
    pk=$("$RAWSHAKE" detect -r "$f" --format json 2>/dev/null | sed -n 's/.*"packets":\([0-9]*\).*"syns":\([0-9]*\).*/\1 packets, \2 SYNs/p')
    printf '%s (%s)\n' "$(basename "$f")" "$pk"
    printf '  rawshake detect -q -r FILE        %8ss  %7.1f MiB  exit %s\n' "$rw" "$(awk -v m="$rm" 'BEGIN{print m/1024}')" "$rr"
    printf '  tshark -r FILE -Y "%s"  %8ss  %7.1f MiB  exit %s\n' "$SYN" "$tw" "$(awk -v m="$tm" 'BEGIN{print m/1024}')" "$tr"
    awk -v a="$tw" -v b="$rw" 'BEGIN{ x = a / b; v = "NOT met"; if (x >= 5) v = "met"; printf "  speed-up %.1fx (target >= 5x: %s)\n", x, v }'
    [ -n "$bound" ] && awk -v m="$rm" -v b="$bound" 'BEGIN{ printf "  rawshake peak RSS %.1f MiB, detector memory bound %.1f MiB\n", m / 1024, b / 1048576 }'
done
