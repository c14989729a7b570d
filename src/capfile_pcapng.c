/*
 * capfile_pcapng.c: rawshake's own pcapng reader (draft-ietf-opsawg-pcapng,
 * "PCAP Next Generation Dump File Format"): every block of every section,
 * each packet with its own interface's link type, snap length, timestamp
 * resolution and offset, name and direction.
 *
 * libpcap's reader keeps the link type and snap length of the first
 * interface for the whole file (it stops at an interface with another
 * snap length and cannot hand out packets of another link type) and
 * exposes neither interface ids, names nor direction flags.
 *
 * Every length in a block is checked against the block, and every block
 * against the file, through the bounds-checked reader.  A file that ends
 * inside a block is truncated (RS_CAP_TRUNCATED); a block that lies about
 * its own lengths is an error (RS_CAP_ERROR), with libpcap's wording where
 * libpcap has one.
 */
#include "capfile_int.h"
#include "rawshake/reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB  0x00000002u   /* obsolete Packet Block */
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define OPT_EPB_FLAGS 2       /* pack_flags in the obsolete Packet Block */

/* libpcap's bound on a block (it grows its buffer up to this). */
#define MAX_BLOCK (16u << 20)
/* Interfaces per section, names kept per interface, link types a filter
 * is compiled for: bounds against a crafted file, far above real ones. */
#define MAX_IFS 65536u
#define MAX_NAME 255u
#define MAX_PROGS 64u

struct ng_if {
	int dlt;
	uint32_t snaplen;        /* as written (0: no limit) */
	uint32_t snapshot;       /* records are cut to it, as libpcap does */
	uint64_t units;          /* timestamp units per second */
	int64_t offset;          /* if_tsoffset, seconds */
	uint8_t digits;          /* 6 or 9 */
	char *name, *descr;      /* NUL-terminated copies, or NULL */
	int prog;                /* index in progs once looked up, else -1 */
};

struct ng_prog {
	int dlt;
	bool ok;                 /* compiled: else the filter cannot apply */
	struct bpf_program prog;
};

struct rs_capfile_ng {
	bool le;                 /* the section's byte order */
	uint64_t sections;
	struct ng_if *ifs;
	uint32_t nifs, cap_ifs;
	char *filter;
	struct ng_prog progs[MAX_PROGS];
	unsigned nprogs;
	struct rs_pkt_meta meta;
	/* What the open met after the section header, before any interface
	 * (an error, the end), for the first rs_pcapng_next. */
	bool has_pending;
	enum rs_cap_result pending;
};

enum ng_step {
	NG_MORE,        /* a block that holds no packet: go on */
	NG_PACKET,
	NG_EOF,
	NG_TRUNCATED,
	NG_ERROR,
};

