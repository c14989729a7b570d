/* decode.c: the decoder's entry point: a captured frame, its link type, and
 * the layers below it (the link-type table is in decode_link.c). */
#include <stddef.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode_int.h"

enum rs_status rs_decode(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
			 struct rs_packet *pkt)
{
	return rs_decode_meta(dlt, p, caplen, wirelen, NULL, pkt);
}

enum rs_status rs_decode_meta(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
			      const struct rs_pkt_meta *meta, struct rs_packet *pkt)
{
	static const struct rs_pkt_meta no_meta;
	struct rs_reader r = rs_reader_make(p, p ? caplen : 0);

	pkt->meta = meta ? *meta : no_meta;
	pkt->meta.frame = p;
	pkt->meta.has_net_off = false;
	rs_packet_reset(pkt);
	pkt->caplen = (uint32_t)(caplen > UINT32_MAX ? UINT32_MAX : caplen);
	pkt->len = (uint32_t)(wirelen > UINT32_MAX ? UINT32_MAX : wirelen);
	pkt->link.dlt = dlt;
	/* A broken file may claim fewer bytes on the wire than it captured. */
	if (wirelen < r.len)
		wirelen = r.len;
	return rs_decode_link(pkt, dlt, r, wirelen);
}

enum rs_status rs_packet_from_pcap(struct rs_packet *pkt, uint64_t frame,
				   const struct rs_pcap_form *form, const struct pcap_pkthdr *h,
				   const uint8_t *data, const struct rs_pkt_meta *meta)
{
	uint32_t frac = (uint32_t)h->ts.tv_usec;
	if (form->tv_digits == 9 && form->ts_digits != 9)
		frac /= 1000;
	else if (form->tv_digits != 9 && form->ts_digits == 9)
		frac *= 1000;
	pkt->frame = frame;
	rs_packet_set_time(pkt, h->ts.tv_sec, frac, form->ts_digits == 9 ? 9 : 6);
	return rs_decode_meta(form->dlt, data, h->caplen, h->len, meta, pkt);
}
