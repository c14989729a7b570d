/* test_send_opts.c: send's option table (send_opts.h): every row takes a
 * good value and refuses a bad one with the words the command always
 * printed; the rules refuse what cannot go together; the defaults. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawshake/send_opts.h"

static struct rs_send_args a;
static char err[512];

/* The row of a long name, or of a letter as "-c". */
static int row(const char *name)
{
	int i = name[0] == '-' ? rs_send_opt_find(NULL, name[1]) : rs_send_opt_find(name, 0);
	if (i < 0)
		fail_msg("no row for %s", name);
	return i;
}

static bool opt(const char *name, const char *arg)
{
	err[0] = '\0';
	return rs_send_opt(&a, row(name), arg, err, sizeof(err));
}

/* A refusal (after "rawshake send: "), as the command printed it before
 * the table: tests/integration/send.sh and the old getopt switch. */
static const struct { const char *name, *bad, *msg; } refused[] = {
	{ "count", "0", "-c: the count must be at least 1" },
	{ "count", "x", "-c: 'x' is not a number" },
	{ "src", "bogus", "--src: 'bogus' is not an IPv4 or IPv6 address" },
	{ "ttl", "256", "--ttl: 256 is out of range (0 to 255)" },
	{ "hlim", "256", "--hlim: 256 is out of range (0 to 255)" },
	{ "tos", "256", "--tos: 256 is out of range (0 to 255)" },
	{ "tclass", "256", "--tclass: 256 is out of range (0 to 255)" },
	{ "id", "65536", "--id: 65536 is out of range (0 to 65535)" },
	{ "frag-offset", "8192", "--frag-offset: 8192 is out of range (0 to 8191)" },
	{ "flow-label", "0x100000", "--flow-label: 0x100000 is out of range (0 to 1048575)" },
	{ "sport", "65536", "--sport: 65536 is out of range (0 to 65535)" },
	{ "dport", "65536", "--dport: 65536 is out of range (0 to 65535)" },
	{ "flags", "Q", "--flags: 'Q' is not a TCP flag letter (FSRPAUEC)" },
	{ "seq", "4294967296", "--seq: 4294967296 is out of range (0 to 4294967295)" },
	{ "ack", "-1", "--ack: '-1' is not a number" },
	{ "win", "65536", "--win: 65536 is out of range (0 to 65535)" },
	{ "urg", "1x", "--urg: '1x' is not a number" },
	{ "mss", "65536", "--mss: 65536 is out of range (0 to 65535)" },
	{ "wscale", "15", "--wscale: 15 is out of range (0 to 14)" },
	{ "sack", "5", "--sack: '5' is not a LEFT-RIGHT block" },
	{ "ts", "x", "--ts: 'x' is not a number" },
	{ "opt-hex", "zz", "--opt-hex: 'z' is not a hex digit" },
	{ "icmp-type", "bogus", "--icmp-type: not echo, echo-reply, unreach, time-exceeded or timestamp" },
	{ "icmp-code", "256", "--icmp-code: 256 is out of range (0 to 255)" },
	{ "icmp-id", "65536", "--icmp-id: 65536 is out of range (0 to 65535)" },
	{ "icmp-seq", "65536", "--icmp-seq: 65536 is out of range (0 to 65535)" },
	{ "quote-proto", "sctp", "--quote-proto: not udp or tcp" },
	{ "data-hex", "zz", "--data-hex: 'z' is not a hex digit" },
	{ "data-file", "/nonexistent/x", "--data-file: /nonexistent/x: No such file or directory" },
	{ "interval", "x", "--interval: 'x' is not a duration (like 1, 0.5s, 200ms, 10us)" },
	{ "rate", "0", "--rate: 0 is out of range (more than 0, at most 100M)" },
	{ "duration", "0", "--duration: must be more than 0" },
	{ "threads", "0", "--threads: at least 1" },
	{ "threads", "9", "--threads: 9 is out of range (0 to 8)" },
	{ "seq-step", "4294967296", "--seq-step: 4294967296 is out of range (0 to 4294967295)" },
	{ "sport-step", "65536", "--sport-step: 65536 is out of range (0 to 65535)" },
	{ "wait", "2h", "--wait: 'h' is not a unit (s, ms, us, ns)" },
	{ "interface", "aaaaaaaaaaaaaaaaaaaaaaaaa", "--interface: name too long" },
	{ "src-mac", "zz", "--src-mac: 'zz' is not a MAC address (like 02:00:5e:10:00:01)" },
	{ "dst-mac", "02:00", "--dst-mac: '02:00' is not a MAC address (like 02:00:5e:10:00:01)" },
	{ "op", "ask", "--op: 'ask' is not request, reply or a number up to 65535" },
	{ "op", "65536", "--op: '65536' is not request, reply or a number up to 65535" },
	{ "sender-mac", "zz", "--sender-mac: 'zz' is not a MAC address (like 02:00:5e:10:00:01)" },
	{ "target-mac", "1:2", "--target-mac: '1:2' is not a MAC address (like 02:00:5e:10:00:01)" },
	{ "sender-ip", "2001:db8::1", "--sender-ip: ARP for IPv4 takes IPv4 addresses (IPv6 has neighbour discovery)" },
	{ "target-ip", "bogus", "--target-ip: 'bogus' is not an IPv4 or IPv6 address" },
	/* hping3's letters */
	{ "-p", "++80", "-p: hping3's +PORT and ++PORT are not supported; give one port" },
	{ "-s", "65536", "-s: 65536 is out of range (0 to 65535)" },
	{ "-d", "65537", "-d: 65537 is out of range (0 to 65536)" },
	{ "-E", "/nonexistent/x", "-E: /nonexistent/x: No such file or directory" },
	{ "-i", "ux", "--interval: 'ux' is not a number of microseconds (like u1000)" },
};

