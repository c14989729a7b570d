/* craft_opts.c: parsers for the values of `send` options (see craft_opts.h). */
#include "rawshake/craft_opts.h"
#include "rawshake/packet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Flag names and letters in header bit order. */
static const struct {
	uint8_t bit;
	char letter;
	const char *name;
} flag_table[] = {
	{ RS_TH_FIN, 'F', "fin" }, { RS_TH_SYN, 'S', "syn" }, { RS_TH_RST, 'R', "rst" },
	{ RS_TH_PSH, 'P', "psh" }, { RS_TH_ACK, 'A', "ack" }, { RS_TH_URG, 'U', "urg" },
	{ RS_TH_ECE, 'E', "ece" }, { RS_TH_CWR, 'C', "cwr" },
};
#define N_FLAGS (sizeof(flag_table) / sizeof(flag_table[0]))

static int flag_by_name(const char *s, size_t n)
{
	for (size_t i = 0; i < N_FLAGS; i++)
		if (strlen(flag_table[i].name) == n && strncasecmp(s, flag_table[i].name, n) == 0)
			return flag_table[i].bit;
	return -1;
}

bool rs_parse_tcp_flags(const char *s, uint8_t *flags, char *err, size_t errlen)
{
	uint8_t f = 0;

	if (*s == '\0' || strcasecmp(s, "none") == 0) {
		*flags = 0;
		return true;
	}
	/* Names when the string has a comma or is one known name. */
	if (strchr(s, ',') || flag_by_name(s, strlen(s)) >= 0) {
		const char *p = s;
		for (;;) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			int b = flag_by_name(p, n);
			if (b < 0)
				return fail(err, errlen, "'%.*s' is not a TCP flag name "
					    "(fin,syn,rst,psh,ack,urg,ece,cwr)", (int)(n > 16 ? 16 : n), p);
			f |= (uint8_t)b;
			if (!e)
				break;
			p = e + 1;
		}
		*flags = f;
		return true;
	}
	for (const char *p = s; *p; p++) {
		size_t i;
		for (i = 0; i < N_FLAGS; i++)
			if (toupper((unsigned char)*p) == flag_table[i].letter)
				break;
		if (i == N_FLAGS) {
			if (isprint((unsigned char)*p))
				return fail(err, errlen, "'%c' is not a TCP flag letter (FSRPAUEC)", *p);
			return fail(err, errlen, "byte 0x%02x is not a TCP flag letter (FSRPAUEC)",
				    (unsigned char)*p);
		}
		f |= flag_table[i].bit;
	}
	*flags = f;
	return true;
}

bool rs_parse_addr(const char *s, uint8_t *v, uint8_t addr[16], char *err, size_t errlen)
{
	memset(addr, 0, 16);
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, addr) == 1) {
			*v = 6;
			return true;
		}
	} else if (inet_pton(AF_INET, s, addr) == 1) {
		*v = 4;
		return true;
	}
	return fail(err, errlen, "'%.64s' is not an IPv4 or IPv6 address", s);
}

bool rs_parse_cidr(const char *s, struct rs_cidr *c, char *err, size_t errlen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return fail(err, errlen, "'%.64s' is not an address range", s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!rs_parse_addr(buf, &c->v, c->addr, err, errlen))
		return false;
	unsigned maxp = c->v == 4 ? 32 : 128;
	c->prefix = (uint8_t)maxp;
	if (slash) {
		uint64_t p;
		if (!rs_parse_uint(slash + 1, maxp, &p, err, errlen))
			return fail(err, errlen, "'%.64s': the prefix length must be 0 to %u", s, maxp);
		c->prefix = (uint8_t)p;
	}
	for (unsigned bit = c->prefix; bit < maxp; bit++)
		c->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return true;
}

