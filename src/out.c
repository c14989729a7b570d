/* out.c: the buffered writer; formatting without stdio on the hot path. */
#include "rawshake/out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void rs_out_init(struct rs_out *o, int fd)
{
	o->fd = fd;
	o->n = 0;
	o->closed = false;
	o->err = 0;
}

bool rs_out_flush(struct rs_out *o)
{
	size_t off = 0;

	if (rs_out_closed(o)) {
		o->n = 0;
		return false;
	}
	while (off < o->n) {
		ssize_t w = write(o->fd, o->buf + off, o->n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				o->closed = true;
			else
				o->err = errno;
			o->n = 0;
			return false;
		}
		off += (size_t)w;
	}
	o->n = 0;
	return true;
}

void rs_out_write(struct rs_out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->n) {
		rs_out_flush(o);
		if (n > sizeof(o->buf)) {
			/* Larger than the buffer: write it straight through. */
			while (n > 0 && !rs_out_closed(o)) {
				size_t chunk = n < sizeof(o->buf) ? n : sizeof(o->buf);
				memcpy(o->buf, s, chunk);
				o->n = chunk;
				rs_out_flush(o);
				s += chunk;
				n -= chunk;
			}
			return;
		}
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

void rs_out_str(struct rs_out *o, const char *s)
{
	rs_out_write(o, s, strlen(s));
}

void rs_out_char(struct rs_out *o, char c)
{
	if (o->n == sizeof(o->buf))
		rs_out_flush(o);
	o->buf[o->n++] = c;
}

/* Writes v's decimal digits into the end of tmp[24]; returns the first. */
static char *fmt_u64(char tmp[24], uint64_t v)
{
	char *p = tmp + 24;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void rs_out_u64(struct rs_out *o, uint64_t v)
{
	char tmp[24];
	char *p = fmt_u64(tmp, v);
	rs_out_write(o, p, (size_t)(tmp + 24 - p));
}

void rs_out_i64(struct rs_out *o, int64_t v)
{
	if (v < 0) {
		rs_out_char(o, '-');
		rs_out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		rs_out_u64(o, (uint64_t)v);
	}
}

/* v in decimal, padded on the left with pad to width characters. */
static void u64_padded(struct rs_out *o, uint64_t v, unsigned width, char pad)
{
	char tmp[24];
	char *p = fmt_u64(tmp, v);
	size_t n = (size_t)(tmp + 24 - p);
	for (size_t i = n; i < width; i++)
		rs_out_char(o, pad);
	rs_out_write(o, p, n);
}

void rs_out_u64_w(struct rs_out *o, uint64_t v, unsigned width)
{
	u64_padded(o, v, width, ' ');
}

void rs_out_u64_zpad(struct rs_out *o, uint64_t v, unsigned digits)
{
	u64_padded(o, v, digits, '0');
}

void rs_out_hex(struct rs_out *o, uint64_t v, unsigned min_digits)
{
	static const char hexdig[] = "0123456789abcdef";
	char tmp[16];
	unsigned n = 0;
	do {
		tmp[15 - n++] = hexdig[v & 0xf];
		v >>= 4;
	} while (v && n < 16);
	while (n < min_digits && n < 16)
		tmp[15 - n++] = '0';
	rs_out_write(o, tmp + 16 - n, n);
}

void rs_out_double(struct rs_out *o, double v, unsigned decimals)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%.*f", (int)decimals, v);
	if (n > 0)
		rs_out_write(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void rs_out_printf(struct rs_out *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		rs_out_write(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Bytes shown on a text line: printable ASCII as is (not the backslash,
 * which starts the escapes), valid UTF-8 from U+00A0 on when utf8 is set
 * (the C1 controls U+0080..U+009F are not), every other byte as \xNN. */
static void out_safe(struct rs_out *o, const unsigned char *s, size_t n, bool utf8)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			rs_out_char(o, (char)c);
			continue;
		}
		size_t len = utf8 && c >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;
		if (len > 1 && !(c == 0xc2 && s[i + 1] < 0xa0)) {
			rs_out_write(o, (const char *)s + i, len);
			i += len - 1;
			continue;
		}
		char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
		rs_out_write(o, e, 4);
	}
}

void rs_out_str_safe(struct rs_out *o, const char *s)
{
	out_safe(o, (const unsigned char *)s, strlen(s), false);
}

void rs_out_bytes_safe(struct rs_out *o, const uint8_t *s, size_t n)
{
	out_safe(o, s, n, true);
}

void rs_out_json_str(struct rs_out *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	rs_out_char(o, '"');
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			size_t j = i;
			while (j < n && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
				j++;
			rs_out_write(o, str + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '"': rs_out_write(o, "\\\"", 2); i++; continue;
		case '\\': rs_out_write(o, "\\\\", 2); i++; continue;
		case '\n': rs_out_write(o, "\\n", 2); i++; continue;
		case '\r': rs_out_write(o, "\\r", 2); i++; continue;
		case '\t': rs_out_write(o, "\\t", 2); i++; continue;
		default: break;
		}
		if (c >= 0x80) {
			size_t len = utf8_seq_len(s + i, n - i);
			if (len > 0) {
				rs_out_write(o, str + i, len);
				i += len;
				continue;
			}
		}
		/* A control character or a byte that is not UTF-8: its value. */
		rs_out_write(o, "\\u00", 4);
		rs_out_hex(o, c, 2);
		i++;
	}
	rs_out_char(o, '"');
}

/* The decimal digits of v (0..255) at p; returns the end. */
static char *put_octet(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* The hex digits of v without leading zeros at p; returns the end. */
static char *put_group(char *p, unsigned v)
{
	static const char hexdig[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hexdig[(v >> shift) & 0xf];
	return p;
}

/* The dotted quad of a at p, NUL-terminated; returns the end. */
static char *put_ipv4(char *p, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_octet(p, a[i]);
	}
	*p = '\0';
	return p;
}

size_t rs_ip_format(char buf[RS_IP_STRLEN], uint8_t v, const uint8_t *a)
{
	char *p = buf;

	if (v == 4)
		return (size_t)(put_ipv4(p, a) - buf);
	/* RFC 5952: lower case, no leading zeros, the longest run (>1) of zero
	 * groups compressed, the first one on a tie; IPv4-mapped as dotted. */
	uint16_t g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)((a[2 * i] << 8) | a[2 * i + 1]);
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i > 1) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 &&
		      g[4] == 0 && g[5] == 0xffff;
	if (mapped) {
		memcpy(p, "::ffff:", 7);
		return (size_t)(put_ipv4(p + 7, a + 12) - buf);
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			*p++ = ':';
		p = put_group(p, g[i]);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

void rs_out_ip(struct rs_out *o, uint8_t v, const uint8_t *a)
{
	char buf[RS_IP_STRLEN];

	rs_out_write(o, buf, rs_ip_format(buf, v, a));
}

void rs_out_mac(struct rs_out *o, const uint8_t *mac)
{
	for (int i = 0; i < 6; i++) {
		if (i)
			rs_out_char(o, ':');
		rs_out_hex(o, mac[i], 2);
	}
}

void rs_out_json_mac(struct rs_out *o, const uint8_t *mac)
{
	rs_out_char(o, '"');
	rs_out_mac(o, mac);
	rs_out_char(o, '"');
}

void rs_out_json_ip(struct rs_out *o, uint8_t v, const uint8_t *a)
{
	rs_out_char(o, '"');
	rs_out_ip(o, v, a);
	rs_out_char(o, '"');
}

void rs_out_json_key(struct rs_out *o, const char *key)
{
	rs_out_str(o, ",\"");
	rs_out_str(o, key);
	rs_out_str(o, "\":");
}

void rs_out_json_u64(struct rs_out *o, const char *key, uint64_t v)
{
	rs_out_json_key(o, key);
	rs_out_u64(o, v);
}

void rs_out_json_bool(struct rs_out *o, const char *key, bool v)
{
	rs_out_json_key(o, key);
	rs_out_str(o, v ? "true" : "false");
}

void rs_out_ts_epoch(struct rs_out *o, int64_t sec, uint32_t frac, uint8_t digits)
{
	rs_out_i64(o, sec);
	rs_out_char(o, '.');
	rs_out_u64_zpad(o, frac, digits);
}

void rs_out_ts_ns(struct rs_out *o, int64_t ns, unsigned digits)
{
	if (ns < 0) {
		rs_out_char(o, '-');
		ns = -ns;
	}
	uint64_t u = (uint64_t)ns;
	rs_out_u64(o, u / 1000000000u);
	rs_out_char(o, '.');
	if (digits == 9)
		rs_out_u64_zpad(o, u % 1000000000u, 9);
	else
		rs_out_u64_zpad(o, (u % 1000000000u) / 1000u, 6);
}

void rs_ts_clock_init(struct rs_ts_clock *c, enum rs_ts_mode mode, bool utc)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->utc = utc;
}

/* The date or the time of day of sec, as cached text. */
static const char *ts_calendar(struct rs_ts_clock *c, int64_t sec)
{
	if (!c->cache_valid || c->cached_sec != sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		bool date = c->mode == RS_TS_DATE;
		bool ok = (c->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) != NULL;
		if (ok && date)
			ok = strftime(c->cached, sizeof(c->cached), "%Y-%m-%d %H:%M:%S", &tm) != 0;
		else if (ok)
			ok = strftime(c->cached, sizeof(c->cached), "%H:%M:%S", &tm) != 0;
		if (!ok)
			strcpy(c->cached, date ? "?\?\?\?-?\?-?? ?\?:?\?:??" : "?\?:?\?:??");
		c->cached_sec = sec;
		c->cache_valid = true;
	}
	return c->cached;
}

/* tcpdump's relative time: a sign column (' ' or '-'), then hours (as
 * many digits as they take, at least two), minutes, seconds, fraction. */
static void ts_relative(struct rs_out *o, int64_t sec, uint32_t ns, int64_t ref_sec,
			uint32_t ref_ns, uint8_t digits)
{
	bool neg = sec < ref_sec || (sec == ref_sec && ns < ref_ns);
	if (neg) {
		int64_t ts = sec;
		uint32_t tn = ns;
		sec = ref_sec;
		ns = ref_ns;
		ref_sec = ts;
		ref_ns = tn;
	}
	/* Unsigned: the difference of two 64-bit times cannot overflow. */
	uint64_t d = (uint64_t)sec - (uint64_t)ref_sec;
	uint32_t dn;
	if (ns >= ref_ns) {
		dn = ns - ref_ns;
	} else {
		dn = ns + 1000000000u - ref_ns;
		d--;
	}
	rs_out_char(o, neg ? '-' : ' ');
	rs_out_u64_zpad(o, d / 3600, 2);
	rs_out_char(o, ':');
	rs_out_u64_zpad(o, d / 60 % 60, 2);
	rs_out_char(o, ':');
	rs_out_u64_zpad(o, d % 60, 2);
	rs_out_char(o, '.');
	rs_out_u64_zpad(o, digits == 9 ? dn : dn / 1000, digits == 9 ? 9 : 6);
}

bool rs_out_ts(struct rs_out *o, struct rs_ts_clock *c, int64_t sec, uint32_t frac,
	       uint8_t digits)
{
	uint32_t ns = digits == 9 ? frac : frac * 1000u;

	if (!c->have_ref) {
		c->first_sec = c->prev_sec = sec;
		c->first_ns = c->prev_ns = ns;
		c->have_ref = true;
	}
	switch (c->mode) {
	case RS_TS_NONE:
		return false;
	case RS_TS_EPOCH:
		rs_out_ts_epoch(o, sec, frac, digits);
		break;
	case RS_TS_DELTA:
		ts_relative(o, sec, ns, c->prev_sec, c->prev_ns, digits);
		break;
	case RS_TS_SINCE_FIRST:
		ts_relative(o, sec, ns, c->first_sec, c->first_ns, digits);
		break;
	case RS_TS_CLOCK:
	case RS_TS_DATE:
	default:
		rs_out_str(o, ts_calendar(c, sec));
		rs_out_char(o, '.');
		rs_out_u64_zpad(o, frac, digits);
		break;
	}
	c->prev_sec = sec;
	c->prev_ns = ns;
	return true;
}
