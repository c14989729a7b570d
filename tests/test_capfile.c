/* test_capfile.c: capture-file reading: precision, truncated records, pipes, bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rawshake/capfile.h"
#include "rawshake/pcapng_writer.h"

/* The pcapng reader's tests (test_capfile_pcapng.c). */
extern const struct CMUnitTest rs_test_pcapng_tests[];
extern const size_t rs_test_pcapng_count;

static void test_sniff_pcap_magic(void **state)
{
	(void)state;
	static const uint8_t us_le[] = { 0xd4, 0xc3, 0xb2, 0xa1 };
	static const uint8_t us_be[] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	static const uint8_t ns_le[] = { 0x4d, 0x3c, 0xb2, 0xa1 };
	static const uint8_t ns_be[] = { 0xa1, 0xb2, 0x3c, 0x4d };
	assert_int_equal(rs_capfile_sniff_digits(us_le, 4), 6);
	assert_int_equal(rs_capfile_sniff_digits(us_be, 4), 6);
	assert_int_equal(rs_capfile_sniff_digits(ns_le, 4), 9);
	assert_int_equal(rs_capfile_sniff_digits(ns_be, 4), 9);
	assert_int_equal(rs_capfile_sniff_digits(ns_le, 3), 6);
	assert_int_equal(rs_capfile_sniff_digits(NULL, 0), 6);
}

/* A little-endian pcapng: SHB (28 bytes) then an IDB with if_tsresol. */
static size_t make_pcapng(uint8_t *b, int tsresol)
{
	static const uint8_t shb[28] = {
		0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
		1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
	};
	memcpy(b, shb, sizeof(shb));
	size_t idb_len = tsresol >= 0 ? 32 : 20;
	uint8_t *i = b + 28;
	memset(i, 0, idb_len);
	i[0] = 1;
	i[4] = (uint8_t)idb_len;
	i[8] = 1; /* linktype Ethernet */
	if (tsresol >= 0) {
		i[16] = 9;            /* if_tsresol */
		i[18] = 1;            /* length 1 */
		i[20] = (uint8_t)tsresol;
		/* opt_endofopt at 24..27 is zero */
	}
	i[idb_len - 4] = (uint8_t)idb_len;
	return 28 + idb_len;
}

static void test_sniff_pcapng(void **state)
{
	(void)state;
	uint8_t b[128];
	size_t n = make_pcapng(b, 9);
	assert_int_equal(rs_capfile_sniff_digits(b, n), 9);
	n = make_pcapng(b, 6);
	assert_int_equal(rs_capfile_sniff_digits(b, n), 6);
	n = make_pcapng(b, -1);
	assert_int_equal(rs_capfile_sniff_digits(b, n), 6);
	n = make_pcapng(b, 0x80 | 30); /* 2^-30: finer than a microsecond */
	assert_int_equal(rs_capfile_sniff_digits(b, n), 9);
	/* Every cut of the header must be safe (and fall back to 6). */
	n = make_pcapng(b, 9);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, b, cut);
		assert_int_equal(rs_capfile_sniff_digits(c, cut), 6);
		free(c);
	}
}

static char path[64];

/* Writes a two-packet pcap and returns its size. */
static long write_two_packets(int precision)
{
	strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, (u_int)precision);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	assert_non_null(d);
	uint8_t frame[60] = { 0 };
	struct pcap_pkthdr h = { .caplen = sizeof(frame), .len = sizeof(frame) };
	h.ts.tv_sec = 1700000000;
	h.ts.tv_usec = precision == PCAP_TSTAMP_PRECISION_NANO ? 123456789 : 123456;
	pcap_dump((u_char *)d, &h, frame);
	h.ts.tv_sec++;
	pcap_dump((u_char *)d, &h, frame);
	pcap_dump_close(d);
	pcap_close(dead);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

static void test_reads_nano_file_with_nano_digits(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;

	write_two_packets(PCAP_TSTAMP_PRECISION_NANO);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(cf.ts_digits, 9);
	assert_int_equal(cf.dlt, DLT_EN10MB);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(h->ts.tv_usec, 123456789);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
	rs_capfile_close(&cf);
	unlink(path);
}

/* What the pcapng writer (sniff --pcapng) writes reads back with every
 * time, length, byte and direction, at both resolutions, and the
 * statistics block at the end is no obstacle; libpcap reads it too. */
