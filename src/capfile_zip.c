/* capfile_zip.c: compressed captures (gzip, zstd, xz, bzip2) read as a
 * stream of their decompressed bytes, for capfile.c's readers to run on
 * unchanged.  Chosen by the first bytes, never by the file's name.
 * Nothing is decompressed ahead of what the reader asks for: one input
 * buffer, and the output goes straight into the reader's buffer. */
#define _GNU_SOURCE /* fopencookie */
#include "capfile_int.h"

#include <bzlib.h>
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* Compressed bytes read from the source at a time. */
#define ZIP_IN_CHUNK (256u * 1024u)

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* A fuzzer's few kilobytes can be a bomb that expands for minutes; real
 * captures have no such cap (the reader streams, memory stays bounded). */
#define ZIP_FUZZ_OUT_MAX (16u * 1024u * 1024u)
#endif

struct rs_zip {
	FILE *src;
	enum rs_zip_format fmt;
	uint8_t *in;
	size_t in_len, in_off;    /* compressed bytes buffered: [in_off, in_len) */
	bool in_eof;
	uint64_t in_read;         /* compressed bytes read from src */
	uint64_t out_made;        /* decompressed bytes handed to the reader */
	/* The last member (gzip, bzip2) or frame (zstd) or stream (xz) ended
	 * and nothing of another has been taken: the input may end here. */
	bool boundary;
	bool restart;             /* a new member starts with the next input */
	bool ended, cut, failed;
	char msg[160];
	union {
		z_stream gz;
		ZSTD_DStream *zs;
		lzma_stream xz;
		bz_stream bz;
	} u;
};

