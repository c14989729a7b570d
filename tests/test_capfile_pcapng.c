/* test_capfile_pcapng.c: the own pcapng reader: interfaces, sections, byte
 * orders, resolutions, options, every block type, cuts and lies, pipes,
 * filters per link type, mapped files.  Run from test_capfile's main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rawshake/capfile.h"

/* Run by test_capfile.c's main. */
extern const struct CMUnitTest rs_test_pcapng_tests[];
extern const size_t rs_test_pcapng_count;

/* --- a pcapng builder, in either byte order ------------------------------ */

struct ngb {
	uint8_t *b;
	size_t n, cap;
	bool be;
};

static void ngb_bytes(struct ngb *g, const void *p, size_t n)
{
	if (g->n + n > g->cap) {
		g->cap = (g->n + n) * 2 + 4096;
		g->b = realloc(g->b, g->cap);
		assert_non_null(g->b);
	}
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void ngb_u16(struct ngb *g, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	if (g->be) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
	ngb_bytes(g, b, 2);
}

static void ngb_u32(struct ngb *g, uint32_t v)
{
	if (g->be) {
		ngb_u16(g, (uint16_t)(v >> 16));
		ngb_u16(g, (uint16_t)v);
	} else {
		ngb_u16(g, (uint16_t)v);
		ngb_u16(g, (uint16_t)(v >> 16));
	}
}

static void ngb_u64(struct ngb *g, uint64_t v)
{
	if (g->be) {
		ngb_u32(g, (uint32_t)(v >> 32));
		ngb_u32(g, (uint32_t)v);
	} else {
		ngb_u32(g, (uint32_t)v);
		ngb_u32(g, (uint32_t)(v >> 32));
	}
}

static void ngb_pad(struct ngb *g)
{
	static const uint8_t z[3];
	ngb_bytes(g, z, (4 - g->n % 4) % 4);
}

static size_t ngb_begin(struct ngb *g, uint32_t type)
{
	size_t start = g->n;
	ngb_u32(g, type);
	ngb_u32(g, 0);   /* total length, set by ngb_end */
	return start;
}

static void ngb_set32(struct ngb *g, size_t at, uint32_t v)
{
	size_t n = g->n;
	g->n = at;
	ngb_u32(g, v);
	g->n = n;
}

static void ngb_end(struct ngb *g, size_t start)
{
	ngb_pad(g);
	uint32_t total = (uint32_t)(g->n - start + 4);
	ngb_u32(g, total);
	ngb_set32(g, start + 4, total);
}

static void ngb_opt(struct ngb *g, uint16_t code, const void *v, uint16_t len)
{
	ngb_u16(g, code);
	ngb_u16(g, len);
	ngb_bytes(g, v, len);
	ngb_pad(g);
}

static void ngb_opt_end(struct ngb *g)
{
	ngb_u32(g, 0);
}

static void ngb_shb(struct ngb *g, bool be)
{
	g->be = be;
	size_t s = ngb_begin(g, 0x0A0D0D0A);
	ngb_u32(g, 0x1A2B3C4D);
	ngb_u16(g, 1);
	ngb_u16(g, 0);
	ngb_u64(g, UINT64_MAX);
	ngb_opt(g, 4, "test", 4);   /* shb_userappl */
	ngb_opt_end(g);
	ngb_end(g, s);
}

/* tsresol < 0: no option; name/descr NULL: none; tsoffset 0: none. */
static void ngb_idb(struct ngb *g, uint16_t linktype, uint32_t snaplen, const char *name,
		    const char *descr, int tsresol, int64_t tsoffset)
{
	size_t s = ngb_begin(g, 1);
	ngb_u16(g, linktype);
	ngb_u16(g, 0);
	ngb_u32(g, snaplen);
	if (name)
		ngb_opt(g, 2, name, (uint16_t)strlen(name));
	if (descr)
		ngb_opt(g, 3, descr, (uint16_t)strlen(descr));
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;
		ngb_opt(g, 9, &r, 1);
	}
	if (tsoffset) {
		uint8_t v[8];
		struct ngb t = { .be = g->be };
		ngb_u64(&t, (uint64_t)tsoffset);
		memcpy(v, t.b, 8);
		free(t.b);
		ngb_opt(g, 14, v, 8);
	}
	if (name || descr || tsresol >= 0 || tsoffset)
		ngb_opt_end(g);
	ngb_end(g, s);
}

