#!/usr/bin/env python3
"""make-zeek-edge-pcaps.py: the Zeek conn.log cases no kernel gives on
demand, made from the real lab captures in pcaps/ (issue 18, part 2) by
changing one thing each:

  zeek-idle-tcp.pcap      handshake-v4.pcap with every packet from the
                          client's FIN on 301 s later: longer than Zeek's
                          tcp_inactivity_timeout (5 min), so two
                          connections, the second without a handshake
  zeek-idle-udp.pcap      udp-v4.pcap with the answer 61 s after the
                          query: past udp_inactivity_timeout (1 min), two
                          flows, the answer's alone
  zeek-bad-checksum.pcap  handshake-v4.pcap with the client's request
                          segment's TCP checksum off by one ('C' in the
                          history)
  zeek-bad-udp-checksum.pcap  udp-v4.pcap with the query's UDP checksum
                          off by one (read --zeek-compat counts it as Zeek)

    python3 scripts/make-zeek-edge-pcaps.py [OUTDIR]   (default: pcaps/)

Classic pcap in, classic pcap out, the same bytes on every run.
"""
import os
import struct
import sys


def read_pcap(path):
    data = open(path, "rb").read()
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(end + "IIII", data[off:off + 16])
        recs.append([sec, frac, wirelen, bytearray(data[off + 16:off + 16 + caplen])])
        off += 16 + caplen
    return data[:24], end, recs


def write_pcap(path, head, end, recs):
    with open(path, "wb") as f:
        f.write(head)
        for sec, frac, wirelen, frame in recs:
            f.write(struct.pack(end + "IIII", sec, frac, len(frame), wirelen) + frame)


def tcp_flags(frame):
    """The TCP flags of an Ethernet/IPv4 frame (0 for anything else)."""
    if frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return 0
    return frame[14 + (frame[14] & 15) * 4 + 13]


def idle_tcp(src):
    head, end, recs = read_pcap(src)
    fin = next(i for i, r in enumerate(recs) if tcp_flags(r[3]) & 0x01)
    for r in recs[fin:]:
        r[0] += 301
    return head, end, recs


def idle_udp(src):
    head, end, recs = read_pcap(src)
    for r in recs[1:]:
        r[0] += 61
    return head, end, recs


def bad_checksum(src):
    head, end, recs = read_pcap(src)
    req = next(r for r in recs if tcp_flags(r[3]) & 0x08)   # the first PSH: the request
    at = 14 + (req[3][14] & 15) * 4 + 16
    c = struct.unpack("!H", req[3][at:at + 2])[0]
    req[3][at:at + 2] = struct.pack("!H", (c + 1) & 0xffff)
    return head, end, recs


def bad_udp_checksum(src):
    head, end, recs = read_pcap(src)
    frame = recs[0][3]                                        # the query
    at = 14 + (frame[14] & 15) * 4 + 6
    c = struct.unpack("!H", frame[at:at + 2])[0]
    frame[at:at + 2] = struct.pack("!H", (c + 1) & 0xffff or 1)
    return head, end, recs


CAPTURES = {
    "zeek-idle-tcp.pcap": (idle_tcp, "handshake-v4.pcap"),
    "zeek-idle-udp.pcap": (idle_udp, "udp-v4.pcap"),
    "zeek-bad-checksum.pcap": (bad_checksum, "handshake-v4.pcap"),
    "zeek-bad-udp-checksum.pcap": (bad_udp_checksum, "udp-v4.pcap"),
}


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcaps")
    out = sys.argv[1] if len(sys.argv) > 1 else here
    for name, (make, src) in CAPTURES.items():
        write_pcap(os.path.join(out, name), *make(os.path.join(here, src)))
        print("wrote", os.path.join(out, name))


if __name__ == "__main__":
    main()