enum rs_zip_format rs_zip_sniff(const uint8_t *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return RS_ZIP_GZIP;
	/* A zstd frame, or a skippable frame (0x184D2A50..5F, little endian),
	 * which zstd itself accepts first. */
	if (n >= 4 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd && h[0] == 0x28)
		return RS_ZIP_ZSTD;
	if (n >= 4 && (h[0] & 0xf0) == 0x50 && h[1] == 0x2a && h[2] == 0x4d && h[3] == 0x18)
		return RS_ZIP_ZSTD;
	if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
		return RS_ZIP_XZ;
	if (n >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9')
		return RS_ZIP_BZIP2;
	return RS_ZIP_NONE;
}

const char *rs_zip_name(enum rs_zip_format fmt)
{
	switch (fmt) {
	case RS_ZIP_GZIP: return "gzip";
	case RS_ZIP_ZSTD: return "zstd";
	case RS_ZIP_XZ: return "xz";
	case RS_ZIP_BZIP2: return "bzip2";
	case RS_ZIP_NONE: break;
	}
	return "uncompressed";
}

/* what: the library's reason, NULL when it has none better. */
static int zip_fail(struct rs_zip *z, const char *what)
{
	if (what)
		snprintf(z->msg, sizeof(z->msg), "%s data is corrupt (%s)", rs_zip_name(z->fmt), what);
	else
		snprintf(z->msg, sizeof(z->msg), "%s data is corrupt", rs_zip_name(z->fmt));
	z->failed = true;
	return -1;
}

static unsigned avail_in(const struct rs_zip *z)
{
	size_t k = z->in_len - z->in_off;
	return k > UINT_MAX ? UINT_MAX : (unsigned)k;
}

/* Each step decompresses what it can of the buffered input into
 * out[0..n), adding to *made; -1 (msg set) on corrupt data. */
static int gz_step(struct rs_zip *z, uint8_t *out, size_t n, size_t *made)
{
	z_stream *s = &z->u.gz;

	if (z->restart) {
		if (inflateReset(s) != Z_OK)
			return zip_fail(z, "cannot restart the decoder");
		z->restart = false;
	}
	s->next_in = z->in + z->in_off;
	s->avail_in = avail_in(z);
	s->next_out = out;
	s->avail_out = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	unsigned before = s->avail_in;
	int rc = inflate(s, Z_NO_FLUSH);
	z->in_off += before - s->avail_in;
	*made += (n > UINT_MAX ? UINT_MAX : n) - s->avail_out;
	if (before != s->avail_in)
		z->boundary = false;
	if (rc == Z_STREAM_END) {
		/* Members one after another read as one stream, as with zcat. */
		z->boundary = true;
		z->restart = true;
		return 0;
	}
	if (rc == Z_OK || rc == Z_BUF_ERROR)
		return 0;
	return zip_fail(z, s->msg ? s->msg : "inflate failed");
}

static int zs_step(struct rs_zip *z, uint8_t *out, size_t n, size_t *made)
{
	ZSTD_inBuffer in = { z->in + z->in_off, z->in_len - z->in_off, 0 };
	ZSTD_outBuffer o = { out, n, 0 };
	size_t rc = ZSTD_decompressStream(z->u.zs, &o, &in);

	z->in_off += in.pos;
	*made += o.pos;
	if (ZSTD_isError(rc))
		return zip_fail(z, ZSTD_getErrorName(rc));
	/* 0: a frame is done and flushed; the next, if any, is read on.  A
	 * call that moved nothing (the input at its end) changes nothing. */
	if (in.pos > 0 || o.pos > 0)
		z->boundary = rc == 0;
	return 0;
}

static const char *xz_error(lzma_ret rc)
{
	switch (rc) {
	case LZMA_FORMAT_ERROR: return "not in the .xz format";
	case LZMA_OPTIONS_ERROR: return "unsupported compression options";
	case LZMA_DATA_ERROR: return NULL;   /* nothing to add to "corrupt" */
	case LZMA_MEM_ERROR: return "out of memory";
	default: return "decoder error";
	}
}

static int xz_step(struct rs_zip *z, uint8_t *out, size_t n, size_t *made)
{
	lzma_stream *s = &z->u.xz;

	s->next_in = z->in + z->in_off;
	s->avail_in = z->in_len - z->in_off;
	s->next_out = out;
	s->avail_out = n;
	/* LZMA_FINISH once all the input is buffered: only then does a
	 * complete file say so (LZMA_STREAM_END) and a cut one fail. */
	lzma_ret rc = lzma_code(s, z->in_eof ? LZMA_FINISH : LZMA_RUN);
	z->in_off = z->in_len - s->avail_in;
	*made += n - s->avail_out;
	if (rc == LZMA_STREAM_END) {
		z->boundary = true;
		return 0;
	}
	if (rc == LZMA_OK || (rc == LZMA_BUF_ERROR && z->in_eof))
		return 0;   /* a buffer error at the end: cut short (boundary unset) */
	return zip_fail(z, xz_error(rc));
}

static int bz_step(struct rs_zip *z, uint8_t *out, size_t n, size_t *made)
{
	bz_stream *s = &z->u.bz;

	if (z->restart) {
		BZ2_bzDecompressEnd(s);
		memset(s, 0, sizeof(*s));
		if (BZ2_bzDecompressInit(s, 0, 0) != BZ_OK)
			return zip_fail(z, "cannot restart the decoder");
		z->restart = false;
	}
	s->next_in = (char *)(z->in + z->in_off);
	s->avail_in = avail_in(z);
	s->next_out = (char *)out;
	s->avail_out = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	unsigned before = s->avail_in, room = s->avail_out;
	int rc = BZ2_bzDecompress(s);
	z->in_off += before - s->avail_in;
	*made += room - s->avail_out;
	if (before != s->avail_in)
		z->boundary = false;
	if (rc == BZ_STREAM_END) {
		z->boundary = true;
		z->restart = true;   /* bzip2 streams one after another, as bzcat reads them */
		return 0;
	}
	if (rc == BZ_OK)
		return 0;
	return zip_fail(z, rc == BZ_DATA_ERROR_MAGIC ? "bad stream header"
			   : rc == BZ_MEM_ERROR ? "out of memory" : "bad block");
}

static int zip_step(struct rs_zip *z, uint8_t *out, size_t n, size_t *made)
{
	/* After a member, only more input starts another. */
	if (z->restart && z->in_off == z->in_len)
		return 0;
	switch (z->fmt) {
	case RS_ZIP_GZIP: return gz_step(z, out, n, made);
	case RS_ZIP_ZSTD: return zs_step(z, out, n, made);
	case RS_ZIP_XZ: return xz_step(z, out, n, made);
	case RS_ZIP_BZIP2: return bz_step(z, out, n, made);
	case RS_ZIP_NONE: break;
	}
	return zip_fail(z, "no decoder");
}

static bool zip_refill(struct rs_zip *z)
{
	size_t got = fread(z->in, 1, ZIP_IN_CHUNK, z->src);

	z->in_off = 0;
	z->in_len = got;
	z->in_read += got;
	if (got == 0) {
		if (ferror(z->src)) {
			snprintf(z->msg, sizeof(z->msg), "%s", strerror(errno ? errno : EIO));
			z->failed = true;
			return false;
		}
		z->in_eof = true;
	}
	return true;
}

static ssize_t zip_read(void *cookie, char *buf, size_t size)
{
	struct rs_zip *z = cookie;
	size_t made = 0;

	while (made == 0) {
		if (z->failed) {
			errno = EIO;
			return -1;
		}
		if (z->ended)
			return 0;
		if (z->in_off == z->in_len && !z->in_eof && !zip_refill(z))
			continue;
		size_t off_before = z->in_off;
		if (zip_step(z, (uint8_t *)buf, size, &made) < 0)
			return made ? (ssize_t)made : (errno = EIO, -1);
		if (made)
			break;
		if (z->in_off == z->in_len && z->in_eof) {
			/* Nothing more can come: a clean end only between members. */
			z->ended = true;
			z->cut = !z->boundary;
			if (z->cut)
				snprintf(z->msg, sizeof(z->msg), "the %s data ends early",
					 rs_zip_name(z->fmt));
		} else if (z->in_off == off_before && z->in_off < z->in_len) {
			zip_fail(z, "the decoder made no progress");
		}
	}
	z->out_made += made;
#ifdef ZIP_FUZZ_OUT_MAX
	if (z->out_made > ZIP_FUZZ_OUT_MAX) {
		zip_fail(z, "past the fuzz build's output cap");
		errno = EIO;
		return -1;
	}
#endif
	return (ssize_t)made;
}

static void zip_free(struct rs_zip *z)
{
	switch (z->fmt) {
	case RS_ZIP_GZIP: inflateEnd(&z->u.gz); break;
	case RS_ZIP_ZSTD: ZSTD_freeDStream(z->u.zs); break;
	case RS_ZIP_XZ: lzma_end(&z->u.xz); break;
	case RS_ZIP_BZIP2: BZ2_bzDecompressEnd(&z->u.bz); break;
	case RS_ZIP_NONE: break;
	}
	free(z->in);
	free(z);
}

static int zip_close(void *cookie)
{
	struct rs_zip *z = cookie;
	int rc = z->src == stdin ? 0 : fclose(z->src);

	zip_free(z);
	return rc;
}

static bool zip_init(struct rs_zip *z)
{
	switch (z->fmt) {
	case RS_ZIP_GZIP:
		return inflateInit2(&z->u.gz, 15 + 16) == Z_OK;   /* gzip wrapper only */
	case RS_ZIP_ZSTD:
		z->u.zs = ZSTD_createDStream();
		return z->u.zs && !ZSTD_isError(ZSTD_initDStream(z->u.zs));
	case RS_ZIP_XZ:
		z->u.xz = (lzma_stream)LZMA_STREAM_INIT;
		/* Concatenated .xz streams read as one, as xzcat does. */
		return lzma_stream_decoder(&z->u.xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
	case RS_ZIP_BZIP2:
		return BZ2_bzDecompressInit(&z->u.bz, 0, 0) == BZ_OK;
	case RS_ZIP_NONE:
		break;
	}
	return false;
}

FILE *rs_zip_open(FILE *src, enum rs_zip_format fmt, struct rs_zip **out)
{
	cookie_io_functions_t io = { .read = zip_read, .close = zip_close };
	struct rs_zip *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (!z)
		return NULL;
	z->src = src;
	z->fmt = fmt;
	z->in = malloc(ZIP_IN_CHUNK);
	if (!z->in || !zip_init(z)) {
		zip_free(z);   /* each library's free takes a decoder never set up */
		return NULL;
	}
	FILE *f = fopencookie(z, "r", io);
	if (!f) {
		zip_free(z);
		return NULL;
	}
	*out = z;
	return f;
}

const char *rs_zip_problem(const struct rs_zip *z, bool *corrupt)
{
	*corrupt = z->failed;
	if (z->failed)
		return z->msg;
	return z->cut ? z->msg : NULL;
}

uint64_t rs_zip_consumed(const struct rs_zip *z)
{
	return z->in_read - (z->in_len - z->in_off);
}
