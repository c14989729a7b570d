/* test_outfile.c: how output files are opened (no planted link followed, no other user's file
 * overwritten, mode 0644 at most) and that a write that fails leaves a file ending at its last
 * whole record, read back by libpcap and by rawshake's own reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rawshake/capfile.h"
#include "rawshake/outfile.h"
#include "rawshake/pcapng_writer.h"

static char dir[64];
static struct rs_outfile of;   /* large: not on the stack */

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rs-outfile-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_content(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

/* A new file is 0644 even under umask 000 (fopen would make it 0666);
 * a stricter umask still narrows it. */
static void test_new_file_mode(void **state)
{
	(void)state;
	char p[128], err[512];
	struct stat st;
	mode_t old = umask(0);

	path_of(p, sizeof(p), "new.pcap");
	assert_true(rs_outfile_open(&of, p, NULL, err, sizeof(err)));
	assert_true(rs_outfile_close(&of));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_true(S_ISREG(st.st_mode));

	umask(077);
	path_of(p, sizeof(p), "private.pcap");
	assert_true(rs_outfile_open(&of, p, NULL, err, sizeof(err)));
	assert_true(rs_outfile_close(&of));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(old);
}

/* A symbolic link is never followed, whether its target exists or not;
 * the target keeps its content and a missing one is not created. */
static void test_symlink_refused(void **state)
{
	(void)state;
	char target[128], link[128], missing[128], dangling[128], err[512];

	path_of(target, sizeof(target), "victim");
	path_of(link, sizeof(link), "link.pcap");
	path_of(missing, sizeof(missing), "not-there");
	path_of(dangling, sizeof(dangling), "dangling.pcap");
	write_text(target, "secret\n");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(symlink(missing, dangling), 0);

	assert_false(rs_outfile_open(&of, link, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "symbolic link: not followed"));
	assert_content(target, "secret\n");
	assert_false(rs_outfile_open(&of, dangling, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "symbolic link: not followed"));
	assert_int_equal(access(missing, F_OK), -1);
}

/* The user's own file is truncated and rewritten; one with another hard
 * link (which could be anyone's file elsewhere) is not. */
static void test_existing_files(void **state)
{
	(void)state;
	char own[128], other[128], err[512];
	struct stat st;

	path_of(own, sizeof(own), "own.pcap");
	write_text(own, "a longer old content than what is written now\n");
	assert_true(rs_outfile_open(&of, own, NULL, err, sizeof(err)));
	rs_outfile_put(&of, "new\n", 4);
	assert_true(rs_outfile_end(&of, true));
	assert_true(rs_outfile_close(&of));
	assert_content(own, "new\n");
	assert_int_equal(of.records, 1);

	path_of(other, sizeof(other), "hardlink.pcap");
	assert_int_equal(link(own, other), 0);
	assert_false(rs_outfile_open(&of, other, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "2 hard links"));
	assert_content(own, "new\n");

	/* Another user's file, when we can make one (root). */
	if (geteuid() == 0) {
		path_of(other, sizeof(other), "nobodys.pcap");
		write_text(other, "theirs\n");
		assert_int_equal(chown(other, 65534, 65534), 0);
		assert_int_equal(chmod(other, 0666), 0);
		assert_false(rs_outfile_open(&of, other, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, "not overwritten"));
		assert_content(other, "theirs\n");
	}
	/* A directory, and a character device that anyone may write. */
	assert_false(rs_outfile_open(&of, dir, NULL, err, sizeof(err)));
	assert_true(rs_outfile_open(&of, "/dev/null", NULL, err, sizeof(err)));
	assert_int_equal(fstat(of.fd, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_false(of.regular);
	assert_true(rs_outfile_close(&of));
}

/* "-", /dev/stdout and /dev/fd/N are the caller's descriptors. */
static void test_named_descriptors(void **state)
{
	(void)state;
	char p[128], name[64], err[512];
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	snprintf(name, sizeof(name), "/dev/fd/%d", fds[1]);
	assert_true(rs_outfile_open(&of, name, NULL, err, sizeof(err)));
	assert_false(of.to_stdout);
	rs_outfile_put(&of, "via fd", 6);
	assert_true(rs_outfile_end(&of, true));
	assert_true(rs_outfile_close(&of));
	char buf[16] = "";
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "via fd", 6);
	close(fds[0]);
	/* A descriptor open for reading only is refused. */
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fds[0]);   /* closed now */
	assert_false(rs_outfile_open(&of, name, NULL, err, sizeof(err)));
	close(fds[1]);

	assert_true(rs_outfile_open(&of, "-", NULL, err, sizeof(err)));
	assert_true(of.to_stdout);
	assert_true(rs_outfile_close(&of));
	assert_int_equal(fcntl(STDOUT_FILENO, F_GETFD), 0);   /* still open */
	assert_true(rs_outfile_open(&of, "/dev/stdout", NULL, err, sizeof(err)));
	assert_true(of.to_stdout);
	assert_true(rs_outfile_close(&of));

	/* Permission denied as the -Z user says so. */
	if (geteuid() != 0) {
		path_of(p, sizeof(p), "ro");
		assert_int_equal(mkdir(p, 0500), 0);
		path_of(p, sizeof(p), "ro/x.pcap");
		assert_false(rs_outfile_open(&of, p, "nobody", err, sizeof(err)));
		assert_non_null(strstr(err, "opened as nobody, the -Z user"));
	}
}

/* The header is the one libpcap's pcap_dump_open writes, byte for byte,
 * and DLT_ values map to LINKTYPE_ values as libpcap maps them. */
static void test_pcap_header_as_libpcap(void **state)
{
	(void)state;
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL };
	char ours[128], theirs[128], err[512];

	assert_int_equal(rs_outfile_linktype(DLT_RAW), 101);
	assert_int_equal(rs_outfile_linktype(DLT_EN10MB), 1);
	assert_int_equal(rs_outfile_linktype(DLT_LINUX_SLL2), 276);
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		for (int nano = 0; nano <= 1; nano++) {
			path_of(ours, sizeof(ours), "ours.pcap");
			path_of(theirs, sizeof(theirs), "theirs.pcap");
			unlink(ours);
			unlink(theirs);
			assert_true(rs_outfile_open(&of, ours, NULL, err, sizeof(err)));
			assert_true(rs_outfile_pcap_header(&of, dlts[i], 262144, nano, err, sizeof(err)));
			assert_true(rs_outfile_close(&of));
			pcap_t *p = pcap_open_dead_with_tstamp_precision(
				dlts[i], 262144, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
			pcap_dumper_t *d = pcap_dump_open(p, theirs);
			assert_non_null(d);
			pcap_dump_close(d);
			pcap_close(p);
			uint8_t a[64], b[64];
			FILE *fa = fopen(ours, "rb"), *fb = fopen(theirs, "rb");
			assert_int_equal(fread(a, 1, sizeof(a), fa), 24);
			assert_int_equal(fread(b, 1, sizeof(b), fb), 24);
			fclose(fa);
			fclose(fb);
			assert_memory_equal(a, b, 24);
		}
	}
}

