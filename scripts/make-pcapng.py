#!/usr/bin/env python3
"""make-pcapng.py [OUTDIR]: writes the crafted pcapng captures of pcaps/
(see pcaps/README, "pcapng reader set") with nothing but struct.

make-pcapng.py --check RAWSHAKE [DIR]: compares what `RAWSHAKE read
--format json` says of every packet of DIR's pcapng-multi-if.pcapng and
pcapng-sections.pcapng (interface name, direction, time) with
`tshark -T fields -e frame.interface_name -e frame.interface_id
-e frame.p2p_dir -e frame.time_epoch`, skipping what tshark 4.0 shows of
a custom block (a record without an interface) and, in the second
section, its interface names (tshark 4.0 numbers interfaces across
sections, so section 2's interface 0 shows section 1's name).

Every byte is chosen here, so the files are the same on every run.  The
packets are well-formed (checksums computed) so that what the files test
is the container: interfaces of different link types, snap lengths and
timestamp resolutions, direction flags, names, several sections in both
byte orders, every block type, a file cut short and a block that lies.
"""
import os
import struct

from pcapcraft import csum
import sys

PCAPS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcaps"))


# --- packets ---------------------------------------------------------------

def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload, ident, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, ttl, proto, 0,
                      ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def pseudo(src, dst, proto, n):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, n)


