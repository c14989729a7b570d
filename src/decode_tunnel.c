/*
 * decode_tunnel.c: GRE (RFC 2784, key and sequence RFC 2890, PPTP's
 * enhanced GRE RFC 2637) with ERSPAN I/II/III and transparent Ethernet,
 * and the UDP tunnels: VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U (3GPP
 * TS 29.281), Teredo (RFC 4380) and AYIYA (draft-massar-v6ops-ayiya).
 * Each records an outer layer and hands its payload on; the IP header
 * that carried it becomes an outer layer when an inner IP header starts.
 */
#include <string.h>

#include "decode_int.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_A 0x0080   /* version 1: acknowledgment number present */
#define GRE_VER 0x0007

#define GREPROTO_ERSPAN2 0x88be  /* ERSPAN type I (no S bit) or II */
#define GREPROTO_ERSPAN3 0x22eb
#define GREPROTO_WCCP 0x883e

/* ERSPAN type II (8 bytes) or III (12, or 20 with the platform
 * sub-header), then the mirrored Ethernet frame. */
static enum rs_status erspan(struct rs_packet *pkt, uint8_t type, struct rs_reader r,
			     size_t wire)
{
	struct rs_outer *o;
	size_t hlen = type == 1 ? 0 : type == 2 ? 8 : 12;

	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_ERSPAN, hlen, r.len);
	if (type == 3 && (rs_get_u8(&r, 11) & 0x01)) {
		hlen += 8;  /* the O flag: a platform-specific sub-header follows */
		if (!rs_reader_has(&r, 0, hlen))
			return rs_fail_short(pkt, RS_LAYER_ERSPAN, hlen, r.len);
	}
	o = rs_outer_push(pkt, RS_OUTER_ERSPAN);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.erspan.type = type;
	if (type >= 2) {
		o->u.erspan.vlan = rs_get_be16(&r, 0) & 0x0fff;
		o->u.erspan.session = rs_get_be16(&r, 2) & 0x03ff;
		o->u.erspan.index = type == 2 ? rs_get_be32(&r, 4) & 0x000fffff : rs_get_be32(&r, 4);
	}
	/* Type III: frame type 0 is Ethernet; another (IP) is not decoded. */
	if (type == 3 && ((rs_get_u8(&r, 10) >> 2) & 0x1f) != 0)
		return RS_OK;
	if (wire < hlen)
		return rs_fail(pkt, RS_LAYER_ERSPAN, RS_INVALID, "header of %zu bytes in %zu", hlen,
			       wire);
	return rs_decode_ether(pkt, rs_reader_sub(&r, hlen, r.len), wire - hlen, true);
}

/* PPP in PPTP's GRE: address and control (0xff 0x03) may be left out, the
 * protocol may be one byte (RFC 1661 6.5, 6.6). */
static enum rs_status gre_ppp(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t off = 0;
	uint16_t proto;

	if (!rs_reader_has(&r, 0, 2))
		return rs_fail_short(pkt, RS_LAYER_PPP, 2, r.len);
	if (rs_get_be16(&r, 0) == 0xff03)
		off = 2;
	if (!rs_reader_has(&r, off, 1))
		return rs_fail_short(pkt, RS_LAYER_PPP, off + 1, r.len);
	proto = rs_get_u8(&r, off);
	if (proto & 1) {
		off += 1;
	} else {
		if (!rs_reader_has(&r, off, 2))
			return rs_fail_short(pkt, RS_LAYER_PPP, off + 2, r.len);
		proto = rs_get_be16(&r, off);
		off += 2;
	}
	struct rs_outer *o = rs_outer_push(pkt, RS_OUTER_PPP);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.ppp.proto = proto;
	if (wire < off)
		return rs_fail(pkt, RS_LAYER_PPP, RS_INVALID, "header past the GRE payload");
	return rs_decode_ppp_proto(pkt, proto, rs_reader_sub(&r, off, r.len), wire - off);
}