/* Counts the packets libpcap reads; false when it reports an error
 * (such as a record cut short) instead of a clean end of file. */
static bool libpcap_reads(const char *path, unsigned *n)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;
	pcap_t *p = pcap_open_offline(path, ebuf);

	*n = 0;
	if (!p)
		return false;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1)
		(*n)++;
	pcap_close(p);
	return rc == PCAP_ERROR_BREAK;   /* -2: no more packets */
}

/*
 * A file limited to `limit` bytes (RLIMIT_FSIZE: writes beyond fail with
 * EFBIG, as a full disk fails with ENOSPC), written in a child: the first
 * failed write stops everything with that errno, and the file is cut back
 * to its last whole record.  Records of `caplen` bytes (some larger than
 * the buffer); pcapng when ng.  Returns the records the writer says are
 * whole on file.
 */
static uint64_t run_limited(const char *p, uint32_t caplen, rlim_t limit, bool ng)
{
	int fds[2];
	uint64_t records = 0;

	unlink(p);
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static uint8_t bytes[300000];
		char err[512];
		struct rlimit rl = { limit, limit };
		struct rs_pcapng_writer w;
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || !rs_outfile_open(&of, p, NULL, err, sizeof(err)))
			_exit(10);
		bool ok = ng ? rs_pcapng_open(&w, &of, 1, 262144, "test0", "test", false)
			     : rs_outfile_pcap_header(&of, DLT_EN10MB, 262144, false, err, sizeof(err));
		if (!ok)
			_exit(11);
		uint64_t i;
		for (i = 0; i < 100000; i++) {
			struct pcap_pkthdr h = { .caplen = caplen, .len = caplen };
			h.ts.tv_sec = 1800000000 + (time_t)i;
			bytes[0] = (uint8_t)i;
			ok = ng ? rs_pcapng_write(&w, &h, bytes, RS_PKT_DIR_IN)
				: rs_outfile_pcap_record(&of, &h, bytes);
			if (ok && i % 7 == 6)
				ok = rs_outfile_flush(&of);
			if (!ok)
				break;
		}
		if (ok || of.err != EFBIG)
			_exit(12);
		/* Nothing more is written after the failure, not even by close,
		 * and the first errno stays. */
		rs_outfile_put(&of, bytes, 100);
		if (rs_outfile_end(&of, true) || rs_outfile_close(&of) || of.err != EFBIG ||
		    of.records > i)
			_exit(13);
		if (write(fds[1], &of.records, sizeof(of.records)) != sizeof(of.records))
			_exit(14);
		_exit(0);
	}
	close(fds[1]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(fds[0], &records, sizeof(records)), sizeof(records));
	close(fds[0]);
	return records;
}