/* A good value for every row (NULL: a flag), and what it must set. */
static const struct { const char *name, *good; } taken[] = {
	{ "count", "3" }, { "quiet", NULL }, { "-4", NULL }, { "-6", NULL },
	{ "src", "192.0.2.1" }, { "rand-source", "192.0.2.0/24" }, { "ttl", "9" },
	{ "hlim", "9" }, { "tos", "8" }, { "tclass", "8" }, { "id", "7" }, { "df", NULL },
	{ "mf", NULL }, { "frag-offset", "8191" }, { "flow-label", "0xfffff" }, { "sport", "4" },
	{ "dport", "5" }, { "flags", "SA" }, { "seq", "4294967295" }, { "ack", "0x10" },
	{ "win", "7" }, { "urg", "3" }, { "mss", "1460" }, { "wscale", "14" },
	{ "sack-perm", NULL }, { "sack", "1-2" }, { "ts", "5:6" }, { "nop", NULL },
	{ "opt-hex", "0101" }, { "rand-seq", NULL }, { "icmp-type", "timestamp" },
	{ "icmp-code", "255" }, { "icmp-id", "65535" }, { "icmp-seq", "1" },
	{ "quote-proto", "tcp" }, { "data", "hello" }, { "data-hex", "de:ad" },
	{ "data-file", "/dev/null" }, { "bad-checksum", NULL }, { "bad-ip-checksum", NULL },
	{ "interval", "10ms" }, { "rate", "2.5k" }, { "flood", NULL }, { "duration", "1s" },
	{ "seq-step", "2" }, { "sport-step", "0" }, { "listen", NULL }, { "no-listen", NULL },
	{ "wait", "0" }, { "write", "x.pcap" }, { "dry-run", NULL }, { "force", NULL },
	{ "link", NULL }, { "interface", "lo" }, { "src-mac", "02:00:5e:10:00:01" },
	{ "dst-mac", "02-00-5e-10-00-02" }, { "frag", NULL }, { "threads", "8" },
	{ "no-link", NULL }, { "user", "nobody" },
	{ "-p", "80" }, { "-s", "1000" }, { "-k", NULL }, { "-F", NULL }, { "-S", NULL },
	{ "-R", NULL }, { "-P", NULL }, { "-A", NULL }, { "-U", NULL }, { "-X", NULL },
	{ "-Y", NULL }, { "-d", "40" }, { "-E", "/dev/null" }, { "-1", NULL }, { "-2", NULL },
	{ "fast", NULL }, { "faster", NULL },
	{ "op", "reply" }, { "sender-mac", "02:00:00:00:00:03" }, { "sender-ip", "192.0.2.3" },
	{ "target-mac", "02:00:00:00:00:02" }, { "target-ip", "192.0.2.2" }, { "gratuitous", NULL },
};