static void test_pcapng_writer_round_trip(void **state)
{
	(void)state;
	for (int nano = 0; nano <= 1; nano++) {
		char tmpl[] = "/tmp/rs-ng-XXXXXX";
		int fd = mkstemp(tmpl);
		assert_true(fd >= 0);
		close(fd);
		unlink(tmpl);   /* rs_outfile_open makes it anew */
		static struct rs_outfile fp;
		char oerr[512];
		assert_true(rs_outfile_open(&fp, tmpl, NULL, oerr, sizeof(oerr)));
		struct rs_pcapng_writer w;
		assert_true(rs_pcapng_open(&w, &fp, DLT_EN10MB, 262144, "veth0", "rawshake test", nano));
		uint8_t bytes[67];
		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (uint8_t)(i * 13 + 1);
		/* lengths 67, 66, 65, 64: every padding of the packet data;
		 * directions unknown (no epb_flags), in, out, unknown */
		static const enum rs_pkt_dir dirs[4] = { RS_PKT_DIR_UNKNOWN, RS_PKT_DIR_IN,
							 RS_PKT_DIR_OUT, RS_PKT_DIR_UNKNOWN };
		for (unsigned k = 0; k < 4; k++) {
			struct pcap_pkthdr h = { .caplen = 67 - k, .len = 1500 + k };
			h.ts.tv_sec = 1800000000 + k;
			h.ts.tv_usec = nano ? 123456789 - k : 654321 - k;
			assert_true(rs_pcapng_write(&w, &h, bytes + k, dirs[k]));
		}
		struct rs_pcapng_stats st = { .taken = { 1800000009, 0 }, .received = 5, .dropped_os = 1,
					       .delivered = 4 };
		assert_true(rs_pcapng_write_stats(&w, &st));
		assert_true(rs_outfile_close(&fp));

		char err[512];
		struct rs_capfile cf;
		const struct pcap_pkthdr *h;
		const uint8_t *data;
		assert_true(rs_capfile_open(&cf, tmpl, err, sizeof(err)));
		assert_int_equal(cf.dlt, DLT_EN10MB);
		assert_int_equal(cf.ts_digits, nano ? 9 : 6);
		for (unsigned k = 0; k < 4; k++) {
			assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
			assert_int_equal(h->ts.tv_sec, 1800000000 + k);
			/* rs_capfile_next() gives nanoseconds at both resolutions */
			assert_int_equal(h->ts.tv_usec, nano ? 123456789 - k : (654321 - k) * 1000);
			assert_int_equal(h->caplen, 67 - k);
			assert_int_equal(h->len, 1500 + k);
			assert_memory_equal(data, bytes + k, 67 - k);
			assert_int_equal(cf.cur.meta->dir, dirs[k]);
			assert_string_equal(cf.cur.meta->ifname, "veth0");
		}
		assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
		rs_capfile_close(&cf);

		char ebuf[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(tmpl, ebuf);
		assert_non_null(p);
		struct pcap_pkthdr *ph;
		const u_char *pd;
		unsigned n = 0;
		while (pcap_next_ex(p, &ph, &pd) == 1)
			assert_int_equal(ph->caplen, 67 - n++);
		assert_int_equal(n, 4);
		pcap_close(p);
		unlink(tmpl);
	}
}

static void test_truncated_record(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;

	long size = write_two_packets(PCAP_TSTAMP_PRECISION_MICRO);
	assert_int_equal(truncate(path, size - 10), 0);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(cf.ts_digits, 6);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	/* Opened at nanosecond precision: microseconds come back scaled. */
	assert_int_equal(h->ts.tv_usec, 123456000);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_TRUNCATED);
	assert_non_null(strstr(cf.errbuf, "truncated"));
	rs_capfile_close(&cf);
	unlink(path);
}

