#!/bin/sh
# outputs-open.sh: how sniff -w, sniff --pcapng -w and send --dry-run -w
# open their file, run as root (this machine may have
# fs.protected_symlinks=0, so the kernel does not stop a planted link):
#  - the file is opened after the drop to -Z: by default it belongs to
#    nobody, and a directory nobody may not write is refused with a
#    message naming the -Z user; -Z root writes as root;
#  - in a sticky world-writable directory (as /tmp), a symbolic link
#    planted by nobody is not followed (its target keeps its content), a
#    dangling one creates nothing, and a world-writable file nobody made
#    there is not overwritten by root;
#  - a new file is 0644 under umask 000;
#  - a hard-linked file is refused, a FIFO of root's is written (its
#    reader gets every packet), nobody's FIFO is refused without blocking;
#  - -w - is a clean pcap (or pcapng) stream: tcpdump -r - reads every
#    packet, and the packet lines go to standard error;
#  - a setcap'd binary run as nobody writes nobody's file and refuses
#    root's world-writable one.
# Traffic: pings on lo in a network namespace of this test's own.
# Needs root, ip, ping, tcpdump and setpriv; skipped (77) otherwise.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip ping tcpdump setpriv timeout; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
bin=$(pwd)/rawshake
ns=rsout-$$
work=$(mktemp -d)
cleanup() {
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

chmod 755 "$work"
tmp=$work/tmp
mkdir -m 1777 "$tmp"             # sticky and world-writable, as /tmp
mkdir -m 700 "$work/private"     # root's only
ip netns add "$ns"
ip -n "$ns" link set lo up

# sniff NAME BIN ARGS...: BIN sniff -i lo -c 4 ARGS icmp in the namespace
# while two pings (four packets) go; status in $rc, output in
# $work/NAME.out and .err.  A sniff that refuses its file exits at once.
sniff_as() {
	name=$1
	shift
	b=$1
	shift
	timeout 60 ip netns exec "$ns" "$@" "$b" sniff -i lo -p -c 4 $sargs icmp \
		>"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	i=0
	while kill -0 "$pid" 2>/dev/null && ! grep -q listening "$work/$name.err"; do
		i=$((i + 1))
		[ $i -lt 200 ] || break
		sleep 0.05
	done
	# Pings until sniff has its four packets, with a budget of its own: a
	# slow start (a loaded machine) must not leave the capture short.
	j=0
	while kill -0 "$pid" 2>/dev/null; do
		ip netns exec "$ns" ping -c 2 -i 0.1 -q 127.0.0.1 >/dev/null 2>&1 || true
		j=$((j + 1))
		[ $j -lt 200 ] || break
	done
	rc=0
	wait "$pid" || rc=$?
}
sniff() {
	name=$1
	shift
	sargs="$*"
	sniff_as "$name" "$bin"
}
send_dry() {
	name=$1
	shift
	rc=0
	"$bin" send udp 192.0.2.1 --src 192.0.2.2 --dport 9 --dry-run -c 3 -i 1ms -q "$@" \
		>"$work/$name.out" 2>"$work/$name.err" || rc=$?
}
# refused NAME WHAT: exit 2 and WHAT in the message
refused() {
	[ "$rc" -eq 2 ] && grep -q "$2" "$work/$1.err" ||
		fail "$1: exit $rc (want 2, '$2'): $(cat "$work/$1.err")"
}
written() {
	[ "$rc" -eq 0 ] || fail "$1: exit $rc: $(cat "$work/$1.err")"
}
owner_mode() { stat -c '%U %a' "$1"; }
# umask0 CMD...: CMD (a function of this script) under umask 000
umask0() {
	old=$(umask)
	umask 000
	"$@"
	umask "$old"
}
pkts() { tcpdump -n -r "$1" 2>/dev/null | wc -l; }

# 1. A link planted by nobody in the sticky directory: never followed,
#    as root (-Z root) or as nobody, by sniff, sniff --pcapng and send.
printf 'secret\n' >"$work/victim"
chmod 600 "$work/victim"
asnobody ln -s "$work/victim" "$tmp/planted.pcap"
asnobody ln -s "$work/not-there" "$tmp/dangling.pcap"
for z in "-Z root" ""; do
	for f in planted dangling; do
		sniff "link-pcap" -w "$tmp/$f.pcap" $z
		refused link-pcap "symbolic link: not followed"
		sniff "link-ng" --pcapng -w "$tmp/$f.pcap" $z
		refused link-ng "symbolic link: not followed"
		send_dry "link-send" -w "$tmp/$f.pcap" $z
		refused link-send "symbolic link: not followed"
	done
done
[ "$(cat "$work/victim")" = secret ] || fail "the link's target was written: $(od -c "$work/victim" | head -3)"
[ "$(owner_mode "$work/victim")" = "root 600" ] || fail "the target changed: $(owner_mode "$work/victim")"
[ ! -e "$work/not-there" ] || fail "the dangling link's target was created"
ok "a link planted in a sticky directory is not followed (sniff, --pcapng, send; -Z root and nobody)"

# 2. A world-writable file nobody made there: root does not overwrite it;
#    run as nobody (the default), it is that user's own file and is.
asnobody sh -c "umask 0; printf 'planted\n' >'$tmp/nobodys.pcap'"
sniff planted-root -w "$tmp/nobodys.pcap" -Z root
refused planted-root "belongs to nobody, not to root: not overwritten"
sniff planted-root-ng --pcapng -w "$tmp/nobodys.pcap" -Z root
refused planted-root-ng "belongs to nobody, not to root"
send_dry planted-send -w "$tmp/nobodys.pcap" -Z root
refused planted-send "belongs to nobody, not to root"
[ "$(cat "$tmp/nobodys.pcap")" = planted ] || fail "nobody's file was overwritten by root"
sniff planted-nobody -w "$tmp/nobodys.pcap"
written planted-nobody
[ "$(pkts "$tmp/nobodys.pcap")" -eq 4 ] || fail "nobody's own file: $(pkts "$tmp/nobodys.pcap") packets"
ok "a world-writable file of nobody's is not overwritten by root, by nobody it is"

# 3. Opened after the drop: nobody's file by default, refused where
#    nobody may not write (the message says why), root's with -Z root;
#    0644 under umask 000.
umask0 sniff new-default -w "$tmp/new-default.pcap"
written new-default
[ "$(owner_mode "$tmp/new-default.pcap")" = "nobody 644" ] ||
	fail "sniff -w, default -Z: $(owner_mode "$tmp/new-default.pcap")"
umask0 sniff new-ng --pcapng -w "$tmp/new.pcapng"
written new-ng
[ "$(owner_mode "$tmp/new.pcapng")" = "nobody 644" ] || fail "--pcapng: $(owner_mode "$tmp/new.pcapng")"
[ "$(pkts "$tmp/new.pcapng")" -eq 4 ] || fail "--pcapng: $(pkts "$tmp/new.pcapng") packets"
umask0 sniff new-root -w "$tmp/new-root.pcap" -Z root
written new-root
[ "$(owner_mode "$tmp/new-root.pcap")" = "root 644" ] || fail "-Z root: $(owner_mode "$tmp/new-root.pcap")"
umask0 send_dry new-send -w "$tmp/new-send.pcap"
written new-send
[ "$(owner_mode "$tmp/new-send.pcap")" = "nobody 644" ] || fail "send: $(owner_mode "$tmp/new-send.pcap")"
[ "$(pkts "$tmp/new-send.pcap")" -eq 3 ] || fail "send: $(pkts "$tmp/new-send.pcap") packets"
sniff private -w "$work/private/x.pcap"
refused private "Permission denied (opened as nobody, the -Z user"
send_dry private-send -w "$work/private/x.pcap"
refused private-send "Permission denied (opened as nobody, the -Z user"
sniff private-root -w "$work/private/x.pcap" -Z root
written private-root
ok "files are opened as the -Z user (nobody's by default, refused where nobody may not write, root's with -Z root), 0644 under umask 000"

# 4. Root's own file with a second hard link is refused; one without is
#    truncated and rewritten.
printf 'x%.0s' $(seq 1 5000) >"$tmp/mine.pcap"
sniff mine -w "$tmp/mine.pcap" -Z root
written mine
[ "$(pkts "$tmp/mine.pcap")" -eq 4 ] && tcpdump -r "$tmp/mine.pcap" >/dev/null 2>&1 ||
	fail "an own file rewritten: $(pkts "$tmp/mine.pcap") packets"
ln "$tmp/mine.pcap" "$work/second-name"
sniff hardlink -w "$tmp/mine.pcap" -Z root
refused hardlink "2 hard links: not overwritten"
ok "root's own file is rewritten, one with another hard link refused"

# 5. FIFOs: root's own is written to its reader; nobody's is refused at
#    once instead of blocking.
mkfifo -m 600 "$tmp/fifo"
tcpdump -n -r "$tmp/fifo" >"$work/fifo.read" 2>/dev/null &
rpid=$!
sniff fifo -w "$tmp/fifo" -Z root
written fifo
wait "$rpid" || true
[ "$(wc -l <"$work/fifo.read")" -eq 4 ] || fail "FIFO: the reader got $(wc -l <"$work/fifo.read") packets"
asnobody mkfifo "$tmp/nobodys-fifo"
sniff fifo-nobody -w "$tmp/nobodys-fifo" -Z root
refused fifo-nobody "belongs to nobody"
ok "a FIFO of root's gets every packet, nobody's is refused without blocking"

# 6. -w -: only the capture on standard output; tcpdump -r - reads every
#    packet; the packet lines are on standard error.
for fmt in "" --pcapng; do
	sniff stream -w - $fmt -Z root
	written stream
	n=$(tcpdump -n -r - <"$work/stream.out" 2>"$work/stream.tcpdump" | wc -l)
	st=0
	tcpdump -n -r - <"$work/stream.out" >/dev/null 2>&1 || st=$?
	[ "$n" -eq 4 ] && [ $st -eq 0 ] && grep -q '^4 packets captured' "$work/stream.err" ||
		fail "sniff -w - $fmt: tcpdump read $n (status $st): $(cat "$work/stream.tcpdump")"
	[ "$(grep -c '^#[0-9]' "$work/stream.err")" -eq 4 ] || fail "sniff -w - $fmt: lines: $(cat "$work/stream.err")"
	# and through a pipe, as it is used
	timeout 20 ip netns exec "$ns" "$bin" sniff -i lo -p -c 4 -q -w - $fmt icmp 2>"$work/pipe.err" |
		tcpdump -n -r - >"$work/pipe.read" 2>/dev/null &
	ppid=$!
	i=0
	until grep -q listening "$work/pipe.err" 2>/dev/null || [ $i -gt 200 ]; do i=$((i + 1)); sleep 0.05; done
	ip netns exec "$ns" ping -c 2 -i 0.1 -q 127.0.0.1 >/dev/null 2>&1 || true
	wait "$ppid" || fail "sniff -w - $fmt | tcpdump -r -: $(cat "$work/pipe.err")"
	[ "$(wc -l <"$work/pipe.read")" -eq 4 ] || fail "sniff -w - $fmt | tcpdump -r -: $(wc -l <"$work/pipe.read") packets"
done
"$bin" send udp 192.0.2.1 --src 192.0.2.2 --dport 9 --dry-run -c 5 -i 1ms -w - 2>"$work/send-stream.err" |
	tcpdump -n -r - >"$work/send-stream.read" 2>/dev/null || fail "send -w - | tcpdump -r -"
[ "$(wc -l <"$work/send-stream.read")" -eq 5 ] && grep -q "written to standard output" "$work/send-stream.err" ||
	fail "send -w -: $(wc -l <"$work/send-stream.read") packets: $(cat "$work/send-stream.err")"
ok "-w - is a clean pcap/pcapng stream (tcpdump -r - reads every packet), the text on standard error"

# 7. setcap'd, run as nobody: nobody's file; root's world-writable one in
#    the sticky directory is refused.
if command -v setcap >/dev/null && cp "$bin" "$work/rawshake" && chmod 755 "$work/rawshake" &&
	setcap cap_net_raw,cap_net_admin+ep "$work/rawshake" 2>/dev/null; then
	sargs="-w $tmp/setcap.pcap"
	umask0 sniff_as setcap "$work/rawshake" setpriv --reuid=65534 --regid=65534 --clear-groups
	written setcap
	[ "$(owner_mode "$tmp/setcap.pcap")" = "nobody 644" ] && [ "$(pkts "$tmp/setcap.pcap")" -eq 4 ] ||
		fail "setcap'd: $(owner_mode "$tmp/setcap.pcap"), $(pkts "$tmp/setcap.pcap") packets"
	umask0 sh -c "printf 'roots\n' >'$tmp/roots.pcap'"
	sargs="-w $tmp/roots.pcap"
	sniff_as setcap-root "$work/rawshake" setpriv --reuid=65534 --regid=65534 --clear-groups
	refused setcap-root "belongs to root, not to nobody"
	[ "$(cat "$tmp/roots.pcap")" = roots ] || fail "root's file was overwritten"
	ok "setcap'd as nobody: nobody's 0644 file; root's world-writable one is refused"
else
	echo "skip: setcap'd binary (no setcap, or no xattrs here)"
fi
echo "outputs-open: all passed"
