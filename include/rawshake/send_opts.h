/*
 * send_opts.h: the options of `send`, as one table (as curl's
 * tool_getparam.c aliases[]: one row per option, one handler per kind of
 * argument), and the rules and defaults applied once all are read.
 *
 * The command builds its getopt_long table from rs_send_opts[] and hands
 * each option found to rs_send_opt(); the fuzzer feeds the same table.
 * Then rs_send_cfg_target() takes the two arguments (protocol,
 * destination), rs_send_cfg_check() refuses what cannot go together and
 * rs_send_cfg_finish() fills the defaults (random ports, sequence number,
 * IDs, listening).  Every refusal is one line "OPTION: REASON" in err,
 * the text the command prints after "rawshake send: ".
 */
#ifndef RAWSHAKE_SEND_OPTS_H
#define RAWSHAKE_SEND_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/send.h"

/* Which options were given, for the rules and defaults. */
enum {
	RS_SEND_GIVEN_COUNT = 1u << 0,
	RS_SEND_GIVEN_INTERVAL = 1u << 1,
	RS_SEND_GIVEN_RATE = 1u << 2,
	RS_SEND_GIVEN_ID = 1u << 3,
	RS_SEND_GIVEN_DPORT = 1u << 4,
	RS_SEND_GIVEN_SPORT = 1u << 5,
	RS_SEND_GIVEN_SEQ = 1u << 6,
	RS_SEND_GIVEN_SPORT_STEP = 1u << 7,
	RS_SEND_GIVEN_FORCE4 = 1u << 8,
	RS_SEND_GIVEN_FORCE6 = 1u << 9,
	RS_SEND_GIVEN_DATA = 1u << 10,
	RS_SEND_GIVEN_FLAGS = 1u << 11,      /* --flags or a flag letter (-S -A ...) */
	RS_SEND_GIVEN_BASEPORT = 1u << 12,   /* -s: hping3's base source port */
	RS_SEND_GIVEN_DATA_SIZE = 1u << 13,  /* -d */
};

/* Options that apply to one family or protocol only. */
enum rs_send_only { RS_SEND_ANY, RS_SEND_V4, RS_SEND_V6, RS_SEND_TCP, RS_SEND_ICMP, RS_SEND_ARP };

#define RS_SEND_DATA_MAX 65536

/* What the options say, before the rules. */
struct rs_send_args {
	struct rs_send_cfg cfg;
	uint32_t given;               /* RS_SEND_GIVEN_* */
	/* The last option given of each class (rs_send_only), for its refusal. */
	const char *only_opt[6];
	int listen;                   /* --listen 1, --no-listen 0, -1 neither */
	bool force;
	double pps;                   /* --rate */
	const char *rand_cidr;        /* --rand-source's range; NULL: the default */
	const char *user;             /* -Z */
	/* -1 (ICMP) or -2 (UDP), hping3's modes: the protocol word may then
	 * be left out.  RS_CRAFT_* + 1; 0: none given. */
	uint8_t mode;
	uint32_t data_size;           /* -d: the payload cut or padded with 'X' to this */
	uint8_t data[RS_SEND_DATA_MAX];
};

/* getopt's has_arg values (no_argument, required_argument, optional_argument). */
enum { RS_SEND_ARG_NONE = 0, RS_SEND_ARG_REQUIRED = 1, RS_SEND_ARG_OPTIONAL = 2 };

struct rs_send_opt_def;
typedef bool (*rs_send_opt_fn)(struct rs_send_args *a, const struct rs_send_opt_def *d,
			       const char *arg, char *why, size_t whylen);

struct rs_send_opt_def {
	const char *name;             /* long name without "--"; NULL: a letter only */
	char letter;                  /* short option; 0: none */
	uint8_t has_arg;              /* RS_SEND_ARG_* */
	/* An optional argument may also be the next word when it holds a '/'
	 * ("--rand-source CIDR" as well as "--rand-source=CIDR"). */
	bool next_word_slash;
	rs_send_opt_fn set;           /* the handler of its kind of argument */
	size_t off;                   /* the field it sets, in struct rs_send_args */
	uint8_t size;                 /* its size (1, 2, 4, 8) */
	uint64_t max;                 /* a number's bound; a flag's value; a kind */
	const char *zero;             /* a number that must not be 0: why */
	uint32_t mark;                /* RS_SEND_GIVEN_* it sets */
	uint8_t only;                 /* enum rs_send_only */
	const char *label;            /* its name in refusals; NULL: "--" name */
};

extern const struct rs_send_opt_def rs_send_opts[];
extern const size_t rs_send_opts_count;

/* Defaults: SYN, one packet a second, 1 s wait for replies. */
void rs_send_args_init(struct rs_send_args *a);

/* The index of the row named name (long name) or, with name NULL, of
 * the letter; -1 when none. */
int rs_send_opt_find(const char *name, char letter);

/* The option of row index with its argument (NULL for none).  False with
 * "OPTION: REASON" in err. */
bool rs_send_opt(struct rs_send_args *a, int index, const char *arg, char *err, size_t errlen);

/* The arguments: the protocol (tcp, udp, icmp or icmp6; NULL when -1 or
 * -2 gave it) and the destination address.  False with the refusal in
 * err. */
bool rs_send_cfg_target(struct rs_send_args *a, const char *proto, const char *dst,
			char *err, size_t errlen);

/* The rules: address families, the random-source range (its default the
 * documentation range of the guard), options that cannot go together. */
bool rs_send_cfg_check(struct rs_send_args *a, char *err, size_t errlen);

/* The defaults: random source port and sequence number, IPv4 ID and echo
 * ID from the process, listening, a quiet flood, the count of a
 * --duration run, the payload of -d. */
void rs_send_cfg_finish(struct rs_send_args *a);

#endif
