#!/bin/sh
# corpus-sweep.sh BIN DIR: reads every capture in DIR (tcpdump's test
# corpus, many files malformed on purpose) as text and as JSON.  Each run
# must end within a second with status 0, 1 or 2, print no sanitizer
# report, and every JSON line must parse.  Build BIN with
# --enable-sanitizers for the check to mean anything.
set -eu
bin=$1
dir=$2
[ -d "$dir" ] || { echo "corpus-sweep: no corpus at $dir" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}

one() {
	f=$1
	base=$(basename "$f")
	for fmt in text json; do
		set +e
		timeout -k 1 2 "$bin" read --format "$fmt" "$f" >"$work/$base.$fmt.out" 2>"$work/$base.$fmt.err"
		st=$?
		set -e
		case $st in
		0|1|2) ;;
		*) echo "FAIL $base ($fmt): exit status $st"; head -5 "$work/$base.$fmt.err"; continue ;;
		esac
		if grep -qE 'Sanitizer|runtime error' "$work/$base.$fmt.err"; then
			echo "FAIL $base ($fmt): sanitizer report"; head -20 "$work/$base.$fmt.err"; continue
		fi
		rm -f "$work/$base.$fmt.err"
		if [ "$fmt" = text ]; then rm -f "$work/$base.$fmt.out"; fi
	done
}

# Time limit per file: "within a second" is measured on the plain build;
# sanitizers make a run 2-3x slower, so the hard limit here is 2 s.
fails=$(mktemp)
for f in "$dir"/*; do
	one "$f"
done >"$fails"
# Every JSON line of every file must parse.
python3 - "$work" >>"$fails" <<'PY'
import json, os, sys
d = sys.argv[1]
bad = 0
for name in sorted(os.listdir(d)):
    if not name.endswith(".json.out"):
        continue
    with open(os.path.join(d, name), "rb") as fh:
        for i, line in enumerate(fh, 1):
            try:
                json.loads(line.decode("utf-8"))
            except Exception as e:
                print(f"FAIL {name}: line {i} is not JSON: {e}")
                bad += 1
                break
PY
n=$(ls "$dir" | wc -l)
nfail=$(grep -c '^FAIL' "$fails" || true)
cat "$fails"
rm -f "$fails"
echo "corpus sweep: $((n - nfail)) passed, $nfail failed"
[ "$nfail" -eq 0 ]
