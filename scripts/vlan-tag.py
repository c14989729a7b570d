#!/usr/bin/env python3
"""vlan-tag.py - insert an 802.1Q tag into every frame of an Ethernet pcap.

usage: vlan-tag.py [--vid N] [--pcp N] IN.pcap OUT.pcap

Used by make-pcaps.sh for vlan-v4.pcap because the lab kernel has no 802.1Q
support: the TCP/ICMP traffic is real, only the 4-byte tags are added here
(TPID 0x8100 after the source MAC).  Handles classic pcap (micro/nano, both
byte orders) with link type 1 (Ethernet); snaplen is raised by 4.
"""
import argparse
import struct
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vid", type=int, default=100)
    p.add_argument("--pcp", type=int, default=0)
    p.add_argument("inp")
    p.add_argument("out")
    a = p.parse_args()
    d = open(a.inp, "rb").read()
    magic = d[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("not a classic pcap file")
    vmaj, vmin, zone, sigfigs, snap, link = struct.unpack(e + "HHiIII", d[4:24])
    if link & 0xFFFF != 1:
        sys.exit("link type %d is not Ethernet" % link)
    tag = struct.pack(">HH", 0x8100, (a.pcp << 13) | (a.vid & 0xFFF))
    out = [magic, struct.pack(e + "HHiIII", vmaj, vmin, zone, sigfigs, snap + 4, link)]
    pos = 24
    n = 0
    while pos + 16 <= len(d):
        ts1, ts2, incl, orig = struct.unpack(e + "IIII", d[pos:pos + 16])
        frame = d[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if len(frame) >= 14:
            frame = frame[:12] + tag + frame[12:]
            incl += 4
            orig += 4
        out.append(struct.pack(e + "IIII", ts1, ts2, incl, orig))
        out.append(frame)
        n += 1
    with open(a.out, "wb") as f:
        f.write(b"".join(out))
    print("tagged %d frames with VID %d" % (n, a.vid), file=sys.stderr)


if __name__ == "__main__":
    main()
