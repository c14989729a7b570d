#!/bin/sh
# sniff-list.sh: rawshake sniff -D (--list-interfaces) in a namespace of
# its own, with a veth pair up at both ends (Up, Running, Connected), a
# second pair with one end up and its peer down (Up, Disconnected / none,
# Disconnected) and lo up (Loopback): every line as tcpdump -D prints it in
# the same namespace, as root and as nobody (no privilege needed), exit 0.
# Needs root (namespaces): skipped (77) otherwise.
set -eu
. "${srcdir:-.}/tests/integration/sniff-lib.sh"
sniff_test_begin ip tcpdump setpriv
NS=rslist-$$
A=rsla$$ B=rslb$$ C=rslc$$ D=rsld$$
work=$(mktemp -d)
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
in_ns() { ip netns exec "$NS" "$@"; }
as_nobody() { ip netns exec "$NS" setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

ip netns add "$NS"
ip -n "$NS" link add "$A" type veth peer name "$B"
ip -n "$NS" link add "$C" type veth peer name "$D"
ip -n "$NS" link set lo up
ip -n "$NS" link set "$A" up
ip -n "$NS" link set "$B" up
ip -n "$NS" link set "$C" up   # its peer D stays down: no carrier
i=0
until in_ns cat "/sys/class/net/$A/operstate" | grep -qx up; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "$A does not come up"; sleep 0.1
done

in_ns "$bin" sniff -D >"$work/rs" 2>"$work/rs.err" || fail "sniff -D exits $?: $(cat "$work/rs.err")"
[ ! -s "$work/rs.err" ] || fail "sniff -D wrote to standard error: $(cat "$work/rs.err")"
in_ns tcpdump -D >"$work/td" 2>/dev/null || fail "tcpdump -D exits $?"
cmp -s "$work/td" "$work/rs" || fail "not tcpdump -D's list: $(diff "$work/td" "$work/rs")"
ok "sniff -D is tcpdump -D's list, line for line ($(wc -l <"$work/rs") interfaces)"

line() { grep -E "^[0-9]+\\.$1( |\$)" "$work/rs" | sed -E 's/^[0-9]+\.//'; }
[ "$(line "$A")" = "$A [Up, Running, Connected]" ] || fail "$A: $(line "$A")"
[ "$(line "$B")" = "$B [Up, Running, Connected]" ] || fail "$B: $(line "$B")"
[ "$(line "$C")" = "$C [Up, Disconnected]" ] || fail "$C: $(line "$C")"
[ "$(line "$D")" = "$D [none, Disconnected]" ] || fail "$D: $(line "$D")"
[ "$(line lo)" = "lo [Up, Running, Loopback]" ] || fail "lo: $(line lo)"
grep -qE '^[0-9]+\.any \(Pseudo-device that captures on all interfaces\) \[Up, Running\]$' "$work/rs" ||
	fail "no 'any' with its description: $(cat "$work/rs")"
ok "the veths' Up/Running/Connected flags, lo's Loopback, any's description"

as_nobody "$bin" sniff --list-interfaces >"$work/rs.nobody" 2>"$work/rs.nobody.err" ||
	fail "as nobody, sniff --list-interfaces exits $?: $(cat "$work/rs.nobody.err")"
as_nobody tcpdump -D >"$work/td.nobody" 2>/dev/null || fail "as nobody, tcpdump -D exits $?"
cmp -s "$work/td.nobody" "$work/rs.nobody" ||
	fail "as nobody, not tcpdump -D's list: $(diff "$work/td.nobody" "$work/rs.nobody")"
grep -q "^[0-9]*\\.$A \\[Up, Running, Connected\\]\$" "$work/rs.nobody" || fail "as nobody: no $A"
ok "sniff --list-interfaces without privileges: the same list, exit 0"

echo "sniff-list: $pass passed"
