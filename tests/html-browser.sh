#!/bin/sh
# html-browser.sh: the HTML report (read --format html) rendered by a real
# browser, Debian's headless chromium: a screenshot of the expected size
# that is not one colour, and in the DOM one ladder arrow (g.seg) per TCP
# segment and one graph point (line.pt) per data segment of the graph's
# direction, counted against `read --format json`.  A capture under a
# hostile file name must not inject markup.  --format svg files must
# parse as XML.  Skipped (77) without chromium.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "SKIP: no chromium"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$srcdir"
export TZ=UTC

browse() {   # browse ARGS... FILE: chromium, quiet, bounded in time
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

# PNG: IHDR width and height, and more than one colour in the pixels.
check_png() {
	python3 - "$1" 1200 2000 <<'EOF'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
width, height, depth, ctype = ihdr[:4]
assert (width, height) == (w, h), f'{path}: {width}x{height}, want {w}x{h}'
assert depth == 8 and ctype in (2, 6), f'{path}: depth {depth} colour type {ctype}'
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
colours, prev, i = set(), bytearray(stride), 0
for y in range(height):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):   # undo the PNG filters
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 8 == 0:
        colours.update(bytes(line[k:k + 3]) for k in range(0, stride, bpp * 4))
    prev = line
assert len(colours) > 10, f'{path}: only {len(colours)} colours: blank'
print(f'{path}: {width}x{height}, {len(colours)} colours')
EOF
}

# Expected arrows and graph points from the JSON of the same capture.
expected() {
	"$bin" read --format json "$1" | python3 -c '
import json, sys
segs, conns = 0, {}
for line in sys.stdin:
    o = json.loads(line)
    if o.get("type") != "pkt" or "conn" not in o:
        continue
    segs += 1
    c = conns.setdefault(o["conn"]["id"], {"c2s": [0, 0], "s2c": [0, 0]})
    n = o["tcp"]["len"]
    c[o["conn"]["dir"]][0] += n > 0
    c[o["conn"]["dir"]][1] += n
pts = 0
for c in list(conns.values())[:50]:
    a, b = c["c2s"], c["s2c"]
    pts += (b if (b[0] > a[0] or (b[0] == a[0] and b[1] > a[1])) else a)[0]
print(segs, pts)'
}

fail=0
for p in handshake-v4 handshake-v6 retransmit-data dup-ack out-of-order half-close \
	 refused-v4 port-reuse simultaneous-close mid-connection; do
	f=pcaps/$p.pcap
	"$bin" read --format html "$f" >"$tmp/$p.html"
	browse --dump-dom "file://$tmp/$p.html" >"$tmp/$p.dom"
	set -- $(expected "$f")
	arrows=$(grep -o '<g class="seg ' "$tmp/$p.dom" | wc -l)
	points=$(grep -o '<line class="pt' "$tmp/$p.dom" | wc -l)
	if [ "$arrows" -ne "$1" ] || [ "$points" -ne "$2" ]; then
		echo "FAIL: $p: $arrows arrows, $points points; want $1, $2"
		fail=1
	else
		echo "ok: $p: $arrows arrows, $points points"
	fi
	for g in ladder tsg; do
		"$bin" read --format svg --graph $g "$f" >"$tmp/$p.$g.svg"
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/$p.$g.svg" ||
			{ echo "FAIL: $p: --format svg --graph $g is not XML"; fail=1; }
	done
done

for p in handshake-v4 retransmit-data dup-ack; do
	browse --screenshot="$tmp/$p.png" --window-size=1200,2000 "file://$tmp/$p.html" >/dev/null
	check_png "$tmp/$p.png" || fail=1
done

# A hostile name: escaped in the page, no element made of it.
evil='<img src=x onerror=alert(1)><script>alert(2).pcap'
cp pcaps/handshake-v4.pcap "$tmp/$evil"
"$bin" read --format html "$tmp/$evil" >"$tmp/evil.html"
browse --dump-dom "file://$tmp/evil.html" >"$tmp/evil.dom"
if grep -q '<img\|<script' "$tmp/evil.html" "$tmp/evil.dom" ||
   ! grep -q '&lt;img src=x onerror=alert(1)&gt;' "$tmp/evil.dom"; then
	echo "FAIL: the hostile file name is not escaped"
	fail=1
fi
exit $fail
