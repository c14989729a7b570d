#!/bin/bash
# run.sh - speed comparisons of rawshake with tcpdump, tshark and tcptrace.
#
#   bench/run.sh [--build] [CAPTURE]      read and tracker rows
#   bench/run.sh [--build] --flood [FLOOD_CAPTURE]
#                                         random-source SYN flood rows
#
# CAPTURE defaults to bench/out/lab-1m.pcap (made by bench/make-capture.sh),
# FLOOD_CAPTURE to bench/out/flood-10m.pcap (made here by bench/out/flood-gen
# when missing).  Every command runs with its output to /dev/null under
# /usr/bin/time -f '%e %U %S %M'; the table shows the best of RUNS (default
# 3) wall times, the user+sys CPU of that run and the highest peak RSS seen.
# A command whose first run takes longer than SLOW seconds (default 120) is
# run only once (shown as "1 run").
#
# The rawshake binary is ${RAWSHAKE:-./rawshake}.  --build first builds a
# plain (no sanitizer, -O2) rawshake from git HEAD in bench/out/src and
# uses that; see bench/README.
#
# This is a benchmark, not a test: it never fails because of a time.
set -u

usage() { echo "usage: $0 [--build] [--flood] [CAPTURE]" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUTDIR=$HERE/out
RUNS=${RUNS:-3}
SLOW=${SLOW:-120}
JSON_LIMIT=${JSON_LIMIT:-300}     # seconds: above this, the JSON row uses a 100k-packet prefix
FLOOD_PACKETS=${FLOOD_PACKETS:-10000000}
MODE=main
BUILD=0
CAP=""
while [ $# -gt 0 ]; do
    case $1 in
        --flood) MODE=flood;;
        --build) BUILD=1;;
        -h|--help) usage;;
        -*) usage;;
        *) [ -z "$CAP" ] || usage; CAP=$1;;
    esac
    shift
done

