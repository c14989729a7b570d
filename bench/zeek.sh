#!/bin/bash
# zeek.sh - speed and memory of `rawshake read -q --summary --format zeek`
# (issue 18, part 3) against the flow summarizers a user would otherwise run
# on the same capture:
#
#   rawshake read -q --summary --format zeek FILE    conn.log (TSV)
#   tcptrace -n FILE                                 TCP connections
#   argus -r FILE -w - | ra -n                       argus flow records
#
#   bench/zeek.sh [--build] [CAPTURE]
#
# rawshake runs twice a round: as a user gets it (decoding and tracking on
# two threads on a machine with two CPUs) and with RAWSHAKE_THREADS=1 (one
# thread, as tcptrace and tcpdump work); the ratios are given for both.
#
# CAPTURE defaults to bench/out/lab-1m.pcap (bench/make-capture.sh).  The
# commands run in ROUNDS (default 5) alternating rounds, output to
# /dev/null, under /usr/bin/time, after the file has been read once into the
# page cache; alternating rather than N runs of each keeps a burst of load
# from other work on the machine from falling on one command only.  The
# table gives the median and best wall time, the median CPU (user+sys,
# children included) and the highest peak RSS; for the argus pipeline the
# peak RSS is argus's plus ra's (both run at once).  Ratios are peer /
# rawshake of the medians (wall and CPU), memory rawshake / peer.
#
# --build builds a plain (-g -O2, no sanitizers) rawshake from git HEAD in
# bench/out/src first, as run.sh --build does; otherwise ${RAWSHAKE:-./rawshake}.
# A benchmark, not a test: it never fails because something is slow.
set -u

usage() { echo "usage: $0 [--build] [CAPTURE]" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUTDIR=$HERE/out
mkdir -p "$OUTDIR"
ROUNDS=${ROUNDS:-5}
BUILD=0
if [ "${1:-}" = --build ]; then BUILD=1; shift; fi
[ $# -le 1 ] || usage
case ${1:-} in -*) usage;; esac
CAP=${1:-$OUTDIR/lab-1m.pcap}
[ -r "$CAP" ] || { echo "$0: no capture $CAP (bench/make-capture.sh $OUTDIR/lab-1m.pcap)" >&2; exit 2; }
for t in /usr/bin/time tcptrace argus ra capinfos; do
    command -v $t >/dev/null ||
        { echo "$0: $t missing (apt-get install -y time tcptrace argus-server argus-client tshark)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/rsbench-zeek.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ $BUILD = 1 ]; then
    RAWSHAKE=$("$HERE/build-plain.sh") || exit 2
fi
RAWSHAKE=${RAWSHAKE:-./rawshake}
[ -x "$RAWSHAKE" ] || { echo "$0: no rawshake at $RAWSHAKE (set RAWSHAKE= or use --build)" >&2; exit 2; }
if grep -aq '__asan_init\|__ubsan_handle' "$RAWSHAKE" 2>/dev/null; then
    echo "WARNING: $RAWSHAKE is a sanitizer build: use --build for timing" >&2
fi

PACKETS=$(capinfos -M -c -T "$CAP" | awk -F'\t' 'NR==2{print $2}')
cat "$CAP" >/dev/null

# One run of each; appends "wall cpu rss_kib" to $TMP/NAME.
# run_rawshake NAME [THREADS]: THREADS empty is what a user gets (two
# threads on two CPUs, view_pipe.c); 1 is RAWSHAKE_THREADS=1.
run_rawshake() {
    env ${2:+RAWSHAKE_THREADS=$2} /usr/bin/time -f '%e %U %S %M' -o "$TMP/t" \
        "$RAWSHAKE" read -q --summary --format zeek "$CAP" >"$TMP/conn.log" 2>"$TMP/err" ||
        { echo "$0: rawshake failed: $(head -c 300 "$TMP/err")" >&2; exit 2; }
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$TMP/t" >>"$TMP/$1"
}
run_tcptrace() {
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/t" tcptrace -n "$CAP" >"$TMP/tcptrace.out" 2>&1 ||
        { echo "$0: tcptrace failed" >&2; exit 2; }
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$TMP/t" >>"$TMP/tcptrace"
}
run_argus() {
    # the outer time gives the pipeline's wall and CPU (the shell waits
    # for both), the inner ones each process's peak RSS
    /usr/bin/time -f '%e %U %S' -o "$TMP/t" bash -c \
        '/usr/bin/time -f %M -o "$2/a" argus -r "$1" -w - | /usr/bin/time -f %M -o "$2/r" ra -n >"$2/ra.out"' \
        argus-bench "$CAP" "$TMP" 2>"$TMP/err" ||
        { echo "$0: argus | ra failed: $(head -c 300 "$TMP/err")" >&2; exit 2; }
    printf '%s %s\n' "$(awk '{printf "%s %.2f", $1, $2 + $3}' "$TMP/t")" \
        "$(( $(tail -n 1 "$TMP/a") + $(tail -n 1 "$TMP/r") ))" >>"$TMP/argus"
}

echo "rawshake zeek bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -sr)  $(nproc) cores"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
from="working tree at git $(cd "$TOP" && git rev-parse --short HEAD)"
[ -r "$(dirname "$RAWSHAKE")/BUILT_FROM" ] && from="built from git $(cat "$(dirname "$RAWSHAKE")/BUILT_FROM")"
echo "rawshake: $RAWSHAKE ($from)"
echo "peers: tcptrace $(tcptrace -v 2>&1 | grep -o 'version [0-9.]*' | head -1 | cut -d' ' -f2)," \
    "argus $(dpkg-query -W -f '${Version}' argus-server 2>/dev/null), ra $(dpkg-query -W -f '${Version}' argus-client 2>/dev/null)"
echo "file: $CAP ($PACKETS packets, $(stat -L -c %s "$CAP") bytes)"
for i in $(seq "$ROUNDS"); do
    echo "round $i/$ROUNDS" >&2
    run_rawshake rawshake
    run_tcptrace
    run_argus
    run_rawshake rawshake1 1
done
echo "rounds: $ROUNDS alternating (rawshake, tcptrace, argus | ra, rawshake on one thread)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "connections: rawshake conn.log $(grep -vc '^#' "$TMP/conn.log") rows" \
    "($(awk -F'\t' '!/^#/ && $7 == "tcp"' "$TMP/conn.log" | wc -l) tcp)," \
    "tcptrace $(grep -Ec '^ *[0-9]+: ' "$TMP/tcptrace.out") TCP connections," \
    "ra $(wc -l <"$TMP/ra.out") flow records"

# median / best / peak of one tool's runs: "med_wall best_wall med_cpu max_rss_kib"
stats() {
    local f=$TMP/$1
    median() { sort -n | awk '{v[NR] = $1} END {m = int((NR + 1) / 2); printf "%.3f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2}'; }
    echo "$(cut -d' ' -f1 "$f" | median) $(cut -d' ' -f1 "$f" | sort -n | head -n 1)" \
        "$(cut -d' ' -f2 "$f" | median) $(cut -d' ' -f3 "$f" | sort -n | tail -n 1)"
}
read -r RS_W RS_B RS_C RS_M <<<"$(stats rawshake)"
echo
printf '%-46s %10s %10s %10s %12s\n' command "median s" "best s" "cpu s" "peak MiB"
line() {
    printf '%-46s %10s %10s %10s %12.1f\n' "$1" "$2" "$3" "$4" "$(awk -v m="$5" 'BEGIN{print m / 1024}')"
}
line "rawshake read -q --summary --format zeek" "$RS_W" "$RS_B" "$RS_C" "$RS_M"
read -r R1_W R1_B R1_C R1_M <<<"$(stats rawshake1)"
line "  the same, RAWSHAKE_THREADS=1" "$R1_W" "$R1_B" "$R1_C" "$R1_M"
for p in tcptrace argus; do
    read -r W B C M <<<"$(stats $p)"
    case $p in tcptrace) l="tcptrace -n";; argus) l="argus -r FILE -w - | ra -n";; esac
    line "$l" "$W" "$B" "$C" "$M"
    eval "P_${p}=\"$W $C $M\""
