/* capfile.c: capture files through libpcap (pcap and pcapng, files or stdin). */
#define _GNU_SOURCE /* fopencookie: replay peeked bytes of a pipe */
#include "rawshake/capfile.h"
#include "rawshake/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PEEK_MAX 65536

uint8_t rs_capfile_sniff_digits(const uint8_t *head, size_t n)
{
	struct rs_reader r = rs_reader_make(head, n);
	uint32_t magic = rs_get_be32(&r, 0);

	if (r.short_read)
		return 6;
	if (magic == 0xa1b23c4d || magic == 0x4d3cb2a1)
		return 9;
	if (magic != 0x0a0d0d0a)
		return 6;
	/* pcapng: the section header tells the byte order; walk the blocks
	 * after it to the first interface description and its if_tsresol. */
	bool le = rs_get_be32(&r, 8) == 0x4d3c2b1a;
	size_t off = 0;
	for (int blocks = 0; blocks < 16; blocks++) {
		uint32_t type = le ? rs_get_le32(&r, off) : rs_get_be32(&r, off);
		uint32_t len = le ? rs_get_le32(&r, off + 4) : rs_get_be32(&r, off + 4);
		if (r.short_read || len < 12 || len > n - off)
			return 6;
		if (type == 1) {
			size_t o = off + 16;
			while (o + 4 <= off + len - 4) {
				uint16_t code, olen;
				if (le) {
					code = (uint16_t)(rs_get_u8(&r, o) | rs_get_u8(&r, o + 1) << 8);
					olen = (uint16_t)(rs_get_u8(&r, o + 2) | rs_get_u8(&r, o + 3) << 8);
				} else {
					code = rs_get_be16(&r, o);
					olen = rs_get_be16(&r, o + 2);
				}
				if (r.short_read || code == 0)
					return 6;
				if (code == 9 && olen >= 1) {
					uint8_t res = rs_get_u8(&r, o + 4);
					/* High bit set: a power of two; 2^-20 and finer is sub-µs. */
					if (res & 0x80)
						return (res & 0x7f) >= 20 ? 9 : 6;
					return res > 6 ? 9 : 6;
				}
				o += 4 + (((size_t)olen + 3) & ~(size_t)3);
			}
			return 6;
		}
		off += len;
	}
	return 6;
}

/* A FILE that first gives back the bytes already peeked from a pipe. */
struct replay {
	FILE *src;
	uint8_t *head;
	size_t n, pos;
};

static ssize_t replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *rp = cookie;
	if (rp->pos < rp->n) {
		size_t k = rp->n - rp->pos;
		if (k > size)
			k = size;
		memcpy(buf, rp->head + rp->pos, k);
		rp->pos += k;
		return (ssize_t)k;
	}
	size_t got = fread(buf, 1, size, rp->src);
	if (got == 0 && ferror(rp->src))
		return -1;
	return (ssize_t)got;
}

static int replay_close(void *cookie)
{
	struct replay *rp = cookie;
	int rc = rp->src == stdin ? 0 : fclose(rp->src);
	free(rp->head);
	free(rp);
	return rc;
}

static FILE *open_replay(FILE *src, uint8_t *head, size_t n)
{
	cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
	struct replay *rp = calloc(1, sizeof(*rp));
	if (!rp)
		return NULL;
	rp->src = src;
	rp->head = head;
	rp->n = n;
	FILE *f = fopencookie(rp, "r", io);
	if (!f)
		free(rp);
	return f;
}

bool rs_capfile_open(struct rs_capfile *cf, const char *path, char *err, size_t errlen)
{
	memset(cf, 0, sizeof(*cf));
	cf->name = path;

	bool is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		return false;
	}
	uint8_t *head = malloc(PEEK_MAX);
	if (!head) {
		snprintf(err, errlen, "out of memory");
		if (!is_stdin)
			fclose(fp);
		return false;
	}
	size_t n = fread(head, 1, PEEK_MAX, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(head);
		if (!is_stdin)
			fclose(fp);
		return false;
	}
	cf->ts_digits = rs_capfile_sniff_digits(head, n);

	/* Hand libpcap the stream from its first byte: rewind a file, replay
	 * the peeked bytes of a pipe. */
	if (fseek(fp, 0, SEEK_SET) == 0) {
		free(head);
	} else {
		FILE *rf = open_replay(fp, head, n);
		if (!rf) {
			snprintf(err, errlen, "out of memory");
			free(head);
			if (!is_stdin)
				fclose(fp);
			return false;
		}
		fp = rf;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty file, not a capture file");
		if (fp != stdin)
			fclose(fp);
		return false;
	}

	cf->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
							     cf->errbuf);
	if (!cf->pcap) {
		/* libpcap says "unknown file format" for anything else. */
		snprintf(err, errlen, "not a pcap or pcapng capture file (%s)", cf->errbuf);
		if (fp != stdin)
			fclose(fp);
		return false;
	}
	cf->dlt = pcap_datalink(cf->pcap);
	return true;
}

bool rs_capfile_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (pcap_compile(cf->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(cf->pcap));
		return false;
	}
	if (pcap_setfilter(cf->pcap, &prog) < 0) {
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(cf->pcap));
		pcap_freecode(&prog);
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

enum rs_cap_result rs_capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(cf->pcap, &h, &d);

	if (rc == 1) {
		*hdr = h;
		*data = d;
		return RS_CAP_PACKET;
	}
	if (rc == PCAP_ERROR_BREAK)
		return RS_CAP_EOF;
	snprintf(cf->errbuf, sizeof(cf->errbuf), "%s", pcap_geterr(cf->pcap));
	if (strstr(cf->errbuf, "truncated"))
		return RS_CAP_TRUNCATED;
	return RS_CAP_ERROR;
}

void rs_capfile_close(struct rs_capfile *cf)
{
	if (cf->pcap)
		pcap_close(cf->pcap);   /* also closes the FILE it read */
	cf->pcap = NULL;
}