#define N(x) (sizeof(x) / sizeof((x)[0]))

static const char *row_name(const struct rs_send_opt_def *d, char *buf)
{
	if (d->name)
		return d->name;
	buf[0] = '-', buf[1] = d->letter, buf[2] = '\0';
	return buf;
}

/* Every row has a good value here, every row with a value a bad one. */
static void test_every_row_covered(void **state)
{
	(void)state;
	for (size_t i = 0; i < rs_send_opts_count; i++) {
		const struct rs_send_opt_def *d = &rs_send_opts[i];
		char buf[3];
		const char *n = row_name(d, buf);
		bool good = false, bad = false;
		for (size_t j = 0; j < N(taken); j++)
			good |= strcmp(taken[j].name, n) == 0;
		for (size_t j = 0; j < N(refused); j++)
			bad |= strcmp(refused[j].name, n) == 0;
		if (!good)
			fail_msg("row %s has no good value in the test", n);
		/* A flag, --data (any string up to 64 KiB, below), -w, -Z and
		 * --rand-source (its range is checked with the family) take
		 * whatever they are given. */
		bool any = d->has_arg != RS_SEND_ARG_REQUIRED || !strcmp(n, "data") ||
			   !strcmp(n, "write") || !strcmp(n, "user");
		if (!bad && !any)
			fail_msg("row %s has no bad value in the test", n);
	}
}

static void test_good_values(void **state)
{
	(void)state;
	for (size_t j = 0; j < N(taken); j++) {
		rs_send_args_init(&a);
		if (!opt(taken[j].name, taken[j].good))
			fail_msg("%s %s refused: %s", taken[j].name, taken[j].good, err);
	}
	/* What some of them set. */
	rs_send_args_init(&a);
	assert_true(opt("ttl", "9") && opt("hlim", "10") && opt("tclass", "8"));
	assert_int_equal(a.cfg.spec.ttl, 10);
	assert_int_equal(a.cfg.spec.tos, 8);
	assert_true(opt("seq", "4294967295") && opt("flow-label", "0xfffff") && opt("-c", "3"));
	assert_int_equal(a.cfg.spec.seq, 4294967295u);
	assert_int_equal(a.cfg.spec.flow, 0xfffff);
	assert_int_equal(a.cfg.count, 3);
	assert_true(a.given & RS_SEND_GIVEN_SEQ && a.given & RS_SEND_GIVEN_COUNT);
	assert_true(opt("flags", "SA") && opt("mss", "1460") && opt("nop", NULL));
	assert_int_equal(a.cfg.spec.flags, RS_TH_SYN | RS_TH_ACK);
	assert_int_equal(a.cfg.spec.opts.len, 5);
	assert_true(opt("data-hex", "de:ad"));
	assert_int_equal(a.cfg.spec.payload_len, 2);
	assert_int_equal(a.cfg.spec.payload[0], 0xde);
	assert_true(opt("rate", "2.5k"));
	assert_int_equal(a.cfg.interval_ns, 400000);
	assert_true(opt("interval", "10ms") && opt("duration", "1s") && opt("wait", "0"));
	assert_int_equal(a.cfg.interval_ns, 10000000);
	assert_int_equal(a.cfg.duration_ns, 1000000000);
	assert_int_equal(a.cfg.wait_ns, 0);
	assert_true(opt("no-listen", NULL));
	assert_int_equal(a.listen, 0);
	assert_true(opt("listen", NULL) && opt("-q", NULL) && opt("dry-run", NULL));
	assert_int_equal(a.listen, 1);
	assert_true(a.cfg.quiet && a.cfg.dry_run);
	assert_true(opt("-w", "x.pcap") && opt("-Z", "nobody") && opt("-I", "lo"));
	assert_string_equal(a.cfg.write_path, "x.pcap");
	assert_string_equal(a.user, "nobody");
	assert_string_equal(a.cfg.ifname, "lo");
	assert_true(opt("dst-mac", "02-00-5e-10-00-02") && opt("threads", "8"));
	assert_true(a.cfg.dst_mac_given && !a.cfg.src_mac_given);
	assert_int_equal(a.cfg.spec.dst_mac[5], 2);
	assert_int_equal(a.cfg.threads, 8);
}

