/* pcapng_writer.c: Section Header, Interface Description, Enhanced Packet
 * and Interface Statistics blocks (draft-ietf-opsawg-pcapng), host byte order. */
#include "rawshake/pcapng_writer.h"

#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define OPT_ISB_IFRECV 4
#define OPT_ISB_IFDROP 5
#define OPT_ISB_OSDROP 7
#define OPT_ISB_USRDELIV 8

/* Options and names are short: a header block never needs more. */
#define HDR_MAX 512

struct blk {
	uint8_t b[HDR_MAX];
	size_t n;
};

static void put(struct blk *k, const void *p, size_t n)
{
	if (k->n + n <= sizeof(k->b)) {
		memcpy(k->b + k->n, p, n);
		k->n += n;
	}
}

static void put32(struct blk *k, uint32_t v)
{
	put(k, &v, 4);
}

static void put16(struct blk *k, uint16_t v)
{
	put(k, &v, 2);
}

static void pad4(struct blk *k)
{
	static const uint8_t zero[3];
	put(k, zero, (4 - k->n % 4) % 4);
}

/* One option: code, length, value padded to 32 bits. */
static void opt(struct blk *k, uint16_t code, const void *v, uint16_t len)
{
	put16(k, code);
	put16(k, len);
	put(k, v, len);
	pad4(k);
}

static void opt_u64(struct blk *k, uint16_t code, uint64_t v)
{
	opt(k, code, &v, sizeof(v));
}

static void opt_str(struct blk *k, uint16_t code, const char *s)
{
	size_t n = strlen(s);
	if (n > 255)
		n = 255;
	opt(k, code, s, (uint16_t)n);
}

static void opt_end(struct blk *k)
{
	put16(k, OPT_ENDOFOPT);
	put16(k, 0);
}

static void out(struct rs_pcapng_writer *w, const void *p, size_t n)
{
	rs_outfile_put(w->f, p, n);
}

/* Block type, total length, body, total length again: one record. */
static bool block(struct rs_pcapng_writer *w, uint32_t type, const struct blk *body)
{
	uint32_t total = (uint32_t)(body->n + 12);
	out(w, &type, 4);
	out(w, &total, 4);
	out(w, body->b, body->n);
	out(w, &total, 4);
	return rs_outfile_end(w->f, false);
}

/* An Interface Description Block, at the file's resolution. */
bool rs_pcapng_add_interface(struct rs_pcapng_writer *w, int linktype, uint32_t snaplen,
			     const char *ifname)
{
	struct blk idb = { .n = 0 };
	put16(&idb, (uint16_t)linktype);
	put16(&idb, 0);
	put32(&idb, snaplen);
	if (ifname)
		opt_str(&idb, OPT_IF_NAME, ifname);
	if (w->nano) {
		uint8_t resol = 9;   /* 10^-9 s; without the option, 10^-6 */
		opt(&idb, OPT_IF_TSRESOL, &resol, 1);
	}
	opt_end(&idb);
	return block(w, BT_IDB, &idb);
}

bool rs_pcapng_open(struct rs_pcapng_writer *w, struct rs_outfile *f, int linktype,
		    uint32_t snaplen, const char *ifname, const char *appl, bool nano)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->nano = nano;

	struct blk shb = { .n = 0 };
	put32(&shb, BYTE_ORDER_MAGIC);
	put16(&shb, 1);   /* major version */
	put16(&shb, 0);   /* minor version */
	put32(&shb, 0xffffffffu);   /* section length: not given */
	put32(&shb, 0xffffffffu);
	if (appl)
		opt_str(&shb, OPT_SHB_USERAPPL, appl);
	opt_end(&shb);

	return block(w, BT_SHB, &shb) && rs_pcapng_add_interface(w, linktype, snaplen, ifname) &&
	       rs_outfile_flush(f);
}

/* A time in the file's unit (if_tsresol): frac is in that unit already. */
static uint64_t ticks(const struct rs_pcapng_writer *w, uint64_t sec, uint64_t frac)
{
	return sec * (w->nano ? 1000000000u : 1000000u) + frac;
}

bool rs_pcapng_write(struct rs_pcapng_writer *w, const struct pcap_pkthdr *h,
		     const uint8_t *bytes, enum rs_pkt_dir dir)
{
	return rs_pcapng_write_on(w, 0, h, bytes, dir);
}

bool rs_pcapng_write_on(struct rs_pcapng_writer *w, uint32_t ifid, const struct pcap_pkthdr *h,
			const uint8_t *bytes, enum rs_pkt_dir dir)
{
	uint64_t ts = ticks(w, (uint64_t)h->ts.tv_sec, (uint64_t)h->ts.tv_usec);
	uint32_t pad = (4 - h->caplen % 4) % 4;
	/* epb_flags: bits 0-1 are the direction, 01 inbound, 10 outbound. */
	uint32_t flags = dir == RS_PKT_DIR_IN ? 1 : dir == RS_PKT_DIR_OUT ? 2 : 0;
	uint32_t opts[3] = { OPT_EPB_FLAGS | 4u << 16, flags, OPT_ENDOFOPT };
	size_t optlen = flags ? sizeof(opts) : 0;
	uint32_t total = 32 + h->caplen + pad + (uint32_t)optlen;
	uint32_t head[7] = {
		BT_EPB, total, ifid, (uint32_t)(ts >> 32), (uint32_t)ts,
		h->caplen, h->len,
	};
	static const uint8_t zero[3];
	/* The option's code and length are two 16-bit fields in host order:
	 * on a big-endian host they swap within the word. */
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		opts[0] = (uint32_t)OPT_EPB_FLAGS << 16 | 4u;
	out(w, head, sizeof(head));
	out(w, bytes, h->caplen);
	out(w, zero, pad);
	out(w, opts, optlen);
	out(w, &total, 4);
	return rs_outfile_end(w->f, true);
}

bool rs_pcapng_write_stats(struct rs_pcapng_writer *w, const struct rs_pcapng_stats *st)
{
	uint64_t ns = (uint64_t)st->taken.tv_nsec;
	uint64_t ts = ticks(w, (uint64_t)st->taken.tv_sec, w->nano ? ns : ns / 1000);
	struct blk isb = { .n = 0 };
	put32(&isb, 0);   /* interface 0 */
	put32(&isb, (uint32_t)(ts >> 32));
	put32(&isb, (uint32_t)ts);
	opt_u64(&isb, OPT_ISB_IFRECV, st->received);
	opt_u64(&isb, OPT_ISB_IFDROP, st->dropped_if);
	opt_u64(&isb, OPT_ISB_OSDROP, st->dropped_os);
	opt_u64(&isb, OPT_ISB_USRDELIV, st->delivered);
	opt_end(&isb);
	return block(w, BT_ISB, &isb);
}