enum rs_status rs_decode_gre(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint16_t fl, proto;
	uint8_t ver;
	size_t off = 4;

	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_GRE, 4, r.len);
	fl = rs_get_be16(&r, 0);
	proto = rs_get_be16(&r, 2);
	ver = fl & GRE_VER;
	if (ver > 1)
		return rs_fail(pkt, RS_LAYER_GRE, RS_INVALID, "version %u", ver);
	o = rs_outer_push(pkt, RS_OUTER_GRE);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.gre.ver = ver;
	o->u.gre.flags = fl & (uint16_t)~GRE_VER;
	o->u.gre.proto = proto;
	if (ver == 0 && (fl & (GRE_C | GRE_R))) {
		o->u.gre.has_csum = (fl & GRE_C) != 0;
		off += 4;  /* checksum and offset */
	}
	if (fl & GRE_K) {
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_GRE, off + 4, r.len);
		o->u.gre.has_key = true;
		o->u.gre.key = rs_get_be32(&r, off);
		off += 4;
	} else if (ver == 1) {
		return rs_fail(pkt, RS_LAYER_GRE, RS_INVALID, "version 1 without the key field");
	}
	if (fl & GRE_S) {
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_GRE, off + 4, r.len);
		o->u.gre.has_seq = true;
		o->u.gre.seq = rs_get_be32(&r, off);
		off += 4;
	}
	if (ver == 1 && (fl & GRE_A)) {
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_GRE, off + 4, r.len);
		o->u.gre.has_ack = true;
		o->u.gre.ack = rs_get_be32(&r, off);
		off += 4;
	}
	if (ver == 0 && (fl & GRE_R)) {
		/* Source route entries (RFC 1701), up to the null one. */
		for (;;) {
			uint16_t af;
			uint8_t len;

			if (!rs_reader_has(&r, off, 4))
				return rs_fail_short(pkt, RS_LAYER_GRE, off + 4, r.len);
			af = rs_get_be16(&r, off);
			len = rs_get_u8(&r, off + 3);
			off += 4 + (size_t)len;
			if (af == 0 && len == 0)
				break;
		}
	}
	if (!rs_reader_has(&r, 0, off))
		return rs_fail_short(pkt, RS_LAYER_GRE, off, r.len);
	if (wire < off)
		return rs_fail(pkt, RS_LAYER_GRE, RS_INVALID, "header of %zu bytes in %zu", off, wire);
	r = rs_reader_sub(&r, off, r.len);
	wire -= off;
	/* Version 1 with a payload length of 0 is an acknowledgment alone. */
	if (ver == 1 && (o->u.gre.key >> 16) == 0)
		return RS_OK;

	switch (proto) {
	case GREPROTO_ERSPAN2:
		return erspan(pkt, (fl & GRE_S) ? 2 : 1, r, wire);
	case GREPROTO_ERSPAN3:
		return erspan(pkt, 3, r, wire);
	case ETHERTYPE_PPP:
		return gre_ppp(pkt, r, wire);
	case GREPROTO_WCCP:
		/* WCCP v2 puts a 4-byte redirect header before the IP packet;
		 * v1 none (the first nibble is then IP version 4). */
		if (!rs_reader_has(&r, 0, 1))
			return rs_fail_short(pkt, RS_LAYER_GRE, off + 1, off);
		if (rs_get_u8(&r, 0) >> 4 != 4) {
			if (!rs_reader_has(&r, 0, 4) || wire < 4)
				return rs_fail_short(pkt, RS_LAYER_GRE, off + 4, off + r.len);
			r = rs_reader_sub(&r, 4, r.len);
			wire -= 4;
		}
		return rs_decode_ipv4(pkt, r, wire);
	default:
		return rs_decode_ethertype(pkt, proto, r, wire);
	}
}

/* VXLAN: flags, 24 reserved bits, the 24-bit VNI, 8 reserved; then Ethernet. */
static enum rs_status vxlan(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_VXLAN, 8, r.len);
	o = rs_outer_push(pkt, RS_OUTER_VXLAN);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.vxlan.flags = rs_get_u8(&r, 0);
	o->u.vxlan.vni = rs_get_be32(&r, 4) >> 8;
	if (wire < 8)
		return rs_fail(pkt, RS_LAYER_VXLAN, RS_INVALID, "UDP payload of %zu bytes", wire);
	return rs_decode_ether(pkt, rs_reader_sub(&r, 8, r.len), wire - 8, true);
}

/* Geneve: version, option length, O and C flags, protocol, VNI, options. */
static enum rs_status geneve(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint8_t b0, b1;
	size_t hlen;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_GENEVE, 8, r.len);
	b0 = rs_get_u8(&r, 0);
	b1 = rs_get_u8(&r, 1);
	if (b0 >> 6 != 0)
		return rs_fail(pkt, RS_LAYER_GENEVE, RS_INVALID, "version %u", b0 >> 6);
	hlen = 8 + (size_t)(b0 & 0x3f) * 4;
	o = rs_outer_push(pkt, RS_OUTER_GENEVE);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.geneve.opt_len = (uint8_t)((b0 & 0x3f) * 4);
	o->u.geneve.oam = (b1 & 0x80) != 0;
	o->u.geneve.critical = (b1 & 0x40) != 0;
	o->u.geneve.proto = rs_get_be16(&r, 2);
	o->u.geneve.vni = rs_get_be32(&r, 4) >> 8;
	if (hlen > wire)
		return rs_fail(pkt, RS_LAYER_GENEVE, RS_INVALID,
			       "options of %zu bytes past the UDP payload (%zu)", hlen - 8, wire);
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_GENEVE, hlen, r.len);
	return rs_decode_ethertype(pkt, o->u.geneve.proto, rs_reader_sub(&r, hlen, r.len),
				   wire - hlen);
}

