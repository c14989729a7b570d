#!/usr/bin/env python3
"""make-tunnel-pcaps.py: crafts the tunnel and link-type captures in pcaps/.

This machine's kernel has no gre, ipip, sit, vxlan or geneve drivers, so
these captures are built byte by byte here (python3 struct, no other
module): each holds one short TCP connection (SYN, SYN-ACK, ACK with 5
bytes of data, ACK) inside the encapsulation it is named after, with
correct IP and TCP checksums, addresses from the documentation ranges
(inner 192.0.2.0/24 and 2001:db8:1::/48, outer 198.51.100.0/24,
203.0.113.0/24 and 2001:db8:ff::/48).  tests/tunnels-tshark.py checks
every TCP frame against tshark's innermost 5-tuple.

    python3 scripts/make-tunnel-pcaps.py [OUTDIR]     (default: pcaps)
"""
import binascii
import os
import struct

from pcapcraft import csum, a4, a6
import sys

T0 = 1700000000


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", pseudo_src=None):
    """A TCP segment with its checksum over the pseudo-header of src/dst
    (4 or 16 bytes); pseudo_src replaces the source (IPv6 home address)."""
    opts = b"\x02\x04\x05\xb4\x01\x01\x04\x02" if flags & 0x02 else b""
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 64240, 0, 0) + opts
    seg = hdr + data
    ps = pseudo_src or src
    if len(src) == 4:
        ph = ps + dst + struct.pack("!BBH", 0, 6, len(seg))
    else:
        ph = ps + dst + struct.pack("!IxxxB", len(seg), 6)
    c = csum(ph + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data):
    ln = 8 + len(data)
    hdr = struct.pack("!HHHH", sport, dport, ln, 0)
    if len(src) == 4:
        ph = src + dst + struct.pack("!BBH", 0, 17, ln)
    else:
        ph = src + dst + struct.pack("!IxxxB", ln, 17)
    c = csum(ph + hdr + data) or 0xffff
    return hdr[:6] + struct.pack("!H", c) + data


def ip4(src, dst, proto, payload, ident=1, total=None, ttl=64):
    tl = total if total is not None else 20 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, ident, 0x4000, ttl, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ip6(src, dst, nh, payload, ext=b""):
    return struct.pack("!IHBB", 0x60000000, len(ext) + len(payload), nh, 64) + src + dst + ext + payload


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
MAC_C = bytes.fromhex("02000000000c")
MAC_D = bytes.fromhex("02000000000d")


def eth(ptype, payload, dst=MAC_B, src=MAC_A):
    return dst + src + struct.pack("!H", ptype) + payload


def vlan(vid, ptype, payload, tpid=0x8100):
    return struct.pack("!HH", vid, ptype) + payload   # the caller puts tpid before


def flow(v=4, cli=None, srv=None, sport=40000, dport=80, pseudo_src=None):
    """The four TCP packets of a short connection: (proto, ip-payload,
    src, dst) from the client's and the server's side."""
    if v == 4:
        c, s = a4(cli or "192.0.2.1"), a4(srv or "192.0.2.2")
    else:
        c, s = a6(cli or "2001:db8:1::1"), a6(srv or "2001:db8:1::2")
    ci, si = 1000, 5000
    return [
        (c, s, tcp(c, s, sport, dport, ci, 0, 0x02)),
        (s, c, tcp(s, c, dport, sport, si, ci + 1, 0x12)),
        (c, s, tcp(c, s, sport, dport, ci + 1, si + 1, 0x18, b"hello")),
        (s, c, tcp(s, c, dport, sport, si + 1, ci + 6, 0x10)),
    ]


def inner_ip(v, src, dst, seg, ident):
    return ip4(src, dst, 6, seg, ident) if v == 4 else ip6(src, dst, 6, seg)