void rs_cidr_pick(const struct rs_cidr *c, uint64_t r, uint64_t r2, uint8_t out[16])
{
	unsigned maxp = c->v == 4 ? 32 : 128;
	memcpy(out, c->addr, 16);
	for (unsigned bit = c->prefix; bit < maxp; bit++) {
		uint64_t src = bit < 64 ? r2 : r;
		if ((src >> (bit % 64)) & 1)
			out[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	}
}

bool rs_parse_uint_range(const char *s, uint64_t min, uint64_t max, uint64_t *out,
			 char *err, size_t errlen)
{
	char *end;
	int base = 10;

	if (!isdigit((unsigned char)*s))
		return fail(err, errlen, "'%.64s' is not a number", s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return fail(err, errlen, "'%.64s' is not a number", s);
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (*end != '\0')
		return fail(err, errlen, "'%.64s' is not a number", s);
	if (errno == ERANGE || v < min || v > max)
		return fail(err, errlen, "%.64s is out of range (%llu to %llu)", s,
			    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return true;
}

bool rs_parse_uint(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	return rs_parse_uint_range(s, 0, max, out, err, errlen);
}

bool rs_parse_sack(const char *s, uint32_t (*blocks)[2], unsigned max, unsigned *n,
		   char *err, size_t errlen)
{
	char buf[32];
	const char *p = s;

	*n = 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (*n >= max)
			return fail(err, errlen, "at most %u SACK blocks fit in the options", max);
		if (len == 0 || len >= sizeof(buf))
			return fail(err, errlen, "'%.64s' is not a list of LEFT-RIGHT blocks", s);
		memcpy(buf, p, len);
		buf[len] = '\0';
		char *dash = strchr(buf, '-');
		uint64_t l, r;
		if (!dash)
			return fail(err, errlen, "'%s' is not a LEFT-RIGHT block", buf);
		*dash = '\0';
		if (!rs_parse_uint(buf, UINT32_MAX, &l, err, errlen) ||
		    !rs_parse_uint(dash + 1, UINT32_MAX, &r, err, errlen))
			return false;
		blocks[*n][0] = (uint32_t)l;
		blocks[*n][1] = (uint32_t)r;
		(*n)++;
		if (!e)
			return true;
		p = e + 1;
	}
}

bool rs_parse_ts(const char *s, uint32_t *val, uint32_t *ecr, char *err, size_t errlen)
{
	char buf[32];
	uint64_t a, b = 0;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf))
		return fail(err, errlen, "'%.64s' is not VAL[:ECR]", s);
	memcpy(buf, s, len + 1);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!rs_parse_uint(buf, UINT32_MAX, &a, err, errlen))
		return false;
	if (colon && !rs_parse_uint(colon + 1, UINT32_MAX, &b, err, errlen))
		return false;
	*val = (uint32_t)a;
	*ecr = (uint32_t)b;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool rs_parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *n, char *err, size_t errlen)
{
	int hi = -1;

	*n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (const char *p = s; *p; p++) {
		if (*p == ':' || *p == ' ' || *p == '-') {
			if (hi >= 0)
				return fail(err, errlen, "odd number of hex digits before '%c'", *p);
			continue;
		}
		int d = hexval(*p);
		if (d < 0)
			return fail(err, errlen, "'%c' is not a hex digit", isprint((unsigned char)*p) ? *p : '?');
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (*n >= cap)
			return fail(err, errlen, "more than %zu bytes", cap);
		buf[(*n)++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	if (hi >= 0)
		return fail(err, errlen, "odd number of hex digits");
	return true;
}

/* A decimal number with an optional fraction and a unit suffix. */
static bool parse_scaled(const char *s, double *out, const char **unit)
{
	char *end;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno == ERANGE || end == s || v != v || v < 0)
		return false;
	/* strtod accepts "inf", hex and exponents; keep to plain decimals. */
	for (const char *p = s; p < end; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	*out = v;
	*unit = end;
	return true;
}

bool rs_parse_interval(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "u", 1e3 }, { "ns", 1 },
	};
	double v;
	const char *unit;

	if (!parse_scaled(s, &v, &unit))
		return fail(err, errlen, "'%.64s' is not a duration (like 1, 0.5s, 200ms, 10us)", s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].unit) == 0) {
			double t = v * units[i].ns;
			if (t > 3600e9)
				return fail(err, errlen, "%.64s is longer than one hour", s);
			*ns = (uint64_t)(t + 0.5);
			return true;
		}
	}
	return fail(err, errlen, "'%.16s' is not a unit (s, ms, us, ns)", unit);
}

bool rs_parse_rate(const char *s, double *pps, char *err, size_t errlen)
{
	double v;
	const char *unit;

	if (!parse_scaled(s, &v, &unit))
		return fail(err, errlen, "'%.64s' is not a rate in packets per second", s);
	if (strcmp(unit, "k") == 0 || strcmp(unit, "K") == 0)
		v *= 1e3;
	else if (strcmp(unit, "M") == 0 || strcmp(unit, "m") == 0)
		v *= 1e6;
	else if (*unit)
		return fail(err, errlen, "'%.16s' is not a rate suffix (k, M)", unit);
	if (v <= 0 || v > 100e6)
		return fail(err, errlen, "%.64s is out of range (more than 0, at most 100M)", s);
	*pps = v;
	return true;
}

bool rs_parse_mac(const char *s, uint8_t mac[6], char *err, size_t errlen)
{
	const char *p = s;
	for (int i = 0; i < 6; i++) {
		int a = hexval(p[0]), b = a >= 0 ? hexval(p[1]) : -1;
		if (a < 0 || b < 0)
			return fail(err, errlen, "'%.64s' is not a MAC address (like 02:00:5e:10:00:01)", s);
		mac[i] = (uint8_t)(a << 4 | b);
		p += 2;
		if (i < 5) {
			if (*p != ':' && *p != '-')
				return fail(err, errlen, "'%.64s' is not a MAC address (like 02:00:5e:10:00:01)", s);
			p++;
		}
	}
	if (*p)
		return fail(err, errlen, "'%.64s' is not a MAC address (like 02:00:5e:10:00:01)", s);
	return true;
}

/* One escape after the backslash at s: its byte in *b; the characters it
 * took after the backslash, 0 when it is none (the backslash is kept). */
static size_t escape_at(const char *s, uint8_t *b)
{
	static const char from[] = "rnt0\\", to[] = "\r\n\t\0\\";
	const char *k = s[0] ? strchr(from, s[0]) : NULL;
	int h0, h1;

	if (k) {
		*b = (uint8_t)to[k - from];
		return 1;
	}
	if (s[0] != 'x' || (h0 = hexval(s[1])) < 0)
		return 0;
	if ((h1 = hexval(s[2])) < 0) {
		*b = (uint8_t)h0;
		return 2;
	}
	*b = (uint8_t)(h0 * 16 + h1);
	return 3;
}

bool rs_unescape(const char *s, uint8_t *buf, size_t cap, size_t *n)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		uint8_t b = (uint8_t)s[i];
		if (s[i] == '\\')
			i += escape_at(s + i + 1, &b);
		if (o == cap)
			return false;
		buf[o++] = b;
	}
	*n = o;
	return true;
}