mkdir -p "$OUTDIR"
TMP=$(mktemp -d /tmp/rsbench-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

if [ $BUILD = 1 ]; then
    RAWSHAKE=$("$HERE/build-plain.sh") || exit 2
fi
RAWSHAKE=${RAWSHAKE:-./rawshake}
[ -x "$RAWSHAKE" ] || { echo "$0: no rawshake at $RAWSHAKE (set RAWSHAKE= or use --build)" >&2; exit 2; }
RS_REAL=$RAWSHAKE
# a libtool wrapper script hides the real binary in .libs/
if head -c 2 "$RAWSHAKE" | grep -q '#!' && [ -x "$(dirname "$RAWSHAKE")/.libs/$(basename "$RAWSHAKE")" ]; then
    RS_REAL=$(dirname "$RAWSHAKE")/.libs/$(basename "$RAWSHAKE")
fi
SANITIZED=no
if grep -aq '__asan_init\|__ubsan_handle' "$RS_REAL" 2>/dev/null; then SANITIZED=yes; fi

HAS_SUMMARY=no
if "$RAWSHAKE" read --help 2>&1 | grep -q -- '--summary'; then HAS_SUMMARY=yes; fi

# ---------------------------------------------------------------- timing
declare -A WALL CPU RSS NOTE RC CMDS
cmdof() { echo "${CMDS[$1]:-}"; }
# measure KEY CMD... : best-of-RUNS wall, CPU of that run, max RSS (KiB)
measure() {
    local key=$1; shift
    CMDS[$key]=$(label "$@")
    local best="" bcpu="" maxrss=0 n=0 rc=0 line e u s m
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %U %S %M' -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err"
        rc=$?
        line=$(tail -n 1 "$TMP/t")
        read -r e u s m <<<"$line"
        n=$((n + 1))
        if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN{exit !(a < b)}'; then
            best=$e; bcpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u + s}')
        fi
        [ "$m" -gt "$maxrss" ] && maxrss=$m
        [ $rc -ne 0 ] && break
        awk -v a="$e" -v b="$SLOW" 'BEGIN{exit !(a > b)}' && break
    done
    WALL[$key]=$best CPU[$key]=$bcpu RSS[$key]=$maxrss RC[$key]=$rc
    NOTE[$key]=""
    [ $n -lt "$RUNS" ] && NOTE[$key]="$n run"
    [ $rc -ne 0 ] && NOTE[$key]="exit $rc: $(head -c 120 "$TMP/err" | tr '\n' ' ')"
    printf '  %-58s %8ss %8ss %8.1f MiB  %s\n' "$(label "$@")" "$best" "$bcpu" \
        "$(awk -v m="$maxrss" 'BEGIN{print m / 1024}')" "${NOTE[$key]}" >&2
}
label() { local s="$*"; s=${s//$RAWSHAKE/rawshake}; s=${s//$SUBF/PREFIX}; s=${s//$CAPF/FILE}; echo "$s"; }

# ratio KEY_RS KEY_PEER TARGET_X : speedup = peer wall / rawshake wall
speed() {
    awk -v a="${WALL[$2]}" -v b="${WALL[$1]}" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "inf" }'
}
verdict() {  # VALUE OP TARGET
    awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN{ ok = (op == ">=") ? (v >= t) : (v < t); print ok ? "met" : "NOT met" }'
}
row() {  # ISSUE WHAT KEY_RS KEY_PEER PEERLABEL TARGET(x, or "" for none)
    local issue=$1 what=$2 krs=$3 kp=$4 plabel=$5 target=$6 sp cp tgt
    if [ "${RC[$krs]:-x}" != 0 ] || [ "${RC[$kp]:-x}" != 0 ]; then
        printf '%-7s %-24s %-28s %s\n' "$issue" "$what" "vs $plabel" \
            "n/a: a command failed (rawshake: ${RC[$krs]:+exit ${RC[$krs]}} ${NOTE[$krs]:-}; peer: ${RC[$kp]:+exit ${RC[$kp]}} ${NOTE[$kp]:-})"
        return
    fi
    sp=$(speed "$krs" "$kp")
    cp=$(awk -v a="${CPU[$kp]}" -v b="${CPU[$krs]}" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "inf" }')
    if [ -n "$target" ]; then tgt="target >= ${target}x: $(verdict "$sp" ">=" "$target")"; else tgt="(reference, no target)"; fi
    printf '%-7s %-24s %-28s %7ss vs %8ss  %8sx faster (cpu %7sx)  %s\n' "$issue" "$what" "vs $plabel" \
        "${WALL[$krs]}" "${WALL[$kp]}" "$sp" "$cp" "$tgt"
}
memrow() {  # ISSUE WHAT KEY_RS KEY_PEER PEERLABEL MAXFRACTION("" for none)
    local r tgt
    if [ "${RC[$3]:-x}" != 0 ] || [ "${RC[$4]:-x}" != 0 ]; then return; fi
    r=$(awk -v a="${RSS[$3]}" -v b="${RSS[$4]}" 'BEGIN{printf "%.3f", a / b}')
    if [ -n "$6" ]; then tgt="target < $6: $(verdict "$r" "<" "$6")"; else tgt="(reference, no target)"; fi
    printf '%-7s %-24s %-28s %6.1f MiB vs %6.1f MiB  rss ratio %s  %s\n' "$1" "$2" "vs $5" \
        "$(awk -v m="${RSS[$3]}" 'BEGIN{print m / 1024}')" "$(awk -v m="${RSS[$4]}" 'BEGIN{print m / 1024}')" \
        "$r" "$tgt"
}
na() { printf '%-7s %-24s %-28s %s\n' "$1" "$2" "vs $3" "$4"; }

header() {
    echo "rawshake bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    local from
    from="working tree at git $(cd "$TOP" && git rev-parse --short HEAD 2>/dev/null)"
    [ -r "$(dirname "$RS_REAL")/BUILT_FROM" ] && from="built from git $(cat "$(dirname "$RS_REAL")/BUILT_FROM")"
    echo "rawshake: $RAWSHAKE ($from), sanitizers: $SANITIZED, --summary: $HAS_SUMMARY"
    [ $SANITIZED = yes ] && echo "WARNING: this rawshake is a sanitizer build; use --build or RAWSHAKE=bench/out/src/rawshake"
    echo "peers: $(tcpdump --version 2>&1 | head -1), $(tshark --version 2>/dev/null | head -1), tcptrace $(tcptrace -v 2>&1 | grep -o 'version [0-9.]*' | head -1 | cut -d' ' -f2)"
    echo "file: $CAP ($(capinfos -M -c -T "$CAP" 2>/dev/null | awk -F'\t' 'NR==2{print $2}') packets, $(stat -c %s "$CAP") bytes)"
    echo "runs: best of $RUNS wall (1 run if the first takes > ${SLOW}s); cpu = user+sys of that run; rss = highest peak RSS"
}

SUMMARY_NA="n/a: rawshake has no --summary yet"

# ---------------------------------------------------------------- main rows
main_rows() {
    [ -n "$CAP" ] || CAP=$OUTDIR/lab-1m.pcap
    [ -r "$CAP" ] || { echo "$0: no capture $CAP (make one: bench/make-capture.sh $OUTDIR/lab-1m.pcap)" >&2; exit 2; }
    CAPF=$CAP
    SUBF=$OUTDIR/$(basename "$CAP" .pcap)-first100k.pcap
    cat "$CAP" >/dev/null   # page cache warm for everybody
    header

    echo "timing (stderr shows each command as it runs):" >&2
    # sanity: packet count agrees with capinfos
    echo "rawshake -q says: $("$RAWSHAKE" read -q "$CAP" 2>&1 | tail -n 1)"

    measure rs_text      "$RAWSHAKE" read "$CAP"
    measure td_text      tcpdump -n -S -v -r "$CAP"
    measure ts_text      tshark -r "$CAP"
    measure rs_quiet     "$RAWSHAKE" read -q "$CAP"
    measure td_quiet     tcpdump -n -r "$CAP"

    # JSON: tshark -T json is slow; time it once on a 100k prefix first and
    # extrapolate; if the full file would take more than JSON_LIMIT seconds,
    # both JSON commands run on the 100k prefix.
    local jf=$CAP jnote="full file"
    tcpdump -r "$CAP" -c 100000 -w "$SUBF" 2>/dev/null
    local total est t100
    total=$(capinfos -M -c -T "$CAP" | awk -F'\t' 'NR==2{print $2}')
    /usr/bin/time -f '%e' -o "$TMP/t" tshark -T json -r "$SUBF" >/dev/null 2>&1
    t100=$(tail -n 1 "$TMP/t")
    est=$(awk -v t="$t100" -v n="$total" 'BEGIN{printf "%.0f", t * n / 100000}')
    if [ "$est" -gt "$JSON_LIMIT" ]; then
        jf=$SUBF
        jnote="PREFIX = FIRST 100k PACKETS ONLY (tshark -T json took ${t100}s on 100k, ~${est}s estimated for $total)"
    fi
    measure rs_json      "$RAWSHAKE" read --format json "$jf"
    measure ts_json      tshark -T json -r "$jf"

    # Compressed input (issue 17): rawshake decompressing while it reads
    # vs the decompressor alone.  The compressed copies are made once.
    [ -s "$CAP.gz" ] || gzip -n -c "$CAP" >"$CAP.gz"
    [ -s "$CAP.zst" ] || zstd -q -c "$CAP" >"$CAP.zst"
    cat "$CAP.gz" "$CAP.zst" >/dev/null
    measure rs_gz        "$RAWSHAKE" read -q "$CAP.gz"
    measure zc_gz        zcat "$CAP.gz"
    measure rs_zst       "$RAWSHAKE" read -q "$CAP.zst"
    measure zc_zst       zstdcat "$CAP.zst"

    if [ $HAS_SUMMARY = yes ]; then
        measure rs_summary   "$RAWSHAKE" read -q --summary "$CAP"
        measure tt_summary   tcptrace -n "$CAP"
        measure ts_conv      tshark -q -z conv,tcp -r "$CAP"
    fi

    echo
    echo "== times (s) and peak memory =="
    printf '%-12s %-58s %9s %9s %10s  %s\n' key command wall cpu "rss MiB" note
    local k
    for k in rs_text td_text ts_text rs_json ts_json rs_quiet td_quiet rs_gz zc_gz rs_zst zc_zst \
        rs_summary tt_summary ts_conv; do
        [ -n "${WALL[$k]:-}" ] || continue
        printf '%-12s %-58s %9s %9s %10.1f  %s\n' "$k" "$(cmdof "$k")" "${WALL[$k]}" "${CPU[$k]}" \
            "$(awk -v m="${RSS[$k]}" 'BEGIN{print m / 1024}')" "${NOTE[$k]}"
    done
    echo
    echo "== ratios (peer / rawshake; verdicts use wall time, cpu = user+sys ratio) =="
    row "read" "text" rs_text td_text "tcpdump -n -S -v -r" 2
    row "read" "text" rs_text ts_text "tshark -r" ""
    echo "        JSON rows: $jnote"
    row "read" "json" rs_json ts_json "tshark -T json -r" 20
    row "read" "-q (count only)" rs_quiet td_quiet "tcpdump -n -r" 5
    # Within 1.3x of zcat alone: zcat / rawshake >= 1 / 1.3.
    row "17" "-q FILE.gz" rs_gz zc_gz "zcat FILE.gz" 0.77
    row "17" "-q FILE.zst" rs_zst zc_zst "zstdcat FILE.zst" ""
    if [ $HAS_SUMMARY = yes ]; then
        row "tracker" "-q --summary" rs_summary tt_summary "tcptrace -n" 3
        row "tracker" "-q --summary" rs_summary ts_conv "tshark -q -z conv,tcp -r" 20
        memrow "tracker" "-q --summary peak RSS" rs_summary tt_summary "tcptrace -n" 0.25
        memrow "tracker" "-q --summary peak RSS" rs_summary ts_conv "tshark -q -z conv,tcp" ""
        row "tracker" "annotated text (= text)" rs_text td_text "tcpdump -n -S -v -r" 2
    else
        na "tracker" "-q --summary" "tcptrace -n" "$SUMMARY_NA"
        na "tracker" "-q --summary" "tshark -q -z conv,tcp -r" "$SUMMARY_NA"
        na "tracker" "-q --summary peak RSS" "tcptrace -n" "$SUMMARY_NA"
        na "tracker" "annotated text" "tcpdump -n -S -v -r" "n/a: rawshake has no tracker annotations yet (--summary missing)"
    fi
}

# ---------------------------------------------------------------- flood rows
flood_rows() {
    local gen=$OUTDIR/flood-gen
    if [ ! -x "$gen" ] || [ "$HERE/flood-gen.c" -nt "$gen" ]; then
        # shellcheck disable=SC2046  # libnet-config prints several words
        cc -O2 -Wall -D_DEFAULT_SOURCE $(libnet-config --defines) "$HERE/flood-gen.c" -o "$gen" -lnet -lpcap ||
            { echo "$0: cannot build flood-gen (apt-get install libnet1-dev libpcap-dev)" >&2; exit 2; }
    fi
    if [ -z "$CAP" ]; then
        CAP=$OUTDIR/flood-$((FLOOD_PACKETS / 1000000))m.pcap
        [ "$FLOOD_PACKETS" -lt 1000000 ] && CAP=$OUTDIR/flood-${FLOOD_PACKETS}.pcap
        if [ ! -r "$CAP" ]; then
            echo "generating $CAP ($FLOOD_PACKETS SYNs)" >&2
            "$gen" -n "$FLOOD_PACKETS" "$CAP.tmp" && mv "$CAP.tmp" "$CAP" || exit 2
        fi
    fi
    [ -r "$CAP" ] || { echo "$0: no capture $CAP" >&2; exit 2; }
    # tshark keeps state for every conversation: about 2 KiB per distinct
    # SYN, so 10M SYNs would need ~20 GiB.  It runs on the first
    # FLOOD_TSHARK_PACKETS (default 1,000,000) packets only (~2 GiB), and
    # rawshake is timed on that prefix as well.  (An address-space limit
    # with prlimit --as makes this tshark crash at start, so there is none.)
    local tn=${FLOOD_TSHARK_PACKETS:-1000000}
    SUBF=$OUTDIR/$(basename "$CAP" .pcap)-first$((tn / 1000))k.pcap
    [ -r "$SUBF" ] || tcpdump -r "$CAP" -c "$tn" -w "$SUBF" 2>/dev/null
    CAPF=$CAP
    cat "$CAP" "$SUBF" >/dev/null
    header
    echo "tshark rows: PREFIX = first $tn packets ($SUBF); tshark needs ~2 KiB per SYN, so not on the full file"
    echo "timing (stderr shows each command as it runs):" >&2
    measure rs_fquiet "$RAWSHAKE" read -q "$CAP"
    [ $HAS_SUMMARY = yes ] && measure rs_fsummary "$RAWSHAKE" read -q --summary "$CAP"
    [ $HAS_SUMMARY = yes ] && measure rs_fsummary_p "$RAWSHAKE" read -q --summary "$SUBF"
    measure rs_fquiet_p "$RAWSHAKE" read -q "$SUBF"
    measure ts_fsyn_p tshark -r "$SUBF" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -q
    echo
    echo "== SYN flood: times (s) and peak memory =="
    printf '%-14s %-66s %9s %9s %10s  %s\n' key command wall cpu "rss MiB" note
    local k
    for k in rs_fquiet rs_fsummary rs_fquiet_p rs_fsummary_p ts_fsyn_p; do
        [ -n "${WALL[$k]:-}" ] || continue
        printf '%-14s %-66s %9s %9s %10.1f  %s\n' "$k" "$(cmdof "$k")" "${WALL[$k]}" "${CPU[$k]}" \
            "$(awk -v m="${RSS[$k]}" 'BEGIN{print m / 1024}')" "${NOTE[$k]}"
    done
    echo
    echo "== ratios on the $tn-packet prefix (peer / rawshake; cpu = user+sys ratio) =="
    row "flood" "-q (count only)" rs_fquiet_p ts_fsyn_p "tshark -Y SYN -q" ""
    if [ $HAS_SUMMARY = yes ]; then
        row "flood" "-q --summary" rs_fsummary_p ts_fsyn_p "tshark -Y SYN -q" ""
        memrow "flood" "-q --summary peak RSS" rs_fsummary_p ts_fsyn_p "tshark -Y SYN -q" ""
        echo "full file: rawshake read -q --summary ${WALL[rs_fsummary]}s wall, peak RSS $(awk -v m="${RSS[rs_fsummary]}" 'BEGIN{printf "%.1f", m / 1024}') MiB ($(capinfos -M -c -T "$CAP" | awk -F'\t' 'NR==2{print $2}') SYNs)"
    else
        na "flood" "-q --summary" "tshark -Y SYN -q" "$SUMMARY_NA"
    fi
}

if [ $MODE = flood ]; then flood_rows; else main_rows; fi