def write(path, dlt, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt))
        for i, fr in enumerate(frames):
            if isinstance(fr, tuple):
                data, wire = fr
            else:
                data, wire = fr, len(fr)
            f.write(struct.pack("<IIII", T0 + i, i * 1000, len(data), wire))
            f.write(data)


def tunnel(wrap, v=4, **kw):
    """Frames of one flow, each inner IP packet wrapped by wrap(ip, i, dir)."""
    out = []
    for i, (s, d, seg) in enumerate(flow(v, **kw)):
        out.append(wrap(inner_ip(v, s, d, seg, 100 + i), i, i % 2))
    return out


O4A, O4B = a4("198.51.100.1"), a4("198.51.100.2")
O6A, O6B = a6("2001:db8:ff::1"), a6("2001:db8:ff::2")


def outer4(proto, payload, i, d):
    s, t = (O4A, O4B) if d == 0 else (O4B, O4A)
    return eth(0x0800, ip4(s, t, proto, payload, 500 + i), *((MAC_B, MAC_A) if d == 0 else (MAC_A, MAC_B)))


def outer6(nh, payload, i, d):
    s, t = (O6A, O6B) if d == 0 else (O6B, O6A)
    return eth(0x86dd, ip6(s, t, nh, payload))


def outer4_udp(sport, dport, payload, i, d):
    s, t = (O4A, O4B) if d == 0 else (O4B, O4A)
    return outer4(17, udp(s, t, sport, dport, payload), i, d)


def outer6_udp(sport, dport, payload, i, d):
    s, t = (O6A, O6B) if d == 0 else (O6B, O6A)
    return outer6(17, udp(s, t, sport, dport, payload), i, d)


def ptype_of(ip):
    return 0x0800 if ip[0] >> 4 == 4 else 0x86dd


