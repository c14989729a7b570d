#!/bin/sh
# read-args.sh: which arguments of read and detect are files and which
# the filter, and that opening them cannot hang (input edges).
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
cap=$(cd "$srcdir/pcaps" && pwd)/handshake-v4.pcap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); }
count() { "$bin" read "$@" -q 2>&1 | tail -1; }

cd "$work"
# A quoted filter with a slash is a filter, not a file.
[ "$(count "$cap" 'net 192.0.2.0/24')" = "11 packets" ] || fail "'net 192.0.2.0/24' taken for a file"
ok
# A file named like a filter word that is no capture is the filter's word.
echo "not a capture" >tcp
[ "$(count "$cap" tcp port 9)" = "0 packets" ] || fail "'tcp port 9' with a file named tcp here"
[ "$(count "$cap" tcp port 8080)" = "11 packets" ] || fail "'tcp port 8080' with a file named tcp"
ok
# A capture of that name is a file (documented); -- and -r settle it.
cp "$cap" port
[ "$(count "$cap" port 8080 2>&1)" != "11 packets" ] || fail "a capture named 'port' was not read as a file"
[ "$(count "$cap" -- port 8080)" = "11 packets" ] || fail "-- did not end the files"
[ "$(count -r "$cap" port 8080)" = "11 packets" ] || fail "-r FILE then a filter"
[ "$(count -r "$cap" -r "$cap" port 8080)" = "22 packets" ] || fail "two -r files"
ok
# Options anywhere, as tcpdump takes them.
n=$("$bin" read "$cap" -c 2 | grep -c '^#')
[ "$n" -eq 2 ] || fail "read FILE -c 2 printed $n packets"
n=$("$bin" read "$cap" tcp -c 3 port 8080 | grep -c '^#')
[ "$n" -eq 3 ] || fail "read FILE tcp -c 3 port 8080 printed $n packets"
ok
# Several files, then the filter.
[ "$(count "$cap" "$cap" "$cap" src port 8080)" = "15 packets" ] || fail "three files and a filter"
ok
# A FIFO without a writer: opening it does not hang; it is read as it comes.
mkfifo fifo
( sleep 1; cat "$cap" >fifo ) &
out=$(timeout 10 "$bin" read -q fifo 2>&1) || fail "read of a FIFO: $out"
[ "$out" = "11 packets" ] || fail "read of a FIFO: $out"
ok
# detect: the same rule after -r.
out=$("$bin" detect -r "$cap" 'net 192.0.2.0/24' --no-stats 2>&1) || fail "detect with a quoted filter: $out"
"$bin" detect -r "$cap" "$cap" -- tcp --no-stats >/dev/null 2>&1 || fail "detect -r F F -- tcp"
ok
echo "read-args: $pass passed"
