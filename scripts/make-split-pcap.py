#!/usr/bin/env python3
"""make-split-pcap.py: pcaps/zeek-split.pcap, a 30-second capture whose
connections cross the boundaries of a split into three 10-second parts
(t0+10 s, t0+20 s), for tests/zeek-split.sh and docs/scale.md.

What each flow is for (t in seconds from the capture's start):
  tcp 40001   handshake at 0.5, a request and answer every second, FIN
              from each side at 25: crosses both boundaries (S1 in part
              1, OTH in part 2, SF-less close in part 3; SF merged)
  tcp 40002   handshake at 8, data, client RST at 15: RSTO merged
  tcp 40003   SYN at 9.9, SYN-ACK at 10.1 (the handshake is split), data,
              close at 12
  tcp 40004   handshake and close inside part 2: no boundary
  tcp 40005   closed by both FINs at 9.95, the last ACK at 10.002: the
              ACK alone is in part 2
  tcp 40006   closed at 9, the same ports again with a new SYN at 11
              (port reuse across a boundary: two connections)
  tcp 50007   high ports both ends (nothing says which is the server);
              the client is quiet in part 2, whose first packet is the
              server's: that part takes the server for the originator
  tcp 40009   the client's FIN at 19.9995, the server's at 20.4: each
              part holds one end's close (the merged duration is a bound)
  tcp v6      2001:db8::1 -> 2001:db8::2 port 443, 2 to 27
  udp         192.0.2.1:5300 -> 192.0.2.2:53 every 2 s from 1 to 29,
              answered: one flow (60 s inactivity timeout)
  icmp        echo request and reply every 3 s from 5 to 14

Written byte by byte (Ethernet, IPv4/IPv6, TCP/UDP/ICMP with correct
checksums); the same file on every run.

    python3 scripts/make-split-pcap.py [OUT]   (default pcaps/zeek-split.pcap)
"""
import os
import struct
import sys

from pcapcraft import a4, a6, csum

T0 = 1796216400.0       # 2026-12-02T13:00:00Z
CMAC, SMAC = bytes([2, 0, 0, 0, 0x5a, 1]), bytes([2, 0, 0, 0, 0x5a, 2])
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class Capture:
    def __init__(self):
        self.frames = []   # (time, bytes)
        self.ipid = 0

    def ip(self, src, dst, proto, l4):
        """The IP header (4 or 6 by the address length) before l4, whose
        checksum (at the offset the protocol has it) is filled in here."""
        v6 = len(src) == 16
        pseudo = src + dst + (struct.pack("!IxxxB", len(l4), proto) if v6 else
                              struct.pack("!xBH", proto, len(l4)))
        at = {6: 16, 17: 6, 1: 2, 58: 2}[proto]
        c = csum((b"" if proto == 1 else pseudo) + l4)
        l4 = l4[:at] + struct.pack("!H", c) + l4[at + 2:]
        if v6:
            return struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + src + dst + l4, 0x86dd
        self.ipid += 1
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), self.ipid, 0x4000, 64, proto, 0,
                        src, dst)
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4, 0x0800

    def add(self, t, from_client, src, dst, proto, l4):
        packet, ethertype = self.ip(src, dst, proto, l4)
        macs = CMAC + SMAC if not from_client else SMAC + CMAC
        self.frames.append((T0 + t, macs + struct.pack("!H", ethertype) + packet))

    def write(self, path):
        self.frames.sort(key=lambda f: f[0])
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
            for t, frame in self.frames:
                us = int(round((t - T0) * 1e6))
                f.write(struct.pack("<IIII", int(T0) + us // 1000000, us % 1000000, len(frame),
                                    len(frame)) + frame)