static void test_pcap_cut_to_last_whole_record(void **state)
{
	(void)state;
	/* small records, records about the buffer's size, larger ones */
	static const uint32_t caplens[] = { 60, 1514, 65000, 200000 };
	static const rlim_t limits[] = { 100000, 1000000 };
	char p[128];

	path_of(p, sizeof(p), "limited.pcap");
	for (size_t c = 0; c < sizeof(caplens) / sizeof(caplens[0]); c++) {
		for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
			uint64_t n = run_limited(p, caplens[c], limits[l], false);
			struct stat st;
			unsigned got;
			assert_int_equal(stat(p, &st), 0);
			assert_true(n > 0 || caplens[c] + 40 > limits[l]);
			assert_int_equal((uint64_t)st.st_size, 24 + n * (16 + caplens[c]));
			assert_true((uint64_t)st.st_size <= limits[l]);
			/* and the next record would not have fitted */
			assert_true(24 + (n + 1) * (16 + caplens[c]) > limits[l]);
			assert_true(libpcap_reads(p, &got));
			assert_int_equal(got, n);
		}
	}
}

static void test_pcapng_cut_to_last_whole_block(void **state)
{
	(void)state;
	char p[128], err[512];
	path_of(p, sizeof(p), "limited.pcapng");
	uint64_t n = run_limited(p, 1001, 200000, true);
	unsigned got;
	assert_true(n > 100);
	assert_true(libpcap_reads(p, &got));
	assert_int_equal(got, n);

	/* rawshake's own reader: every packet, then a clean end, no truncation */
	struct rs_capfile cf;
	const struct pcap_pkthdr *h;
	const uint8_t *data;
	uint64_t k = 0;
	enum rs_cap_result rc;
	assert_true(rs_capfile_open(&cf, p, err, sizeof(err)));
	while ((rc = rs_capfile_next(&cf, &h, &data)) == RS_CAP_PACKET) {
		assert_int_equal(h->caplen, 1001);
		assert_int_equal(data[0], (uint8_t)k);
		k++;
	}
	assert_int_equal(rc, RS_CAP_EOF);
	assert_int_equal(k, n);
	rs_capfile_close(&cf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_mode),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_existing_files),
		cmocka_unit_test(test_named_descriptors),
		cmocka_unit_test(test_pcap_header_as_libpcap),
		cmocka_unit_test(test_pcap_cut_to_last_whole_record),
		cmocka_unit_test(test_pcapng_cut_to_last_whole_block),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
