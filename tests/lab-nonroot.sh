#!/bin/sh
# lab-nonroot.sh: run by a user who is not root, each lab subcommand says
# what it needs root for, once (status only looks: it does not claim to
# create anything), and exits 2; an unknown subcommand is named as such.
# As root the commands run as nobody (setpriv); without setpriv, 77.
set -eu
bin=$(pwd)/rawshake
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null || { echo "SKIP: root without setpriv"; exit 77; }
	run() { setpriv --reuid nobody --regid nogroup --clear-groups "$bin" "$@"; }
else
	run() { "$bin" "$@"; }
fi
fail() { echo "FAIL: $*"; exit 1; }
# check SUB WORDS: exit 2 and "rawshake lab SUB: WORDS needs root (...)"
check() {
	sub=$1
	rc=0
	out=$(run lab "$sub" 2>&1) || rc=$?
	[ "$rc" -eq 2 ] || fail "lab $sub: exit $rc (want 2): $out"
	case $out in
	"rawshake lab $sub: $2 needs root (run it as root, or with sudo; setcap is not enough)") ;;
	*) fail "lab $sub: '$out'" ;;
	esac
}
check status "seeing the lab's network namespaces"
check up "creating the lab's network namespaces"
check down "removing the lab's network namespaces"
check demo "running the demo in the lab's network namespaces"
rc=0
out=$(run lab bogus 2>&1) || rc=$?
[ "$rc" -eq 2 ] && [ "$(echo "$out" | head -1)" = "rawshake lab: no subcommand 'bogus'" ] ||
	fail "lab bogus: exit $rc: $out"
echo "ok: lab as a user who is not root"