done
echo
awk -v n="$PACKETS" -v w="$RS_W" -v c="$RS_C" 'BEGIN{
    printf "rawshake: %.0f packets/s (median wall), %.0f packets per CPU second\n", n / w, n / c }'
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN{ok = op == ">=" ? v >= t : v < t; print ok ? "met" : "NOT met"}'; }
for p in tcptrace argus; do
    eval "set -- \$P_$p"
    [ $# = 3 ] || { echo "$0: no figures for $p" >&2; exit 2; }
    sw=$(awk -v a="$1" -v b="$RS_W" 'BEGIN{printf "%.2f", a / b}')
    sc=$(awk -v a="$2" -v b="$RS_C" 'BEGIN{printf "%.2f", a / b}')
    printf 'vs %-9s %6sx faster (wall), %6sx (cpu)   target >= 3x: %s\n' "$p" "$sw" "$sc" "$(verdict "$sw" ">=" 3)"
    printf '   one thread: %6sx faster (wall), %6sx (cpu)\n' \
        "$(awk -v a="$1" -v b="$R1_W" 'BEGIN{printf "%.2f", a / b}')" \
        "$(awk -v a="$2" -v b="$R1_C" 'BEGIN{printf "%.2f", a / b}')"
    if [ $p = tcptrace ]; then
        mr=$(awk -v a="$RS_M" -v b="$3" 'BEGIN{printf "%.3f", a / b}')
        printf 'peak RSS vs tcptrace: %s (%.1f / %.1f MiB)   target < 0.25: %s\n' "$mr" \
            "$(awk -v m="$RS_M" 'BEGIN{print m / 1024}')" "$(awk -v m="$3" 'BEGIN{print m / 1024}')" \
            "$(verdict "$mr" "<" 0.25)"
    fi
done