#define GTP_E 0x04
#define GTP_S 0x02
#define GTP_PN 0x01
#define GTP_GPDU 0xff

/* GTP-U: flags, message type, length, TEID, then (E, S or PN) sequence,
 * N-PDU and next extension type; extensions are 4n bytes, their last
 * byte the next type.  A G-PDU carries an IP packet. */
static enum rs_status gtpu(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint8_t fl, next;
	size_t off = 8, end;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_GTP, 8, r.len);
	fl = rs_get_u8(&r, 0);
	if (fl >> 5 != 1)
		return rs_fail(pkt, RS_LAYER_GTP, RS_INVALID, "version %u", fl >> 5);
	o = rs_outer_push(pkt, RS_OUTER_GTP);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.gtp.flags = fl;
	o->u.gtp.msg_type = rs_get_u8(&r, 1);
	o->u.gtp.len = rs_get_be16(&r, 2);
	o->u.gtp.teid = rs_get_be32(&r, 4);
	end = 8 + (size_t)o->u.gtp.len;
	if (end > wire)
		return rs_fail(pkt, RS_LAYER_GTP, RS_INVALID, "length %u past the UDP payload (%zu)",
			       o->u.gtp.len, wire);
	if (fl & (GTP_E | GTP_S | GTP_PN)) {
		if (off + 4 > end)
			return rs_fail(pkt, RS_LAYER_GTP, RS_INVALID, "length %u < optional fields",
				       o->u.gtp.len);
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_GTP, off + 4, r.len);
		next = (fl & GTP_E) ? rs_get_u8(&r, 11) : 0;
		off += 4;
		while (next != 0) {
			size_t elen;

			if (!rs_reader_has(&r, off, 1))
				return rs_fail_short(pkt, RS_LAYER_GTP, off + 1, r.len);
			elen = (size_t)rs_get_u8(&r, off) * 4;
			if (elen == 0)
				return rs_fail(pkt, RS_LAYER_GTP, RS_INVALID,
					       "extension header 0x%02x of length 0", next);
			if (off + elen > end)
				return rs_fail(pkt, RS_LAYER_GTP, RS_INVALID,
					       "extension header past the length");
			if (!rs_reader_has(&r, off, elen))
				return rs_fail_short(pkt, RS_LAYER_GTP, off + elen, r.len);
			next = rs_get_u8(&r, off + elen - 1);
			if (o->u.gtp.n_ext < 255)
				o->u.gtp.n_ext++;
			off += elen;
		}
	}
	if (o->u.gtp.msg_type != GTP_GPDU || off == end)
		return RS_OK;  /* echo, error indication, end marker: no payload */
	return rs_decode_ip_by_version(pkt, rs_reader_sub(&r, off, end - off), end - off,
				       RS_LAYER_GTP);
}

/*
 * Teredo: an optional authentication indicator (type 1: client id and
 * authentication value lengths, the two, an 8-byte nonce and a
 * confirmation byte), an optional origin indicator (type 0: port and
 * address, each bit inverted), then IPv6.  A datagram that is none of
 * these is not Teredo: false, plain UDP.
 */
static bool teredo(struct rs_packet *pkt, struct rs_reader r, size_t wire, enum rs_status *st)
{
	struct rs_outer *o = NULL;
	size_t off = 0;
	uint16_t ind;

	if (!rs_reader_has(&r, 0, 2)) {
		/* The port says Teredo; what it carries was not captured. */
		if (wire > r.len)
			*st = rs_fail_short(pkt, RS_LAYER_TEREDO, 2, r.len);
		return wire > r.len;
	}
	ind = rs_get_be16(&r, 0);
	if (ind != 0x0001 && ind != 0x0000 && (rs_get_u8(&r, 0) >> 4) != 6)
		return false;
	o = rs_outer_push(pkt, RS_OUTER_TEREDO);
	if (!o) {
		*st = RS_UNSUPPORTED;
		return true;
	}
	if (ind == 0x0001) {
		size_t alen;

		if (!rs_reader_has(&r, 0, 4)) {
			*st = rs_fail_short(pkt, RS_LAYER_TEREDO, 4, r.len);
			return true;
		}
		o->u.teredo.has_auth = true;
		o->u.teredo.id_len = rs_get_u8(&r, 2);
		o->u.teredo.auth_len = rs_get_u8(&r, 3);
		alen = 4 + (size_t)o->u.teredo.id_len + o->u.teredo.auth_len + 8 + 1;
		if (!rs_reader_has(&r, 0, alen)) {
			*st = rs_fail_short(pkt, RS_LAYER_TEREDO, alen, r.len);
			return true;
		}
		off = alen;
		/* What follows (an origin indicator or IPv6) starts with 2 bytes. */
		if (!rs_reader_has(&r, off, 2)) {
			*st = wire <= off ? RS_OK : rs_fail_short(pkt, RS_LAYER_TEREDO, off + 2, r.len);
			return true;
		}
		ind = rs_get_be16(&r, off);
	}
	if (ind == 0x0000) {
		if (!rs_reader_has(&r, off, 8)) {
			*st = rs_fail_short(pkt, RS_LAYER_TEREDO, off + 8, r.len);
			return true;
		}
		o->u.teredo.has_origin = true;
		o->u.teredo.port = (uint16_t)~rs_get_be16(&r, off + 2);
		for (int i = 0; i < 4; i++)
			o->u.teredo.addr[i] = (uint8_t)~rs_get_u8(&r, off + 4 + (size_t)i);
		off += 8;
	}
	if (off > wire) {
		*st = rs_fail(pkt, RS_LAYER_TEREDO, RS_INVALID, "indicators past the UDP payload");
		return true;
	}
	if (off == wire) {
		*st = RS_OK;  /* indicators alone */
		return true;
	}
	*st = rs_decode_ipv6(pkt, rs_reader_sub(&r, off, r.len), wire - off);
	return true;
}

