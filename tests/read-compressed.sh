#!/bin/sh
# read-compressed.sh: compressed captures (gzip, zstd, xz, bzip2) read as
# what they hold, and the progress line of a long read.
#   - each format over a pcap and a pcapng: the same output as the
#     uncompressed file, from a file, standard input and a FIFO, with read
#     and detect -r; told by content (a misleading name changes nothing);
#   - concatenated members (gzip, bzip2, xz streams; zstd frames);
#   - cut at several points: the packets zcat & co. give back of the cut
#     file, then "file is truncated after frame N (... ends early)", the
#     exit status of a cut pcap;
#   - corrupt data: a read error naming the format;
#   - as root (the sandboxed path) and, as root, as nobody too;
#   - progress: on a pty a line with bytes, packets, rate, erased at the
#     end; none in a pipe, none while the packets go to the same terminal.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
pcaps=$(cd "$srcdir/pcaps" && pwd)
for t in gzip zstd xz bzip2 python3 mkfifo; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
pass=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
cd "$work"

compress() {   # FORMAT: standard input to standard output
	case $1 in
	gz) gzip -n -c ;;
	zst) zstd -q -c ;;
	xz) xz -c ;;
	bz2) bzip2 -1 -c ;;
	esac
}
decompress() {   # FORMAT: what the format's own tool gives back, errors ignored
	case $1 in
	gz) gzip -dc 2>/dev/null ;;
	zst) zstd -dcq 2>/dev/null ;;
	xz) xz -dc 2>/dev/null ;;
	bz2) bzip2 -dc 2>/dev/null ;;
	esac
}
formats="gz zst xz bz2"
fmtname() { case $1 in gz) echo gzip ;; zst) echo zstd ;; bz2) echo bzip2 ;; *) echo "$1" ;; esac; }
# A larger capture too, so that the data spans blocks and buffers.
python3 - "$pcaps/handshake-v4.pcap" big.pcap <<'EOF'
import random, struct, sys
# The records again and again, each copy a second later with its own
# microseconds: data that spans the formats' blocks (bzip2 -1's 100 kB).
data = open(sys.argv[1], "rb").read()
hdr, recs = data[:24], []
off = 24
while off < len(data):
    sec, usec, cap, ln = struct.unpack_from("<IIII", data, off)
    recs.append((sec, cap, ln, data[off + 16:off + 16 + cap]))
    off += 16 + cap
rnd = random.Random(17)
with open(sys.argv[2], "wb") as f:
    f.write(hdr)
    for i in range(2000):
        for sec, cap, ln, body in recs:
            f.write(struct.pack("<IIII", sec + i, rnd.randrange(1000000), cap, ln) + body)
EOF

# 1. Each format, the same packets as uncompressed: file, stdin, FIFO.
for src in "$pcaps/handshake-v4.pcap" "$pcaps/handshake-v4.pcapng" big.pcap; do
	"$bin" read "$src" >want.txt 2>&1 || fail "read $src"
	for z in $formats; do
		compress $z <"$src" >c.$z
		"$bin" read c.$z >got.txt 2>&1 || fail "read $src.$z exited $?"
		cmp -s want.txt got.txt || fail "read $src.$z differs: $(diff want.txt got.txt | head -5)"
		"$bin" read - <c.$z >got.txt 2>&1 || fail "read - <$src.$z"
		cmp -s want.txt got.txt || fail "read - <$src.$z differs"
		cat c.$z | "$bin" read - >got.txt 2>&1 || fail "cat $src.$z | read -"
		cmp -s want.txt got.txt || fail "cat $src.$z | read - differs"
		rm -f fifo && mkfifo fifo
		cat c.$z >fifo &
		"$bin" read fifo >got.txt 2>&1 || fail "read FIFO of $src.$z"
		wait
		cmp -s want.txt got.txt || fail "read FIFO of $src.$z differs"
	done
done
ok "gzip, zstd, xz, bzip2: the packets of the uncompressed file (file, stdin, pipe, FIFO)"

