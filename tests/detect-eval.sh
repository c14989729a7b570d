#!/bin/sh
# detect-eval.sh: "rawshake detect" on the labelled lab captures in pcaps/
# (scripts/make-detect-pcaps.sh, labels in pcaps/detect-labels.txt).  For
# every expected alert: a start for that victim (and kind) within 1 s after
# the first flood SYN, an end within 5 s after the last; no alert for any
# other victim; benign captures exit 0 with no alert, the others exit 3.
set -eu
srcdir=${srcdir:-.}
bin=${RAWSHAKE:-./rawshake}
labels=$srcdir/pcaps/detect-labels.txt
[ -f "$labels" ] || { echo "SKIP: no $labels"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

fails=0
for f in $(grep -v '^#' "$labels" | awk '{print $1}' | sort -u); do
	rc=0
	"$bin" detect -r "$srcdir/pcaps/$f" --format json >"$work/out" 2>"$work/err" || rc=$?
	grep -v '^#' "$labels" | awk -v f="$f" '$1 == f' >"$work/want"
	if python3 - "$f" "$rc" "$work/out" "$work/want" <<'EOF'
import json, sys
from decimal import Decimal
name, rc, out, want = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
alerts = [j for j in (json.loads(l) for l in open(out) if l.strip()) if j.get("type") == "alert"]
labels = [l.split() for l in open(want) if l.strip()]
bad = []
expect = [l for l in labels if l[1] != "none"]
if not expect:
    if rc != 0 or alerts:
        bad.append("benign capture: exit %d, %d alert lines (want 0 and none)" % (rc, len(alerts)))
else:
    if rc != 3:
        bad.append("exit %d, want 3" % rc)
    keys = set()
    for _, kind, victim, port, first, last, source in expect:
        key = (kind, victim, int(port))
        keys.add(key)
        mine = [a for a in alerts if (a["kind"], a["victim"], a["port"]) == key]
        starts = [a for a in mine if a["phase"] == "start"]
        ends = [a for a in mine if a["phase"] == "end"]
        first, last = Decimal(first), Decimal(last)
        if len(starts) != 1 or len(ends) != 1:
            bad.append("%s %s:%s: %d starts, %d ends (want 1 and 1)" % (kind, victim, port, len(starts), len(ends)))
            continue
        s, e = Decimal(starts[0]["ts"]), Decimal(ends[0]["ts"])
        print("  %s %s:%s start %+.3f s after the first SYN, end %+.3f s after the last"
              % (kind, victim, port, s - first, e - last))
        if not (first <= s <= first + 1):
            bad.append("%s %s:%s starts %.3f s after the first flood SYN (want 0 to 1)" % (kind, victim, port, s - first))
        if not (last <= e <= last + 5):
            bad.append("%s %s:%s ends %.3f s after the last flood SYN (want 0 to 5)" % (kind, victim, port, e - last))
        if kind == "port-scan" and starts[0].get("source") != source:
            bad.append("scan source %s, want %s" % (starts[0].get("source"), source))
    for a in alerts:
        if (a["kind"], a["victim"], a["port"]) not in keys:
            bad.append("unexpected alert %s %s %s:%s" % (a["phase"], a["kind"], a["victim"], a["port"]))
for b in bad:
    print("  FAIL %s: %s" % (name, b))
sys.exit(1 if bad else 0)
EOF
	then
		echo "ok $f"
	else
		echo "FAIL $f"
		cat "$work/err"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ] || { echo "$fails capture(s) failed"; exit 1; }