static void test_bad_values(void **state)
{
	(void)state;
	for (size_t j = 0; j < N(refused); j++) {
		rs_send_args_init(&a);
		assert_false(opt(refused[j].name, refused[j].bad));
		assert_string_equal(err, refused[j].msg);
	}
	/* --data: at most 64 KiB, and only one of the three. */
	static char big[RS_SEND_DATA_MAX + 2];
	memset(big, 'x', RS_SEND_DATA_MAX + 1);
	rs_send_args_init(&a);
	assert_false(opt("data", big));
	assert_string_equal(err, "--data: more than 65536 bytes");
	big[RS_SEND_DATA_MAX] = '\0';
	rs_send_args_init(&a);
	assert_true(opt("data", big));
	assert_int_equal(a.cfg.spec.payload_len, RS_SEND_DATA_MAX);
	assert_false(opt("data-hex", "00"));
	assert_string_equal(err, "--data-hex: only one of --data, --data-hex, --data-file (-E)");
}

static void test_data_file(void **state)
{
	char path[] = "/tmp/test_send_opts.XXXXXX";
	static uint8_t buf[RS_SEND_DATA_MAX + 1];
	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	memset(buf, 'y', sizeof(buf));
	assert_int_equal(fwrite(buf, 1, RS_SEND_DATA_MAX, f), RS_SEND_DATA_MAX);
	fflush(f);
	rs_send_args_init(&a);
	assert_true(opt("data-file", path));
	assert_int_equal(a.cfg.spec.payload_len, RS_SEND_DATA_MAX);
	assert_int_equal(fwrite(buf, 1, 1, f), 1);
	fclose(f);
	rs_send_args_init(&a);
	assert_false(opt("data-file", path));
	assert_string_equal(err, "--data-file: more than 65536 bytes");
	unlink(path);
}

/* Options, then the arguments, then the rules: the refusal, or "" when
 * everything is accepted.  opts: "name" or "name=value", NULL-ended. */
static const char *rules(const char *proto, const char *dst, const char *const *opts)
{
	rs_send_args_init(&a);
	for (; *opts; opts++) {
		char name[64];
		const char *eq = strchr(*opts, '=');
		size_t n = eq ? (size_t)(eq - *opts) : strlen(*opts);
		snprintf(name, sizeof(name), "%.*s", (int)n, *opts);
		if (!opt(name, eq ? eq + 1 : NULL))
			fail_msg("%s refused: %s", *opts, err);
	}
	err[0] = '\0';
	if (rs_send_cfg_target(&a, proto, dst, err, sizeof(err)) &&
	    rs_send_cfg_check(&a, err, sizeof(err)))
		rs_send_cfg_finish(&a);
	return err;
}