# Every capture in pcaps/, gzip'd: the same output, complaints and status
# (broken captures stay broken the same way once compressed).
for f in "$pcaps"/*.pcap "$pcaps"/*.pcapng; do
	st=0
	"$bin" read -v "$f" >want.txt 2>&1 || st=$?
	gzip -n -c "$f" >one.gz
	zst=0
	"$bin" read -v one.gz 2>&1 | sed "s|one\.gz|$f|" >got.txt || true
	"$bin" read -q one.gz >/dev/null 2>&1 || zst=$?
	cmp -s want.txt got.txt || fail "$f gzip'd: $(diff want.txt got.txt | head -5)"
	[ $st -eq $zst ] || fail "$f gzip'd exited $zst, not $st"
done
ok "every capture in pcaps/ gzip'd: the same output and status"

# By content, not by name: a gzip file named .pcap, a pcap named .gz.
compress gz <"$pcaps/handshake-v4.pcap" >named.pcap
cp "$pcaps/handshake-v4.pcap" plain.gz
[ "$("$bin" read -q named.pcap)" = "11 packets" ] || fail "a gzip file named .pcap"
[ "$("$bin" read -q plain.gz)" = "11 packets" ] || fail "a pcap named .gz"
# A compressed file after the first is a file, not the filter.
[ "$("$bin" read -q "$pcaps/handshake-v4.pcap" named.pcap 2>&1)" = "22 packets" ] ||
	fail "a compressed second file taken for the filter"
ok "told by content; a compressed second argument is a file"

# detect -r reads them the same.
"$bin" detect -r "$pcaps/detect-flood-random.pcap" >want.txt 2>&1 || true
for z in $formats; do
	compress $z <"$pcaps/detect-flood-random.pcap" >d.$z
	"$bin" detect -r d.$z >got.txt 2>&1 || true
	cmp -s want.txt got.txt || fail "detect -r .$z differs: $(diff want.txt got.txt | head -5)"
done
ok "detect -r over each format"

# 2. Concatenated members, streams, frames: read on as the tools do.
"$bin" read big.pcap >want.txt
for z in $formats; do
	head -c 30000 big.pcap | compress $z >cat.$z
	tail -c +30001 big.pcap | head -c 40000 | compress $z >>cat.$z
	tail -c +70001 big.pcap | compress $z >>cat.$z
	decompress $z <cat.$z | cmp -s - big.pcap || fail "$z: the tool does not read its concatenation"
	"$bin" read cat.$z >got.txt 2>&1 || fail "concatenated .$z exited $?"
	cmp -s want.txt got.txt || fail "concatenated .$z differs"
done
ok "concatenated members (gzip, bzip2), streams (xz), frames (zstd)"

# 3. Cut short at several points: the packets the tool itself gets back
# from the cut file, then the truncation message, status 1 (as a cut pcap).
head -c 700 "$pcaps/handshake-v4.pcap" >cut.pcap
st=0
"$bin" read -q cut.pcap >/dev/null 2>&1 || st=$?
[ $st -eq 1 ] || fail "a cut pcap exited $st, not 1"
"$bin" read big.pcap >full.txt
for z in $formats; do
	compress $z <big.pcap >full.$z
	size=$(wc -c <full.$z)
	for cut in $((size / 5)) $((size / 2)) $((size - 40)) $((size - 1)); do
		head -c $cut full.$z >cut.$z
		decompress $z <cut.$z >part.pcap || true
		"$bin" read part.pcap >want.txt 2>/dev/null || true
		st=0
		"$bin" read cut.$z >got.txt 2>err.txt || st=$?
		if [ "$(wc -c <part.pcap)" -lt 24 ]; then
			# Not even the capture's header came out: as a pcap cut there,
			# the file cannot be opened (status 2), and the cause is said.
			[ $st -eq 2 ] && grep -q "ends early$" err.txt ||
				fail ".$z cut at $cut before any data: $st $(cat err.txt)"
			continue
		fi
		[ $st -eq 1 ] || fail ".$z cut at $cut of $size exited $st: $(cat err.txt)"
		# At least the packets the tool gets back (zstd's may hold back a
		# block's last bytes), and only packets of the whole file.
		head -n "$(wc -l <want.txt)" got.txt | cmp -s - want.txt ||
			fail ".$z cut at $cut: not the packets $z itself gives back: $(diff want.txt got.txt | head -4)"
		head -n "$(wc -l <got.txt)" full.txt | cmp -s - got.txt ||
			fail ".$z cut at $cut: packets that are not those of the whole file"
		n=$(grep -c '^#[0-9]' got.txt || true)
		grep -q "^rawshake: cut.$z: file is truncated after frame $n (.*the $(fmtname $z) data ends early)$" err.txt ||
			fail ".$z cut at $cut: $(cat err.txt)"
		[ "$(wc -l <err.txt)" -eq 1 ] || fail ".$z cut at $cut: more than one complaint"
		[ "$n" -gt 0 ] || [ $cut -le $((size / 2)) ] || fail ".$z cut at $cut: no packet"
	done
done
ok "cut short: the packets before the cut, then 'file is truncated', status 1"

# 4. Corrupt data: a read error that names the format; the packets before
# it were given.  Trailing garbage after the last member is one too.
for z in $formats; do
	cp full.$z bad.$z
	size=$(wc -c <bad.$z)
	printf '\125\252\125\252\125\252\125\252\125\252\125\252' |
		dd of=bad.$z bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	st=0
	"$bin" read -q bad.$z >got.txt 2>err.txt || st=$?
	name=$(fmtname $z)
	[ $st -eq 1 ] || [ $st -eq 2 ] || fail "corrupt .$z exited $st"
	# Damage the decoder finds, or that makes a record senseless first
	# (gzip checks its CRC at the end): either way the format is named.
	grep -q "^rawshake: bad.$z: \(read error after frame [0-9]*: \)\?$name data is corrupt\( (.*)\)\{0,1\}$" err.txt ||
	grep -q "^rawshake: bad.$z: read error after frame [0-9]*: .* (in the $name-decompressed data)$" err.txt ||
		fail "corrupt .$z: $(cat err.txt)"
	compress $z <"$pcaps/handshake-v4.pcap" >tail.$z
	printf 'garbage after the end' >>tail.$z
	st=0
	"$bin" read -q tail.$z >got.txt 2>err.txt || st=$?
	[ $st -eq 1 ] && [ "$(cat got.txt)" = "11 packets" ] || fail "trailing garbage .$z: $st $(cat got.txt)"
	grep -q "read error after frame 11: $name data is corrupt" err.txt || fail "garbage .$z: $(cat err.txt)"
done
# gzip in particular: the damage is after packets, which come out first.
st=0
"$bin" read -q bad.gz >got.txt 2>err.txt || st=$?
[ $st -eq 1 ] && grep -q "read error after frame [1-9]" err.txt || fail "corrupt gzip: $st $(cat err.txt)"
ok "corrupt data and trailing garbage: read errors naming the format"

# 5. As root the reads run sandboxed (seccomp, after dropping to nobody);
# large decoder windows (xz -9: 64 MiB, zstd --long=27: up to 128 MiB) are
# allocated there.  As nobody as well, when root can become it.
"$bin" read -q big.pcap >want.txt
xz -9 -c big.pcap >win.xz
zstd -q --long=27 -c big.pcap >win.zst
for who in self nobody; do
	if [ $who = nobody ]; then
		[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || continue
		run="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		run=
	fi
	for f in full.gz full.zst full.xz full.bz2 win.xz win.zst; do
		$run "$bin" read -q "$f" >got.txt 2>err.txt || fail "$who: read $f: $(cat err.txt)"
		cmp -s want.txt got.txt || fail "$who: read $f: $(cat got.txt)"
	done
done
ok "each format as $(id -un) (sandboxed when root) and as nobody"

# 6. Progress.  onpty OUT TTY CMD...: CMD with standard error on a pty
# (and standard output too when OUT is "pty"); every line drawn there
# ("\r" or "\n" ends one) goes to TTY, raw bytes to TTY.raw.
cat >onpty.py <<'EOF'
import os, pty, subprocess, sys
out, tty, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
stdout = slave if out == "pty" else open(out, "wb")
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave)
os.close(slave)
raw = b""
while True:
    try:
        b = os.read(master, 4096)
    except OSError:
        break
    if not b:
        break
    raw += b
rc = p.wait()
open(tty + ".raw", "wb").write(raw)
lines = [l.strip() for l in raw.replace(b"\r", b"\n").split(b"\n")]
with open(tty, "w") as f:
    for l in lines:
        if l and l != b"\x1b[K":
            f.write(l.decode(errors="replace") + "\n")
sys.exit(rc)
EOF
line_re='^big\.gz: [0-9.]* [KM]\{0,1\}i\{0,1\}B of [0-9.]* [KM]\{0,1\}i\{0,1\}B ([0-9]*%), [0-9]* packets, [0-9.]* [KMG]\{0,1\}i\{0,1\}B/s'
compress gz <big.pcap >big.gz
RAWSHAKE_PROGRESS_TEST_MS=1 python3 onpty.py out.txt tty.txt "$bin" read -q big.gz ||
	fail "read on a pty exited $?"
[ "$(cat out.txt)" = "$(cat want.txt)" ] || fail "progress: standard output $(cat out.txt)"
grep -q "$line_re" tty.txt || fail "no progress line on the pty: $(head -3 tty.txt)"
grep -v "$line_re" tty.txt | grep -q . && fail "other text on the pty: $(grep -v "$line_re" tty.txt | head -3)"
# Ends erased: the last bytes are a carriage return and erase-line.
tail -c 4 tty.txt.raw | od -An -c | grep -q '\\r 033   \[   K' || fail "the line was not erased"
ok "progress line on a terminal, erased at the end"

# With the end of the second-long wait left as it is, a short read shows none.
python3 onpty.py out.txt tty.txt "$bin" read -q big.gz || fail "short read on a pty"
[ ! -s tty.txt ] || fail "a short read drew a progress line: $(head -2 tty.txt)"
# The packets on the same terminal: no progress line among them.
RAWSHAKE_PROGRESS_TEST_MS=0 python3 onpty.py pty tty.txt "$bin" read c.gz >/dev/null ||
	fail "read to the pty"
grep -q "packets, " tty.txt && fail "a progress line among the packets on the terminal"
# Standard error a pipe or a file: never.
RAWSHAKE_PROGRESS_TEST_MS=0 "$bin" read -q big.gz 2>err.txt >/dev/null
[ ! -s err.txt ] || fail "progress written to a file: $(head -c 200 err.txt)"
RAWSHAKE_PROGRESS_TEST_MS=0 "$bin" read -q big.gz 2>&1 >/dev/null | cat >err.txt
[ ! -s err.txt ] || fail "progress written to a pipe: $(head -c 200 err.txt)"
ok "no progress: short reads, packets on the same terminal, pipes, files"

echo "read-compressed: $pass passed"
