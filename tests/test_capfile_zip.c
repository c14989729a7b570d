/* test_capfile_zip.c: compressed captures read by content: each format
 * whole, cut short and corrupt, never mapped, the position in bytes of
 * the compressed file; what counts as a capture's first bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bzlib.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "rawshake/capfile.h"

#define PACKETS 2000u
#define FRAME 60u

enum fmt { GZ, ZST, XZ, BZ2 };
static const char *const fmt_name[] = { "gzip", "zstd", "xz", "bzip2" };

/* A classic little-endian microsecond pcap of PACKETS Ethernet frames,
 * each FRAME bytes, record i at second i: its size in *n. */
static uint8_t *make_pcap(size_t *n)
{
	*n = 24 + (size_t)PACKETS * (16 + FRAME);
	uint8_t *b = calloc(1, *n);
	assert_non_null(b);
	static const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	memcpy(b, hdr, 24);
	for (uint32_t i = 0; i < PACKETS; i++) {
		uint8_t *r = b + 24 + (size_t)i * (16 + FRAME);
		uint32_t w[4] = { 1700000000u + i, i * 7u % 1000000u, FRAME, FRAME };
		memcpy(r, w, 16);   /* little-endian host, as the header says */
		for (unsigned k = 0; k < FRAME; k++)
			r[16 + k] = (uint8_t)(i * 31u + k);
	}
	return b;
}

static uint8_t *compress_as(enum fmt f, const uint8_t *in, size_t n, size_t *out_n)
{
	size_t cap = n + n / 2 + 4096;
	uint8_t *out = malloc(cap);
	assert_non_null(out);
	if (f == GZ) {
		z_stream s;
		memset(&s, 0, sizeof(s));
		assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
		s.next_in = (uint8_t *)in;
		s.avail_in = (unsigned)n;
		s.next_out = out;
		s.avail_out = (unsigned)cap;
		assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
		*out_n = s.total_out;
		deflateEnd(&s);
	} else if (f == ZST) {
		*out_n = ZSTD_compress(out, cap, in, n, 3);
		assert_false(ZSTD_isError(*out_n));
	} else if (f == XZ) {
		*out_n = 0;
		assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, n, out, out_n,
							 cap), LZMA_OK);
	} else {
		unsigned len = (unsigned)cap;
		assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)in, (unsigned)n,
							  1, 0, 0), BZ_OK);
		*out_n = len;
	}
	return out;
}

/* Opens the first n bytes of a compressed copy of pcap (format f), as a
 * file on disk (a temporary one, gone when closed); *zn is the copy's
 * whole size. */
static void open_compressed(struct rs_capfile *cf, enum fmt f, const uint8_t *pcap, size_t n,
			    size_t cut, size_t *zn)
{
	uint8_t *z = compress_as(f, pcap, n, zn);
	FILE *fp = tmpfile();
	char err[512];

	assert_non_null(fp);
	size_t keep = *zn - cut;
	assert_int_equal(fwrite(z, 1, keep, fp), keep);
	assert_int_equal(fflush(fp), 0);
	rewind(fp);
	free(z);
	assert_true(rs_capfile_open_stream(cf, fp, "compressed", err, sizeof(err)));
}

/* Reads cf to its end: the packets, the result that ended it. */
static enum rs_cap_result read_all(struct rs_capfile *cf, unsigned *packets)
{
	const struct pcap_pkthdr *h;
	const uint8_t *data;
	enum rs_cap_result rc;

	*packets = 0;
	while ((rc = rs_capfile_next(cf, &h, &data)) == RS_CAP_PACKET) {
		assert_int_equal(h->ts.tv_sec, 1700000000 + (long)*packets);
		assert_int_equal(h->caplen, FRAME);
		assert_int_equal(data[1], (uint8_t)(*packets * 31u + 1));
		(*packets)++;
	}
	return rc;
}

/* Each format, whole (cut 0) or without its last cut bytes. */
static void read_each_format(size_t cut)
{
	size_t n, zn;
	uint8_t *pcap = make_pcap(&n);

	for (int f = GZ; f <= BZ2; f++) {
		struct rs_capfile cf;
		unsigned packets;
		uint64_t done, total;
		char want[64];
		open_compressed(&cf, (enum fmt)f, pcap, n, cut, &zn);
		assert_string_equal(cf.zip_name, fmt_name[f]);
		assert_false(cf.own.mapped);   /* the decoded bytes are read, not the file mapped */
		enum rs_cap_result rc = read_all(&cf, &packets);
		assert_true(rs_capfile_position(&cf, &done, &total));
		assert_int_equal(total, zn - cut);   /* bytes of the compressed file */
		assert_int_equal(done, zn - cut);
		if (cut == 0) {
			assert_int_equal(rc, RS_CAP_EOF);
			assert_int_equal(packets, PACKETS);
		} else {
			assert_int_equal(rc, RS_CAP_TRUNCATED);
			snprintf(want, sizeof(want), "the %s data ends early", fmt_name[f]);
			assert_non_null(strstr(cf.errbuf, want));
		}
		rs_capfile_close(&cf);
	}
	free(pcap);
}

static void test_each_format_whole(void **state)
{
	(void)state;
	read_each_format(0);
}

/* The last byte gone: every packet may well be there, yet the compressed
 * data did not end, and the file is said to be cut. */
static void test_each_format_cut_short(void **state)
{
	(void)state;
	read_each_format(1);
}

static void test_gzip_bad_crc_after_every_packet(void **state)
{
	(void)state;
	size_t n, zn;
	uint8_t *pcap = make_pcap(&n);
	uint8_t *z = compress_as(GZ, pcap, n, &zn);
	FILE *fp = tmpfile();
	struct rs_capfile cf;
	char err[512];
	unsigned packets;

	z[zn - 8] ^= 0xff;   /* the trailer's CRC-32 */
	assert_non_null(fp);
	assert_int_equal(fwrite(z, 1, zn, fp), zn);
	rewind(fp);
	assert_true(rs_capfile_open_stream(&cf, fp, "crc", err, sizeof(err)));
	assert_int_equal(read_all(&cf, &packets), RS_CAP_ERROR);
	assert_int_equal(packets, PACKETS);
	assert_string_equal(cf.errbuf, "gzip data is corrupt (incorrect data check)");
	rs_capfile_close(&cf);
	free(z);
	free(pcap);
}

static void test_magic(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t n;
		bool capture;
	} cases[] = {
		{ "\xd4\xc3\xb2\xa1", 4, true },            /* pcap */
		{ "\x0a\x0d\x0d\x0a", 4, true },            /* pcapng */
		{ "\x1f\x8b\x08\x00", 4, true },            /* gzip */
		{ "\x28\xb5\x2f\xfd", 4, true },            /* zstd frame */
		{ "\x50\x2a\x4d\x18", 4, true },            /* zstd skippable frame */
		{ "\xfd" "7zXZ\0", 6, true },               /* xz */
		{ "BZh9", 4, true },                        /* bzip2 */
		{ "BZh0", 4, false },
		{ "\xfd" "7zXY\0", 6, false },
		{ "PK\x03\x04", 4, false },                 /* zip: not read */
		{ "\x1f", 1, false },
		{ "hello!", 6, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(rs_capfile_magic((const uint8_t *)cases[i].bytes, cases[i].n),
				 cases[i].capture);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_format_whole),
		cmocka_unit_test(test_each_format_cut_short),
		cmocka_unit_test(test_gzip_bad_crc_after_every_packet),
		cmocka_unit_test(test_magic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