/* flags < 0: no epb_flags. */
static void ngb_epb(struct ngb *g, uint32_t ifid, uint64_t ts, const uint8_t *data,
		    uint32_t caplen, uint32_t len, long flags, const char *comment)
{
	size_t s = ngb_begin(g, 6);
	ngb_u32(g, ifid);
	ngb_u32(g, (uint32_t)(ts >> 32));
	ngb_u32(g, (uint32_t)ts);
	ngb_u32(g, caplen);
	ngb_u32(g, len);
	ngb_bytes(g, data, caplen);
	ngb_pad(g);
	if (comment)
		ngb_opt(g, 1, comment, (uint16_t)strlen(comment));
	if (flags >= 0) {
		uint8_t v[4];
		struct ngb t = { .be = g->be };
		ngb_u32(&t, (uint32_t)flags);
		memcpy(v, t.b, 4);
		free(t.b);
		ngb_opt(g, 2, v, 4);
	}
	if (comment || flags >= 0)
		ngb_opt_end(g);
	ngb_end(g, s);
}

static void ngb_spb(struct ngb *g, const uint8_t *data, uint32_t n, uint32_t len)
{
	size_t s = ngb_begin(g, 3);
	ngb_u32(g, len);
	ngb_bytes(g, data, n);
	ngb_end(g, s);
}

static void ngb_pb(struct ngb *g, uint16_t ifid, uint64_t ts, const uint8_t *data, uint32_t n,
		   uint32_t flags)
{
	size_t s = ngb_begin(g, 2);
	ngb_u16(g, ifid);
	ngb_u16(g, 0);
	ngb_u32(g, (uint32_t)(ts >> 32));
	ngb_u32(g, (uint32_t)ts);
	ngb_u32(g, n);
	ngb_u32(g, n);
	ngb_bytes(g, data, n);
	ngb_pad(g);
	uint8_t v[4];
	struct ngb t = { .be = g->be };
	ngb_u32(&t, flags);
	memcpy(v, t.b, 4);
	free(t.b);
	ngb_opt(g, 2, v, 4);
	ngb_opt_end(g);
	ngb_end(g, s);
}

/* A block of a type the reader skips, with some body. */
static void ngb_other(struct ngb *g, uint32_t type, size_t body)
{
	size_t s = ngb_begin(g, type);
	for (size_t i = 0; i < body; i++) {
		uint8_t c = (uint8_t)(i * 7);
		ngb_bytes(g, &c, 1);
	}
	ngb_end(g, s);
}

/* --- packets -------------------------------------------------------------- */

/* A 60-byte Ethernet frame: IPv4 UDP from 192.0.2.1 to 192.0.2.2; the
 * source MAC's last byte is tag (to tell packets apart). */
static void eth_udp(uint8_t *f, uint8_t tag)
{
	static const uint8_t head[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
		0x9c, 0x40, 0x14, 0xb4, 0, 26, 0, 0,
	};
	memset(f, 'u', 60);
	memcpy(f, head, sizeof(head));
	f[11] = tag;
}

/* A 40-byte raw IPv4 TCP SYN from 198.51.100.1; the IP id's low byte is tag. */
static void raw_tcp(uint8_t *f, uint8_t tag)
{
	static const uint8_t head[] = {
		0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 198, 51, 100, 1, 198, 51, 100, 2,
		0x9c, 0x40, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0,
	};
	memcpy(f, head, sizeof(head));
	f[5] = tag;
}

static char path[64];