/* Reads in the section's byte order. */
static uint16_t ng_u16(const struct rs_capfile_ng *ng, struct rs_reader *r, size_t off)
{
	uint8_t b[2];

	if (!rs_get_bytes(r, off, b, 2))
		return 0;
	return ng->le ? (uint16_t)(b[0] | b[1] << 8) : (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t ng_u32(const struct rs_capfile_ng *ng, struct rs_reader *r, size_t off)
{
	return ng->le ? rs_get_le32(r, off) : rs_get_be32(r, off);
}

static uint64_t ng_u64(const struct rs_capfile_ng *ng, struct rs_reader *r, size_t off)
{
	uint64_t a = ng_u32(ng, r, off), b = ng_u32(ng, r, off + 4);
	return ng->le ? b << 32 | a : a << 32 | b;
}

static enum ng_step ng_fail(struct rs_capfile *cf, enum ng_step st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum ng_step ng_fail(struct rs_capfile *cf, enum ng_step st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cf->errbuf, sizeof(cf->errbuf), fmt, ap);
	va_end(ap);
	return st;
}

/* A note about interface id whose link type the filter cannot apply to
 * (the first such note is kept until the reader takes it). */
static void ng_note_filter(struct rs_capfile *cf, uint32_t id, int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	if (cf->note[0])
		return;
	snprintf(cf->note, sizeof(cf->note),
		 "the filter does not apply to interface %u (link type %s): %s; its packets are "
		 "left out", id, name ? name : "unknown", cf->errbuf);
}

/* One option: code, length, value; the value is a window on the block. */
struct ng_opt {
	uint16_t code, len;
	struct rs_reader val;
};

/*
 * The option at *off of the options area r, then *off moves past it and
 * its padding.  False at opt_endofopt or when no option header fits (the
 * area may end without opt_endofopt); *bad when the value runs past the
 * block.  A last option whose padding is missing is taken.
 */
static bool ng_opt_next(const struct rs_capfile_ng *ng, struct rs_reader *r, size_t *off,
			struct ng_opt *opt, bool *bad)
{
	if (!rs_reader_has(r, *off, 4))
		return false;
	opt->code = ng_u16(ng, r, *off);
	opt->len = ng_u16(ng, r, *off + 2);
	if (opt->code == OPT_ENDOFOPT)
		return false;
	if (!rs_reader_has(r, *off + 4, opt->len)) {
		*bad = true;
		return false;
	}
	opt->val = rs_reader_sub(r, *off + 4, opt->len);
	*off += 4 + (((size_t)opt->len + 3) & ~(size_t)3);
	return true;
}

static enum ng_step ng_bad_option(struct rs_capfile *cf, const char *block, const struct ng_opt *o)
{
	return ng_fail(cf, NG_ERROR, "%s has an option (code %u) of length %u that runs past the "
			   "end of the block", block, o->code, o->len);
}

/* A string option as a NUL-terminated copy: up to its first NUL, at most
 * MAX_NAME bytes (the rest is dropped). */
static char *ng_strdup(const struct ng_opt *o)
{
	struct rs_reader v = o->val;
	size_t n = 0;

	while (n < v.len && n < MAX_NAME && rs_get_u8(&v, n) != 0)
		n++;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	if (n && !rs_get_bytes(&v, 0, s, n)) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

static void ng_free_ifs(struct rs_capfile_ng *ng)
{
	for (uint32_t i = 0; i < ng->nifs; i++) {
		free(ng->ifs[i].name);
		free(ng->ifs[i].descr);
	}
	ng->nifs = 0;
}

/* Section Header Block: byte order, version; the interfaces of the
 * previous section are gone.  The block's own first bytes were read in
 * ng_block already (they tell the byte order). */
static enum ng_step ng_shb(struct rs_capfile *cf, struct rs_reader *body)
{
	struct rs_capfile_ng *ng = cf->ng;

	if (!rs_reader_has(body, 0, 16))
		return ng_fail(cf, NG_ERROR, "section header block is %zu bytes long, less than 28",
			       body->len + 12);
	uint16_t major = ng_u16(ng, body, 4), minor = ng_u16(ng, body, 6);
	/* What libpcap reads: 1.0, and 1.2 that some writers put. */
	if (major != 1 || (minor != 0 && minor != 2))
		return ng_fail(cf, NG_ERROR, "unsupported pcapng savefile version %u.%u", major,
			       minor);
	size_t off = 16;
	struct ng_opt o;
	bool bad = false;
	while (ng_opt_next(ng, body, &off, &o, &bad))
		;   /* shb_hardware, shb_os, shb_userappl, comments: not shown */
	if (bad)
		return ng_bad_option(cf, "section header block", &o);
	ng_free_ifs(ng);
	ng->sections++;
	return NG_MORE;
}

/* The compiled filter for a link type, compiling it the first time;
 * NULL when it cannot apply (a note says why, once per link type). */
static const struct ng_prog *ng_prog_for(struct rs_capfile *cf, int dlt, bool *first_failure)
{
	struct rs_capfile_ng *ng = cf->ng;

	*first_failure = false;
	for (unsigned i = 0; i < ng->nprogs; i++)
		if (ng->progs[i].dlt == dlt)
			return ng->progs[i].ok ? &ng->progs[i] : NULL;
	if (ng->nprogs == MAX_PROGS) {
		snprintf(cf->errbuf, sizeof(cf->errbuf), "not compiled for more than %u link types",
			 MAX_PROGS);
		*first_failure = true;
		return NULL;
	}
	struct ng_prog *p = &ng->progs[ng->nprogs++];
	p->dlt = dlt;
	p->ok = false;
	p->ok = rs_capfile_compile(dlt, ng->filter, &p->prog, cf->errbuf, sizeof(cf->errbuf));
	if (!p->ok)
		*first_failure = true;
	return p->ok ? p : NULL;
}

/* Interface Description Block: link type, snap length, name, description,
 * timestamp resolution and offset. */
static enum ng_step ng_idb(struct rs_capfile *cf, struct rs_reader *body)
{
	struct rs_capfile_ng *ng = cf->ng;

	if (!rs_reader_has(body, 0, 8))
		return ng_fail(cf, NG_ERROR, "interface description block is %zu bytes long, less "
			       "than 20", body->len + 12);
	if (ng->nifs == MAX_IFS)
		return ng_fail(cf, NG_ERROR, "more than %u interfaces in one section", MAX_IFS);
	if (ng->nifs == ng->cap_ifs) {
		uint32_t cap = ng->cap_ifs ? ng->cap_ifs * 2 : 4;
		struct ng_if *n = realloc(ng->ifs, cap * sizeof(*n));
		if (!n)
			return ng_fail(cf, NG_ERROR, "out of memory for interface %u", ng->nifs);
		ng->ifs = n;
		ng->cap_ifs = cap;
	}
	struct ng_if *i = &ng->ifs[ng->nifs];
	memset(i, 0, sizeof(*i));
	i->prog = -1;
	uint16_t linktype = ng_u16(ng, body, 0);
	i->dlt = rs_capfile_linktype_to_dlt(linktype);
	i->snaplen = ng_u32(ng, body, 4);
	/* libpcap's adjustment: 0 or more than it ever captures is its maximum. */
	i->snapshot = i->snaplen == 0 || i->snaplen > RS_CAP_MAX_SNAPLEN ? RS_CAP_MAX_SNAPLEN
									  : i->snaplen;
	i->units = 1000000;   /* no if_tsresol: microseconds */
	i->digits = 6;

	enum ng_step st = NG_MORE;
	size_t off = 8;
	struct ng_opt o;
	bool bad = false;
	while (st == NG_MORE && ng_opt_next(ng, body, &off, &o, &bad)) {
		switch (o.code) {
		case OPT_IF_NAME:
		case OPT_IF_DESCRIPTION: {
			char **dst = o.code == OPT_IF_NAME ? &i->name : &i->descr;
			free(*dst);
			*dst = ng_strdup(&o);
			if (!*dst)
				st = ng_fail(cf, NG_ERROR, "out of memory for an interface name");
			break;
		}
		case OPT_IF_TSRESOL: {
			if (o.len != 1) {
				st = ng_fail(cf, NG_ERROR, "Interface Description Block if_tsresol "
					     "option length %u != 1", o.len);
				break;
			}
			uint8_t res = rs_get_u8(&o.val, 0), n = res & 0x7f;
			/* As libpcap: a second must fit in the 64-bit timestamp. */
			if ((res & 0x80) ? n > 63 : n > 19) {
				st = ng_fail(cf, NG_ERROR, "Interface Description Block if_tsresol "
					     "option resolution %s%u is too high",
					     (res & 0x80) ? "2^-" : "10^-", n);
				break;
			}
			uint64_t u = 1;
			if (res & 0x80)
				u <<= n;
			else
				for (unsigned k = 0; k < n; k++)
					u *= 10;
			i->units = u;
			i->digits = rs_capfile_tsresol_digits(res);
			break;
		}
		case OPT_IF_TSOFFSET:
			if (o.len != 8) {
				st = ng_fail(cf, NG_ERROR, "Interface Description Block if_tsoffset "
					     "option length %u != 8", o.len);
				break;
			}
			i->offset = (int64_t)ng_u64(ng, &o.val, 0);
			break;
		default:
			break;   /* if_IPv4addr, if_MACaddr, if_speed, if_os, if_fcslen, ... */
		}
	}
	if (st == NG_MORE && bad)
		st = ng_bad_option(cf, "interface description block", &o);
	if (st != NG_MORE) {
		free(i->name);
		free(i->descr);
		return st;
	}
	ng->nifs++;
	if (ng->filter) {
		bool failed;
		const struct ng_prog *p = ng_prog_for(cf, i->dlt, &failed);
		i->prog = p ? (int)(p - ng->progs) : -1;
		if (failed)
			ng_note_filter(cf, ng->nifs - 1, i->dlt);
	}
	return NG_MORE;
}

/*
 * A timestamp in the interface's units, as seconds and nanoseconds
 * (exact: the fraction is scaled with 128-bit arithmetic), moved by
 * if_tsoffset.  A time before 1970 is shown as 1970 (the view's clock
 * counts from there), one past 2^63 seconds as 2^63 - 1, and the packet
 * says its time was invalid.
 */
static void ng_time(struct rs_capfile *cf, const struct ng_if *i, uint64_t ts,
		    struct pcap_pkthdr *h)
{
	uint64_t sec = ts / i->units, frac = ts % i->units, ns;

	if (i->units == 1000000)
		ns = frac * 1000;
	else if (i->units == 1000000000)
		ns = frac;
	else
		ns = (uint64_t)((unsigned __int128)frac * 1000000000u / i->units);
	int64_t s = sec > INT64_MAX ? INT64_MAX : (int64_t)sec;
	bool bad = sec > INT64_MAX;
	if (__builtin_add_overflow(s, i->offset, &s)) {
		s = i->offset < 0 ? 0 : INT64_MAX;
		bad = true;
	}
	if (s < 0) {
		s = 0;
		ns = 0;
		bad = true;
	}
	if (bad) {
		snprintf(cf->ts_note, sizeof(cf->ts_note), "timestamp %llu in units of 1/%llu s "
			 "(offset %lld s) is out of range", (unsigned long long)ts,
			 (unsigned long long)i->units, (long long)i->offset);
		cf->cur.ts_problem = cf->ts_note;
	}
	h->ts.tv_sec = (time_t)s;
	h->ts.tv_usec = (suseconds_t)ns;
}

/* The interface a packet block names; NG_ERROR when there is none. */
static enum ng_step ng_iface(struct rs_capfile *cf, uint32_t id, const struct ng_if **out)
{
	struct rs_capfile_ng *ng = cf->ng;

	if (id >= ng->nifs)
		return ng_fail(cf, NG_ERROR, "a packet arrived on interface %u, but there's no "
			       "Interface Description Block for that interface", id);
	*out = &ng->ifs[id];
	return NG_MORE;
}

/* Hands out a packet of interface id: header, meta, data. */
static enum ng_step ng_packet(struct rs_capfile *cf, uint32_t id, const struct ng_if *i,
			      uint32_t caplen, uint32_t len, enum rs_pkt_dir dir)
{
	struct rs_capfile_ng *ng = cf->ng;
	struct rs_pkt_meta *m = &ng->meta;

	cf->own.hdr.caplen = caplen > i->snapshot ? i->snapshot : caplen;
	cf->own.hdr.len = len;
	cf->cur.dlt = i->dlt;
	cf->cur.ts_digits = i->digits;
	cf->cur.ifid = id;
	cf->cur.meta = m;
	m->dir = dir;
	/*
	 * A Linux cooked v2 packet names its own interface (an index): the
	 * name of the capturing one ("any") would hide it.  Text names the
	 * interface when the section has several so far (a stream cannot look
	 * ahead for interfaces described later).
	 */
	m->ifname = i->dlt == DLT_LINUX_SLL2 ? NULL : i->name;
	m->show_if = ng->nifs > 1;
	m->local_mac = NULL;
	return NG_PACKET;
}

/* The direction bits of epb_flags / pack_flags (01 inbound, 10 outbound). */
static enum rs_pkt_dir ng_flags_dir(uint32_t flags)
{
	switch (flags & 3) {
	case 1: return RS_PKT_DIR_IN;
	case 2: return RS_PKT_DIR_OUT;
	default: return RS_PKT_DIR_UNKNOWN;
	}
}

/* The options of a packet block: flags (direction) and the comments (the
 * first RS_MAX_COMMENTS, for the printers; the first also in cur). */
static enum ng_step ng_packet_opts(struct rs_capfile *cf, const char *block,
				   struct rs_reader *body, size_t off, enum rs_pkt_dir *dir)
{
	struct rs_capfile_ng *ng = cf->ng;
	struct ng_opt o;
	bool bad = false;

	while (ng_opt_next(ng, body, &off, &o, &bad)) {
		if (o.code == OPT_EPB_FLAGS && o.len == 4) {
			*dir = ng_flags_dir(ng_u32(ng, &o.val, 0));
		} else if (o.code == OPT_COMMENT && o.len > 0) {
			struct rs_pkt_meta *m = &ng->meta;
			if (!cf->cur.comment) {
				cf->cur.comment = o.val.p;
				cf->cur.comment_len = o.len;
			}
			if (m->n_comments < RS_MAX_COMMENTS) {
				m->comment[m->n_comments] = o.val.p;
				m->comment_len[m->n_comments++] = o.len;
			}
		}
	}
	if (bad)
		return ng_bad_option(cf, block, &o);
	return NG_MORE;
}

/* Enhanced Packet Block, and the obsolete Packet Block (16-bit interface
 * id and drop count where the EPB has its 32-bit interface id). */
static enum ng_step ng_epb(struct rs_capfile *cf, struct rs_reader *body, bool obsolete,
			   const uint8_t **data)
{
	struct rs_capfile_ng *ng = cf->ng;
	const char *what = obsolete ? "packet block" : "enhanced packet block";
	const struct ng_if *i = NULL;
	enum ng_step st;

	if (!rs_reader_has(body, 0, 20))
		return ng_fail(cf, NG_ERROR, "%s is %zu bytes long, less than 32", what,
			       body->len + 12);
	uint32_t id = obsolete ? ng_u16(ng, body, 0) : ng_u32(ng, body, 0);
	uint64_t ts = (uint64_t)ng_u32(ng, body, 4) << 32 | ng_u32(ng, body, 8);
	uint32_t caplen = ng_u32(ng, body, 12), len = ng_u32(ng, body, 16);
	if ((st = ng_iface(cf, id, &i)) != NG_MORE)
		return st;
	if (!rs_reader_has(body, 20, caplen))
		return ng_fail(cf, NG_ERROR, "%s of %zu bytes cannot hold its %u captured bytes",
			       what, body->len + 12, caplen);
	enum rs_pkt_dir dir = RS_PKT_DIR_UNKNOWN;
	size_t opts = 20 + (((size_t)caplen + 3) & ~(size_t)3);
	if ((st = ng_packet_opts(cf, what, body, opts, &dir)) != NG_MORE)
		return st;
	ng_time(cf, i, ts, &cf->own.hdr);
	*data = body->p + 20;
	return ng_packet(cf, id, i, caplen, len, dir);
}

/* Simple Packet Block: interface 0, no timestamp, the captured length is
 * the original length cut to the interface's snap length. */
static enum ng_step ng_spb(struct rs_capfile *cf, struct rs_reader *body, const uint8_t **data)
{
	struct rs_capfile_ng *ng = cf->ng;
	const struct ng_if *i = NULL;
	enum ng_step st;

	if (!rs_reader_has(body, 0, 4))
		return ng_fail(cf, NG_ERROR, "simple packet block is %zu bytes long, less than 16",
			       body->len + 12);
	uint32_t len = ng_u32(ng, body, 0);
	if ((st = ng_iface(cf, 0, &i)) != NG_MORE)
		return st;
	uint32_t caplen = i->snaplen && len > i->snaplen ? i->snaplen : len;
	if (caplen > i->snapshot)
		caplen = i->snapshot;
	if (!rs_reader_has(body, 4, caplen))
		return ng_fail(cf, NG_ERROR, "simple packet block of %zu bytes cannot hold its %u "
			       "captured bytes", body->len + 12, caplen);
	cf->own.hdr.ts.tv_sec = 0;
	cf->own.hdr.ts.tv_usec = 0;
	*data = body->p + 4;
	return ng_packet(cf, 0, i, caplen, len, RS_PKT_DIR_UNKNOWN);
}

/* Reads the block at own.off; NG_PACKET with *data set, or what else. */
static enum ng_step ng_block(struct rs_capfile *cf, const uint8_t **data)
{
	struct rs_capfile_own *o = &cf->own;
	struct rs_capfile_ng *ng = cf->ng;

	if (rs_capfile_map_lost(o)) {
		rs_capfile_cut_short(cf);
		return NG_TRUNCATED;
	}
	if (!rs_capfile_fill(o, 8)) {
		if (o->len == o->off)
			return o->fp && ferror(o->fp) ? ng_fail(cf, NG_ERROR, "read error")
						      : NG_EOF;
		return ng_fail(cf, NG_TRUNCATED,
			       "truncated pcapng dump file; tried to read 8 header bytes, only got %zu",
			       o->len - o->off);
	}
	struct rs_reader r = rs_reader_make(o->buf + o->off, o->len - o->off);
	/* The section header's type reads the same in both byte orders; its
	 * byte-order magic sets the order for its length and the rest. */
	uint32_t type = rs_get_be32(&r, 0);
	if (type == BT_SHB) {
		if (!rs_capfile_fill(o, 12))
			return ng_fail(cf, NG_TRUNCATED, "truncated pcapng dump file; tried to read "
				       "12 section header bytes, only got %zu", o->len - o->off);
		r = rs_reader_make(o->buf + o->off, o->len - o->off);
		uint32_t magic = rs_get_be32(&r, 8);
		if (magic == BYTE_ORDER_MAGIC)
			ng->le = false;
		else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
			ng->le = true;
		else
			return ng_fail(cf, NG_ERROR, "section header block with unknown byte-order "
				       "magic 0x%08x", magic);
	} else {
		type = ng_u32(ng, &r, 0);
	}
	uint32_t total = ng_u32(ng, &r, 4);
	if (total == 0 && rs_capfile_shrank(o)) {
		rs_capfile_cut_short(cf);
		return NG_TRUNCATED;
	}
	if (total < 12)
		return ng_fail(cf, NG_ERROR, "block in pcapng dump file has a length of %u < 12",
			       total);
	if (total % 4)
		return ng_fail(cf, NG_ERROR, "block in pcapng dump file has a length of %u that is "
			       "not a multiple of 4", total);
	if (total > MAX_BLOCK)
		return ng_fail(cf, NG_ERROR, "pcapng block size %u > maximum %u", total, MAX_BLOCK);
	if (!rs_capfile_fill(o, total))
		return ng_fail(cf, NG_TRUNCATED, "truncated pcapng dump file; tried to read %u-byte "
			       "block, only got %zu", total, o->len - o->off);
	/* The buffer may have moved. */
	r = rs_reader_make(o->buf + o->off, total);
	if (ng_u32(ng, &r, total - 4) != total)
		return ng_fail(cf, NG_ERROR, "block total length in header and trailer don't match");
	struct rs_reader body = rs_reader_sub(&r, 8, total - 12);

	enum ng_step st;
	cf->cur.comment = NULL;
	cf->cur.comment_len = 0;
	ng->meta.n_comments = 0;
	switch (type) {
	case BT_SHB: st = ng_shb(cf, &body); break;
	case BT_IDB: st = ng_idb(cf, &body); break;
	case BT_EPB: st = ng_epb(cf, &body, false, data); break;
	case BT_PB: st = ng_epb(cf, &body, true, data); break;
	case BT_SPB: st = ng_spb(cf, &body, data); break;
	default:
		/* Interface statistics, name resolution, decryption secrets,
		 * custom and unknown blocks: skipped by their length. */
		st = NG_MORE;
		break;
	}
	if (st == NG_MORE || st == NG_PACKET) {
		if (st == NG_PACKET)
			rs_capfile_drop_read(o);   /* below this block, which is handed out */
		o->off += total;
		if (st == NG_PACKET)
			rs_capfile_prefetch(o);
	}
	return st;
}

static enum rs_cap_result ng_result(enum ng_step st)
{
	switch (st) {
	case NG_PACKET: return RS_CAP_PACKET;
	case NG_EOF: return RS_CAP_EOF;
	case NG_TRUNCATED: return RS_CAP_TRUNCATED;
	default: return RS_CAP_ERROR;
	}
}

bool rs_pcapng_start(struct rs_capfile *cf, char *err, size_t errlen)
{
	struct rs_capfile_ng *ng = calloc(1, sizeof(*ng));
	const uint8_t *data;

	if (!ng) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	cf->ng = ng;
	cf->dlt = -1;
	cf->ts_digits = 6;
	cf->cur.dlt = -1;
	cf->cur.ts_digits = 6;
	/* The section header must be good, or this is no pcapng file (as
	 * libpcap, which says so when it opens the file). */
	enum ng_step st = ng_block(cf, &data);
	if (st != NG_MORE) {
		snprintf(err, errlen, "not a pcap or pcapng capture file (%s)",
			 st == NG_EOF ? "empty section header" : cf->errbuf);
		return false;
	}
	/* Then the blocks up to the first interface, whose link type is the
	 * file's for the "not supported" check and the filter's first
	 * compilation.  A packet before it, an error or the end waits for the
	 * first rs_pcapng_next: the file is a capture, damaged or empty. */
	while (ng->nifs == 0) {
		/* Never a packet: a packet block needs an interface. */
		st = ng_block(cf, &data);
		if (st == NG_MORE)
			continue;
		ng->has_pending = true;
		ng->pending = ng_result(st);
		break;
	}
	if (ng->nifs > 0) {
		cf->dlt = ng->ifs[0].dlt;
		cf->ts_digits = ng->ifs[0].digits;
		cf->cur.dlt = cf->dlt;
		cf->cur.ts_digits = cf->ts_digits;
	}
	return true;
}

enum rs_cap_result rs_pcapng_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				  const uint8_t **data)
{
	struct rs_capfile_ng *ng = cf->ng;

	if (ng->has_pending) {
		ng->has_pending = false;
		return ng->pending;
	}
	for (;;) {
		enum ng_step st = ng_block(cf, data);
		if (st == NG_MORE)
			continue;
		if (st != NG_PACKET)
			return ng_result(st);
		if (ng->filter) {
			const struct ng_if *i = &ng->ifs[cf->cur.ifid];
			if (i->prog < 0 ||
			    !pcap_offline_filter(&ng->progs[i->prog].prog, &cf->own.hdr, *data))
				continue;
		}
		*hdr = &cf->own.hdr;
		return RS_CAP_PACKET;
	}
}

bool rs_pcapng_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen)
{
	struct rs_capfile_ng *ng = cf->ng;

	for (unsigned k = 0; k < ng->nprogs; k++)
		if (ng->progs[k].ok)
			pcap_freecode(&ng->progs[k].prog);
	ng->nprogs = 0;
	free(ng->filter);
	ng->filter = strdup(expr);
	if (!ng->filter) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	/* The first interface's link type decides whether the filter is good,
	 * as for a classic file; with no interface yet, Ethernet's (a check of
	 * the syntax: a section without interfaces has no packets). */
	int first = ng->nifs ? ng->ifs[0].dlt : DLT_EN10MB;
	bool failed;
	if (!ng_prog_for(cf, first, &failed)) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, cf->errbuf);
		free(ng->filter);
		ng->filter = NULL;
		ng->nprogs = 0;
		return false;
	}
	for (uint32_t i = 0; i < ng->nifs; i++) {
		const struct ng_prog *p = ng_prog_for(cf, ng->ifs[i].dlt, &failed);
		ng->ifs[i].prog = p ? (int)(p - ng->progs) : -1;
		if (failed)
			ng_note_filter(cf, i, ng->ifs[i].dlt);
	}
	return true;
}

void rs_pcapng_free(struct rs_capfile *cf)
{
	struct rs_capfile_ng *ng = cf->ng;

	if (!ng)
		return;
	ng_free_ifs(ng);
	free(ng->ifs);
	for (unsigned k = 0; k < ng->nprogs; k++)
		if (ng->progs[k].ok)
			pcap_freecode(&ng->progs[k].prog);
	free(ng->filter);
	free(ng);
	cf->ng = NULL;
}

uint32_t rs_capfile_interfaces(const struct rs_capfile *cf)
{
	return cf->ng ? cf->ng->nifs : 0;
}

bool rs_capfile_interface(const struct rs_capfile *cf, uint32_t id, struct rs_cap_iface *out)
{
	if (!cf->ng || id >= cf->ng->nifs)
		return false;
	const struct ng_if *i = &cf->ng->ifs[id];
	out->dlt = i->dlt;
	out->snaplen = i->snaplen;
	out->ts_units = i->units;
	out->ts_offset = i->offset;
	out->ts_digits = i->digits;
	out->name = i->name;
	out->description = i->descr;
	return true;
}