#define O(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_conflicts(void **state)
{
	(void)state;
	assert_string_equal(rules("sctp", "127.0.0.1", O("dport=1")),
			    "sctp: the protocol is tcp, udp, icmp or arp");
	/* arp: a link, IPv4, none of IP's options; its options only with it. */
	assert_string_equal(rules("arp", "192.0.2.2", O("op=reply")), "arp: give the link: -I IFACE");
	assert_string_equal(rules("arp", "2001:db8::2", O("interface=lo")),
			    "DST: ARP resolves IPv4 addresses (IPv6 has neighbour discovery)");
	assert_string_equal(rules("arp", "192.0.2.2", O("interface=lo", "dport=80")),
			    "arp: --src, --rand-source, ports and data are IP's; ARP has --sender-ip");
	assert_string_equal(rules("arp", "192.0.2.2", O("interface=lo", "ttl=3", "df")),
			    "--df: has no meaning for arp");
	assert_string_equal(rules("arp", "192.0.2.2", O("interface=lo", "gratuitous", "sender-ip=192.0.2.1")),
			    "--gratuitous: sets both IP addresses to DST: no --sender-ip or --target-ip");
	assert_string_equal(rules("tcp", "192.0.2.2", O("dport=1", "sender-ip=192.0.2.1")),
			    "--sender-ip: applies to arp only");
	assert_string_equal(rules("arp", "192.0.2.2", O("interface=lo", "gratuitous", "op=2")), "");
	assert_int_equal(a.cfg.spec.proto, RS_CRAFT_ARP);
	assert_true(a.cfg.spec.link);
	assert_int_equal(a.cfg.spec.arp_op, 2);
	assert_memory_equal(a.cfg.spec.arp_spa, a.cfg.spec.dst, 4);
	assert_memory_equal(a.cfg.spec.arp_tpa, a.cfg.spec.dst, 4);
	assert_false(a.cfg.vary_id);
	assert_int_equal(a.cfg.sport_step, 0);
	assert_string_equal(rules("tcp", "bogus", O("dport=1")),
			    "DST: 'bogus' is not an IPv4 or IPv6 address");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "src=::1")),
			    "--src: not the destination's address family");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "-6")),
			    "-6: the destination is of the other address family");
	assert_string_equal(rules("tcp", "::1", O("dport=1", "-4")),
			    "-4: the destination is of the other address family");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "rand-source", "src=127.0.0.2")),
			    "--rand-source: cannot go with --src");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "rand-source=2001:db8::/64")),
			    "--rand-source: not the destination's address family");
	assert_string_equal(rules("tcp", "::1", O("dport=1", "id=5")), "--id: applies to IPv4 only");
	assert_string_equal(rules("tcp", "::1", O("dport=1", "bad-ip-checksum", "dry-run")),
			    "--bad-ip-checksum: applies to IPv4 only");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "flow-label=5")),
			    "--flow-label: applies to IPv6 only");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "flags=S")),
			    "--flags: applies to tcp only");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "seq-step=1")),
			    "--seq-step: applies to tcp only");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "icmp-code=2")),
			    "--icmp-code: applies to icmp only");
	assert_string_equal(rules("tcp", "127.0.0.1", O("mss=1", "mss=1", "mss=1", "mss=1", "mss=1",
							 "mss=1", "mss=1", "mss=1", "mss=1", "mss=1",
							 "mss=1", "dport=1")),
			    "TCP options: they take more than the 40 bytes a header holds");
	assert_string_equal(rules("udp", "127.0.0.1", O("dry-run")), "--dport: required for tcp and udp");
	assert_string_equal(rules("icmp", "::1", O("icmp-type=timestamp")),
			    "--icmp-type: timestamp has no ICMPv6 form");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "threads=2")),
			    "--threads: needs --flood");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "flood", "rate=5")),
			    "--flood: cannot go with --interval or --rate");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "rate=5", "interval=1")),
			    "--rate: cannot go with --interval");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "flood")),
			    "--flood: needs -c COUNT or --duration so that it stops");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "rand-seq", "seq=5")),
			    "--rand-seq: cannot go with --seq or --seq-step");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "bad-ip-checksum")),
			    "--bad-ip-checksum: the kernel rewrites the IPv4 checksum of raw sockets; "
			    "add --link (or --dry-run)");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "link", "no-link")),
			    "--no-link: cannot go with --link");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "src-mac=02:00:00:00:00:01")),
			    "--src-mac: needs --link");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "dst-mac=02:00:00:00:00:01")),
			    "--dst-mac: needs --link");
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1", "dry-run", "listen")),
			    "--listen: cannot go with --dry-run");
	assert_string_equal(rules("udp", "::1", O("dport=1", "frag")),
			    "--frag: only IPv4 packets can be fragmented");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "flood", "-c=5", "frag", "link")),
			    "");
}

