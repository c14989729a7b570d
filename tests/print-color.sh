#!/bin/sh
# print-color.sh: --color=auto colours only a terminal, and NO_COLOR (set,
# not empty) turns it off there; a pipe never gets colours.  The terminal
# is script(1)'s pseudo-terminal; without script(1) the test is skipped.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
f=$srcdir/pcaps/retransmit-data.pcap
command -v script >/dev/null 2>&1 || exit 77
esc=$(printf '\033')
fail() { echo "FAIL: $*"; exit 1; }
tty_run() { NO_COLOR=$1 script -qec "'$bin' read -c 3 '$f'" /dev/null; }
tty_run "" | grep -q "${esc}\[32mSYN" || fail "--color=auto on a terminal: no colours"
tty_run 1 | grep -q "$esc" && fail "NO_COLOR=1 on a terminal: colours"
"$bin" read -c 3 "$f" | grep -q "$esc" && fail "a pipe got colours"
NO_COLOR=1 "$bin" read --color=always -c 3 "$f" | grep -q "${esc}\[32mSYN" ||
	fail "--color=always: no colours"
echo "print-color: auto colours a terminal only, NO_COLOR and pipes turn them off"
