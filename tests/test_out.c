/* test_out.c: the buffered writer's formatting (numbers, JSON strings, addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include "rawshake/out.h"

static struct rs_out out;
static int pipefd[2];
static char got[1 << 17];

static void start(void)
{
	assert_int_equal(pipe(pipefd), 0);
	rs_out_init(&out, pipefd[1]);
}

/* Flushes, closes the pipe and returns everything written. */
static const char *finish(void)
{
	assert_true(rs_out_flush(&out));
	close(pipefd[1]);
	size_t n = 0;
	ssize_t r;
	while ((r = read(pipefd[0], got + n, sizeof(got) - 1 - n)) > 0)
		n += (size_t)r;
	close(pipefd[0]);
	got[n] = '\0';
	return got;
}

static void test_numbers(void **state)
{
	(void)state;
	start();
	rs_out_u64(&out, 0);
	rs_out_char(&out, ' ');
	rs_out_u64(&out, UINT64_MAX);
	rs_out_char(&out, ' ');
	rs_out_i64(&out, INT64_MIN);
	rs_out_char(&out, ' ');
	rs_out_u64_w(&out, 42, 5);
	rs_out_char(&out, ' ');
	rs_out_u64_zpad(&out, 1234, 6);
	rs_out_char(&out, ' ');
	rs_out_hex(&out, 0x0800, 4);
	rs_out_char(&out, ' ');
	rs_out_hex(&out, 0, 1);
	rs_out_char(&out, ' ');
	rs_out_double(&out, 0.0000355, 6);
	assert_string_equal(finish(),
			    "0 18446744073709551615 -9223372036854775808    42 001234 0800 0 0.000036");
}

static void test_json_escapes(void **state)
{
	(void)state;
	static const char in[] = "a\"b\\c\n\r\t\x01\x7f" "\xc3\xa9" "\xff" "\xe2\x82" "z";
	start();
	rs_out_json_str(&out, in, sizeof(in) - 1);
	/* 0x7f is valid JSON as is; é stays UTF-8; lone bytes become \u00XX. */
	assert_string_equal(finish(),
			    "\"a\\\"b\\\\c\\n\\r\\t\\u0001\x7f\xc3\xa9\\u00ff\\u00e2\\u0082z\"");
}

static void test_json_rejects_overlong_and_surrogates(void **state)
{
	(void)state;
	static const char in[] = "\xc0\xaf" "\xed\xa0\x80" "\xf4\x90\x80\x80";
	start();
	rs_out_json_str(&out, in, sizeof(in) - 1);
	assert_string_equal(finish(),
			    "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00f4\\u0090\\u0080\\u0080\"");
}

static void check_ip6(const uint8_t a[16], const char *want)
{
	start();
	rs_out_ip(&out, 6, a);
	assert_string_equal(finish(), want);
}

static void test_ip_formats(void **state)
{
	(void)state;
	static const uint8_t v4[4] = { 192, 0, 2, 255 };
	start();
	rs_out_ip(&out, 4, v4);
	assert_string_equal(finish(), "192.0.2.255");

	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	a[15] = 1;
	check_ip6(a, "2001:db8::1");
	memset(a, 0, 16);
	check_ip6(a, "::");
	a[15] = 1;
	check_ip6(a, "::1");
	/* One zero group is not compressed (RFC 5952 4.2.2). */
	static const uint8_t one_zero[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 };
	check_ip6(one_zero, "2001:db8:0:1:1:1:1:1");
	/* The longest run wins; on a tie, the first. */
	static const uint8_t runs[16] = { 0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 };
	check_ip6(runs, "2001:0:0:1::1");
	static const uint8_t tie[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
	check_ip6(tie, "2001:db8::1:0:0:1");
	static const uint8_t tail[16] = { 0xfe, 0x80 };
	check_ip6(tail, "fe80::");
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 };
	check_ip6(mapped, "::ffff:192.0.2.1");
}

/* rs_ip_format agrees with inet_ntop on random addresses whose groups are
 * mostly zero (so every compression case comes up), and rs_out_ip writes
 * the same text.  Addresses with the first 96 bits zero are left out:
 * glibc writes those as deprecated IPv4-compatible "::a.b.c.d". */
static void test_ip_format_matches_inet_ntop(void **state)
{
	(void)state;
	uint32_t x = 2463534242u;
	for (int n = 0; n < 20000; n++) {
		uint8_t a[16];
		for (int i = 0; i < 8; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			uint16_t g = (x & 3) ? 0 : (uint16_t)(x >> 16 >> (x & 12));
			a[2 * i] = (uint8_t)(g >> 8);
			a[2 * i + 1] = (uint8_t)g;
		}
		int v = (n & 1) ? 6 : 4;
		bool compat = true;
		for (int i = 0; i < 12; i++)
			compat = compat && a[i] == 0;
		if (v == 6 && compat)
			continue;
		char want[INET6_ADDRSTRLEN], mine[RS_IP_STRLEN];
		assert_non_null(inet_ntop(v == 6 ? AF_INET6 : AF_INET, a, want, sizeof(want)));
		size_t len = rs_ip_format(mine, (uint8_t)v, a);
		assert_string_equal(mine, want);
		assert_int_equal(len, strlen(want));
		start();
		rs_out_ip(&out, (uint8_t)v, a);
		assert_string_equal(finish(), want);
	}
	static const uint8_t wide[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	char buf[RS_IP_STRLEN];
	assert_int_equal(rs_ip_format(buf, 6, wide), 39);
	assert_int_equal(rs_ip_format(buf, 4, wide), 15);
	assert_string_equal(buf, "255.255.255.255");
}

static void test_mac(void **state)
{
	(void)state;
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0xab, 0x0f };
	start();
	rs_out_mac(&out, mac);
	assert_string_equal(finish(), "02:00:5e:10:ab:0f");
}

static void test_large_write_and_buffer_boundary(void **state)
{
	(void)state;
	static char big[RS_OUT_BUFSIZE * 2 + 17];
	memset(big, 'x', sizeof(big));
	/* Write through a pipe bigger than its kernel buffer: use a child reader. */
	assert_int_equal(pipe(pipefd), 0);
	rs_out_init(&out, pipefd[1]);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[1]);
		size_t n = 0;
		ssize_t r;
		char buf[4096];
		while ((r = read(pipefd[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] != 'x' && buf[i] != 'y')
					_exit(2);
			n += (size_t)r;
		}
		_exit(n == sizeof(big) + RS_OUT_BUFSIZE - 1 ? 0 : 1);
	}
	close(pipefd[0]);
	for (unsigned i = 0; i < RS_OUT_BUFSIZE - 1; i++)
		rs_out_char(&out, 'y');
	rs_out_write(&out, big, sizeof(big));
	assert_true(rs_out_flush(&out));
	close(pipefd[1]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_epipe_marks_closed(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(pipefd), 0);
	close(pipefd[0]);
	rs_out_init(&out, pipefd[1]);
	rs_out_str(&out, "nobody reads this");
	assert_false(rs_out_flush(&out));
	assert_true(out.closed);
	assert_true(rs_out_closed(&out));
	assert_int_equal(out.err, 0);
	close(pipefd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_rejects_overlong_and_surrogates),
		cmocka_unit_test(test_ip_formats),
		cmocka_unit_test(test_ip_format_matches_inet_ntop),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_large_write_and_buffer_boundary),
		cmocka_unit_test(test_epipe_marks_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