static void test_defaults(void **state)
{
	(void)state;
	/* A random source port in the ephemeral range, going up by one. */
	assert_string_equal(rules("tcp", "127.0.0.1", O("dport=1")), "");
	assert_true(a.cfg.spec.sport >= 32768 && a.cfg.spec.sport < 61000);
	assert_int_equal(a.cfg.sport_step, 1);
	assert_true(a.cfg.listen && a.cfg.vary_id && !a.cfg.quiet);
	assert_int_equal(a.cfg.count, 1);
	/* A chosen one stays; udp listens (for the port unreachable), as
	 * hping3 shows it. */
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "sport=7", "id=3")), "");
	assert_int_equal(a.cfg.spec.sport, 7);
	assert_int_equal(a.cfg.sport_step, 0);
	assert_int_equal(a.cfg.spec.id, 3);
	assert_false(a.cfg.vary_id);
	assert_true(a.cfg.listen);
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "no-listen")), "");
	assert_false(a.cfg.listen);
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "dry-run")), "");
	assert_false(a.cfg.listen);
	/* --rand-source without a range: the guard's documentation range. */
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "rand-source")), "");
	assert_int_equal(a.cfg.rand_cidr.v, 4);
	assert_int_equal(a.cfg.rand_cidr.prefix, 24);
	assert_memory_equal(a.cfg.rand_cidr.addr, ((uint8_t[]){ 198, 51, 100, 0 }), 4);
	assert_string_equal(rules("udp", "::1", O("dport=1", "rand-source")), "");
	assert_int_equal(a.cfg.rand_cidr.prefix, 48);
	/* A duration without a count runs until it ends; a flood is quiet,
	 * listens for nothing. */
	assert_string_equal(rules("icmp", "127.0.0.1", O("duration=1", "flood")), "");
	assert_int_equal(a.cfg.count, 0);
	assert_true(a.cfg.quiet && !a.cfg.listen);
	assert_true(a.cfg.spec.echo_id != 0);
	/* icmp echo listens; --icmp-id stays. */
	assert_string_equal(rules("icmp", "127.0.0.1", O("icmp-id=9")), "");
	assert_int_equal(a.cfg.spec.echo_id, 9);
	assert_true(a.cfg.listen);
}

