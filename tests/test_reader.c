/* test_reader.c: the bounds-checked reader and the Internet checksum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rawshake/reader.h"

/* RFC 1071 the slow and obvious way: big-endian 16-bit words. */
static uint32_t naive_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void check_csum_len(size_t n, uint32_t *rng)
{
	/* Exactly n bytes on the heap: ASan catches a read past the window. */
	uint8_t *b = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		*rng = *rng * 1103515245u + 12345u;
		b[i] = (uint8_t)(*rng >> 16);
	}
	if (n % 7 == 0)
		memset(b, 0xff, n);   /* worst case for carries */
	struct rs_reader r = rs_reader_make(b, n);
	for (uint32_t start = 0; start < 0x30000; start += 0xfff1) {
		uint32_t want = naive_sum(start, b, n);
		uint32_t got = rs_csum_add(start, &r);
		assert_int_equal(rs_csum_fold(got), rs_csum_fold(want));
	}
	free(b);
}

static void test_csum_matches_rfc1071(void **state)
{
	(void)state;
	uint32_t rng = 12345;
	for (size_t n = 0; n < 600; n++)
		check_csum_len(n, &rng);
	/* Segment-sized and jumbo windows, for the wide loops. */
	static const size_t big[] = { 1447, 1448, 1449, 8999, 9000, 9001, 65533, 65535, 65536 };
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		check_csum_len(big[i], &rng);
}

/* Windows that start at any byte: the wide loops load unaligned. */
static void test_csum_unaligned(void **state)
{
	(void)state;
	enum { N = 1600 };
	uint8_t *b = malloc(N);
	uint32_t rng = 777;
	for (size_t i = 0; i < N; i++) {
		rng = rng * 1103515245u + 12345u;
		b[i] = (uint8_t)(rng >> 16);
	}
	for (size_t off = 0; off < 64; off++) {
		size_t n = N - off - (off * 7) % 61;
		struct rs_reader r = rs_reader_make(b + off, n);
		assert_int_equal(rs_csum_fold(rs_csum_add(0, &r)), rs_csum_fold(naive_sum(0, b + off, n)));
	}
	free(b);
}

static void test_csum_known_value(void **state)
{
	(void)state;
	/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t ex[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	struct rs_reader r = rs_reader_make(ex, sizeof(ex));
	assert_int_equal(rs_csum_add(0, &r), 0xddf2);
	assert_int_equal(rs_csum_fold(rs_csum_add(0, &r)), (uint16_t)~0xddf2);
}

static void test_getters_stop_at_the_window(void **state)
{
	(void)state;
	static const uint8_t b[6] = { 1, 2, 3, 4, 5, 6 };
	struct rs_reader r = rs_reader_make(b, 5);
	assert_int_equal(rs_get_be32(&r, 0), 0x01020304);
	assert_false(r.short_read);
	assert_int_equal(rs_get_le32(&r, 1), 0x05040302);
	assert_int_equal(rs_get_be16(&r, 4), 0);
	assert_true(r.short_read);
	struct rs_reader s = rs_reader_sub(&r, 3, 10);
	assert_int_equal(s.len, 2);
	assert_int_equal(rs_get_u8(&s, 1), 5);
	s = rs_reader_sub(&r, 9, 1);
	assert_int_equal(s.len, 0);
	assert_false(rs_reader_has(&r, 5, 1));
	assert_true(rs_reader_has(&r, 5, 0));
	assert_false(rs_reader_has(&r, SIZE_MAX, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_known_value),
		cmocka_unit_test(test_csum_matches_rfc1071),
		cmocka_unit_test(test_csum_unaligned),
		cmocka_unit_test(test_getters_stop_at_the_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
