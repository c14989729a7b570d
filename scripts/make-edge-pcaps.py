#!/usr/bin/env python3
"""make-edge-pcaps.py [OUTDIR]: the capture files of pcaps/ whose records
lie about themselves (see pcaps/README, "Record edge set"), written from
pcaps/handshake-v4.pcap (real traffic) with nothing but struct:

  ts-invalid.pcap      microsecond fields of 1000000 and 0xffffffff
  ts-invalid.pcapng    if_tsresol 10^0 and a timestamp of 2^64 - 1 seconds
  ts-backwards.pcap    the capture clock jumps 30 s ahead, then steps back
                       20 s behind the first packet
  lt-7fffffff.pcap     a link-type field with the FCS bits all set
  snaplen-big.pcap     snaplen 300000, then a record of 262145 bytes

The same bytes on every run.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "pcaps", "handshake-v4.pcap"))


def records(path):
    d = open(path, "rb").read()
    hdr, off, out = d[:24], 24, []
    while off < len(d):
        s, u, cl, wl = struct.unpack("<IIII", d[off:off + 16])
        out.append([s, u, cl, wl, d[off + 16:off + 16 + cl]])
        off += 16 + cl
    return hdr, out


def write_pcap(path, hdr, recs):
    with open(path, "wb") as f:
        f.write(hdr)
        for s, u, cl, wl, p in recs:
            f.write(struct.pack("<IIII", s, u, cl, wl) + p)


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(SRC)
    hdr, recs = records(SRC)
    assert struct.unpack("<I", hdr[:4])[0] == 0xa1b2c3d4 and len(recs) >= 8

    bad = [r[:] for r in recs]
    bad[1][1] = 1000000          # one second too many
    bad[2][1] = 0xffffffff       # what a broken writer leaves
    write_pcap(os.path.join(out, "ts-invalid.pcap"), hdr, bad)

    back = [r[:] for r in recs]
    back[4][0] += 30             # a clock set ahead (less than the half-open timeout) ...
    back[6][0] -= 20             # ... and stepped back behind the first packet
    write_pcap(os.path.join(out, "ts-backwards.pcap"), hdr, back)

    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 0) + option(9, b"\x00") + option(0, b""))
    epbs = b""
    for i, ts in enumerate((recs[0][0], (1 << 64) - 1)):
        p = recs[i][4]
        epbs += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(p), len(p)) + p)
    with open(os.path.join(out, "ts-invalid.pcapng"), "wb") as f:
        f.write(shb + idb + epbs)

    write_pcap(os.path.join(out, "lt-7fffffff.pcap"), hdr[:20] + struct.pack("<I", 0x7fffffff),
               recs[:1])
    # The record header alone: the reader refuses its length before its bytes.
    with open(os.path.join(out, "snaplen-big.pcap"), "wb") as f:
        f.write(hdr[:16] + struct.pack("<I", 300000) + hdr[20:])
        f.write(struct.pack("<IIII", recs[0][0], recs[0][1], 262145, 262145))


if __name__ == "__main__":
    main()
