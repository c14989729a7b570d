#!/bin/sh
# annotate.sh: read -w OUT --annotate.  For every capture in pcaps/ (pcap
# of several link types, a nanosecond one, pcapng ones) and with a filter:
#   - tshark's frame.comment of each packet is read's JSON "note" for it,
#     byte for byte (empty where JSON has none), and the pcapng opt_comment
#     bytes, parsed here, are the JSON note's UTF-8 (tshark escapes some
#     characters in fields);
#   - the packets are the input's: the same bytes, captured and wire
#     lengths (parsed here from both files) and times (tshark's
#     frame.time_epoch of both, to the nanosecond);
#   - capinfos and editcap accept the file; the section names rawshake
#     and the input, the interfaces keep the input's names and resolution.
# The input's own packet comments are kept before the note
# (pcapng-comments.pcapng; pcapng-multi-if.pcapng has blocks the parser
# here does not read: only its interface names are checked).  Needs tshark, capinfos, editcap, python3 (77
# without).
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
for t in tshark capinfos editcap python3; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
p=$(cd "$srcdir/pcaps" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
chmod 1777 "$work"   # run as root, read writes as nobody (-Z's default)
fail() { echo "FAIL: $*"; exit 1; }

# pcapng/pcap records: one line per packet, "caplen len hex-bytes", and
# with --comments one JSON list of the packet's opt_comment strings.
cat >"$work/records.py" <<'EOF'
import json, struct, sys

def pcap(b):
    magic = b[:4]
    e = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    off = 24
    while off + 16 <= len(b):
        _, _, cap, wire = struct.unpack(e + 'IIII', b[off:off + 16])
        yield cap, wire, b[off + 16:off + 16 + cap], []
        off += 16 + cap

def pcapng(b):
    off, e = 0, '<'
    while off + 12 <= len(b):
        if b[off:off + 4] == b'\x0a\x0d\x0d\x0a':
            e = '<' if b[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
        btype, total = struct.unpack(e + 'II', b[off:off + 8])
        if btype == 6:
            cap, wire = struct.unpack(e + 'II', b[off + 20:off + 28])
            data = b[off + 28:off + 28 + cap]
            o, comments = off + 28 + cap + (-cap % 4), []
            while o + 4 <= off + total - 4:
                code, n = struct.unpack(e + 'HH', b[o:o + 4])
                if code == 0:
                    break
                if code == 1:
                    comments.append(b[o + 4:o + 4 + n].decode('utf-8'))
                o += 4 + n + (-n % 4)
            yield cap, wire, data, comments
        off += total

b = open(sys.argv[1], 'rb').read()
recs = pcapng(b) if b[:4] == b'\x0a\x0d\x0d\x0a' else pcap(b)
for cap, wire, data, comments in recs:
    if len(sys.argv) > 2:
        print(json.dumps(comments, ensure_ascii=False))
    else:
        print(cap, wire, data.hex())
EOF
notes_of_json() {
	python3 -c 'import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o.get("type") == "pkt":
        print(json.dumps(o.get("note", ""), ensure_ascii=False))'
}

checked=0
for f in "$p"/*.pcap "$p"/*.pcapng; do
	name=$(basename "$f")
	# The detector's large floods (100,000s of packets) would take minutes
	# of python; their few connection kinds are in the small ones.
	case $name in detect-*) continue ;; esac
	for flt in "" "tcp"; do
		out="$work/out.pcapng"
		rm -f "$out"
		# shellcheck disable=SC2086
		"$bin" read -q -w "$out" --annotate "$f" -- $flt >/dev/null 2>&1 || continue
		[ -s "$out" ] || continue
		# shellcheck disable=SC2086
		"$bin" read --format json "$f" -- $flt 2>/dev/null | notes_of_json >"$work/want" || true
		# The last comment is the note; an input's own come before it.
		python3 "$work/records.py" "$out" --comments | python3 -c 'import json, sys
for l in sys.stdin:
    c = json.loads(l)
    print(json.dumps(c[-1] if c else "", ensure_ascii=False))' >"$work/got"
		# The packets: bytes and lengths (the filter's as plain -w --pcapng's).
		# shellcheck disable=SC2086
		"$bin" read -q -w "$work/plain" --pcapng "$f" -- $flt >/dev/null 2>&1 || true
		python3 "$work/records.py" "$out" >"$work/got-rec"
		python3 "$work/records.py" "$work/plain" >"$work/want-rec"
		cmp -s "$work/want-rec" "$work/got-rec" || fail "$name [$flt]: packet bytes differ"
		# pcapng-multi-if has a record longer than its interface's
		# snaplen (readers cut it, as read does) and simple and obsolete
		# packet blocks this parser does not read: plain -w's file above.
		if [ -z "$flt" ] && [ "$name" != pcapng-multi-if.pcapng ]; then
			python3 "$work/records.py" "$f" >"$work/in-rec"
			cmp -s "$work/in-rec" "$work/got-rec" || fail "$name: packet bytes not the input's"
		fi
		# An input with comments of its own (pcapng-comments, -multi-if).
		commented=$(python3 "$work/records.py" "$f" --comments | grep -vc '^\[\]$' || true)
		if [ "$commented" -gt 0 ] && [ -z "$flt" ] && [ "$name" != pcapng-multi-if.pcapng ]; then
			# Packets with a note carry it after the input's comments.
			python3 "$work/records.py" "$f" --comments >"$work/in-comments"
			python3 "$work/records.py" "$out" --comments >"$work/out-comments"
			python3 - "$work/in-comments" "$work/out-comments" "$work/want" <<'EOF' ||
import json, sys
ins, outs, notes = ([json.loads(l) for l in open(a)] for a in sys.argv[1:])
assert len(ins) == len(outs) == len(notes)
for i, o, n in zip(ins, outs, notes):
    assert o == i + ([n] if n else []), (i, o, n)
EOF
				fail "$name [$flt]: the input's comments and the notes"
		elif [ "$commented" -eq 0 ]; then
			cmp -s "$work/want" "$work/got" ||
				fail "$name [$flt]: opt_comment is not the JSON note: $(diff "$work/want" "$work/got" | head -4)"
		fi
		# Wireshark's tools (a second each) on a few: pcap, nanosecond,
		# pcapng, several link types and sections, a teardown.
		case $name in
		handshake-v4.pcap | handshake-v4-nano.pcap | handshake-v4.pcapng | \
		pcapng-sections.pcapng | pcapng-multi-if.pcapng | handshake-v4-sll2.pcap | \
		close-fin-ack.pcap | ts-invalid.pcapng) ;;
		*) checked=$((checked + 1)); continue ;;
		esac
		if [ "$commented" -eq 0 ]; then
			# tshark's frame.comment: the same text.
			tshark -r "$out" -T fields -e frame.comment 2>/dev/null >"$work/tshark"
			python3 -c 'import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l))' "$work/want" >"$work/want-text"
			cmp -s "$work/want-text" "$work/tshark" ||
				fail "$name [$flt]: tshark frame.comment: $(diff "$work/want-text" "$work/tshark" | head -4)"
		fi
		[ -z "$flt" ] && {
			# ts-invalid's time fields are no times: read writes the
			# times it shows (man page), as for plain -w.
			# pcapng-multi-if's simple packet block has no time (read
			# shows and writes 0) and it has a block tshark lists that
			# is no packet.
			case $name in ts-invalid.* | pcapng-multi-if.pcapng) ;; *)
			tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null >"$work/t-in"
			tshark -r "$out" -T fields -e frame.time_epoch 2>/dev/null >"$work/t-out"
			cmp -s "$work/t-in" "$work/t-out" || fail "$name: times differ" ;;
			esac
		}
		capinfos "$out" >/dev/null 2>&1 || fail "$name [$flt]: capinfos refuses the file"
		editcap "$out" "$work/edited.pcapng" 2>/dev/null || fail "$name [$flt]: editcap refuses"
		checked=$((checked + 1))
	done
done
[ "$checked" -gt 150 ] || fail "only $checked files checked"

# The section and the interfaces: a nanosecond pcap, a pcapng with names.
"$bin" read -q -w "$work/nano.pcapng" --annotate "$p/handshake-v4-nano.pcap" >/dev/null 2>&1
capinfos "$work/nano.pcapng" >"$work/ci" 2>&1
grep -q "Capture application: rawshake" "$work/ci" || fail "shb_userappl"
grep -q "Capture comment: *explained by rawshake from $p/handshake-v4-nano.pcap" "$work/ci" ||
	fail "the section comment names the input"
grep -q "Time precision = nanoseconds (9)" "$work/ci" || fail "nanosecond input: if_tsresol 9"
"$bin" read -q -w "$work/names.pcapng" --annotate "$p/pcapng-multi-if.pcapng" >/dev/null 2>&1
# (The set of names: this input has a block tshark lists with none.)
tshark -r "$p/pcapng-multi-if.pcapng" -T fields -e frame.interface_name 2>/dev/null |
	grep . | sort -u >"$work/n-in"
tshark -r "$work/names.pcapng" -T fields -e frame.interface_name 2>/dev/null |
	grep . | sort -u >"$work/n-out"
cmp -s "$work/n-in" "$work/n-out" || fail "interface names are not the input's"
grep -q . "$work/n-out" || fail "no interface names"

# --annotate needs -w, and the notes need tracking.
"$bin" read --annotate "$p/handshake-v4.pcap" >/dev/null 2>&1 && fail "--annotate without -w"
"$bin" read -w "$work/x" --annotate --no-track "$p/handshake-v4.pcap" >/dev/null 2>&1 &&
	fail "--annotate --no-track"
echo "ok: $checked annotated files"
