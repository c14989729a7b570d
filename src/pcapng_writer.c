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
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define OPT_ISB_IFRECV 4
#define OPT_ISB_IFDROP 5
#define OPT_ISB_OSDROP 7
#define OPT_ISB_USRDELIV 8

/* A header block's strings are cut to STR_MAX bytes (names are short, a
 * section comment names the input files): HDR_MAX always holds them. */
#define STR_MAX 1024
#define HDR_MAX 2560

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

/* A string option, cut to STR_MAX bytes at a UTF-8 character's start
 * (options are UTF-8 by the format's word). */
static void opt_str(struct blk *k, uint16_t code, const char *s)
{
	size_t n = strlen(s);
	if (n > STR_MAX) {
		n = STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
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

bool rs_pcapng_add_interface(struct rs_pcapng_writer *w, int linktype, uint32_t snaplen,
			     const char *ifname)
{
	return rs_pcapng_add_interface_res(w, linktype, snaplen, ifname, w->nano);
}

bool rs_pcapng_add_interface_res(struct rs_pcapng_writer *w, int linktype, uint32_t snaplen,
				 const char *ifname, bool nano)
{
	struct blk idb = { .n = 0 };

	if (w->nifs == RS_PCAPNG_MAX_IFS)
		return false;
	w->if_nano[w->nifs++] = nano;
	put16(&idb, (uint16_t)linktype);
	put16(&idb, 0);
	put32(&idb, snaplen);
	if (ifname)
		opt_str(&idb, OPT_IF_NAME, ifname);
	if (nano) {
		uint8_t resol = 9;   /* 10^-9 s; without the option, 10^-6 */
		opt(&idb, OPT_IF_TSRESOL, &resol, 1);
	}
	opt_end(&idb);
	return block(w, BT_IDB, &idb);
}

bool rs_pcapng_open(struct rs_pcapng_writer *w, struct rs_outfile *f, int linktype,
		    uint32_t snaplen, const char *ifname, const char *appl, bool nano)
{
	return rs_pcapng_section(w, f, appl, NULL, nano) &&
	       rs_pcapng_add_interface(w, linktype, snaplen, ifname) && rs_outfile_flush(f);
}

bool rs_pcapng_section(struct rs_pcapng_writer *w, struct rs_outfile *f, const char *appl,
		       const char *comment, bool nano)
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
	if (comment)
		opt_str(&shb, OPT_COMMENT, comment);
	if (appl)
		opt_str(&shb, OPT_SHB_USERAPPL, appl);
	opt_end(&shb);
	return block(w, BT_SHB, &shb);
}

/* A time in the unit of interface ifid (its if_tsresol): frac is in that
 * unit already. */
static uint64_t ticks(const struct rs_pcapng_writer *w, uint32_t ifid, uint64_t sec, uint64_t frac)
{
	bool nano = ifid < w->nifs ? w->if_nano[ifid] : w->nano;
	return sec * (nano ? 1000000000u : 1000000u) + frac;
}

bool rs_pcapng_write(struct rs_pcapng_writer *w, const struct pcap_pkthdr *h,
		     const uint8_t *bytes, enum rs_pkt_dir dir)
{
	return rs_pcapng_write_on(w, 0, h, bytes, dir);
}

bool rs_pcapng_write_on(struct rs_pcapng_writer *w, uint32_t ifid, const struct pcap_pkthdr *h,
			const uint8_t *bytes, enum rs_pkt_dir dir)
{
	return rs_pcapng_write_notes(w, ifid, h, bytes, dir, NULL, NULL, 0);
}

/* The code and length of an option: two 16-bit fields in host order, one
 * word (on a big-endian host they swap within it). */
static uint32_t opt_head(uint16_t code, uint16_t len)
{
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		return (uint32_t)code << 16 | len;
	return (uint32_t)len << 16 | code;
}

static uint32_t pad_of(uint32_t n)
{
	return (4 - n % 4) % 4;
}

bool rs_pcapng_write_notes(struct rs_pcapng_writer *w, uint32_t ifid, const struct pcap_pkthdr *h,
			   const uint8_t *bytes, enum rs_pkt_dir dir, const uint8_t *const *comment,
			   const uint16_t *comment_len, unsigned n_comments)
{
	uint64_t ts = ticks(w, ifid, (uint64_t)h->ts.tv_sec, (uint64_t)h->ts.tv_usec);
	/* epb_flags: bits 0-1 are the direction, 01 inbound, 10 outbound. */
	uint32_t flags = dir == RS_PKT_DIR_IN ? 1 : dir == RS_PKT_DIR_OUT ? 2 : 0;
	uint32_t flag_opt[2] = { opt_head(OPT_EPB_FLAGS, 4), flags };
	uint32_t end = OPT_ENDOFOPT;
	uint32_t optlen = flags ? 8 : 0;
	for (unsigned i = 0; i < n_comments; i++)
		optlen += comment_len[i] ? 4 + comment_len[i] + pad_of(comment_len[i]) : 0;
	uint32_t total = 32 + h->caplen + pad_of(h->caplen) + optlen + (optlen ? 4 : 0);
	uint32_t head[7] = {
		BT_EPB, total, ifid, (uint32_t)(ts >> 32), (uint32_t)ts,
		h->caplen, h->len,
	};
	static const uint8_t zero[3];
	out(w, head, sizeof(head));
	out(w, bytes, h->caplen);
	out(w, zero, pad_of(h->caplen));
	for (unsigned i = 0; i < n_comments; i++) {
		if (!comment_len[i])
			continue;
		uint32_t ch = opt_head(OPT_COMMENT, comment_len[i]);
		out(w, &ch, 4);
		out(w, comment[i], comment_len[i]);
		out(w, zero, pad_of(comment_len[i]));
	}
	if (flags)
		out(w, flag_opt, sizeof(flag_opt));
	if (optlen)
		out(w, &end, 4);
	out(w, &total, 4);
	return rs_outfile_end(w->f, true);
}

bool rs_pcapng_write_stats(struct rs_pcapng_writer *w, const struct rs_pcapng_stats *st)
{
	uint64_t ns = (uint64_t)st->taken.tv_nsec;
	bool nano = w->nifs ? w->if_nano[0] : w->nano;
	uint64_t ts = ticks(w, 0, (uint64_t)st->taken.tv_sec, nano ? ns : ns / 1000);
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
