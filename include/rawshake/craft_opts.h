/*
 * craft_opts.h: parsers for the values of `send` options (TCP flags in
 * both forms, addresses and CIDR ranges, SACK lists, hex bytes,
 * timestamps, intervals, rates, MAC addresses).
 *
 * Every parser takes a NUL-terminated string, never allocates, and on
 * failure returns false with a one-line reason in err (without the
 * option's name, which the caller adds).  None of them reads past the
 * string's terminator, so a fuzzer can feed them anything.
 */
#ifndef RAWSHAKE_CRAFT_OPTS_H
#define RAWSHAKE_CRAFT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "SA", "S", "FPU" (letters FSRPAUEC, any case) or "syn,ack" (names
 * fin,syn,rst,psh,ack,urg,ece,cwr); "none" or "" is no flag. */
bool rs_parse_tcp_flags(const char *s, uint8_t *flags, char *err, size_t errlen);

/* An IPv4 or IPv6 address literal (never a name): *v is 4 or 6. */
bool rs_parse_addr(const char *s, uint8_t *v, uint8_t addr[16], char *err, size_t errlen);

struct rs_cidr {
	uint8_t v;            /* 4 or 6 */
	uint8_t addr[16];     /* host bits cleared */
	uint8_t prefix;       /* 0..32 or 0..128 */
};
/* "198.51.100.0/24", "2001:db8::/64"; a bare address is a /32 or /128. */
bool rs_parse_cidr(const char *s, struct rs_cidr *c, char *err, size_t errlen);
/* A random address inside c from the 64 random bits r (and r2 for IPv6). */
void rs_cidr_pick(const struct rs_cidr *c, uint64_t r, uint64_t r2, uint8_t out[16]);

/* An unsigned integer: decimal or 0x hex, from min to max.  The one
 * number parser of the tool: every option's number goes through it. */
bool rs_parse_uint_range(const char *s, uint64_t min, uint64_t max, uint64_t *out,
			 char *err, size_t errlen);
/* The same from 0. */
bool rs_parse_uint(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen);

/* "L-R[,L-R]...": at most max blocks of 32-bit edges. */
bool rs_parse_sack(const char *s, uint32_t (*blocks)[2], unsigned max, unsigned *n,
		   char *err, size_t errlen);

/* "VAL" or "VAL:ECR" (ECR 0 when absent). */
bool rs_parse_ts(const char *s, uint32_t *val, uint32_t *ecr, char *err, size_t errlen);

/* Hex bytes: "deadbeef", "de:ad:be:ef", "de ad be ef", optional "0x". */
bool rs_parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *n, char *err, size_t errlen);

/* --data STRING of send and connect: its escapes \r \n \t \\ \0 \xHH
 * (one or two hex digits) as bytes, any other backslash kept as given,
 * into buf.  False when the bytes do not fit in cap. */
bool rs_unescape(const char *s, uint8_t *buf, size_t cap, size_t *n);

/* A duration: "1" (seconds), "0.5", "1.5s", "200ms", "10us", "500ns";
 * the result in nanoseconds, at most one hour. */
bool rs_parse_interval(const char *s, uint64_t *ns, char *err, size_t errlen);

/* Packets per second: "1000", "2.5k", "1M"; greater than 0, at most 100M. */
bool rs_parse_rate(const char *s, double *pps, char *err, size_t errlen);

/* "02:00:5e:10:00:01" (or with '-'). */
bool rs_parse_mac(const char *s, uint8_t mac[6], char *err, size_t errlen);

#endif
