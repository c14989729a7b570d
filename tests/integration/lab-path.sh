#!/bin/sh
# lab-path.sh: the programs lab and connect run as root are the system's,
# never the first of that name in the caller's PATH.  With a directory
# holding a fake ip and a fake nft (each would create a marker file, then
# run the real one) first in PATH, and "." too with the fakes as the
# current directory: lab up, status, synflood (which adds and removes a
# route with ip), a connect inside the lab (its RST guard is nft) and lab
# down all work, and no marker is created.  Needs root: skipped (77)
# otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip nft flock timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
bin=$(pwd)/rawshake
exec 9>/tmp/rawshake-lab-tests.lock
flock 9
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
	cd /
	"$bin" lab down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

real_ip=$(command -v ip)
real_nft=$(command -v nft)
mkdir "$work/fake"
for t in ip nft; do
	real=$real_ip
	[ "$t" = nft ] && real=$real_nft
	cat >"$work/fake/$t" <<EOF
#!/bin/sh
echo "\$0 \$*" >>"$work/ran-$t"
exec "$real" "\$@"
EOF
	chmod 755 "$work/fake/$t"
done
# The fakes work: run through PATH, they leave their marker.
PATH="$work/fake:$PATH" ip -V >/dev/null
[ -e "$work/ran-ip" ] || fail "the fake ip does not leave its marker"
rm -f "$work/ran-ip"

"$bin" lab down >/dev/null 2>&1 || true
cd "$work/fake"
export PATH="$work/fake:.:$PATH"
[ "$(command -v ip)" = "$work/fake/ip" ] || fail "PATH does not find the fake ip first"
"$bin" lab up >"$work/up.out" 2>&1 || fail "lab up: $(cat "$work/up.out")"
"$bin" lab status >"$work/status.out" 2>&1 || fail "lab status: $(cat "$work/status.out")"
"$bin" lab synflood --rate 300 --duration 0.5 >"$work/sf.out" 2>"$work/sf.err" ||
	fail "lab synflood: $(tail -3 "$work/sf.err")"
grep -q 'route 198.51.100.0/24 via 192.0.2.10 added' "$work/sf.out" ||
	fail "lab synflood added no route: $(head -20 "$work/sf.out")"
st=0
timeout 30 "$bin" lab exec client "$bin" connect -q 192.0.2.20 80 >"$work/c.out" 2>"$work/c.err" || st=$?
[ "$st" -eq 0 ] || fail "connect in the lab exited $st: $(cat "$work/c.err")"
grep -q 'nft table inet rawshake_' "$work/c.err" || fail "connect had no RST guard: $(cat "$work/c.err")"
"$bin" lab down >"$work/down.out" 2>&1 || fail "lab down: $(cat "$work/down.out")"
"$real_ip" netns list | grep -q rslab- && fail "lab down left $("$real_ip" netns list)"
for t in ip nft; do
	[ ! -e "$work/ran-$t" ] || fail "the fake $t in PATH was run as root: $(cat "$work/ran-$t")"
done
ok "lab up, status, synflood, connect (nft) and down with fake ip and nft first in PATH: neither run"

echo "lab-path: $pass passed"