def tcp(src, dst, sport, dport, seq, ack, flags, win=64240, opts=b"", data=b""):
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + opts + data
    c = csum(pseudo(src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo(src, dst, 17, len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def ether(src, dst, payload, ethertype=0x0800):
    return bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + \
        struct.pack("!H", ethertype) + payload


def sll2(ifindex, pkttype, mac, payload, proto=0x0800):
    addr = bytes.fromhex(mac.replace(":", "")) + b"\0\0"
    return struct.pack("!HHIHBB", proto, 0, ifindex, 1, pkttype, 6) + addr + payload


MAC_C, MAC_S = "02:00:00:00:00:01", "02:00:00:00:00:02"
C4, S4 = "192.0.2.1", "192.0.2.2"
T1, T2 = "198.51.100.1", "198.51.100.2"
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
MSS = bytes([2, 4, 0x05, 0xB4])


def syn():
    return ether(MAC_C, MAC_S, ipv4(C4, S4, 6, tcp(C4, S4, 40000, 8080, 1000, 0, SYN, opts=MSS), 1))


def synack():
    return ether(MAC_S, MAC_C, ipv4(S4, C4, 6, tcp(S4, C4, 8080, 40000, 5000, 1001, SYN | ACK,
                                                   opts=MSS), 2))


def ack():
    return ether(MAC_C, MAC_S, ipv4(C4, S4, 6, tcp(C4, S4, 40000, 8080, 1001, 5001, ACK), 3))


def udp_raw(n, sport=5300, dport=5301, ident=10):
    return ipv4(T1, T2, 17, udp(T1, T2, sport, dport, b"x" * n), ident)


# --- pcapng blocks ---------------------------------------------------------

class Section:
    """Blocks in one byte order ('<' or '>')."""

    def __init__(self, order):
        self.o = order

    def opt(self, code, value):
        pad = (4 - len(value) % 4) % 4
        return struct.pack(self.o + "HH", code, len(value)) + value + b"\0" * pad

    def end(self):
        return struct.pack(self.o + "HH", 0, 0)

    def block(self, btype, body):
        total = 12 + len(body)
        assert total % 4 == 0
        return struct.pack(self.o + "II", btype, total) + body + struct.pack(self.o + "I", total)

    def shb(self, opts=b""):
        body = struct.pack(self.o + "IHHq", 0x1A2B3C4D, 1, 0, -1)
        if opts:
            body += opts + self.end()
        return self.block(0x0A0D0D0A, body)

    def idb(self, linktype, snaplen, name=None, descr=None, tsresol=None, tsoffset=None):
        body = struct.pack(self.o + "HHI", linktype, 0, snaplen)
        opts = b""
        if name is not None:
            opts += self.opt(2, name)
        if descr is not None:
            opts += self.opt(3, descr)
        if tsresol is not None:
            opts += self.opt(9, bytes([tsresol]))
        if tsoffset is not None:
            opts += self.opt(14, struct.pack(self.o + "q", tsoffset))
        if opts:
            body += opts + self.end()
        return self.block(1, body)

    def epb(self, ifid, ticks, data, wirelen=None, flags=None, comment=None, comments=()):
        pad = (4 - len(data) % 4) % 4
        body = struct.pack(self.o + "IIIII", ifid, ticks >> 32, ticks & 0xFFFFFFFF, len(data),
                           len(data) if wirelen is None else wirelen) + data + b"\0" * pad
        opts = b""
        if comment is not None:
            opts += self.opt(1, comment)
        for c in comments:
            opts += self.opt(1, c)
        if flags is not None:
            opts += self.opt(2, struct.pack(self.o + "I", flags))
        if opts:
            body += opts + self.end()
        return self.block(6, body)

    def spb(self, data, wirelen=None):
        pad = (4 - len(data) % 4) % 4
        return self.block(3, struct.pack(self.o + "I", len(data) if wirelen is None else wirelen) +
                          data + b"\0" * pad)

    def pb(self, ifid, ticks, data, flags=None):
        pad = (4 - len(data) % 4) % 4
        body = struct.pack(self.o + "HHIIII", ifid, 0, ticks >> 32, ticks & 0xFFFFFFFF, len(data),
                           len(data)) + data + b"\0" * pad
        if flags is not None:
            body += self.opt(2, struct.pack(self.o + "I", flags)) + self.end()
        return self.block(2, body)

    def isb(self, ifid, ticks):
        body = struct.pack(self.o + "III", ifid, ticks >> 32, ticks & 0xFFFFFFFF)
        body += self.opt(4, struct.pack(self.o + "Q", 10)) + self.end()
        return self.block(5, body)

    def nrb(self):
        rec = struct.pack(self.o + "HH", 1, 4 + 12) + ip4(C4) + b"client\0\0\0\0\0\0"
        body = rec + struct.pack(self.o + "HH", 0, 0)
        return self.block(4, body)

    def custom(self):
        # Custom block (copyable): private enterprise number 32473 (the
        # documentation PEN of RFC 5612), then opaque bytes.
        return self.block(0x00000BAD, struct.pack(self.o + "I", 32473) + b"rawshake")


SEC = 1700000000
CUT_BLOCK = 0   # offset of the block pcapng-truncated is cut in


def us(sec, usec):
    return sec * 1000000 + usec


def ns(sec, nsec):
    return sec * 1000000000 + nsec


def multi_if():
    """Two interfaces of one section, little-endian: Ethernet (snaplen
    65535, microseconds, named 'eth0') and raw IPv4 (snaplen 128,
    nanoseconds, a name with a control character)."""
    s = Section("<")
    b = s.shb(s.opt(4, b"rawshake make-pcapng.py"))
    b += s.idb(1, 65535, name=b"eth0", descr=b"lab Ethernet", tsresol=6)
    b += s.idb(101, 128, name=b"tun\x01x", descr=b"raw IP, name with a control character",
               tsresol=9)
    b += s.nrb()
    b += s.epb(0, us(SEC, 100000), syn(), flags=2)                    # out
    b += s.epb(1, ns(SEC, 150000001), udp_raw(20), flags=1)           # in
    b += s.epb(0, us(SEC, 200000), synack(), flags=1)                 # in
    b += s.custom()
    b += s.block(0x12345678, b"an unknown block type\0\0\0")       # skipped
    global CUT_BLOCK
    CUT_BLOCK = len(b)
    b += s.epb(1, ns(SEC, 250000002), udp_raw(300, 5301, 5300, 11), wirelen=328)  # cut at 128
    b += s.epb(0, us(SEC, 300000), ack(), flags=2, comment=b"third packet of the handshake")
    b += s.spb(ether(MAC_S, MAC_C, ipv4(S4, C4, 17, udp(S4, C4, 5300, 40000, b"spb"), 13)))
    b += s.pb(1, ns(SEC, 400000004), udp_raw(4, ident=14), flags=2)  # obsolete PB, out
    b += s.isb(0, us(SEC, 500000))
    b += s.isb(1, ns(SEC, 500000000))
    return b


def sections():
    """Two sections: little-endian with one Ethernet interface (tsresol
    2^-30, if_tsoffset +100 s), then big-endian with a Linux cooked v2
    interface 'any' (milliseconds) and a raw IPv4 interface (2^-20)."""
    a = Section("<")
    b = a.shb()
    b += a.idb(1, 0, name=b"veth-a", tsresol=0x80 | 30, tsoffset=100)
    t = (SEC - 100) << 30
    b += a.epb(0, t | (1 << 29), syn())        # .5 s
    b += a.epb(0, t | (3 << 28), synack())     # .75 s
    z = Section(">")
    b += z.shb()
    b += z.idb(276, 262144, name=b"any", tsresol=3)
    b += z.idb(101, 1500, name=b"raw0", tsresol=0x80 | 20)
    b += z.epb(0, SEC * 1000 + 1, sll2(2, 4, MAC_C, ipv4(C4, S4, 6, tcp(C4, S4, 40000, 8080, 1001,
                                                                       5001, ACK), 3)))
    b += z.epb(1, ((SEC + 1) << 20) | (1 << 19), udp_raw(10, ident=20), flags=1)
    b += z.epb(0, (SEC + 2) * 1000, sll2(3, 0, MAC_S, ipv4(S4, C4, 6, tcp(S4, C4, 8080, 40000, 5001,
                                                                        1001, ACK | FIN), 4)))
    return b


def comments():
    """Packet comments as tshark lists them (opt_comment, several per
    block), big-endian: a plain one, two on one packet, one holding
    control characters and an escape sequence, UTF-8, one longer than the
    printers show (600 bytes), a packet without; a comment on the section
    header too (not shown per packet)."""
    s = Section(">")
    b = s.shb(s.opt(1, b"section comment") + s.opt(4, b"rawshake make-pcapng.py"))
    b += s.idb(1, 65535, name=b"eth0", tsresol=6)
    b += s.epb(0, us(SEC, 100000), syn(), comment=b"client opens")
    b += s.epb(0, us(SEC, 200000), synack(), comments=(b"first of two", b"second of two"))
    b += s.epb(0, us(SEC, 300000), ack(), comment=b"bell\x07 esc\x1b[31mred\x1b[0m nl\nback\\slash")
    b += s.epb(0, us(SEC, 400000), ether(MAC_C, MAC_S, udp_raw(8)), comment="caf\u00e9 \u2192 ok".encode())
    b += s.epb(0, us(SEC, 500000), ether(MAC_C, MAC_S, udp_raw(4, ident=11)), comment=b"x" * 590 + b"0123456789")
    b += s.epb(0, us(SEC, 600000), ether(MAC_C, MAC_S, udp_raw(2, ident=12)))
    return b


def write(out, name, data):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(data)
    print("wrote %s (%d bytes)" % (path, len(data)))


def main(out):
    m = multi_if()
    write(out, "pcapng-multi-if.pcapng", m)
    write(out, "pcapng-sections.pcapng", sections())
    write(out, "pcapng-comments.pcapng", comments())
    # Cut inside the packet data of the fourth packet block (the raw UDP
    # datagram of 300 bytes): three packets, then "truncated".
    start = CUT_BLOCK
    write(out, "pcapng-truncated.pcapng", m[:start + 28 + 50])
    # The same file with the trailer of that block's total length wrong:
    # a block that lies is an error, not a truncation.
    bad = bytearray(m)
    total = struct.unpack_from("<I", bad, start + 4)[0]
    struct.pack_into("<I", bad, start + total - 4, total + 4)
    write(out, "pcapng-bad-trailer.pcapng", bytes(bad))


def check(rawshake, d):
    import decimal
    import json
    import subprocess
    ok = True
    for name, sections in (("pcapng-multi-if.pcapng", False), ("pcapng-sections.pcapng", True)):
        path = os.path.join(d, name)
        ts = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.section_number",
                             "-e", "frame.interface_name", "-e", "frame.interface_id",
                             "-e", "frame.p2p_dir", "-e", "frame.time_epoch",
                             "-e", "sll.pkttype"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
        rows = [r.split("\t") for r in ts]
        rows = [r for r in rows if r[1] != ""]      # custom block: no interface
        rs = [json.loads(l) for l in subprocess.run([rawshake, "read", "--format", "json", path],
                                                   capture_output=True, text=True,
                                                   check=True).stdout.splitlines()]
        rs = [p for p in rs if p.get("type") == "pkt"]
        if len(rows) != len(rs):
            print("%s: tshark %d packets, rawshake %d" % (name, len(rows), len(rs)))
            ok = False
            continue
        for i, (t, p) in enumerate(zip(rows, rs), 1):
            sec, tif, tid, tdir, tt, pkttype = t
            link = p["link"]
            # tshark: 0 sent, 1 received, nothing when the file does not
            # say; a Linux cooked header says it with its packet type.
            want_dir = {"0": "out", "1": "in", "": None}[tdir]
            if want_dir is None and pkttype:
                want_dir = "out" if pkttype == "4" else "in"
            got_dir = link.get("dir")
            # A Linux cooked v2 packet names its own interface (ifindex):
            # rawshake leaves the capturing one ("any") out.
            want_if = tif.replace("\x01", "")
            got_if = (link.get("ifname") or "").replace("\x01", "")
            digits = len(p["ts"].split(".")[1])
            if tt:
                q = decimal.Decimal(1).scaleb(-digits)
                want_ts = decimal.Decimal(tt).quantize(q, rounding=decimal.ROUND_DOWN)
            else:
                want_ts = decimal.Decimal(0).quantize(decimal.Decimal(1).scaleb(-digits))
            probs = []
            if decimal.Decimal(p["ts"]) != want_ts:
                probs.append("time %s, tshark %s" % (p["ts"], tt or "(none)"))
            if got_dir != want_dir:
                probs.append("dir %s, tshark %s" % (got_dir, want_dir))
            if link["type"] != "LINUX_SLL2" and not (sections and sec != "1") and got_if != want_if:
                probs.append("interface %r, tshark %r (id %s)" % (got_if, want_if, tid))
            named = "interface %s" % got_if if got_if else "no interface name"
            if link["type"] == "LINUX_SLL2" or (sections and sec != "1"):
                named += " (name not compared)"
            print("%s #%d: %s" % (name, i, "; ".join(probs) if probs else
                                  "same: %s, dir %s, time %s" % (named, want_dir, p["ts"])))
            ok &= not probs
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else PCAPS) else 1)
    main(sys.argv[1] if len(sys.argv) > 1 else PCAPS)
