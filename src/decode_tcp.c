/* decode_tcp.c: the TCP header and its options (RFC 9293; options per RFC 7323 and RFC 2018). */
#include "decode_int.h"

#define IPPROTO_TCP_NUM 6

/* Parses the value of one option whose kind and length are already checked. */
static void tcp_opt_value(struct rs_tcp *th, struct rs_reader *o, size_t off, uint8_t kind,
			  uint8_t len)
{
	switch (kind) {
	case RS_TCPOPT_MSS:
		if (len == 4) {
			th->has_mss = true;
			th->mss = rs_get_be16(o, off + 2);
		}
		break;
	case RS_TCPOPT_WSCALE:
		if (len == 3) {
			th->has_wscale = true;
			th->wscale = rs_get_u8(o, off + 2);
		}
		break;
	case RS_TCPOPT_SACK_PERM:
		if (len == 2)
			th->sack_perm = true;
		break;
	case RS_TCPOPT_SACK:
		if (len >= 10 && (len - 2) % 8 == 0) {
			for (size_t b = 0; b < (size_t)(len - 2) / 8 && th->n_sack < RS_MAX_SACK; b++) {
				th->sack[th->n_sack][0] = rs_get_be32(o, off + 2 + 8 * b);
				th->sack[th->n_sack][1] = rs_get_be32(o, off + 6 + 8 * b);
				th->n_sack++;
			}
		}
		break;
	case RS_TCPOPT_TIMESTAMP:
		if (len == 10) {
			th->has_ts = true;
			th->ts_val = rs_get_be32(o, off + 2);
			th->ts_ecr = rs_get_be32(o, off + 6);
		}
		break;
	default:
		break;  /* recorded by kind and length only */
	}
}

static void tcp_opt_add(struct rs_tcp *th, uint8_t kind, uint8_t len)
{
	if (th->n_opts < RS_MAX_TCPOPT) {
		th->opts[th->n_opts].kind = kind;
		th->opts[th->n_opts].len = len;
		th->n_opts++;
	}
}

/*
 * Walks the options window (the header bytes after the first 20).  A bad
 * length stops the walk and sets opts_bad; the header itself stays good.
 */
static void tcp_options(struct rs_tcp *th, struct rs_reader *o)
{
	size_t off = 0;

	while (off < o->len) {
		uint8_t kind = rs_get_u8(o, off), len;

		if (kind == RS_TCPOPT_EOL) {
			tcp_opt_add(th, kind, 1);
			return;
		}
		if (kind == RS_TCPOPT_NOP) {
			tcp_opt_add(th, kind, 1);
			off++;
			continue;
		}
		if (!rs_reader_has(o, off, 2)) {
			th->opts_bad = true;
			return;
		}
		len = rs_get_u8(o, off + 1);
		if (len < 2 || !rs_reader_has(o, off, len)) {
			th->opts_bad = true;
			return;
		}
		tcp_opt_add(th, kind, len);
		tcp_opt_value(th, o, off, kind, len);
		off += len;
	}
}

enum rs_status rs_decode_tcp(struct rs_packet *pkt, struct rs_reader r,
			     const struct rs_l3info *l3)
{
	struct rs_tcp *th = &pkt->tcp;
	struct rs_reader opts;
	size_t hlen;

	if (!rs_reader_has(&r, 0, 20))
		return rs_fail_short(pkt, RS_LAYER_TCP, 20, r.len);
	th->sport = rs_get_be16(&r, 0);
	th->dport = rs_get_be16(&r, 2);
	th->seq = rs_get_be32(&r, 4);
	th->ack = rs_get_be32(&r, 8);
	hlen = (size_t)(rs_get_u8(&r, 12) >> 4) * 4;
	th->hdr_len = (uint8_t)hlen;
	th->flags = rs_get_u8(&r, 13);
	th->win = rs_get_be16(&r, 14);
	th->csum = rs_get_be16(&r, 16);
	th->urg = rs_get_be16(&r, 18);
	pkt->l4 = RS_LAYER_TCP;

	if (hlen < 20)
		return rs_fail(pkt, RS_LAYER_TCP, RS_INVALID, "data offset %zu < 5", hlen / 4);
	if (hlen > l3->len)
		return rs_fail(pkt, RS_LAYER_TCP, RS_INVALID, "header length %zu > segment length %u",
			       hlen, l3->len);
	/* The segment's length is the IP length's, known even when the
	 * options are cut by the snaplen (tcpdump still shows seq A:B). */
	th->payload_len = (uint32_t)(l3->len - hlen);
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_TCP, hlen, r.len);

	opts = rs_reader_sub(&r, 20, hlen - 20);
	tcp_options(th, &opts);
	pkt->payload_caplen = (uint32_t)(r.len - hlen);
	if (pkt->payload_caplen)
		pkt->payload = r.p + hlen;  /* a pointer for the caller, not a read */

	/* A fragment's checksum covers bytes that are not in this packet. */
	if (r.len == l3->len && !l3->fragmented)
		th->csum_status = rs_l4_csum_status(pkt, l3, IPPROTO_TCP_NUM, &r, th->csum);
	return RS_OK;
}
