/*
 * reader.h: the one bounds-checked reader through which every packet byte
 * is read (the idea of tcpdump's GET_BE_U_4, without longjmp).
 *
 * A reader is a window on captured bytes.  Every getter checks the offset
 * against the window; a read past the end returns 0 and sets the sticky
 * `short_read` flag, so a decoder may read a whole header and check once,
 * but can never touch a byte that was not captured.
 */
#ifndef RAWSHAKE_READER_H
#define RAWSHAKE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rs_reader {
	const uint8_t *p;  /* first byte of the window */
	size_t len;        /* bytes captured in the window */
	bool short_read;   /* a getter was asked for a byte beyond len */
};

static inline struct rs_reader rs_reader_make(const uint8_t *p, size_t len)
{
	struct rs_reader r = { p, len, false };
	return r;
}

/* True when n bytes starting at off were captured. */
static inline bool rs_reader_has(const struct rs_reader *r, size_t off, size_t n)
{
	return off <= r->len && n <= r->len - off;
}

static inline uint8_t rs_get_u8(struct rs_reader *r, size_t off)
{
	if (!rs_reader_has(r, off, 1)) {
		r->short_read = true;
		return 0;
	}
	return r->p[off];
}

static inline uint16_t rs_get_be16(struct rs_reader *r, size_t off)
{
	if (!rs_reader_has(r, off, 2)) {
		r->short_read = true;
		return 0;
	}
	return (uint16_t)((r->p[off] << 8) | r->p[off + 1]);
}

static inline uint32_t rs_get_be32(struct rs_reader *r, size_t off)
{
	if (!rs_reader_has(r, off, 4)) {
		r->short_read = true;
		return 0;
	}
	return ((uint32_t)r->p[off] << 24) | ((uint32_t)r->p[off + 1] << 16) |
	       ((uint32_t)r->p[off + 2] << 8) | (uint32_t)r->p[off + 3];
}

static inline uint32_t rs_get_le32(struct rs_reader *r, size_t off)
{
	if (!rs_reader_has(r, off, 4)) {
		r->short_read = true;
		return 0;
	}
	return ((uint32_t)r->p[off + 3] << 24) | ((uint32_t)r->p[off + 2] << 16) |
	       ((uint32_t)r->p[off + 1] << 8) | (uint32_t)r->p[off];
}

/* Copies n bytes into dst; on a short window copies nothing and flags it. */
static inline bool rs_get_bytes(struct rs_reader *r, size_t off, void *dst, size_t n)
{
	if (!rs_reader_has(r, off, n)) {
		r->short_read = true;
		return false;
	}
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = r->p[off + i];
	return true;
}

/*
 * The window that starts at off and holds at most n bytes: what was
 * captured of a layer whose header says it is n bytes long.  An offset past
 * the end gives an empty window.
 */
static inline struct rs_reader rs_reader_sub(const struct rs_reader *r, size_t off, size_t n)
{
	struct rs_reader s = { r->p, 0, false };
	if (off > r->len)
		return s;
	s.p = r->p + off;
	s.len = r->len - off;
	if (n < s.len)
		s.len = n;
	return s;
}

/*
 * Internet checksum (RFC 1071) over a window, added to a running sum.
 * Reads only bytes inside the window.
 */
uint32_t rs_csum_add(uint32_t sum, const struct rs_reader *r);
uint16_t rs_csum_fold(uint32_t sum);

#endif
