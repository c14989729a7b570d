#!/bin/sh
# zeek-split.sh: docs/scale.md at small scale.  A capture is split by time
# into three parts, each part summarised alone (read --summary --format
# zeek), the three conn.logs merged by scripts/zeek-merge.py, and the
# result must be the conn.log of the whole file: the same header, the same
# rows (uids included), field by field, except the fields the merge lists
# as bounds (--inexact), which must then be on the right side.
#
#   pcaps/zeek-split.pcap   split at t0+10 s and t0+20 s with read
#                           --since/--until (no files rewritten); its
#                           connections cross the boundaries on purpose
#                           (scripts/make-split-pcap.py says how)
#   pcaps/detect-benign.pcap  3,000 short lab connections, split in the
#                           middle of two of them with editcap -A/-B when
#                           editcap is installed (else --since/--until)
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
merge=$srcdir/scripts/zeek-merge.py
command -v python3 >/dev/null 2>&1 || exit 77
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zeek-split.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
zeek() { "$bin" read -q --summary --format zeek "$@"; }

# check NAME WHOLE.log MERGED.log INEXACT MIN_JOINED PART.log...
check() {
	python3 - "$@" <<'EOF'
import sys

name, whole, merged, inexact, min_joined, parts = (sys.argv[1], sys.argv[2], sys.argv[3],
                                                    sys.argv[4], int(sys.argv[5]), sys.argv[6:])

def read(path):
    head, rows, fields = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"):
            head.append(line)
            if line.startswith("#fields\t"):
                fields = line.split("\t")[1:]
        elif line:
            r = dict(zip(fields, line.split("\t")))
            if r["uid"] in rows:
                sys.exit(f"FAIL: {name}: {path}: uid {r['uid']} twice")
            rows[r["uid"]] = r
    return head, rows

wh, wr = read(whole)
mh, mr = read(merged)
if wh != mh:
    sys.exit(f"FAIL: {name}: merged header differs:\n{wh}\n{mh}")
if set(wr) != set(mr):
    sys.exit(f"FAIL: {name}: uids only in the whole log {sorted(set(wr) - set(mr))[:5]}, "
             f"only in the merged one {sorted(set(mr) - set(wr))[:5]}")
bounds = {}
for line in open(inexact, encoding="utf-8"):
    uid, fields = line.rstrip("\n").split("\t")
    bounds[uid] = set(fields.split(","))
for uid, w in wr.items():
    m = mr[uid]
    for f in w:
        if w[f] == m[f]:
            continue
        if f not in bounds.get(uid, ()):
            sys.exit(f"FAIL: {name}: {uid} {f}: whole {w[f]!r}, merged {m[f]!r}\n"
                     f"  whole  {w}\n  merged {m}")
        if f == "duration" and float(m[f]) < float(w[f]):
            sys.exit(f"FAIL: {name}: {uid}: merged duration {m[f]} below the whole run's {w[f]}")
part_rows = sum(len(read(p)[1]) for p in parts)
joined = part_rows - len(mr)
if joined < min_joined:
    sys.exit(f"FAIL: {name}: only {joined} rows joined (the split crossed too few connections)")
print(f"zeek-split: {name}: {len(mr)} connections equal to the whole run's, {joined} rows "
      f"joined across the boundaries, {len(bounds)} durations bounded")
EOF
}

# --since/--until tile the capture: no packet lost or counted twice
count() { "$bin" read -q "$@" | sed -n 's/^\([0-9]*\) packets*.*/\1/p'; }

f=$srcdir/pcaps/zeek-split.pcap
t0=1796216400
# a time without a zone, a bad date, an empty window: usage errors (2)
for bad in "--since 2026-12-02T13:00:10" "--until 2026-02-30T00:00:00Z" \
	"--since $((t0 + 5)) --until $((t0 + 5))" "--since 1e9"; do
	st=0; "$bin" read -q $bad "$f" >/dev/null 2>&1 || st=$?
	[ $st = 2 ] || fail "read $bad: exit $st, not 2"
done
zeek "$f" >"$tmp/whole.log"
zeek --until $((t0 + 10)) "$f" >"$tmp/p1.log"
zeek --since $((t0 + 10)) --until 2026-12-02T13:00:20Z "$f" >"$tmp/p2.log"
zeek --since 2026-12-02T14:00:20+01:00 "$f" >"$tmp/p3.log"
n=$(count "$f")
n1=$(count --until $((t0 + 10)) "$f")
n2=$(count --since $((t0 + 10)) --until $((t0 + 20)) "$f")
n3=$(count --since $((t0 + 20)) "$f")
[ $((n1 + n2 + n3)) = "$n" ] || fail "parts have $n1 + $n2 + $n3 packets, the whole file $n"
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ "$n3" -gt 0 ] || fail "an empty part: $n1 $n2 $n3"
python3 "$merge" --inexact "$tmp/inexact" "$tmp/p1.log" "$tmp/p2.log" "$tmp/p3.log" >"$tmp/merged.log"
check zeek-split.pcap "$tmp/whole.log" "$tmp/merged.log" "$tmp/inexact" 10 "$tmp"/p[123].log
grep -q . "$tmp/inexact" || fail "zeek-split.pcap: the FINs split by a boundary gave no bound"

f=$srcdir/pcaps/detect-benign.pcap
zeek "$f" >"$tmp/whole.log"
# boundaries in the middle of the connections a third and two thirds of
# the way through the log (by start), so that each cuts one
set -- $(python3 -c 'import sys
rows = sorted(l.split("\t") for l in open(sys.argv[1]) if not l.startswith("#"))
rows = [r for r in rows if r[8] != "-"]
for r in (rows[len(rows) // 3], rows[2 * len(rows) // 3]):
    print("%.6f" % (float(r[0]) + float(r[8]) / 2))' "$tmp/whole.log")
c1=$1 c2=$2
if command -v editcap >/dev/null 2>&1; then
	how=editcap
	editcap -B "$c1" "$f" "$tmp/s1.pcap"
	editcap -A "$c1" -B "$c2" "$f" "$tmp/s2.pcap"
	editcap -A "$c2" "$f" "$tmp/s3.pcap"
	for i in 1 2 3; do zeek "$tmp/s$i.pcap" >"$tmp/p$i.log"; done
else
	how="--since/--until"
	zeek --until "$c1" "$f" >"$tmp/p1.log"
	zeek --since "$c1" --until "$c2" "$f" >"$tmp/p2.log"
	zeek --since "$c2" "$f" >"$tmp/p3.log"
fi
python3 "$merge" --inexact "$tmp/inexact" "$tmp/p1.log" "$tmp/p2.log" "$tmp/p3.log" >"$tmp/merged.log"
check "detect-benign.pcap ($how)" "$tmp/whole.log" "$tmp/merged.log" "$tmp/inexact" 2 "$tmp"/p[123].log
