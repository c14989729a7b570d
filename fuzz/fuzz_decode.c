/*
 * fuzz_decode.c: libFuzzer target for the packet decoder over every link
 * type, and for the text and JSON printers of what it decoded.
 *
 * Input: one selector byte, one length byte, then the captured bytes.
 * Selector bits 0-3 pick the link type (modulo the table below; 15: the
 * next byte picks any link type of rs_dlt_at(), modulo rs_dlt_count(),
 * and the captured bytes follow it), bits 4-6
 * the printer flags (verbose, absolute, brief), bit 7 nanosecond instead
 * of microsecond timestamps.  The length byte sets the wire length: the
 * captured length plus its value, or (0xff) half the captured length, as
 * a broken file may claim.
 */
#include "fuzz.h"

#include <pcap/dlt.h>
#include <string.h>

#include "rawshake/packet.h"
#include "rawshake/print.h"

/* Every link type rs_decode() supports (rs_dlt_supported), with each
 * number LINKTYPE_RAW goes by. */
static const int dlts[] = {
	DLT_NULL, DLT_EN10MB, DLT_RAW, 12, 14, 101, DLT_LOOP,
	DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_IPV4, DLT_IPV6,
};
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_packet pkt;

	if (size < 2)
		return 0;
	uint8_t sel = data[0], lenb = data[1];
	const uint8_t *p = data + 2;
	size_t caplen = size - 2;
	size_t wirelen = lenb == 0xff ? caplen / 2 : caplen + lenb;
	int dlt = dlts[(sel & 0x0f) % NDLTS];

	/* Tunnels, PPP, 802.11, NFLOG, ...: every link type in the table. */
	if ((sel & 0x0f) == 0x0f) {
		if (caplen < 1)
			return 0;
		dlt = rs_dlt_at(p[0] % rs_dlt_count());
		p++;
		caplen--;
		wirelen = lenb == 0xff ? caplen / 2 : caplen + lenb;
	}

	if (!rs_dlt_supported(dlt))
		__builtin_trap();
	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = 1;
	if (sel & 0x80)
		rs_packet_set_time(&pkt, 1700000000, 123456789, 9);
	else
		rs_packet_set_time(&pkt, 1700000000, 123456, 6);
	enum rs_status st = rs_decode(dlt, caplen ? p : NULL, caplen, wirelen, &pkt);

	/* The decoder's own contract: an error is recorded exactly when the
	 * status says so, and the payload lies inside the captured bytes. */
	if ((st != RS_OK) != pkt.has_err)
		__builtin_trap();
	/* The outer list is bounded and split where pkt->ip sits. */
	if (pkt.n_outer > RS_MAX_OUTER || pkt.n_before_ip > pkt.n_outer)
		__builtin_trap();
	if (pkt.payload_caplen &&
	    (pkt.payload < p || pkt.payload + pkt.payload_caplen > p + caplen))
		__builtin_trap();
	(void)rs_status_str(st);
	(void)rs_dlt_name(dlt);
	if (pkt.has_err)
		(void)rs_layer_str(pkt.err.layer);

	unsigned flags = 0;
	if (sel & 0x10)
		flags |= RS_PRINT_VERBOSE;
	if (sel & 0x20)
		flags |= RS_PRINT_ABSOLUTE;
	if (sel & 0x40)
		flags |= RS_PRINT_BRIEF;
	struct rs_printer pr;
	struct rs_out *o = fuzz_out();
	rs_printer_init(&pr, flags);
	rs_print_text(&pr, o, &pkt, NULL);
	rs_print_json(&pr, o, &pkt, NULL);
	rs_out_flush(o);
	return 0;
}
