/*
 * decode_wlan.c: IEEE 802.11 frames (IEEE Std 802.11-2020 9.2), bare or
 * after a radiotap (radiotap.org) or PPI (CACE's Per-Packet Information)
 * header.  Data frames carry LLC/SNAP; management and control frames are
 * named (print_names.c), not decoded further; protected frames are encrypted.
 */
#include "decode_int.h"

#define WLAN_MGMT 0
#define WLAN_CTRL 1
#define WLAN_DATA 2
#define WLAN_TO_DS 0x01
#define WLAN_FROM_DS 0x02
#define WLAN_PROTECTED 0x40
#define WLAN_ORDER 0x80
#define WLAN_QOS 0x08     /* data subtype bit: QoS control present */
#define WLAN_NODATA 0x04  /* data subtype bit: null function, no body */
#define WLAN_AMSDU 0x80   /* QoS control: an A-MSDU, subframes not decoded */

enum rs_status rs_decode_link_wlan(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_link *l = &pkt->link;
	uint8_t fc0, fl;
	size_t hlen = 24;

	if (!rs_reader_has(&r, 0, 2))
		return rs_fail_short(pkt, RS_LAYER_WLAN, 2, r.len);
	fc0 = rs_get_u8(&r, 0);
	fl = rs_get_u8(&r, 1);
	if ((fc0 & 0x03) != 0)
		return rs_fail(pkt, RS_LAYER_WLAN, RS_INVALID, "protocol version %u", fc0 & 0x03);
	l->has_wlan = true;
	l->wlan_type = (fc0 >> 2) & 0x03;
	l->wlan_subtype = fc0 >> 4;
	l->wlan_flags = fl;
	if (l->wlan_type != WLAN_DATA)
		return RS_OK;  /* named by the printers */

	if ((fl & WLAN_TO_DS) && (fl & WLAN_FROM_DS))
		hlen += 6;
	if (l->wlan_subtype & WLAN_QOS) {
		hlen += 2;
		if (fl & WLAN_ORDER)
			hlen += 4;  /* HT control */
	}
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_WLAN, hlen, r.len);
	/* Destination and source by the DS bits (9.3.2.1, table 9-30). */
	switch (fl & (WLAN_TO_DS | WLAN_FROM_DS)) {
	case 0:
		rs_get_bytes(&r, 4, l->dst, 6);
		rs_get_bytes(&r, 10, l->src, 6);
		break;
	case WLAN_TO_DS:
		rs_get_bytes(&r, 16, l->dst, 6);
		rs_get_bytes(&r, 10, l->src, 6);
		break;
	case WLAN_FROM_DS:
		rs_get_bytes(&r, 4, l->dst, 6);
		rs_get_bytes(&r, 16, l->src, 6);
		break;
	default:
		rs_get_bytes(&r, 16, l->dst, 6);
		rs_get_bytes(&r, 24, l->src, 6);
		break;
	}
	l->has_mac = true;
	if ((l->wlan_subtype & WLAN_NODATA) || (fl & WLAN_PROTECTED))
		return RS_OK;
	if ((l->wlan_subtype & WLAN_QOS) && (rs_get_u8(&r, hlen - ((fl & WLAN_ORDER) ? 6 : 2)) &
					     WLAN_AMSDU))
		return RS_OK;
	if (r.len == hlen)
		return wire == hlen ? RS_OK : rs_fail_short(pkt, RS_LAYER_LLC, 3, 0);
	return rs_decode_llc(pkt, rs_reader_sub(&r, hlen, r.len), wire - hlen);
}

/*
 * Radiotap: version 0, pad, little-endian length and present bitmaps.
 * With the flags field (present bit 1, after the 8-byte TSFT when bit 0
 * is set) saying the frame ends with its FCS, the last 4 bytes are cut.
 */
enum rs_status rs_decode_link_radiotap(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t len, off = 4;
	uint32_t present, w;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_LINK, 8, r.len);
	if (rs_get_u8(&r, 0) != 0)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "radiotap version %u",
			       rs_get_u8(&r, 0));
	len = (size_t)(rs_get_u8(&r, 2) | rs_get_u8(&r, 3) << 8);
	if (len < 8)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "radiotap length %zu < 8", len);
	if (len > wire)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "radiotap length %zu past the frame",
			       len);
	if (!rs_reader_has(&r, 0, len))
		return rs_fail_short(pkt, RS_LAYER_LINK, len, r.len);
	pkt->link.radio_len = (uint16_t)len;
	present = w = rs_get_le32(&r, 4);
	while (w & 0x80000000u) {
		off += 4;
		if (off + 4 > len)
			return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "radiotap bitmaps past its length");
		w = rs_get_le32(&r, off);
	}
	off += 4;
	if (present & 0x02) {
		if (present & 0x01)
			off = ((off + 7) & ~(size_t)7) + 8;
		if (off < len && (rs_get_u8(&r, off) & 0x10) && wire - len >= 4) {
			size_t keep = wire - len - 4;
			return rs_decode_link_wlan(pkt, rs_reader_sub(&r, len, keep), keep);
		}
	}
	return rs_decode_link_wlan(pkt, rs_reader_sub(&r, len, r.len), wire - len);
}

/* PPI: version 0, flags, little-endian length and the DLT of what follows. */
enum rs_status rs_decode_link_ppi(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t len;
	uint32_t dlt;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_LINK, 8, r.len);
	if (rs_get_u8(&r, 0) != 0)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "PPI version %u", rs_get_u8(&r, 0));
	len = (size_t)(rs_get_u8(&r, 2) | rs_get_u8(&r, 3) << 8);
	dlt = rs_get_le32(&r, 4);
	if (len < 8)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "PPI length %zu < 8", len);
	if (len > wire)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "PPI length %zu past the frame", len);
	if (!rs_reader_has(&r, 0, len))
		return rs_fail_short(pkt, RS_LAYER_LINK, len, r.len);
	pkt->link.radio_len = (uint16_t)len;
	r = rs_reader_sub(&r, len, r.len);
	if (dlt == 105)
		return rs_decode_link_wlan(pkt, r, wire - len);
	if (dlt == 1)
		return rs_decode_ether(pkt, r, wire - len, false);
	return rs_fail(pkt, RS_LAYER_LINK, RS_UNSUPPORTED, "PPI carrying link type %u", dlt);
}
