/*
 * out.h: the one buffered writer all output goes through.
 *
 * Formatting helpers append to a fixed buffer that is written out when
 * full or on rs_out_flush().  A write that fails with EPIPE (the reader of
 * a pipe went away, as with "| head") marks the writer closed; callers
 * check rs_out_closed() and stop quietly.
 */
#ifndef RAWSHAKE_OUT_H
#define RAWSHAKE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_OUT_BUFSIZE (1u << 16)

struct rs_out {
	int fd;
	size_t n;
	bool closed;     /* EPIPE seen: the reader went away */
	int err;         /* errno of another write error, 0 if none */
	char buf[RS_OUT_BUFSIZE];
};

void rs_out_init(struct rs_out *o, int fd);
/* Writes what is buffered; false on error (see closed / err). */
bool rs_out_flush(struct rs_out *o);
static inline bool rs_out_closed(const struct rs_out *o) { return o->closed || o->err != 0; }

void rs_out_write(struct rs_out *o, const char *s, size_t n);
void rs_out_str(struct rs_out *o, const char *s);
void rs_out_char(struct rs_out *o, char c);
/* A string that came from a capture (an interface name, a comment) on a
 * text line: printable ASCII as is, every other byte as \xNN, so that no
 * control character reaches a terminal. */
void rs_out_str_safe(struct rs_out *o, const char *s);
/* n bytes from a capture (a pcapng comment) the same way, except that
 * valid UTF-8 of a character from U+00A0 on is kept as it is. */
void rs_out_bytes_safe(struct rs_out *o, const uint8_t *s, size_t n);
void rs_out_u64(struct rs_out *o, uint64_t v);
void rs_out_i64(struct rs_out *o, int64_t v);
/* v right-aligned in width columns. */
void rs_out_u64_w(struct rs_out *o, uint64_t v, unsigned width);
/* v as exactly digits decimal digits, zero-padded (fractions of seconds). */
void rs_out_u64_zpad(struct rs_out *o, uint64_t v, unsigned digits);
void rs_out_hex(struct rs_out *o, uint64_t v, unsigned min_digits);
/* A double with the given digits after the point ("%.*f"). */
void rs_out_double(struct rs_out *o, double v, unsigned decimals);
/* printf-style, for rare lines (notes, errors); not for the per-packet hot path. */
void rs_out_printf(struct rs_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A JSON string literal, quotes included, escaping everything RFC 8259 needs;
 * invalid UTF-8 bytes are written as \u00XX of their byte value. */
void rs_out_json_str(struct rs_out *o, const char *s, size_t n);
static inline void rs_out_json_cstr(struct rs_out *o, const char *s);

/* Addresses without any name lookup: dotted quad, RFC 5952 IPv6, MAC. */
void rs_out_ip(struct rs_out *o, uint8_t v, const uint8_t *addr);
/* The same text in buf, NUL-terminated; returns its length.  Unlike
 * inet_ntop, no printf underneath: summaries format two per connection. */
#define RS_IP_STRLEN 46
size_t rs_ip_format(char buf[RS_IP_STRLEN], uint8_t v, const uint8_t *addr);
void rs_out_mac(struct rs_out *o, const uint8_t *mac);
/* An address as a JSON string: "192.0.2.1", "2001:db8::1". */
void rs_out_json_ip(struct rs_out *o, uint8_t v, const uint8_t *addr);
/* A MAC as a JSON string: "02:00:00:00:00:01". */
void rs_out_json_mac(struct rs_out *o, const uint8_t *mac);
/* A JSON object's members after its first: ,"key": then the value, or the
 * whole member for a number or a boolean.  Keys are our own names, given
 * as literals: they are written as they are. */
void rs_out_json_key(struct rs_out *o, const char *key);
void rs_out_json_u64(struct rs_out *o, const char *key, uint64_t v);
void rs_out_json_bool(struct rs_out *o, const char *key, bool v);

/* Times, the one formatter of each shape: seconds.fraction of the epoch
 * from a record's fields (digits 6 or 9: the file's resolution), and
 * from nanoseconds (a time or a duration; a negative one as "-S.F"). */
void rs_out_ts_epoch(struct rs_out *o, int64_t sec, uint32_t frac, uint8_t digits);
void rs_out_ts_ns(struct rs_out *o, int64_t ns, unsigned digits);

/*
 * The time on a text line (packets, detect's alerts), in tcpdump's forms:
 * the mode is how many -t were given.  One clock per output: it keeps the
 * first and the previous time for the relative forms, and the text of the
 * last second turned into a date (localtime_r per line would cost more
 * than the rest of it).  Local time by TZ unless utc.
 */
enum rs_ts_mode {
	RS_TS_CLOCK = 0,        /* 13:21:51.123456 (no -t) */
	RS_TS_NONE = 1,         /* -t: no time */
	RS_TS_EPOCH = 2,        /* -tt: 1795315772.075766 */
	RS_TS_DELTA = 3,        /* -ttt: " 00:00:00.000022" since the previous line's */
	RS_TS_DATE = 4,         /* -tttt: 2026-11-22 02:49:32.075766 */
	RS_TS_SINCE_FIRST = 5,  /* -ttttt: " 00:00:01.500000" since the first line's */
};
#define RS_TS_MODE_MAX RS_TS_SINCE_FIRST

struct rs_ts_clock {
	enum rs_ts_mode mode;
	bool utc;
	bool have_ref;              /* first and prev hold a time */
	int64_t first_sec, prev_sec;
	uint32_t first_ns, prev_ns;
	bool cache_valid;
	int64_t cached_sec;
	char cached[32];            /* "HH:MM:SS" or "YYYY-MM-DD HH:MM:SS" of cached_sec */
};

/* A zeroed clock is a valid one too: the default form, local time. */
void rs_ts_clock_init(struct rs_ts_clock *c, enum rs_ts_mode mode, bool utc);
/* The time sec.frac (frac has digits digits, 6 or 9) in c's form; false,
 * nothing written, for RS_TS_NONE.  A relative form printed a time before
 * its reference (a capture out of order) with '-' where tcpdump puts it. */
bool rs_out_ts(struct rs_out *o, struct rs_ts_clock *c, int64_t sec, uint32_t frac,
	       uint8_t digits);

#include <string.h>
static inline void rs_out_json_cstr(struct rs_out *o, const char *s)
{
	rs_out_json_str(o, s, strlen(s));
}

#endif
