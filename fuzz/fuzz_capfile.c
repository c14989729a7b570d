/*
 * fuzz_capfile.c: libFuzzer target for the capture-file reader: the input
 * is a whole pcap or pcapng file, read by rs_read_files() (the `read`
 * command's loop) through a full view: decode, track, print.
 *
 * The bytes go to a memfd and the reader opens /proc/self/fd/N, so the
 * library reads them exactly as it reads a file on disk (including its
 * own look at the first bytes for the timestamp precision).  The last
 * byte of the input also picks the view's options: output format,
 * summary, verbose, brief, absolute numbers, no tracking or a BPF filter
 * (compiled per link type of a pcapng file's interfaces).  The tracker
 * and ladder are kept small so that their bounds are reached.
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rawshake/capfile.h"
#include "rawshake/print.h"
#include "rawshake/view.h"

static int memfd = -1;
static char path[64];

static void write_all(int fd, const uint8_t *p, size_t n)
{
	if (ftruncate(fd, 0) != 0)
		abort();
	off_t off = 0;
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
		off += w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz_capfile", MFD_CLOEXEC);
		if (memfd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	write_all(memfd, data, size);

	uint8_t d = rs_capfile_sniff_digits(data, size);
	if (d != 6 && d != 9)
		__builtin_trap();

	uint8_t sel = size ? data[size - 1] : 0;
	struct rs_view_opts opts = { 0 };
	opts.format = (enum rs_format)(sel % 3);
	opts.summary = (sel & 0x04) != 0;
	if (sel & 0x08)
		opts.print_flags |= RS_PRINT_VERBOSE;
	if (sel & 0x10)
		opts.print_flags |= RS_PRINT_BRIEF;
	if (sel & 0x20)
		opts.print_flags |= RS_PRINT_ABSOLUTE;
	opts.no_track = (sel & 0xc0) == 0xc0;
	/* A filter that compiles for every link type decoded, and one that
	 * does not for raw IP (its packets are left out, with a note). */
	const char *filter = (sel & 0xc0) == 0x40 ? "tcp or udp" :
			     (sel & 0xc0) == 0x80 && (sel & 0x03) == 0x03 ? "ether src 02:00:00:00:00:01" :
			     NULL;
	opts.max_conns = 4;
	opts.max_ladder_rows = 32;

	struct rs_out *o = fuzz_out();
	struct rs_view v;
	char err[256];
	if (!rs_view_init(&v, &opts, o, err, sizeof(err)))
		abort();
	char *files[] = { path };
	int st = rs_read_files(&v, files, 1, filter, fuzz_null_fd());
	if (st < 0 || st > 2)
		__builtin_trap();
	rs_view_finish(&v);
	rs_view_free(&v);
	rs_out_flush(o);
	return 0;
}
