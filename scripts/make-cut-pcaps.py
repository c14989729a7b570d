#!/usr/bin/env python3
"""make-cut-pcaps.py: crafts the per-decoder failure captures in pcaps/.

Two kinds, one of each per decoder (see pcaps/README, "Cut and lying
headers"):

  cut-<decoder>.pcap  frames whose captured length ends inside that
                      decoder's header (the wire length is the whole
                      frame, as a snaplen leaves it): [truncated LAYER]
  lie-<decoder>.pcap  whole frames (caplen = len) whose header fields
                      claim more or fewer bytes than there are, or hold a
                      bad version or header length: [invalid LAYER]

Where the decoder carries TCP, the broken frames sit inside one
connection (SYN, SYN-ACK, ACK, the broken frames, 5 bytes of data, ACK)
so that the golden output shows the tracker carrying on after them.
Every broken frame is a copy of the data segment, cut or with one field
changed; checksums are correct before the change.  Addresses from the
documentation ranges only (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32).
python3 struct and scripts/pcapcraft.py only; the same bytes on every run.

    python3 scripts/make-cut-pcaps.py [OUTDIR]     (default: pcaps)
"""
import os
import struct

from pcapcraft import csum, a4, a6
import sys

T0 = 1700000000
EN10MB, SLL, SLL2 = 1, 113, 276