static void write_file(const struct ngb *g, size_t n)
{
	strcpy(path, "/tmp/rs-test-pcapng-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, g->b, n), (ssize_t)n);
	close(fd);
}

#define SEC 1700000000ull

/*
 * The file most tests read: one little-endian section with
 *   if 0: Ethernet, snaplen 50 (records cut to it), microseconds, "eth0"
 *   if 1: raw IP, snaplen 0 (no limit), nanoseconds, "tun\x01x" (control)
 * and packets: EPB if0 in; EPB if1 out + comment; ISB; NRB; custom block;
 * unknown block; EPB if0 without flags; SPB (if 0); PB if1 out.
 */
static void build_two_if(struct ngb *g)
{
	uint8_t f[60];

	memset(g, 0, sizeof(*g));
	ngb_shb(g, false);
	ngb_idb(g, 1, 50, "eth0", "lab Ethernet", 6, 0);
	ngb_idb(g, 101, 0, "tun\x01x", NULL, 9, 0);
	eth_udp(f, 1);
	ngb_epb(g, 0, SEC * 1000000 + 123456, f, 60, 60, 1, NULL);
	raw_tcp(f, 2);
	ngb_epb(g, 1, SEC * 1000000000 + 987654321, f, 40, 40, 2, "a comment");
	ngb_other(g, 5, 20);            /* ISB */
	ngb_other(g, 4, 12);            /* NRB */
	ngb_other(g, 0x00000BAD, 16);   /* custom */
	ngb_other(g, 0x7fff1234, 9);    /* unknown */
	eth_udp(f, 3);
	ngb_epb(g, 0, SEC * 1000000 + 5, f, 42, 60, -1, NULL);
	eth_udp(f, 4);
	ngb_spb(g, f, 60, 60);
	raw_tcp(f, 5);
	ngb_pb(g, 1, SEC * 1000000000 + 7, f, 40, 2);
}

struct seen {
	uint8_t tag;
	uint32_t ifid, caplen, len;
	int dlt;
	uint8_t digits;
	int64_t sec;
	long nsec;
	enum rs_pkt_dir dir;
	bool show_if;
	char ifname[16];
	char comment[16];
};

static uint8_t tag_of(int dlt, const uint8_t *d)
{
	return dlt == DLT_EN10MB ? d[11] : d[5];
}

/* Reads up to max packets into s; returns the final result. */
static enum rs_cap_result read_all(struct rs_capfile *cf, struct seen *s, unsigned max,
				   unsigned *n)
{
	const struct pcap_pkthdr *h;
	const uint8_t *d;
	enum rs_cap_result r;

	*n = 0;
	while ((r = rs_capfile_next(cf, &h, &d)) == RS_CAP_PACKET) {
		assert_true(*n < max);
		struct seen *e = &s[(*n)++];
		memset(e, 0, sizeof(*e));
		e->dlt = cf->cur.dlt;
		e->tag = tag_of(e->dlt, d);
		e->ifid = cf->cur.ifid;
		e->caplen = h->caplen;
		e->len = h->len;
		e->digits = cf->cur.ts_digits;
		e->sec = h->ts.tv_sec;
		e->nsec = h->ts.tv_usec;
		assert_non_null(cf->cur.meta);
		e->dir = cf->cur.meta->dir;
		e->show_if = cf->cur.meta->show_if;
		if (cf->cur.meta->ifname)
			snprintf(e->ifname, sizeof(e->ifname), "%s", cf->cur.meta->ifname);
		if (cf->cur.comment)
			snprintf(e->comment, sizeof(e->comment), "%.*s", cf->cur.comment_len,
				 (const char *)cf->cur.comment);
	}
	return r;
}

static void check_two_if(const struct seen *s)
{
	/* EPB on Ethernet, inbound, cut to the interface's snaplen 50. */
	assert_int_equal(s[0].tag, 1);
	assert_int_equal(s[0].dlt, DLT_EN10MB);
	assert_int_equal(s[0].ifid, 0);
	assert_int_equal(s[0].caplen, 50);
	assert_int_equal(s[0].len, 60);
	assert_int_equal(s[0].digits, 6);
	assert_int_equal(s[0].sec, SEC);
	assert_int_equal(s[0].nsec, 123456000);
	assert_int_equal(s[0].dir, RS_PKT_DIR_IN);
	assert_true(s[0].show_if);
	assert_string_equal(s[0].ifname, "eth0");
	assert_string_equal(s[0].comment, "");
	/* EPB on raw IP, outbound, nanoseconds, no snaplen, a comment. */
	assert_int_equal(s[1].tag, 2);
	assert_int_equal(s[1].dlt, DLT_RAW);
	assert_int_equal(s[1].ifid, 1);
	assert_int_equal(s[1].caplen, 40);
	assert_int_equal(s[1].digits, 9);
	assert_int_equal(s[1].sec, SEC);
	assert_int_equal(s[1].nsec, 987654321);
	assert_int_equal(s[1].dir, RS_PKT_DIR_OUT);
	assert_string_equal(s[1].ifname, "tun\x01x");
	assert_string_equal(s[1].comment, "a comment");
	/* The four skipped blocks; then an EPB without flags. */
	assert_int_equal(s[2].tag, 3);
	assert_int_equal(s[2].caplen, 42);
	assert_int_equal(s[2].len, 60);
	assert_int_equal(s[2].nsec, 5000);
	assert_int_equal(s[2].dir, RS_PKT_DIR_UNKNOWN);
	/* SPB: interface 0, no time, length from the block cut to snaplen 50. */
	assert_int_equal(s[3].tag, 4);
	assert_int_equal(s[3].ifid, 0);
	assert_int_equal(s[3].caplen, 50);
	assert_int_equal(s[3].len, 60);
	assert_int_equal(s[3].sec, 0);
	assert_string_equal(s[3].ifname, "eth0");
	/* Obsolete Packet Block on interface 1 with pack_flags outbound. */
	assert_int_equal(s[4].tag, 5);
	assert_int_equal(s[4].dlt, DLT_RAW);
	assert_int_equal(s[4].ifid, 1);
	assert_int_equal(s[4].nsec, 7);
	assert_int_equal(s[4].dir, RS_PKT_DIR_OUT);
}

static void test_pcapng_two_interfaces(void **state)
{
	(void)state;
	struct ngb g;
	struct rs_capfile cf;
	struct seen s[8];
	unsigned n;
	char err[512];

	build_two_if(&g);
	write_file(&g, g.n);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_null(cf.pcap);
	assert_non_null(cf.ng);
	assert_int_equal(cf.dlt, DLT_EN10MB);    /* the first interface's */
	assert_int_equal(cf.ts_digits, 6);
	assert_int_equal(read_all(&cf, s, 8, &n), RS_CAP_EOF);
	assert_int_equal(n, 5);
	check_two_if(s);
	struct rs_cap_iface ifc;
	assert_int_equal(rs_capfile_interfaces(&cf), 2);
	assert_true(rs_capfile_interface(&cf, 0, &ifc));
	assert_string_equal(ifc.description, "lab Ethernet");
	assert_int_equal(ifc.snaplen, 50);
	assert_int_equal(ifc.ts_units, 1000000);
	assert_true(rs_capfile_interface(&cf, 1, &ifc));
	assert_null(ifc.description);
	assert_int_equal(ifc.snaplen, 0);
	assert_int_equal(ifc.ts_units, 1000000000);
	assert_false(rs_capfile_interface(&cf, 2, &ifc));
	rs_capfile_close(&cf);
	unlink(path);
	free(g.b);
}

/* The same packets from a pipe: no seeking, and the blocks after the
 * 64 KiB peek come through the buffer. */
static void test_pcapng_from_a_pipe(void **state)
{
	(void)state;
	struct ngb g;
	struct rs_capfile cf;
	struct seen s[8];
	unsigned n;
	char err[512];
	int fds[2];

	build_two_if(&g);
	/* Up to the packets: the section header and the two interfaces. */
	size_t first = 0;
	for (int k = 0; k < 3; k++) {
		uint32_t len;
		memcpy(&len, g.b + first + 4, 4);
		first += len;
	}
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A 100 KiB name resolution block before the packets, so that
		 * they come after the 64 KiB peek, through the buffer. */
		close(fds[0]);
		struct ngb nrb = { 0 };
		ngb_other(&nrb, 4, 100000);
		if (write(fds[1], g.b, first) != (ssize_t)first ||
		    write(fds[1], nrb.b, nrb.n) != (ssize_t)nrb.n ||
		    write(fds[1], g.b + first, g.n - first) != (ssize_t)(g.n - first))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	int saved = dup(0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	assert_true(rs_capfile_open(&cf, "-", err, sizeof(err)));
	assert_false(cf.own.mapped);
	assert_int_equal(read_all(&cf, s, 8, &n), RS_CAP_EOF);
	assert_int_equal(n, 5);
	check_two_if(s);
	rs_capfile_close(&cf);
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	free(g.b);
}

/*
 * Three sections: little-endian, big-endian, little-endian again; the
 * interfaces of one section are gone in the next (interface 1 of the
 * first is unknown in the second); resolutions 2^-30, 10^-3 with an
 * offset back in time, 2^-20, 10^-7 and 10^-8; Linux cooked v2 packets
 * carry no interface name (their own index names it).
 */
static void test_pcapng_sections_and_resolutions(void **state)
{
	(void)state;
	struct ngb g = { 0 };
	struct rs_capfile cf;
	struct seen s[16];
	unsigned n;
	char err[512];
	uint8_t f[60];

	ngb_shb(&g, false);
	ngb_idb(&g, 1, 0, "a0", NULL, 0x80 | 30, 0);
	ngb_idb(&g, 1, 0, "a1", NULL, 3, -100);
	eth_udp(f, 1);
	ngb_epb(&g, 0, (SEC << 30) | (1u << 29), f, 60, 60, -1, NULL);        /* .5 s */
	eth_udp(f, 2);
	ngb_epb(&g, 1, (SEC + 100) * 1000 + 250, f, 60, 60, -1, NULL);        /* .250 s */
	ngb_shb(&g, true);
	ngb_idb(&g, 276, 262144, "any", NULL, 0x80 | 20, 0);
	uint8_t sll2[20 + 40] = { 0x08, 0x00, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 0, 0, 0, 0, 9 };
	raw_tcp(sll2 + 20, 3);
	ngb_epb(&g, 0, ((SEC + 1) << 20) | (1u << 18), sll2, 60, 60, 2, NULL); /* .25 s */
	ngb_shb(&g, false);
	ngb_idb(&g, 1, 0, "c0", NULL, 7, 0);
	ngb_idb(&g, 1, 0, "c1", NULL, 8, 0);
	eth_udp(f, 4);
	ngb_epb(&g, 0, (SEC + 2) * 10000000 + 1234567, f, 60, 60, -1, NULL);
	eth_udp(f, 5);
	ngb_epb(&g, 1, (SEC + 3) * 100000000 + 12345678, f, 60, 60, -1, NULL);
	write_file(&g, g.n);

	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(cf.ts_digits, 9);   /* 2^-30 of the first interface */
	assert_int_equal(read_all(&cf, s, 16, &n), RS_CAP_EOF);
	assert_int_equal(n, 5);
	assert_int_equal(s[0].digits, 9);
	assert_int_equal(s[0].sec, SEC);
	assert_int_equal(s[0].nsec, 500000000);
	assert_string_equal(s[0].ifname, "a0");
	assert_int_equal(s[1].digits, 6);
	assert_int_equal(s[1].sec, SEC);     /* if_tsoffset -100 */
	assert_int_equal(s[1].nsec, 250000000);
	assert_string_equal(s[1].ifname, "a1");
	/* Big-endian section, one interface: no name shown, cooked v2. */
	assert_int_equal(s[2].dlt, DLT_LINUX_SLL2);
	assert_int_equal(s[2].digits, 6);    /* 2^-20 */
	assert_int_equal(s[2].sec, SEC + 1);
	assert_int_equal(s[2].nsec, 250000000);
	assert_int_equal(s[2].ifid, 0);
	assert_false(s[2].show_if);
	assert_string_equal(s[2].ifname, "");
	assert_int_equal(s[2].dir, RS_PKT_DIR_OUT);
	assert_int_equal(s[3].digits, 6);    /* 10^-7 is closer to 6 digits */
	assert_int_equal(s[3].nsec, 123456700);
	assert_int_equal(s[4].digits, 9);    /* 10^-8 is closer to 9 */
	assert_int_equal(s[4].nsec, 123456780);
	assert_string_equal(s[4].ifname, "c1");
	rs_capfile_close(&cf);

	/* A packet of interface 1 of the first section in the second one. */
	struct ngb h = { 0 };
	ngb_shb(&h, false);
	ngb_idb(&h, 1, 0, NULL, NULL, -1, 0);
	ngb_idb(&h, 1, 0, NULL, NULL, -1, 0);
	ngb_shb(&h, true);
	ngb_idb(&h, 1, 0, NULL, NULL, -1, 0);
	eth_udp(f, 6);
	ngb_epb(&h, 1, 0, f, 60, 60, -1, NULL);
	write_file(&h, h.n);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(read_all(&cf, s, 16, &n), RS_CAP_ERROR);
	assert_int_equal(n, 0);
	assert_non_null(strstr(cf.errbuf, "interface 1, but there's no Interface Description"));
	rs_capfile_close(&cf);
	unlink(path);
	free(g.b);
	free(h.b);
}

static void test_tsresol_digits(void **state)
{
	(void)state;
	static const struct {
		uint8_t res, digits;
	} t[] = {
		{ 0, 6 }, { 3, 6 }, { 6, 6 }, { 7, 6 }, { 8, 9 }, { 9, 9 }, { 12, 9 },
		{ 0x80 | 10, 6 }, { 0x80 | 20, 6 }, { 0x80 | 24, 6 }, { 0x80 | 25, 9 },
		{ 0x80 | 30, 9 }, { 0x80 | 63, 9 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(rs_capfile_tsresol_digits(t[i].res), t[i].digits);
}

/*
 * Every cut of the file: the open fails (not even a section header) or
 * every packet before the cut comes out, then the end (at a block
 * boundary) or "truncated" - never an error, never a byte past the cut
 * (the sanitizers see the mapping-free buffer of a small file).
 */
static void test_pcapng_every_cut(void **state)
{
	(void)state;
	struct ngb g;
	struct rs_capfile cf;
	struct seen s[8];
	unsigned n, last = 0;
	char err[512];

	build_two_if(&g);
	size_t boundaries[32], nb = 0;
	for (size_t off = 0; off < g.n && nb < 32;) {
		uint32_t len;
		memcpy(&len, g.b + off + 4, 4);
		off += len;
		boundaries[nb++] = off;
	}
	for (size_t cut = 0; cut <= g.n; cut++) {
		write_file(&g, cut);
		if (!rs_capfile_open(&cf, path, err, sizeof(err))) {
			assert_true(cut < boundaries[0]);
			unlink(path);
			continue;
		}
		assert_true(cut >= boundaries[0]);
		bool at_boundary = false;
		for (size_t k = 0; k < nb; k++)
			at_boundary |= boundaries[k] == cut;
		enum rs_cap_result r = read_all(&cf, s, 8, &n);
		assert_int_equal(r, at_boundary ? RS_CAP_EOF : RS_CAP_TRUNCATED);
		if (r == RS_CAP_TRUNCATED)
			assert_non_null(strstr(cf.errbuf, "truncated pcapng dump file"));
		assert_true(n >= last);
		last = n;
		rs_capfile_close(&cf);
		unlink(path);
	}
	assert_int_equal(last, 5);
	free(g.b);
}

/* Writes g with the 32-bit word at off replaced, opens and reads it;
 * returns the result and the count.  *opened false when the open failed. */
static enum rs_cap_result read_patched(struct ngb *g, size_t off, uint32_t v, unsigned *n,
				       bool *opened, char *err, size_t errlen, char *errbuf)
{
	struct rs_capfile cf;
	struct seen s[8];
	uint32_t saved;

	memcpy(&saved, g->b + off, 4);
	memcpy(g->b + off, &v, 4);
	write_file(g, g->n);
	memcpy(g->b + off, &saved, 4);
	*n = 0;
	*opened = rs_capfile_open(&cf, path, err, errlen);
	if (!*opened) {
		unlink(path);
		return RS_CAP_ERROR;
	}
	enum rs_cap_result r = read_all(&cf, s, 8, n);
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", cf.errbuf);
	rs_capfile_close(&cf);
	unlink(path);
	return r;
}

/* Blocks and options that lie about their lengths are errors (not
 * truncations), told with libpcap's words where it has them; a header
 * that is not pcapng's fails the open. */
static void test_pcapng_lies(void **state)
{
	(void)state;
	struct ngb g;
	char err[512], eb[PCAP_ERRBUF_SIZE];
	unsigned n;
	bool opened;

	build_two_if(&g);
	/* Offsets: SHB 0, IDB0, IDB1, EPB0 (first packet). */
	size_t off[4], o = 0;
	for (int k = 0; k < 4; k++) {
		off[k] = o;
		uint32_t len;
		memcpy(&len, g.b + o + 4, 4);
		o += len;
	}
	uint32_t epb_len;
	memcpy(&epb_len, g.b + off[3] + 4, 4);

	/* The trailer of the first packet block. */
	assert_int_equal(read_patched(&g, off[3] + epb_len - 4, epb_len + 4, &n, &opened, err,
				      sizeof(err), eb), RS_CAP_ERROR);
	assert_true(opened);
	assert_int_equal(n, 0);
	assert_string_equal(eb, "block total length in header and trailer don't match");
	/* Its total length below 12, not a multiple of 4, far too big. */
	assert_int_equal(read_patched(&g, off[3] + 4, 8, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_non_null(strstr(eb, "length of 8 < 12"));
	assert_int_equal(read_patched(&g, off[3] + 4, epb_len + 2, &n, &opened, err, sizeof(err),
				      eb), RS_CAP_ERROR);
	assert_non_null(strstr(eb, "not a multiple of 4"));
	assert_int_equal(read_patched(&g, off[3] + 4, 0x7ffffff0, &n, &opened, err, sizeof(err),
				      eb), RS_CAP_ERROR);
	assert_non_null(strstr(eb, "> maximum"));
	/* A captured length past the block. */
	assert_int_equal(read_patched(&g, off[3] + 20, epb_len, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_non_null(strstr(eb, "cannot hold its"));
	/* An unknown interface. */
	assert_int_equal(read_patched(&g, off[3] + 8, 2, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_non_null(strstr(eb, "interface 2"));
	/* An option (the epb_flags after 60 data bytes) longer than the block. */
	uint32_t opt = 2u | 200u << 16;
	assert_int_equal(read_patched(&g, off[3] + 28 + 60, opt, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_non_null(strstr(eb, "runs past the end of the block"));
	/* The first IDB's if_name option runs past its block: an error at
	 * the first read (the file is pcapng, damaged). */
	uint32_t name = 2u | 300u << 16;
	assert_int_equal(read_patched(&g, off[1] + 16, name, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_true(opened);
	assert_non_null(strstr(eb, "interface description block has an option"));
	/* if_tsresol of 10^-20 (a second would not fit in 64 bits). */
	struct ngb h = { 0 };
	ngb_shb(&h, false);
	ngb_idb(&h, 1, 0, NULL, NULL, 20, 0);
	write_file(&h, h.n);
	struct rs_capfile cf;
	struct seen s[4];
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(read_all(&cf, s, 4, &n), RS_CAP_ERROR);
	assert_non_null(strstr(cf.errbuf, "resolution 10^-20 is too high"));
	rs_capfile_close(&cf);
	unlink(path);
	free(h.b);

	/* Not pcapng after all: byte-order magic, version, a cut header. */
	assert_int_equal(read_patched(&g, 8, 0x12345678, &n, &opened, err, sizeof(err), eb),
			 RS_CAP_ERROR);
	assert_false(opened);
	assert_non_null(strstr(err, "not a pcap or pcapng capture file (section header block "
				    "with unknown byte-order magic"));
	assert_int_equal(read_patched(&g, 12, 2, &n, &opened, err, sizeof(err), eb), RS_CAP_ERROR);
	assert_false(opened);
	assert_non_null(strstr(err, "unsupported pcapng savefile version 2.0"));

	/* A packet block before any interface: a damaged capture, opened,
	 * no link type yet, the error at the first read. */
	struct ngb p = { 0 };
	uint8_t f[60];
	ngb_shb(&p, false);
	eth_udp(f, 1);
	ngb_epb(&p, 0, 0, f, 60, 60, -1, NULL);
	write_file(&p, p.n);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(cf.dlt, -1);
	assert_int_equal(read_all(&cf, s, 4, &n), RS_CAP_ERROR);
	assert_non_null(strstr(cf.errbuf, "no Interface Description Block"));
	rs_capfile_close(&cf);
	/* A section header alone: an empty capture. */
	write_file(&p, 40);   /* the SHB: 28 bytes, shb_userappl (8) and its end (4) */
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(read_all(&cf, s, 4, &n), RS_CAP_EOF);
	rs_capfile_close(&cf);
	unlink(path);
	free(p.b);
	free(g.b);
}

/* A filter is compiled for each interface's link type: "udp" takes UDP
 * over Ethernet and over raw IP; one that cannot apply to raw IP leaves
 * its packets out and says so once; one that does not compile for the
 * first interface is refused. */
static void test_pcapng_filter_per_link_type(void **state)
{
	(void)state;
	struct ngb g = { 0 };
	struct rs_capfile cf;
	struct seen s[8];
	unsigned n;
	char err[512];
	uint8_t f[60];

	ngb_shb(&g, false);
	ngb_idb(&g, 1, 0, "eth0", NULL, -1, 0);
	ngb_idb(&g, 101, 0, "raw0", NULL, -1, 0);
	eth_udp(f, 1);
	ngb_epb(&g, 0, 1, f, 60, 60, -1, NULL);
	raw_tcp(f, 2);
	ngb_epb(&g, 1, 2, f, 40, 40, -1, NULL);
	/* A raw UDP datagram: the Ethernet frame's IP part. */
	eth_udp(f, 3);
	f[14 + 5] = 3;
	ngb_epb(&g, 1, 3, f + 14, 46, 46, -1, NULL);
	write_file(&g, g.n);

	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(rs_capfile_set_filter(&cf, "udp", err, sizeof(err)));
	assert_int_equal(read_all(&cf, s, 8, &n), RS_CAP_EOF);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].tag, 1);
	assert_int_equal(s[1].ifid, 1);
	assert_int_equal(s[1].tag, 3);
	rs_capfile_close(&cf);

	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(rs_capfile_set_filter(&cf, "tcp", err, sizeof(err)));
	assert_int_equal(read_all(&cf, s, 8, &n), RS_CAP_EOF);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].tag, 2);
	rs_capfile_close(&cf);

	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(rs_capfile_set_filter(&cf, "ether src 02:00:00:00:00:01", err, sizeof(err)));
	assert_string_equal(cf.note, "");   /* interface 1 is not read yet */
	assert_int_equal(read_all(&cf, s, 8, &n), RS_CAP_EOF);
	assert_non_null(strstr(cf.note, "does not apply to interface 1 (link type RAW)"));
	assert_int_equal(n, 1);
	assert_int_equal(s[0].tag, 1);
	assert_false(rs_capfile_set_filter(&cf, "tcp port notaport", err, sizeof(err)));
	assert_non_null(strstr(err, "bad filter"));
	rs_capfile_close(&cf);
	unlink(path);
	free(g.b);
}

/* A pcapng larger than the peek on disk is mapped, like a classic one. */
static void test_pcapng_mapped(void **state)
{
	(void)state;
	struct ngb g = { 0 };
	struct rs_capfile cf;
	char err[512];
	uint8_t f[60];
	const struct pcap_pkthdr *h;
	const uint8_t *d;

	ngb_shb(&g, false);
	ngb_idb(&g, 1, 0, "eth0", NULL, 9, 0);
	for (unsigned i = 0; i < 20000; i++) {
		eth_udp(f, (uint8_t)i);
		ngb_epb(&g, 0, SEC * 1000000000 + i, f, 60, 60, i & 1 ? 1 : 2, NULL);
	}
	write_file(&g, g.n);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(cf.own.mapped);
	unsigned n = 0;
	enum rs_cap_result r;
	while ((r = rs_capfile_next(&cf, &h, &d)) == RS_CAP_PACKET) {
		assert_int_equal(d[11], n & 0xff);
		assert_int_equal(h->ts.tv_usec, n);
		assert_int_equal(cf.cur.meta->dir, n & 1 ? RS_PKT_DIR_IN : RS_PKT_DIR_OUT);
		assert_false(cf.cur.meta->show_if);
		n++;
	}
	assert_int_equal(r, RS_CAP_EOF);
	assert_int_equal(n, 20000);
	rs_capfile_close(&cf);
	unlink(path);
	free(g.b);
}

const struct CMUnitTest rs_test_pcapng_tests[] = {
	cmocka_unit_test(test_pcapng_two_interfaces),
	cmocka_unit_test(test_pcapng_from_a_pipe),
	cmocka_unit_test(test_pcapng_sections_and_resolutions),
	cmocka_unit_test(test_tsresol_digits),
	cmocka_unit_test(test_pcapng_every_cut),
	cmocka_unit_test(test_pcapng_lies),
	cmocka_unit_test(test_pcapng_filter_per_link_type),
	cmocka_unit_test(test_pcapng_mapped),
};
const size_t rs_test_pcapng_count = sizeof(rs_test_pcapng_tests) / sizeof(rs_test_pcapng_tests[0]);