/* hping3's letters: each sets what hping3's does. */
static void test_hping3_letters(void **state)
{
	(void)state;
	/* -p and -s are the ports; -s goes up by one per packet as hping3's
	 * base port, -k keeps it (in either order). */
	assert_string_equal(rules("tcp", "127.0.0.1", O("-p=80", "-s=1000")), "");
	assert_int_equal(a.cfg.spec.dport, 80);
	assert_int_equal(a.cfg.spec.sport, 1000);
	assert_int_equal(a.cfg.sport_step, 1);
	assert_string_equal(rules("tcp", "127.0.0.1", O("-k", "-p=80", "-s=1000")), "");
	assert_int_equal(a.cfg.sport_step, 0);
	assert_string_equal(rules("tcp", "127.0.0.1", O("-p=80", "-s=1000", "sport-step=3")), "");
	assert_int_equal(a.cfg.sport_step, 3);
	/* The flag letters: the first replaces the default SYN, the others
	 * add; -X and -Y are hping3's 0x40 and 0x80 (ECE, CWR). */
	assert_string_equal(rules("tcp", "127.0.0.1", O("-p=1", "-A")), "");
	assert_int_equal(a.cfg.spec.flags, RS_TH_ACK);
	static const struct { const char *letter; uint8_t bit; } bits[] = {
		{ "-F", RS_TH_FIN }, { "-S", RS_TH_SYN }, { "-R", RS_TH_RST }, { "-P", RS_TH_PSH },
		{ "-A", RS_TH_ACK }, { "-U", RS_TH_URG }, { "-X", 0x40 }, { "-Y", 0x80 },
	};
	for (size_t i = 0; i < N(bits); i++) {
		assert_string_equal(rules("tcp", "127.0.0.1", O("-p=1", "-F", bits[i].letter)), "");
		assert_int_equal(a.cfg.spec.flags, RS_TH_FIN | bits[i].bit);
	}
	/* With --flags first the letters add to it; --flags after replaces. */
	assert_string_equal(rules("tcp", "127.0.0.1", O("-p=1", "flags=S", "-A")), "");
	assert_int_equal(a.cfg.spec.flags, RS_TH_SYN | RS_TH_ACK);
	assert_string_equal(rules("tcp", "127.0.0.1", O("-p=1", "-R", "flags=A")), "");
	assert_int_equal(a.cfg.spec.flags, RS_TH_ACK);
	assert_string_equal(rules("udp", "127.0.0.1", O("-p=1", "-S")), "-S: applies to tcp only");
	/* -1 and -2 are the protocol: the word may be left out, or agree. */
	assert_string_equal(rules(NULL, "127.0.0.1", O("-2", "-p=53")), "");
	assert_int_equal(a.cfg.spec.proto, RS_CRAFT_UDP);
	assert_string_equal(rules(NULL, "127.0.0.1", O("-1")), "");
	assert_int_equal(a.cfg.spec.proto, RS_CRAFT_ICMP);
	assert_string_equal(rules("udp", "127.0.0.1", O("-2", "-p=53")), "");
	assert_string_equal(rules("tcp", "127.0.0.1", O("-2", "-p=53")), "tcp: not the protocol -2 says");
	assert_string_equal(rules(NULL, "127.0.0.1", O("dport=1")),
			    "give a protocol (tcp, udp, icmp or arp, or -1 or -2) and a destination address");
	rs_send_args_init(&a);
	assert_true(opt("-1", NULL));
	assert_false(opt("-2", NULL));
	assert_string_equal(err, "-2: cannot go with -1");
	/* -d: that many 'X' bytes; a payload given is cut or padded with 'X'. */
	assert_string_equal(rules(NULL, "127.0.0.1", O("-2", "-p=1", "-d=4")), "");
	assert_int_equal(a.cfg.spec.payload_len, 4);
	assert_memory_equal(a.cfg.spec.payload, "XXXX", 4);
	assert_string_equal(rules(NULL, "127.0.0.1", O("-2", "-p=1", "data=ab", "-d=4")), "");
	assert_memory_equal(a.cfg.spec.payload, "abXX", 4);
	assert_string_equal(rules(NULL, "127.0.0.1", O("-2", "-p=1", "-d=1", "data=abc")), "");
	assert_int_equal(a.cfg.spec.payload_len, 1);
	assert_string_equal(rules(NULL, "127.0.0.1", O("-2", "-p=1", "-d=0")), "");
	assert_int_equal(a.cfg.spec.payload_len, 0);
	/* -E is --data-file, and only one of them. */
	rs_send_args_init(&a);
	assert_true(opt("-E", "/dev/null"));
	assert_false(opt("data", "x"));
	/* -i N seconds, -i uN microseconds, -i with units; --fast 10 a second,
	 * --faster hping3's u1. */
	rs_send_args_init(&a);
	assert_true(opt("-i", "2"));
	assert_int_equal(a.cfg.interval_ns, 2000000000);
	assert_true(opt("-i", "u1000"));
	assert_int_equal(a.cfg.interval_ns, 1000000);
	assert_true(opt("-i", "50us"));
	assert_int_equal(a.cfg.interval_ns, 50000);
	assert_true(opt("fast", NULL));
	assert_int_equal(a.cfg.interval_ns, 100000000);
	assert_true(opt("faster", NULL));
	assert_int_equal(a.cfg.interval_ns, 1000);
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "faster", "rate=5")),
			    "--rate: cannot go with --interval");
	assert_string_equal(rules("udp", "127.0.0.1", O("dport=1", "fast", "-c=2", "flood")),
			    "--flood: cannot go with --interval or --rate");
}

/* --data's escapes, as connect's: \r \n \t \\ \0 \xHH; others kept. */
static void test_data_escapes(void **state)
{
	(void)state;
	rs_send_args_init(&a);
	assert_true(opt("data", "GET / HTTP/1.0\\r\\n\\r\\n"));
	assert_int_equal(a.cfg.spec.payload_len, 18);
	assert_memory_equal(a.cfg.spec.payload, "GET / HTTP/1.0\r\n\r\n", 18);
	rs_send_args_init(&a);
	assert_true(opt("data", "\\x41\\x4g\\t\\0\\\\\\q\\x\\"));
	assert_int_equal(a.cfg.spec.payload_len, 11);
	assert_memory_equal(a.cfg.spec.payload, "A\x04g\t\0\\\\q\\x\\", 11);
	/* The one unescaper refuses what does not fit. */
	uint8_t b[4];
	size_t n = 0;
	assert_false(rs_unescape("abcde", b, sizeof(b), &n));
	assert_true(rs_unescape("ab\\x41\\n", b, sizeof(b), &n));
	assert_int_equal(n, 4);
	assert_memory_equal(b, "abA\n", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_covered),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_data_file),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_hping3_letters),
		cmocka_unit_test(test_data_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