def pseudo(src, dst, proto, ln):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, ln)
    return src + dst + struct.pack("!IxxxB", ln, proto)


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=None):
    if opts is None:
        opts = b"\x02\x04\x05\xb4\x01\x01\x04\x02" if flags & 0x02 else b""
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 64240, 0, 0) + opts + data
    c = csum(pseudo(src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data):
    ln = 8 + len(data)
    hdr = struct.pack("!HHHH", sport, dport, ln, 0)
    c = csum(pseudo(src, dst, 17, ln) + hdr + data) or 0xffff
    return hdr[:6] + struct.pack("!H", c) + data


def icmp(typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    c = csum(pseudo(src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def ip4(src, dst, proto, payload, ident=1, total=None, vihl=0x45, opts=b""):
    tl = total if total is not None else 20 + len(opts) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", vihl, 0, tl, ident, 0x4000, 64, proto, 0, src, dst) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ip6(src, dst, nh, payload, ext=b"", plen=None, vtcfl=0x60000000):
    pl = plen if plen is not None else len(ext) + len(payload)
    return struct.pack("!IHBB", vtcfl, pl, nh, 64) + src + dst + ext + payload


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def eth(ptype, payload, d=0):
    dst, src = (MAC_B, MAC_A) if d == 0 else (MAC_A, MAC_B)
    return dst + src + struct.pack("!H", ptype) + payload


C4, S4 = a4("192.0.2.1"), a4("192.0.2.2")
C6, S6 = a6("2001:db8::1"), a6("2001:db8::2")
O4A, O4B = a4("198.51.100.1"), a4("198.51.100.2")
CI, SI = 1000, 5000


def segs(v=4, sport=40000, dport=80):
    """SYN, SYN-ACK, ACK, data ("hello"), ACK: (dir, ip packet)."""
    c, s = (C4, S4) if v == 4 else (C6, S6)
    mk = (lambda a, b, seg, i: ip4(a, b, 6, seg, 100 + i)) if v == 4 else \
        (lambda a, b, seg, i: ip6(a, b, 6, seg))
    return [
        (0, mk(c, s, tcp(c, s, sport, dport, CI, 0, 0x02), 0)),
        (1, mk(s, c, tcp(s, c, dport, sport, SI, CI + 1, 0x12), 1)),
        (0, mk(c, s, tcp(c, s, sport, dport, CI + 1, SI + 1, 0x10), 2)),
        (0, mk(c, s, tcp(c, s, sport, dport, CI + 1, SI + 1, 0x18, b"hello"), 3)),
        (1, mk(s, c, tcp(s, c, dport, sport, SI + 1, CI + 6, 0x10), 4)),
    ]


def around(wrap, broken, v=4, **kw):
    """The connection with `broken` frames between its ACK and its data.
    wrap(ip, dir) makes a frame; broken are frames or (data, wire)."""
    f = [wrap(ip, d) for d, ip in segs(v, **kw)]
    return f[:3] + broken + f[3:]


def cuts(frame, points):
    """The frame captured up to each point, its wire length whole."""
    return [(frame[:n], len(frame)) for n in points]


def write(path, dlt, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt))
        for i, fr in enumerate(frames):
            data, wire = fr if isinstance(fr, tuple) else (fr, len(fr))
            f.write(struct.pack("<IIII", T0 + i // 10, (i % 10) * 100000, len(data), wire))
            f.write(data)


def data_seg(v=4, **kw):
    return segs(v, **kw)[3][1]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    os.makedirs(out, exist_ok=True)
    P = lambda n: os.path.join(out, n)
    E = lambda ip, d: eth(0x0800 if ip[0] >> 4 == 4 else 0x86dd, ip, d)
    data4 = data_seg(4)

    # ---- Ethernet, 802.1Q, LLC/SNAP ----
    # Cut in the destination address, in the ethertype, in an 802.1Q tag,
    # in the second tag of a QinQ pair, in the LLC header of an 802.3
    # frame, in its SNAP header.
    tagged = MAC_B + MAC_A + struct.pack("!HHH", 0x8100, 10, 0x0800) + data4
    qinq = MAC_B + MAC_A + struct.pack("!HHHHH", 0x88a8, 20, 0x8100, 10, 0x0800) + data4
    snap = b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + data4
    dot3 = MAC_B + MAC_A + struct.pack("!H", len(snap)) + snap
    broken = cuts(eth(0x0800, data4), [4, 13]) + cuts(tagged, [16]) + cuts(qinq, [20]) + \
        cuts(dot3, [16, 19])
    write(P("cut-eth.pcap"), EN10MB, around(E, broken))
    # Lying: an 802.3 length of 5 (the SNAP header needs 8), and of 2
    # (LLC needs 3); a tag whose inner type is 802.3 length 0 (no LLC).
    lie5 = MAC_B + MAC_A + struct.pack("!H", 5) + snap
    lie2 = MAC_B + MAC_A + struct.pack("!H", 2) + snap
    lie0 = MAC_B + MAC_A + struct.pack("!HHH", 0x8100, 10, 0) + snap
    write(P("lie-eth.pcap"), EN10MB, around(E, [lie5, lie2, lie0]))

    # ---- Linux cooked v1 and v2 ----
    def sll(ip, d, proto=None):
        pt = 4 if d == 0 else 0
        proto = proto or (0x0800 if ip[0] >> 4 == 4 else 0x86dd)
        return struct.pack("!HHH", pt, 1, 6) + (MAC_A if d == 0 else MAC_B) + b"\0\0" + \
            struct.pack("!H", proto) + ip

    def sll2(ip, d, proto=None):
        pt = 4 if d == 0 else 0
        proto = proto or (0x0800 if ip[0] >> 4 == 4 else 0x86dd)
        return struct.pack("!HHIHBB", proto, 0, 2, 1, pt, 6) + (MAC_A if d == 0 else MAC_B) + \
            b"\0\0" + ip
    # Cut in the packet type, the address, the protocol, and in an 802.1Q
    # tag that follows the cooked header.
    s1 = sll(data4, 0)
    s1v = sll(struct.pack("!HH", 10, 0x0800) + data4, 0, 0x8100)
    write(P("cut-sll.pcap"), SLL, around(sll, cuts(s1, [1, 8, 15]) + cuts(s1v, [18])))
    s2 = sll2(data4, 0)
    write(P("cut-sll2.pcap"), SLL2, around(sll2, cuts(s2, [2, 11, 19])))

    # ---- IPv4 ----
    # Nothing of the IP header captured; cut before the addresses, one
    # byte short of 20; a header with 4 bytes of options (IHL 6) cut in
    # the options.
    opt4 = ip4(C4, S4, 6, tcp(C4, S4, 40000, 80, CI + 1, SI + 1, 0x18, b"hello"), 103,
               vihl=0x46, opts=b"\x01\x01\x01\x00")
    broken = cuts(eth(0x0800, data4), [14, 14 + 10, 14 + 19]) + cuts(eth(0x0800, opt4), [14 + 22])
    write(P("cut-ipv4.pcap"), EN10MB, around(E, broken))
    # Lying: version 5 under ethertype 0x0800, IHL 4, IHL 15 (60 bytes in
    # a 45-byte packet), a total length below the header length, a total
    # length 8 bytes past the frame, an IPv6 packet under ethertype 0x0800.
    def patch4(ip, vihl=None, total=None):
        h = bytearray(ip[:20])
        if vihl is not None:
            h[0] = vihl
        if total is not None:
            h[2:4] = struct.pack("!H", total)
        h[10:12] = b"\0\0"
        h[10:12] = struct.pack("!H", csum(bytes(h)))
        return bytes(h) + ip[20:]
    broken = [eth(0x0800, patch4(data4, vihl=0x55)), eth(0x0800, patch4(data4, vihl=0x44)),
              eth(0x0800, patch4(data4, vihl=0x4f)), eth(0x0800, patch4(data4, total=19)),
              eth(0x0800, patch4(data4, total=len(data4) + 8)),
              eth(0x0800, data_seg(6))]
    write(P("lie-ipv4.pcap"), EN10MB, around(E, broken))

    # ---- IPv6 ----
    # Cut in the fixed header (20 and 39 bytes), in a hop-by-hop
    # header's first two bytes, in its body (16-byte header, 8 captured),
    # in a fragment header.
    data6 = data_seg(6)
    tcp6 = data6[40:]
    hbh = struct.pack("!BB", 6, 1) + b"\x01\x0c" + bytes(12)          # next TCP, 16 bytes, PadN
    with_hbh = ip6(C6, S6, 0, tcp6, hbh)
    frag = struct.pack("!BBHI", 6, 0, 0, 0x1234)                       # offset 0, M clear
    with_frag = ip6(C6, S6, 44, tcp6, frag)
    broken = cuts(eth(0x86dd, data6), [14 + 20, 14 + 39]) + cuts(eth(0x86dd, with_hbh), [14 + 41, 14 + 48]) + \
        cuts(eth(0x86dd, with_frag), [14 + 44])
    write(P("cut-ipv6.pcap"), EN10MB, around(E, broken, v=6))
    # Lying: version 4 under ethertype 0x86dd, a payload length 8 bytes
    # past the frame, a payload length of 1 before a hop-by-hop header, a
    # payload length of 8 before a 16-byte hop-by-hop header, an IPv4
    # packet under 0x86dd.
    broken = [eth(0x86dd, ip6(C6, S6, 6, tcp6, vtcfl=0x40000000)),
              eth(0x86dd, ip6(C6, S6, 6, tcp6, plen=len(tcp6) + 8)),
              eth(0x86dd, ip6(C6, S6, 0, tcp6, hbh, plen=1)),
              eth(0x86dd, ip6(C6, S6, 0, tcp6, hbh, plen=8)),
              eth(0x86dd, data4)]
    write(P("lie-ipv6.pcap"), EN10MB, around(E, broken, v=6))

    # ---- TCP ----
    # Cut in the ports, one byte short of 20, in the options of a 32-byte
    # header (timestamps), over IPv4 and IPv6.
    ts = b"\x01\x01\x08\x0a" + struct.pack("!II", 1, 0)
    opt = ip4(C4, S4, 6, tcp(C4, S4, 40000, 80, CI + 1, SI + 1, 0x18, b"hello", ts), 103)
    broken = cuts(eth(0x0800, data4), [34 + 3, 34 + 19]) + cuts(eth(0x0800, opt), [34 + 26]) + \
        cuts(eth(0x86dd, data6), [54 + 12])
    write(P("cut-tcp.pcap"), EN10MB, around(E, broken))
    # Lying: data offset 4, data offset 15 (60 bytes in a 25-byte
    # segment), an IP total length that leaves 12 bytes of TCP, an
    # option whose length runs past the header (the header stays good).
    def patch_tcp(ip, off=None, total=None):
        b = bytearray(ip)
        if off is not None:
            b[20 + 12] = off << 4
        if total is not None:
            b[2:4] = struct.pack("!H", total)
            b[10:12] = b"\0\0"
            b[10:12] = struct.pack("!H", csum(bytes(b[:20])))
        return bytes(b)
    badopt = ip4(C4, S4, 6, tcp(C4, S4, 40000, 80, CI + 1, SI + 1, 0x18, b"hello",
                                b"\x01\x01\x08\x0c" + struct.pack("!II", 1, 0)), 103)
    broken = [eth(0x0800, patch_tcp(data4, off=4)), eth(0x0800, patch_tcp(data4, off=15)),
              eth(0x0800, patch_tcp(data4, total=32)), eth(0x0800, badopt)]
    write(P("lie-tcp.pcap"), EN10MB, around(E, broken))

    # ---- UDP ----
    def dgram(v, data, **kw):
        c, s = (C4, S4) if v == 4 else (C6, S6)
        u = udp(c, s, 40000, 5300, data)
        if v == 4:
            return eth(0x0800, ip4(c, s, 17, u, 300, **kw))
        return eth(0x86dd, ip6(c, s, 17, u, **kw))
    ping = b"ping"
    good = [dgram(4, ping), dgram(6, ping)]
    # Cut in the ports, one byte short of 8, over IPv4 and IPv6.
    write(P("cut-udp.pcap"), EN10MB, [good[0]] + cuts(good[0], [34 + 4, 34 + 7]) +
          cuts(good[1], [54 + 5]) + [good[1]])
    # Lying: a UDP length of 4, one 8 bytes past the IP payload, one
    # shorter than the IP payload (the rest is not the datagram's: no
    # error, as tcpdump), over IPv4; a length of 0 over IPv6 (a jumbogram's
    # only, RFC 2675, not in a 12-byte payload).
    def patch_udp(fr, ln, ipoff):
        b = bytearray(fr)
        b[ipoff + 4:ipoff + 6] = struct.pack("!H", ln)
        return bytes(b)
    write(P("lie-udp.pcap"), EN10MB, [good[0], patch_udp(good[0], 4, 34), patch_udp(good[0], 20, 34),
                                      patch_udp(good[0], 10, 34), patch_udp(good[1], 0, 54), good[1]])

    # ---- ICMP and ICMPv6 ----
    echo = icmp(8, 0, struct.pack("!HH", 0x4242, 1) + b"abcdefgh")
    reply = icmp(0, 0, struct.pack("!HH", 0x4242, 1) + b"abcdefgh")
    tstamp = icmp(13, 0, struct.pack("!HHIII", 0x4242, 2, 1000, 0, 0))
    e4 = eth(0x0800, ip4(C4, S4, 1, echo, 400))
    r4 = eth(0x0800, ip4(S4, C4, 1, reply, 401), 1)
    t4 = eth(0x0800, ip4(C4, S4, 1, tstamp, 402))
    e6 = eth(0x86dd, ip6(C6, S6, 58, icmp6(C6, S6, 128, 0, struct.pack("!HH", 0x4242, 1) + b"abcdefgh")))
    # Cut in the checksum, one byte short of 8, in a timestamp request's
    # timestamps, in an ICMPv6 echo's identifier.
    write(P("cut-icmp.pcap"), EN10MB, [e4] + cuts(e4, [34 + 3, 34 + 7]) + cuts(t4, [34 + 12]) +
          cuts(e6, [54 + 5]) + [r4])
    # Lying: an IP total length that leaves 4 bytes of ICMP, a timestamp
    # request of 12 bytes on the wire (20 needed), ICMPv6 with a payload
    # length of 6.
    short_ts = icmp(13, 0, struct.pack("!HHI", 0x4242, 3, 1000))
    e6_short = bytearray(e6)
    e6_short[14 + 4:14 + 6] = struct.pack("!H", 6)
    write(P("lie-icmp.pcap"), EN10MB, [e4, eth(0x0800, patch_tcp(ip4(C4, S4, 1, echo, 403), total=24)),
                                       eth(0x0800, ip4(C4, S4, 1, short_ts, 404)), bytes(e6_short), r4])

    # ---- GRE (RFC 2784, RFC 2890) and PPTP's GRE (RFC 2637) ----
    def gre_frame(gre_hdr, ip, d=0, total=None):
        s, t = (O4A, O4B) if d == 0 else (O4B, O4A)
        return eth(0x0800, ip4(s, t, 47, gre_hdr + ip, 500, total=total), d)
    plain = lambda ip, d: gre_frame(struct.pack("!HH", 0, 0x0800), ip, d)
    keyed = gre_frame(struct.pack("!HHI", 0x2000, 0x0800, 7), data4)
    keyseq = gre_frame(struct.pack("!HHII", 0x3000, 0x0800, 7, 1), data4)
    pptp = gre_frame(struct.pack("!HHHH", 0x3001, 0x880b, 4 + len(data4), 0x4000) +
                     struct.pack("!I", 1) + b"\xff\x03", b"\x00\x21" + data4)
    # Cut in the base header, in the key, in the sequence number, in the
    # PPP header PPTP carries (its protocol).
    write(P("cut-gre.pcap"), EN10MB,
          around(plain, cuts(plain(data4, 0), [34 + 2]) + cuts(keyed, [34 + 6]) +
                 cuts(keyseq, [34 + 10]) + cuts(pptp, [34 + 12 + 3])))
    # Lying: version 2, version 1 without the key field, an outer IP total
    # length that ends inside the key, a checksum flag whose field the IP
    # length leaves out.
    broken = [gre_frame(struct.pack("!HH", 0x0002, 0x0800), data4),
              gre_frame(struct.pack("!HH", 0x0001, 0x880b), data4),
              gre_frame(struct.pack("!HHI", 0x2000, 0x0800, 7), data4, total=20 + 6),
              gre_frame(struct.pack("!HHI", 0x8000, 0x0800, 0), data4, total=20 + 4)]
    write(P("lie-gre.pcap"), EN10MB, around(plain, broken))

    # ---- UDP tunnels: VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U ----
    def udp_tun(dport, payload, d=0, sport=50000):
        s, t = (O4A, O4B) if d == 0 else (O4B, O4A)
        return eth(0x0800, ip4(s, t, 17, udp(s, t, sport, dport, payload), 600), d)
    inner = lambda ip, d: eth(0x0800 if ip[0] >> 4 == 4 else 0x86dd, ip, d)
    vx = lambda ip, d: udp_tun(4789, struct.pack("!II", 0x08000000, 42 << 8) + inner(ip, d), d)
    gopts = struct.pack("!HBBI", 0x0103, 0x80, 1, 0xdeadbeef)
    gen_hdr = struct.pack("!BBHI", len(gopts) // 4, 0, 0x6558, 1234 << 8) + gopts
    gen = udp_tun(6081, gen_hdr + inner(data4, 0))
    gtp_body = struct.pack("!HBB", 1, 0, 0x85) + struct.pack("!BBBB", 1, 0, 9, 0) + data4
    gtp = udp_tun(2152, struct.pack("!BBHI", 0x34, 0xff, len(gtp_body), 0x1000) + gtp_body, sport=2152)
    # Cut in the VXLAN header, in the inner Ethernet header, in Geneve's
    # options, in GTP-U's sequence number, in its extension header.
    write(P("cut-udptun.pcap"), EN10MB,
          around(vx, cuts(vx(data4, 0), [42 + 5, 42 + 8 + 10]) + cuts(gen, [42 + 12]) +
                 cuts(gtp, [42 + 10, 42 + 14])))
    # Lying: Geneve version 1, Geneve options of 60 bytes in a 20-byte
    # payload, GTP-U version 2, a GTP-U length 8 bytes past the UDP
    # payload, a GTP-U length that leaves no room for its sequence field,
    # a GTP-U extension header of length 0.
    gen_v1 = udp_tun(6081, bytes([0x40 | 2]) + gen_hdr[1:] + inner(data4, 0))
    gen_long = udp_tun(6081, bytes([15]) + gen_hdr[1:12])
    gtp_v2 = udp_tun(2152, struct.pack("!BBHI", 0x54, 0xff, len(gtp_body), 0x1000) + gtp_body, sport=2152)
    gtp_long = udp_tun(2152, struct.pack("!BBHI", 0x34, 0xff, len(gtp_body) + 8, 0x1000) + gtp_body,
                       sport=2152)
    gtp_nofld = udp_tun(2152, struct.pack("!BBHI", 0x34, 0xff, 2, 0x1000) + gtp_body[:2], sport=2152)
    gtp_ext0 = udp_tun(2152, struct.pack("!BBHI", 0x34, 0xff, len(gtp_body), 0x1000) + gtp_body[:4] +
                       b"\x00" + gtp_body[5:], sport=2152)
    write(P("lie-udptun.pcap"), EN10MB,
          around(vx, [gen_v1, gen_long, gtp_v2, gtp_long, gtp_nofld, gtp_ext0]))

    # ---- MPLS (RFC 3032) and PPPoE (RFC 2516) ----
    lab = lambda label, s: struct.pack("!I", label << 12 | s << 8 | 64)
    mpls = lambda ip, d: eth(0x8847, lab(100, 0) + lab(16, 1) + ip, d)
    pppoe = lambda ip, d: eth(0x8864, struct.pack("!BBHHH", 0x11, 0, 0x1234, len(ip) + 2, 0x0021) + ip, d)
    # Cut in the first label, in the bottom one, in the PPPoE header, in
    # its PPP protocol.
    write(P("cut-l2tun.pcap"), EN10MB,
          around(mpls, cuts(mpls(data4, 0), [14 + 2, 14 + 6]) + cuts(pppoe(data4, 0), [14 + 4, 14 + 7])))
    # Lying: PPPoE version 2, a PPPoE length 8 bytes past the frame, a
    # PPPoE length of 1 (no room for the protocol), an MPLS bottom label
    # followed by nothing (the stack ends the frame: no error).
    p = pppoe(data4, 0)
    p_v2 = p[:14] + b"\x21" + p[15:]
    p_long = p[:18] + struct.pack("!H", len(data4) + 2 + 8) + p[20:]
    p_one = p[:18] + struct.pack("!H", 1) + p[20:]
    write(P("lie-l2tun.pcap"), EN10MB,
          around(pppoe, [p_v2, p_long, p_one, eth(0x8847, lab(100, 0) + lab(16, 1))]))


if __name__ == "__main__":
    main()