static void test_not_a_capture_and_missing(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;

	assert_false(rs_capfile_open(&cf, "/nonexistent/rs-test.pcap", err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
	int fd = mkstemp(path);
	assert_int_equal(write(fd, "hello, this is text\n", 20), 20);
	close(fd);
	assert_false(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_non_null(strstr(err, "not a pcap"));
	assert_int_equal(truncate(path, 0), 0);
	assert_false(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_non_null(strstr(err, "empty"));
	unlink(path);
}

static void test_reads_from_a_pipe(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;
	int fds[2];

	long size = write_two_packets(PCAP_TSTAMP_PRECISION_NANO);
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		FILE *f = fopen(path, "rb");
		char buf[256];
		size_t n;
		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			if (write(fds[1], buf, n) != (ssize_t)n)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	int saved = dup(0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	assert_true(rs_capfile_open(&cf, "-", err, sizeof(err)));
	assert_int_equal(cf.ts_digits, 9);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(h->ts.tv_sec, 1700000001);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
	rs_capfile_close(&cf);
	int st;
	waitpid(pid, &st, 0);
	dup2(saved, 0);
	assert_true(size > 0);
	unlink(path);
}

/* Writes bytes to a temporary file named in path. */
static void write_file(const uint8_t *b, size_t n)
{
	strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
}

/* A big-endian classic pcap (swapped on this host), a timestamp past 2038
 * (the field is unsigned), a record longer than the snaplen (cut to it,
 * as libpcap does), then a record whose length no capture can have. */
static void test_own_reader_big_endian_and_limits(void **state)
{
	(void)state;
	uint8_t f[24 + 16 + 70 + 16] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 60,            /* snaplen 60 */
		0, 0, 0, 1,             /* Ethernet */
		0xfe, 0xdc, 0xba, 0x98, /* 4275878552: the year 2105 */
		0, 0, 0, 7, 0, 0, 0, 70, 0, 0, 0, 80,
	};
	uint8_t *r2 = f + 24 + 16 + 70;
	r2[8] = 0x7f;             /* caplen 0x7f000000 */
	write_file(f, sizeof(f));

	char err[512];
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_null(cf.pcap);     /* read by rawshake itself, not libpcap */
	assert_int_equal(cf.dlt, DLT_EN10MB);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal((uint32_t)h->ts.tv_sec, 4275878552u);
	assert_int_equal(h->ts.tv_usec, 7000);
	assert_int_equal(h->caplen, 60);
	assert_int_equal(h->len, 80);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_ERROR);
	assert_non_null(strstr(cf.errbuf, "invalid packet capture length 2130706432"));
	rs_capfile_close(&cf);

	/* The same file cut inside the second record's header. */
	write_file(f, sizeof(f) - 5);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_TRUNCATED);
	assert_string_equal(cf.errbuf,
			    "truncated dump file; tried to read 16 header bytes, only got 11");
	rs_capfile_close(&cf);
	unlink(path);
}

/* A filter on the own reader's records, compiled for the file's link type. */
static void test_own_reader_filter(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;

	write_two_packets(PCAP_TSTAMP_PRECISION_MICRO);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(rs_capfile_set_filter(&cf, "ether proto 0", err, sizeof(err)));
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_PACKET);
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
	rs_capfile_close(&cf);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(rs_capfile_set_filter(&cf, "tcp", err, sizeof(err)));
	assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
	assert_false(rs_capfile_set_filter(&cf, "tcp port notaport", err, sizeof(err)));
	assert_non_null(strstr(err, "bad filter"));
	rs_capfile_close(&cf);
	unlink(path);
}

/* A little-endian microsecond pcap of n records of RECLEN bytes each;
 * record i has timestamp i seconds and every byte equal to i & 0xff. */
#define RECLEN 1000
#define RECSIZE (16 + RECLEN)
static void append_records(const char *file, unsigned from, unsigned n, bool header)
{
	FILE *f = fopen(file, header ? "wb" : "ab");
	assert_non_null(f);
	if (header) {
		static const uint8_t h[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
					       0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0 };
		assert_int_equal(fwrite(h, 1, sizeof(h), f), sizeof(h));
	}
	uint8_t rec[RECSIZE];
	for (unsigned i = from; i < from + n; i++) {
		uint32_t w[4] = { i, 0, RECLEN, RECLEN };
		memcpy(rec, w, sizeof(w));   /* this host is little-endian (x86-64) */
		memset(rec + 16, (int)(i & 0xff), RECLEN);
		assert_int_equal(fwrite(rec, 1, sizeof(rec), f), sizeof(rec));
	}
	assert_int_equal(fclose(f), 0);
}

/* Reads records until something else than a packet; each must be the
 * next of append_records.  Returns that result, the count in *n. */
static enum rs_cap_result read_records(struct rs_capfile *cf, unsigned *n, unsigned max)
{
	const struct pcap_pkthdr *h;
	const uint8_t *data;
	enum rs_cap_result r = RS_CAP_PACKET;

	while (*n < max && (r = rs_capfile_next(cf, &h, &data)) == RS_CAP_PACKET) {
		assert_int_equal(h->ts.tv_sec, *n);
		assert_int_equal(h->caplen, RECLEN);
		assert_int_equal(data[0], *n & 0xff);
		assert_int_equal(data[RECLEN - 1], *n & 0xff);
		(*n)++;
	}
	return *n < max ? r : RS_CAP_PACKET;
}

/* A capture on disk is mapped; standard input redirected from the same
 * file is read through the buffer; both give the same records. */
static void test_mapped_file(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	unsigned n = 0;

	strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
	close(mkstemp(path));
	append_records(path, 0, 12000, true);   /* 12 MB: more than MAP_DROP */
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(cf.own.mapped);
	assert_int_equal(read_records(&cf, &n, ~0u), RS_CAP_EOF);
	assert_int_equal(n, 12000);
	assert_true(cf.own.dropped > 0);        /* read pages were given back */
	rs_capfile_close(&cf);

	int saved = dup(0);
	FILE *in = freopen(path, "rb", stdin);
	assert_non_null(in);
	assert_true(rs_capfile_open(&cf, "-", err, sizeof(err)));
	assert_false(cf.own.mapped);
	n = 0;
	assert_int_equal(read_records(&cf, &n, ~0u), RS_CAP_EOF);
	assert_int_equal(n, 12000);
	rs_capfile_close(&cf);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	unlink(path);
}

/* A capture still being written: what was appended after the file was
 * opened is read too, as read(2) would. */
static void test_mapped_file_grows(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	unsigned n = 0;

	strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
	close(mkstemp(path));
	append_records(path, 0, 100, true);
	assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
	assert_true(cf.own.mapped);
	assert_int_equal(read_records(&cf, &n, 60), RS_CAP_PACKET);
	append_records(path, 100, 300, false);
	assert_int_equal(read_records(&cf, &n, ~0u), RS_CAP_EOF);
	assert_int_equal(n, 400);
	rs_capfile_close(&cf);
	unlink(path);
}

/* A capture cut short while it is being read (tcpdump -w restarted on the
 * same name): no SIGBUS, every record before the cut intact, then the
 * file is reported cut short.  Past the cut, at most the packet read when
 * the loss happened comes out before the report: not the rest of the cut
 * page, which the kernel fills with zeros (4 KiB of empty phantom
 * records).  The cut at a page boundary, then in the middle of a page. */
static void test_mapped_file_cut_short(void **state)
{
	(void)state;
	char err[512];
	struct rs_capfile cf;
	long page = sysconf(_SC_PAGESIZE);

	for (int mid_page = 0; mid_page < 2; mid_page++) {
		unsigned n = 0;
		strcpy(path, "/tmp/rs-test-capfile-XXXXXX");
		close(mkstemp(path));
		append_records(path, 0, 3000, true);
		assert_true(rs_capfile_open(&cf, path, err, sizeof(err)));
		assert_true(cf.own.mapped);
		assert_int_equal(read_records(&cf, &n, 100), RS_CAP_PACKET);
		off_t cut = (off_t)(24 + 1500 * RECSIZE) / page * page + (mid_page ? page / 2 : 0);
		assert_int_equal(truncate(path, cut), 0);
		unsigned whole = (unsigned)((cut - 24) / RECSIZE);   /* records before the cut */
		assert_int_equal(read_records(&cf, &n, whole), RS_CAP_PACKET);
		assert_int_equal(n, whole);
		const struct pcap_pkthdr *h;
		const uint8_t *data;
		enum rs_cap_result r;
		unsigned extra = 0;
		while ((r = rs_capfile_next(&cf, &h, &data)) == RS_CAP_PACKET) {
			/* Reading the whole packet is what faults, as a decoder would. */
			unsigned sum = 0;
			for (unsigned k = 0; k < h->caplen; k++)
				sum += data[k];
			(void)sum;
			assert_true(h->caplen > 0);
			assert_true(++extra <= 1);
		}
		assert_int_equal(r, RS_CAP_TRUNCATED);
		assert_non_null(strstr(cf.errbuf, "cut short"));
		assert_int_equal(rs_capfile_next(&cf, &h, &data), RS_CAP_EOF);
		rs_capfile_close(&cf);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_pcap_magic),
		cmocka_unit_test(test_sniff_pcapng),
		cmocka_unit_test(test_reads_nano_file_with_nano_digits),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_not_a_capture_and_missing),
		cmocka_unit_test(test_reads_from_a_pipe),
		cmocka_unit_test(test_own_reader_big_endian_and_limits),
		cmocka_unit_test(test_own_reader_filter),
		cmocka_unit_test(test_mapped_file),
		cmocka_unit_test(test_mapped_file_grows),
		cmocka_unit_test(test_mapped_file_cut_short),
		cmocka_unit_test(test_pcapng_writer_round_trip),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* The pcapng reader's own group (test_capfile_pcapng.c). */
	failed += _cmocka_run_group_tests("pcapng", rs_test_pcapng_tests, rs_test_pcapng_count,
					  NULL, NULL);
	return failed;
}
