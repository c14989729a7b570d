#!/usr/bin/env python3
"""make-arp-pcaps.py: crafts the ARP and IPv6 neighbour discovery captures
in pcaps/ (see pcaps/README, "ARP and neighbour discovery").

  arp-nd.pcap   ARP request, reply, gratuitous request and reply
                (RFC 5227 announcement), probe (sender 0.0.0.0), a request
                that names the target's MAC, RARP request and reply, an
                ARP for IPv6 addresses (not Ethernet/IPv4: header only),
                then ICMPv6 neighbour solicitation and advertisements
                (RFC 4861) with link-layer address options
  cut-arp.pcap  the same kinds cut by the snaplen inside the ARP header,
                inside the addresses, inside the NS target and inside an
                option: [truncated arp], [truncated icmpv6]
  lie-arp.pcap  Ethernet/IPv4 ARP claiming 7-byte hardware addresses, an
                ND option of length 0 and one running past the message:
                [invalid arp], [invalid icmpv6]

Addresses from the documentation ranges only.  python3 struct and
scripts/pcapcraft.py only; the same bytes on every run.

    python3 scripts/make-arp-pcaps.py [OUTDIR]     (default: pcaps)
"""
import os
import struct
import sys

from pcapcraft import csum, a4, a6, mac, write_pcap

EN10MB = 1
M1, M2, M3 = mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02"), mac("02:00:00:00:00:03")
BCAST, ZERO = b"\xff" * 6, b"\0" * 6


def eth(dst, src, ptype, payload, pad=True):
    fr = dst + src + struct.pack("!H", ptype) + payload
    return fr + b"\0" * (60 - len(fr)) if pad and len(fr) < 60 else fr


def arp(op, sha, spa, tha, tpa, htype=1, ptype=0x0800, hlen=6, plen=4):
    return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + spa + tha + tpa


def icmp6(src, dst, body):
    pseudo = src + dst + struct.pack("!IxxxB", len(body), 58)
    c = csum(pseudo + body)
    msg = body[:2] + struct.pack("!H", c) + body[4:]
    ip = struct.pack("!IHBB", 0x60000000, len(msg), 58, 255) + src + dst
    return ip + msg


def lladdr_opt(kind, m):
    return struct.pack("!BB", kind, 1) + m


def ns(target, sll=None):
    body = struct.pack("!BBHI", 135, 0, 0, 0) + a6(target)
    return body + (lladdr_opt(1, sll) if sll else b"")


def na(target, flags, tll=None):
    body = struct.pack("!BBHI", 136, 0, 0, flags << 24) + a6(target)
    return body + (lladdr_opt(2, tll) if tll else b"")


def solicited_node(addr):
    return a6("ff02::1:ff00:0")[:13] + a6(addr)[13:]


def nd_frames():
    s, d = a6("2001:db8::1"), a6("2001:db8::2")
    mc = solicited_node("2001:db8::2")
    return [
        eth(b"\x33\x33" + mc[12:], M1, 0x86dd, icmp6(s, mc, ns("2001:db8::2", M1))),
        eth(M1, M2, 0x86dd, icmp6(d, s, na("2001:db8::2", 0x60, M2))),
        # Unsolicited, from a router, to all nodes: R and O, no S.
        eth(b"\x33\x33\x00\x00\x00\x01", M2, 0x86dd,
            icmp6(d, a6("ff02::1"), na("2001:db8::2", 0xa0, M2))),
        # Duplicate address detection: from ::, no option (RFC 4862 5.4.2).
        eth(b"\x33\x33" + mc[12:], M3, 0x86dd, icmp6(a6("::"), mc, ns("2001:db8::2"))),
    ]


def arp_frames():
    g1, g2, g3 = a4("192.0.2.1"), a4("192.0.2.2"), a4("192.0.2.3")
    return [
        eth(BCAST, M1, 0x0806, arp(1, M1, g1, ZERO, g2)),
        eth(M1, M2, 0x0806, arp(2, M2, g2, M1, g1)),
        eth(BCAST, M1, 0x0806, arp(1, M1, g1, ZERO, g1)),
        eth(BCAST, M1, 0x0806, arp(2, M1, g1, BCAST, g1)),
        eth(BCAST, M3, 0x0806, arp(1, M3, a4("0.0.0.0"), ZERO, g3)),
        eth(M2, M1, 0x0806, arp(1, M1, g1, M2, g2)),
        eth(BCAST, M3, 0x8035, arp(3, M3, a4("0.0.0.0"), M3, a4("0.0.0.0"))),
        eth(M3, M2, 0x8035, arp(4, M2, g2, M3, g3)),
        eth(BCAST, M1, 0x0806, arp(1, M1, a6("2001:db8::1"), ZERO, a6("2001:db8::2"),
                                   ptype=0x86dd, plen=16)),
        # Unpadded, as a capture on the sending host shows it.
        eth(BCAST, M1, 0x0806, arp(1, M1, g1, ZERO, g3), pad=False),
    ]


def cut(frame, n):
    return (frame[:n], len(frame))


def cut_frames():
    req, gra = arp_frames()[0], arp_frames()[2]
    sol, adv = nd_frames()[0], nd_frames()[1]
    return [cut(req, 14 + 5), cut(req, 14 + 20), cut(gra, 14 + 27),
            cut(sol, 14 + 40 + 12), cut(adv, 14 + 40 + 28)]


def lie_frames():
    s, d = a6("2001:db8::1"), a6("2001:db8::2")
    g1, g2 = a4("192.0.2.1"), a4("192.0.2.2")
    opt0 = ns("2001:db8::2") + struct.pack("!BB", 1, 0) + M1
    past = na("2001:db8::2", 0x40) + struct.pack("!BB", 2, 2) + M2
    return [
        eth(BCAST, M1, 0x0806, arp(1, M1 + b"\0", g1, ZERO + b"\0", g2, hlen=7)),
        eth(b"\x33\x33\xff\x00\x00\x02", M1, 0x86dd, icmp6(s, solicited_node("2001:db8::2"), opt0)),
        eth(M1, M2, 0x86dd, icmp6(d, s, past)),
    ]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    write_pcap(os.path.join(out, "arp-nd.pcap"), EN10MB, arp_frames() + nd_frames())
    write_pcap(os.path.join(out, "cut-arp.pcap"), EN10MB, cut_frames())
    write_pcap(os.path.join(out, "lie-arp.pcap"), EN10MB, lie_frames())


if __name__ == "__main__":
    main()
