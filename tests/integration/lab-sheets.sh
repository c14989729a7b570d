#!/bin/sh
# lab-sheets.sh: the lab sheets work as written.  Every command of
# docs/labs/[0-9]*.md (a line "# CMD" in a fenced block, see
# docs/labs/README.md) is run in order, one shell per sheet, as root from
# the source directory, as a student would after the README's build: no
# rawshake on PATH, the first "rawshake" of a line is this build (as
# ./rawshake would be), and "rawshake" inside "lab exec" must find it by
# itself.  Each command must exit with the status the sheet gives ("# exit
# N" at the end of the line, 0 otherwise); a command ending in "&" is
# checked at the next "wait".  /tmp/ in the commands is a private directory.
# Each sheet is bounded in time, and the lab is removed on exit.  Needs root:
# skipped (77) otherwise.  LAB_SHEETS_KEEP=DIR keeps each sheet's output.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft ss tcpdump timeout python3 bash flock; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
srcdir=${srcdir:-.}
srcdir=$(cd "$srcdir" && pwd)
bin=$(pwd)/rawshake
# Lab tests share the lab's names: one at a time, even under make -j.
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d /tmp/rawshake-sheets.XXXXXX)
chmod 755 "$work"
runner=
cleanup() {
	[ -n "$runner" ] && kill -TERM "$runner" 2>/dev/null || true
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PATH without any directory that holds a rawshake (an installed one would
# hide a "lab exec" that does not find this build).
path=
oldifs=$IFS
IFS=:
for d in $PATH; do
	[ -n "$d" ] && [ ! -x "$d/rawshake" ] && path=${path:+$path:}$d
done
IFS=$oldifs

# sheet.md -> a bash script that runs its commands and reports each status.
gen() {
	python3 - "$1" "$work/tmp/" <<'PY'
import re, shlex, sys
path, tmp = sys.argv[1], sys.argv[2]
name = "docs/" + path.split("/docs/")[-1]
want_re = re.compile(r"\s+#\s*exit\s+(\d+)\b[^'\"]*$")
print("__bg=()")
fence = False
cmds = 0
for no, line in enumerate(open(path, encoding="utf-8"), 1):
    line = line.strip()   # a block may be indented (in a list item)
    if line.startswith("```"):
        fence = not fence
        continue
    if not fence:
        continue
    if not line.startswith("# "):
        if line:
            print("__bad %s" % shlex.quote("%s:%d: a line in a fenced block that is not a command: %s" % (name, no, line)))
        continue
    cmd = line[2:].strip()
    want = 0
    m = want_re.search(cmd)
    if m:
        want = int(m.group(1))
        cmd = cmd[:m.start()].rstrip()
    cmd = cmd.replace("/tmp/", tmp)
    where = "%s:%d" % (name, no)
    cmds += 1
    print("__hdr %s" % shlex.quote("### %s: %s" % (where, cmd)))
    if cmd == "wait":
        print("__wait_all")
        print("__ret 0")
    elif cmd.endswith("&") and not cmd.endswith("&&"):
        print(cmd)
        print("__bg+=(\"$!:%d:%s\")" % (want, where))
    else:
        print(cmd)
        print("__rc=$?; __check %s %d $__rc; __ret $__rc" % (shlex.quote(where), want))
print("__wait_all")
if cmds == 0:
    print("__bad %s" % shlex.quote(name + ": no command found"))
PY
}

prelude='
rawshake() { "$RS_BIN" "$@"; }
__check() {
	if [ "$3" -eq "$2" ]; then echo "ok: $1 exit $3" >&3
	else echo "FAIL: $1: exit $3, the sheet says $2" >&3; fi
}
__bad() { echo "FAIL: $1" >&3; }
__ret() { return "$1"; }
# The header line of a command in the log keeps $? for it ("echo $?").
__hdr() { local r=$?; echo "$1"; return $r; }
__wait_all() {
	local j pid want where
	for j in "${__bg[@]}"; do
		pid=${j%%:*}; j=${j#*:}; want=${j%%:*}; where=${j#*:}
		wait "$pid"
		__check "$where" "$want" $?
	done
	__bg=()
}
cd "$RS_SRCDIR" || exit 1
'

pass=0
fail=0
for sheet in "$srcdir"/docs/labs/[0-9]*.md; do
	name=$(basename "$sheet" .md)
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work/tmp"
	mkdir -m 1777 "$work/tmp"   # as /tmp: sniff writes -w files as nobody
	{ printf '%s\n' "$prelude"; gen "$sheet"; } >"$work/$name.sh"
	start=$(date +%s)
	st=0
	# The sheet's own shell, bounded: 300 s is five times a normal run.
	RS_BIN=$bin RS_SRCDIR=$srcdir PATH=$path timeout -k 10 300 bash "$work/$name.sh" \
		>"$work/$name.log" 2>&1 3>"$work/$name.res" &
	runner=$!
	wait "$runner" || st=$?
	runner=
	secs=$(($(date +%s) - start))
	[ -n "${LAB_SHEETS_KEEP:-}" ] && cp "$work/$name.log" "$work/$name.res" "$LAB_SHEETS_KEEP/"
	n=$(grep -c '^ok: ' "$work/$name.res" || true)
	bad=$(grep -c '^FAIL: ' "$work/$name.res" || true)
	if [ "$st" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "FAIL: $name: its shell exited $st (124: it took more than 300 s)"
		bad=1
	fi
	if [ "$bad" -eq 0 ] && [ "$n" -gt 0 ]; then
		echo "ok: $name: $n commands exit as the sheet says (${secs} s)"
		pass=$((pass + 1))
	else
		grep '^FAIL: ' "$work/$name.res" || true
		echo "--- $name: the last output ---"
		tail -40 "$work/$name.log"
		fail=$((fail + 1))
	fi
	"$bin" lab down >/dev/null 2>&1 || true
done
ip netns list | grep -q rslab- && { echo "FAIL: a lab namespace is left: $(ip netns list)"; fail=$((fail + 1)); }
echo "lab-sheets: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