#define AYIYA_OP_FORWARD 1

/* AYIYA: identity length (2^n bytes) and type, signature length (4n
 * bytes) and hash, authentication method and opcode, next header,
 * epoch time, identity, signature; a forwarded packet follows. */
static enum rs_status ayiya(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	size_t idlen, siglen, hlen;
	uint8_t b0, b1, b2;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_AYIYA, 8, r.len);
	b0 = rs_get_u8(&r, 0);
	b1 = rs_get_u8(&r, 1);
	b2 = rs_get_u8(&r, 2);
	idlen = (size_t)1 << (b0 >> 4);
	siglen = (size_t)(b1 >> 4) * 4;
	hlen = 8 + idlen + siglen;
	o = rs_outer_push(pkt, RS_OUTER_AYIYA);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.ayiya.id_len = (uint8_t)(idlen > 255 ? 255 : idlen);
	o->u.ayiya.id_type = b0 & 0x0f;
	o->u.ayiya.sig_len = (uint8_t)siglen;
	o->u.ayiya.hash = b1 & 0x0f;
	o->u.ayiya.auth = b2 >> 4;
	o->u.ayiya.opcode = b2 & 0x0f;
	o->u.ayiya.next = rs_get_u8(&r, 3);
	o->u.ayiya.epoch = rs_get_be32(&r, 4);
	if (hlen > wire)
		return rs_fail(pkt, RS_LAYER_AYIYA, RS_INVALID,
			       "header of %zu bytes past the UDP payload (%zu)", hlen, wire);
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_AYIYA, hlen, r.len);
	rs_get_bytes(&r, 8, o->u.ayiya.id, idlen < RS_MAX_AYIYA_ID ? idlen : RS_MAX_AYIYA_ID);
	if (o->u.ayiya.opcode != AYIYA_OP_FORWARD || hlen == wire)
		return RS_OK;
	r = rs_reader_sub(&r, hlen, r.len);
	if (o->u.ayiya.next == 41)
		return rs_decode_ipv6(pkt, r, wire - hlen);
	if (o->u.ayiya.next == 4)
		return rs_decode_ipv4(pkt, r, wire - hlen);
	return RS_OK;
}

#define PORT_TEREDO 3544
#define PORT_VXLAN 4789
#define PORT_AYIYA 5072
#define PORT_GENEVE 6081
#define PORT_GTPU 2152

static bool one_port(struct rs_packet *pkt, uint16_t port, struct rs_reader r, size_t wire,
		     enum rs_status *st)
{
	switch (port) {
	case PORT_VXLAN: *st = vxlan(pkt, r, wire); return true;
	case PORT_GENEVE: *st = geneve(pkt, r, wire); return true;
	case PORT_GTPU: *st = gtpu(pkt, r, wire); return true;
	case PORT_AYIYA: *st = ayiya(pkt, r, wire); return true;
	case PORT_TEREDO: return teredo(pkt, r, wire, st);
	default: return false;
	}
}

bool rs_decode_udp_tunnel(struct rs_packet *pkt, uint16_t sport, uint16_t dport,
			  struct rs_reader r, size_t wire, enum rs_status *st)
{
	/* As Wireshark: the lower port first. */
	uint16_t lo = sport < dport ? sport : dport, hi = sport < dport ? dport : sport;

	*st = RS_OK;
	return one_port(pkt, lo, r, wire, st) || (hi != lo && one_port(pkt, hi, r, wire, st));
}