def gre(proto, payload, key=None, seq=None, c=False):
    fl = (0x8000 if c else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", fl, proto)
    opt = b""
    if c:
        opt += b"\0\0\0\0"
    if key is not None:
        opt += struct.pack("!I", key)
    if seq is not None:
        opt += struct.pack("!I", seq)
    pkt = h + opt + payload
    if c:
        cs = csum(pkt)
        pkt = pkt[:4] + struct.pack("!H", cs) + pkt[6:]
    return pkt


def inner_eth(ip, d, vid=None):
    dst, src = (MAC_D, MAC_C) if d == 0 else (MAC_C, MAC_D)
    if vid is None:
        return eth(ptype_of(ip), ip, dst, src)
    return dst + src + struct.pack("!HHH", 0x8100, vid, ptype_of(ip)) + ip


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    os.makedirs(out, exist_ok=True)
    P = lambda n: os.path.join(out, n)
    EN10MB = 1

    # GRE with key and sequence number; the last two with a checksum
    # and over IPv6.
    def w(ip, i, d):
        if i < 2:
            return outer4(47, gre(ptype_of(ip), ip, key=7, seq=i + 1), i, d)
        if i == 2:
            return outer4(47, gre(ptype_of(ip), ip, c=True), i, d)
        return outer6(47, gre(ptype_of(ip), ip, key=7), i, d)
    write(P("tun-gre.pcap"), EN10MB, tunnel(w))

    # GRE carrying Ethernet (transparent bridging) with a VLAN tag and IPv6.
    write(P("tun-gre-teb.pcap"), EN10MB,
          tunnel(lambda ip, i, d: outer4(47, gre(0x6558, inner_eth(ip, d, 10), key=42), i, d), v=6))

    # ERSPAN I, II, III (III with the platform sub-header on the last).
    def er(ip, i, d):
        fr = inner_eth(ip, d, 20)
        if i == 0:
            return outer4(47, gre(0x88be, fr), i, d)
        if i == 1:
            hdr = struct.pack("!HHI", 0x1000 | 20, 0x0000 | 5, 0x00000abc)
            return outer4(47, gre(0x88be, hdr + fr, seq=i), i, d)
        o = 1 if i == 3 else 0
        hdr = struct.pack("!HHIHH", 0x2000 | 20, 6, 0x11223344, 0, o)
        if o:
            hdr += struct.pack("!II", 0x0c000000, 0x55667788)  # platform id 3
        return outer4(47, gre(0x22eb, hdr + fr, seq=i), i, d)
    write(P("tun-erspan.pcap"), EN10MB, tunnel(er))

    # PPTP: enhanced GRE (version 1) carrying PPP with IPv4.
    def pptp(ip, i, d):
        ppp = b"\xff\x03\x00\x21" + ip
        fl = 0x3000 | 0x0001 | (0x0080 if i else 0)
        h = struct.pack("!HHHHI", fl | 0x2000, 0x880b, len(ppp), 0x4000 + d, i + 1)
        if i:
            h += struct.pack("!I", i)
        return outer4(47, h + ppp, i, d)
    write(P("tun-pptp.pcap"), EN10MB, tunnel(pptp))

    # VXLAN over IPv6 carrying Ethernet, a VLAN tag, IPv6 (the nested case).
    def vx(ip, i, d):
        hdr = struct.pack("!II", 0x08000000, 42 << 8)
        sp = 50000 + i
        return outer6_udp(sp, 4789, hdr + inner_eth(ip, d, 10), i, d) if d == 0 else \
            outer6_udp(sp, 4789, hdr + inner_eth(ip, d, 10), i, d)
    frames = tunnel(vx, v=6)
    # Last, VXLAN carrying ARP: no inner IP, the tunnel's layers follow
    # the outer IP header ("carried" in JSON).
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + MAC_C + a4("192.0.2.1") + bytes(6) + a4("192.0.2.2")
    frames.append(outer6_udp(50009, 4789, struct.pack("!II", 0x08000000, 42 << 8) +
                             eth(0x0806, arp, b"\xff" * 6, MAC_C), 4, 0))
    write(P("tun-vxlan.pcap"), EN10MB, frames)

    # Geneve with 8 bytes of options, Ethernet, IPv4.
    def gen(ip, i, d):
        opts = struct.pack("!HBBI", 0x0103, 0x80, 1, 0xdeadbeef)
        hdr = struct.pack("!BBHI", len(opts) // 4, 0, 0x6558, 1234 << 8)
        return outer4_udp(50000 + i, 6081, hdr + opts + inner_eth(ip, d), i, d)
    write(P("tun-geneve.pcap"), EN10MB, tunnel(gen))

    # GTP-U G-PDUs with a PDU session container extension; an echo request last.
    def gtp(ip, i, d):
        ext = struct.pack("!BBBB", 1, 0x00 if d == 0 else 0x10, 9, 0)  # len 1, QFI 9, next 0
        body = struct.pack("!HBB", i, 0, 0x85) + ext + ip
        hdr = struct.pack("!BBHI", 0x34, 0xff, len(body), 0x1000 + d)
        return outer4_udp(2152, 2152, hdr + body, i, d)
    frames = tunnel(gtp)
    frames.append(outer4_udp(2152, 2152, struct.pack("!BBHIHBB", 0x32, 1, 4, 0, 7, 0, 0), 4, 0))
    write(P("tun-gtpu.pcap"), EN10MB, frames)

    # IP in IP, 6in4, 4in6, IPv6 in IPv6: one flow each.
    frames = []
    frames += tunnel(lambda ip, i, d: outer4(4, ip, i, d))
    frames += tunnel(lambda ip, i, d: outer4(41, ip, i, d), v=6, sport=40001)
    frames += tunnel(lambda ip, i, d: outer6(4, ip, i, d), sport=40002)
    frames += tunnel(lambda ip, i, d: outer6(41, ip, i, d), v=6, sport=40003)
    write(P("tun-ipip.pcap"), EN10MB, frames)

    # Teredo: authentication and origin indicators, then the origin alone,
    # then none.
    def ter(ip, i, d):
        ind = b""
        if i == 0:
            ind += struct.pack("!HBB", 1, 0, 0) + b"\x01\x02\x03\x04\x05\x06\x07\x08" + b"\x00"
        if i <= 1:
            port = 40000 ^ 0xffff
            addr = bytes(x ^ 0xff for x in a4("203.0.113.7"))
            ind += struct.pack("!HH", 0, port) + addr
        return outer4_udp(3544, 51000, ind + ip, i, d) if d == 0 else outer4_udp(51000, 3544, ind + ip, i, d)
    write(P("tun-teredo.pcap"), EN10MB,
          tunnel(ter, v=6, cli="2001:0:4136:e378:8000:63bf:3fff:fdd2", srv="2001:db8:1::2"))

    # AYIYA: a 16-byte identity (an IPv6 address), a 20-byte SHA-1 signature.
    def ay(ip, i, d):
        ident = a6("2001:db8:1::1" if d == 0 else "2001:db8:1::2")
        hdr = struct.pack("!BBBBI", 0x41, 0x52, 0x11, 41, T0 + i) + ident + bytes(20)
        return outer4_udp(5072, 5072, hdr + ip, i, d)
    write(P("tun-ayiya.pcap"), EN10MB, tunnel(ay, v=6))

    # MPLS: two labels and IPv4; one label and IPv6; a pseudowire with the
    # control word and Ethernet.
    def lab(label, s, ttl=64):
        return struct.pack("!I", label << 12 | s << 8 | ttl)
    frames = tunnel(lambda ip, i, d: eth(0x8847, lab(100, 0) + lab(16, 1) + ip))
    frames += tunnel(lambda ip, i, d: eth(0x8847, lab(17, 1) + ip), v=6, sport=40001)
    # The pseudowire's frame has globally assigned addresses (Cisco, Intel
    # OUIs) so that tshark's heuristic sees the control word as one.
    pw_a, pw_b = bytes.fromhex("00000c07ac01"), bytes.fromhex("001b21000001")
    frames += tunnel(lambda ip, i, d: eth(0x8847, lab(200, 0) + lab(18, 1) + struct.pack("!I", i + 1) +
                                          eth(0x0800, ip, *((pw_a, pw_b) if d == 0 else (pw_b, pw_a)))),
                     sport=40002)
    write(P("tun-mpls.pcap"), EN10MB, frames)

    # PPPoE: a discovery PADI, then a session carrying IPv4.
    padi = eth(0x8863, struct.pack("!BBHH", 0x11, 0x09, 0, 4) + b"\x01\x01\x00\x00",
               b"\xff" * 6)
    frames = [padi] + tunnel(lambda ip, i, d: eth(0x8864, struct.pack("!BBHHH", 0x11, 0, 0x1234,
                                                                       len(ip) + 2, 0x0021) + ip))
    write(P("tun-pppoe.pcap"), EN10MB, frames)

    # 802.1ah: a B-tag, the I-tag (I-SID 256), the customer frame with a C-tag.
    write(P("tun-pbb.pcap"), EN10MB, tunnel(lambda ip, i, d: eth(
        0x88a8, struct.pack("!HHI", 5, 0x88e7, 256) + inner_eth(ip, d, 30))))

    # 802.3 with LLC/SNAP carrying IPv4.
    def llc(ip, i, d):
        body = b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + ip
        return MAC_B + MAC_A + struct.pack("!H", len(body)) + body
    write(P("tun-llc.pcap"), EN10MB, tunnel(llc))

    # VN-Tag: destination VIF 5, source VIF 3.
    write(P("tun-vntag.pcap"), EN10MB, tunnel(lambda ip, i, d: eth(
        0x8926, struct.pack("!IH", (d << 31) | (5 << 16) | 3, 0x0800) + ip)))

    # FabricPath: switch 100 to switch 200, ftag 1, ttl 32.
    def fp(ip, i, d):
        a, b = (100, 200) if d == 0 else (200, 100)
        hm = lambda sw: struct.pack("!BBBBH", 0x02, sw >> 8, sw & 0xff, 0, 0x0010)
        fr = hm(b) + hm(a) + struct.pack("!HH", 0x8903, 1 << 6 | 32) + inner_eth(ip, d)
        # FabricPath frames end with an FCS over the whole frame, which
        # tshark cuts; rawshake takes it as padding after the IP length.
        return fr + struct.pack("<I", binascii.crc32(fr) & 0xffffffff)
    write(P("tun-fabricpath.pcap"), EN10MB, tunnel(fp))

    # Nesting: GRE in GRE three deep (fits), then eight deep (does not).
    def nest(ip, n):
        for k in range(n):
            ip = ip4(O4A, O4B, 47, gre(0x0800, ip, key=k), 700 + k)
        return eth(0x0800, ip)
    frames = tunnel(lambda ip, i, d: nest(ip, 3))
    # The deep one carries an ICMP echo, not TCP: tshark decodes it all
    # and would count a TCP segment rawshake refuses (tshark-compare.py).
    s, t = a4("192.0.2.1"), a4("192.0.2.2")
    echo = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"deep"
    echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
    frames.append(nest(ip4(s, t, 1, echo, 9), 5))
    write(P("tun-nested.pcap"), EN10MB, frames)

    # IPv4 total length 8 bytes past the frame (caplen = len), and a
    # header whose options are cut.
    s, t, seg = flow(4)[2]
    good = ip4(s, t, 6, seg, 77)
    liar = ip4(s, t, 6, seg, 78, total=len(good) + 8)
    cut = bytes([0x46]) + good[1:20]  # IHL 6: 24 bytes, 20 captured
    write(P("tun-ip-length.pcap"), 101, [good, liar, cut])

    # IPv6 with a Destination Options header holding a Home Address
    # option (RFC 6275): the TCP checksum uses the home address.
    home = a6("2001:db8:1::100")
    coa, cn = a6("2001:db8:2::5"), a6("2001:db8:1::2")
    dst = struct.pack("!BB", 6, 2) + b"\x01\x02\x00\x00" + struct.pack("!BB", 201, 16) + home
    frames = []
    for i, (sp, dp, sq, ak, fl, data) in enumerate([(40000, 80, 1000, 0, 0x02, b""),
                                                     (40000, 80, 1001, 5001, 0x18, b"hello")]):
        seg = tcp(coa, cn, sp, dp, sq, ak, fl, data, pseudo_src=home)
        frames.append(eth(0x86dd, struct.pack("!IHBB", 0x60000000, len(dst) + len(seg), 60, 64)
                          + coa + cn + dst + seg))
    write(P("tun-home-address.pcap"), EN10MB, frames)

    # ---- link types ----
    write(P("link-ppp.pcap"), 9, tunnel(lambda ip, i, d: (b"\xff\x03\x00\x21" if i % 2 == 0
                                                         else b"\x21") + ip))
    write(P("link-ppp-hdlc.pcap"), 50, tunnel(lambda ip, i, d: b"\xff\x03\x00\x57" + ip, v=6))
    write(P("link-chdlc.pcap"), 104, tunnel(lambda ip, i, d: b"\x0f\x00\x08\x00" + ip))
    write(P("link-fddi.pcap"), 10, tunnel(lambda ip, i, d: b"\x50" + MAC_B + MAC_A +
                                          b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + ip))

    def nflog(ip, i, d):
        prefix = b"rawshake\0"
        tlv_p = struct.pack("<HH", 4 + len(prefix), 10) + prefix
        tlv_p += b"\0" * ((4 - len(tlv_p) % 4) % 4)
        hw = struct.pack("<HH", 8, 1) + struct.pack("!HBB", 0x0800, 0, 0)  # packet header
        tlv_d = struct.pack("<HH", 4 + len(ip), 9) + ip
        return struct.pack("!BBH", 2, 0, 0) + hw + tlv_p + tlv_d
    write(P("link-nflog.pcap"), 239, tunnel(nflog))

    def wlan_data(ip, d, qos=False):
        fc = 0x88 if qos else 0x08
        flags = 0x01 if d == 0 else 0x02
        bssid = bytes.fromhex("0200000000aa")
        if d == 0:   # to the AP: a1 BSSID, a2 SA, a3 DA
            a1, a2, a3 = bssid, MAC_A, MAC_B
        else:        # from the AP: a1 DA, a2 BSSID, a3 SA
            a1, a2, a3 = MAC_A, bssid, MAC_B
        h = struct.pack("<BBH", fc, flags, 0) + a1 + a2 + a3 + struct.pack("<H", 0x10)
        if qos:
            h += b"\x00\x00"
        return h + b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", ptype_of(ip)) + ip
    beacon = struct.pack("<BBH", 0x80, 0, 0) + b"\xff" * 6 + bytes.fromhex("0200000000aa") * 2 + \
        b"\x00\x00" + bytes(8) + b"\x64\x00\x01\x04" + b"\x00\x04test"
    ack = struct.pack("<BBH", 0xd4, 0, 0) + MAC_A
    rt = struct.pack("<BBHI", 0, 0, 8, 0)
    rtf = struct.pack("<BBHIB", 0, 0, 9, 0x02, 0x10)   # flags: FCS at the end
    frames = [rt + beacon, rt + ack]
    for i, fr in enumerate(tunnel(lambda ip, i, d: wlan_data(ip, d, qos=i >= 2))):
        frames.append(rtf + fr + b"\xde\xad\xbe\xef" if i == 3 else rt + fr)
    write(P("link-wlan-radiotap.pcap"), 127, frames)
    write(P("link-wlan-ppi.pcap"), 192, [struct.pack("<BBHI", 0, 0, 8, 105) + fr for fr in
                                         tunnel(lambda ip, i, d: wlan_data(ip, d, True), v=6)])
    write(P("link-wlan.pcap"), 105, tunnel(lambda ip, i, d: wlan_data(ip, d)))

    # IPoIB as Linux captures it: 20 bytes of pseudo-header, the
    # destination's 20-byte hardware address (QPN and GID), then the RFC
    # 4391 header: an ethertype and two reserved bytes.
    qpn_gid = bytes(16) + struct.pack("!I", 0x2fa3000a) + struct.pack("!I", 0x80000550) + a6("fe80::2")
    write(P("link-ipoib.pcap"), 242, tunnel(lambda ip, i, d: qpn_gid + struct.pack("!HH", ptype_of(ip), 0) + ip))
    write(P("link-frelay.pcap"), 107,
          tunnel(lambda ip, i, d: (b"\x18\x41\x03\xcc" if i % 2 == 0 else b"\x18\x41\x08\x00") + ip))
    write(P("link-slip.pcap"), 8, tunnel(lambda ip, i, d: bytes([d]) + bytes(15) + ip))
    write(P("link-arcnet.pcap"), 7, tunnel(lambda ip, i, d: bytes([1 + d, 2 - d, 212, 0]) +
                                           struct.pack("!H", i) + ip))
    write(P("link-arcnet-linux.pcap"), 129, tunnel(lambda ip, i, d: bytes([1 + d, 2 - d, 0, 0, 212, 0]) +
                                                   struct.pack("!H", i) + ip))
    # Juniper: Ethernet after the common header with an extension TLV
    # (ifindex); then "no L2": a family word and IPv4.
    def jun(ip, i, d):
        ext = struct.pack("!BBI", 1, 4, 7)
        return b"MGC" + bytes([0x80 | (1 - d)]) + struct.pack("!H", len(ext)) + ext + \
            eth(0x0800, ip, *((MAC_B, MAC_A) if d == 0 else (MAC_A, MAC_B)))
    write(P("link-juniper-ether.pcap"), 178, tunnel(jun))


if __name__ == "__main__":
    main()