class Tcp:
    """One TCP connection's segments; sequence numbers kept here."""

    def __init__(self, cap, client, cport, server, sport, isn=1000):
        self.cap, self.ends = cap, ((client, cport), (server, sport))
        self.nxt = {True: isn, False: isn * 7}

    def seg(self, t, from_client, flags, data=b""):
        (src, sp), (dst, dp) = self.ends if from_client else self.ends[::-1]
        seq, ack = self.nxt[from_client], self.nxt[not from_client] if flags & ACK else 0
        l4 = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 1024, 0, 0) + data
        self.cap.add(t, from_client, src, dst, 6, l4)
        self.nxt[from_client] = (seq + len(data) + (1 if flags & (SYN | FIN) else 0)) & 0xffffffff

    def open(self, t, rtt=0.001):
        self.seg(t, True, SYN)
        self.seg(t + rtt / 2, False, SYN | ACK)
        self.seg(t + rtt, True, ACK)

    def exchange(self, t, n=20, m=200, rtt=0.001):
        self.seg(t, True, PSH | ACK, b"q" * n)
        self.seg(t + rtt / 2, False, PSH | ACK, b"r" * m)
        self.seg(t + rtt, True, ACK)

    def close(self, t, rtt=0.001):
        self.seg(t, True, FIN | ACK)
        self.seg(t + rtt / 2, False, FIN | ACK)
        self.seg(t + rtt, True, ACK)


C4, S4 = a4("192.0.2.1"), a4("192.0.2.2")
# 192.0.2.1:PORT -> 192.0.2.2:80, step by step: ("open", t), ("x", t) a
# request and its answer, ("close", t), or (t, from_client, flags) one
# segment without data
SCRIPTED = {
    40002: [("open", 8), ("x", 9.5), ("x", 11.5), ("x", 13.5), (15, True, RST | ACK)],
    40003: [(9.9, True, SYN), (10.1, False, SYN | ACK), (10.1005, True, ACK), ("x", 11),
            ("close", 12)],
    40004: [("open", 14), ("x", 14.5), ("close", 15)],
    40005: [("open", 9.5), ("x", 9.6), (9.95, True, FIN | ACK), (9.951, False, FIN | ACK),
            (10.002, True, ACK)],
    40009: [("open", 16), ("x", 17), (19.9995, True, FIN | ACK), (20.0005, False, ACK),
            (20.4, False, FIN | ACK), (20.401, True, ACK)],
}


def play(conn, steps):
    for step in steps:
        if step[0] in ("open", "x", "close"):
            {"open": conn.open, "x": conn.exchange, "close": conn.close}[step[0]](step[1])
        else:
            conn.seg(*step)


def build():
    cap = Capture()
    long = Tcp(cap, C4, 40001, S4, 80)
    play(long, [("open", 0.5)] + [("x", i + 0.25) for i in range(1, 25)] + [("close", 25)])
    for port, steps in SCRIPTED.items():
        play(Tcp(cap, C4, port, S4, 80), steps)
    for t0, end in ((3, 9), (11, 13)):   # the same ports again after 2 s
        play(Tcp(cap, C4, 40006, S4, 80, isn=1000 + t0 * 100000),
             [("open", t0), ("x", t0 + 1), ("close", end)])
    high = Tcp(cap, C4, 50007, S4, 50008)
    play(high, [("open", 1)] + [("x", t + 0.75) for t in range(2, 10)])
    high.seg(10.5, False, PSH | ACK, b"s" * 300)   # the server first in part 2
    play(high, [(10.501, True, ACK), ("x", 21), ("close", 22)])
    v6 = Tcp(cap, a6("2001:db8::1"), 41000, a6("2001:db8::2"), 443)
    v6.open(2)
    for t in range(3, 27, 2):
        v6.exchange(t + 0.1, 500, 1400)
    v6.close(27)
    for t in range(1, 30, 2):
        cap.add(t, True, C4, S4, 17, struct.pack("!HHHH", 5300, 53, 8 + 30, 0) + bytes(30))
        cap.add(t + 0.002, False, S4, C4, 17, struct.pack("!HHHH", 53, 5300, 8 + 60, 0) + bytes(60))
    for i, t in enumerate(range(5, 15, 3)):
        for typ, fc, src, dst in ((8, True, C4, S4), (0, False, S4, C4)):
            cap.add(t + (0 if fc else 0.0005), fc, src, dst, 1,
                    struct.pack("!BBHHH", typ, 0, 0, 77, i) + b"ping" * 8)
    return cap


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..",
                                                             "pcaps", "zeek-split.pcap")
    build().write(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
