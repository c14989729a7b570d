/*
 * reset.h: rawshake reset, a third party's segment in a TCP connection it
 * can see (RFC 5961).  It watches the first connection the capture shows,
 * learns each end's next sequence number and window from the segments,
 * sends one RST (or FIN, or data) towards one end with a sequence number
 * at, inside or beyond that end's window, and watches what the end does:
 * an RST at rcv_nxt closes, one in the window draws a challenge ACK
 * (Linux, RFC 5961 section 3.2), one outside is ignored.
 */
#ifndef RAWSHAKE_RESET_H
#define RAWSHAKE_RESET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rawshake/live.h"
#include "rawshake/send_inject.h"
#include "rawshake/view.h"

enum rs_reset_mode { RS_RESET_RST = 0, RS_RESET_FIN, RS_RESET_DATA };
enum rs_reset_seq { RS_RESET_EXACT = 0, RS_RESET_IN_WINDOW, RS_RESET_OUT_OF_WINDOW };
/* "rst", "fin", "data" / "exact", "in-window", "out-of-window"; false if neither. */
bool rs_reset_mode_parse(const char *s, enum rs_reset_mode *m);
bool rs_reset_seq_parse(const char *s, enum rs_reset_seq *q);
const char *rs_reset_seq_str(enum rs_reset_seq q);

struct rs_reset_opts {
	enum rs_reset_mode mode;
	enum rs_reset_seq seq;
	bool to_client;          /* the target end: the server unless set */
	unsigned after;          /* segments of the connection to watch first (>= 2) */
	unsigned wait_ms;        /* how long to watch after the injection */
	bool force;              /* no guard (rs_guard_bulk) */
};

/* What the target did after the injection. */
struct rs_reset_result {
	bool injected;
	uint8_t v;
	uint32_t seq, rcv_nxt, window;   /* the injected seq, the target's rcv_nxt and window */
	uint64_t target_segs;    /* segments from the target after the injection */
	uint64_t target_rsts;    /* of them RSTs */
	uint64_t challenge_acks; /* of them challenge ACKs (the tracker's RS_AN_CHALLENGE_ACK) */
	uint64_t peer_segs;      /* segments from the other end after the injection */
	const char *verdict;     /* "closed", "challenge ACK: survives", "ignored: survives", ... */
};

/*
 * Watches lv through view (every packet is shown, the injected one marked),
 * injects through inj (opened for the target's family, NULL: opened here
 * as the first connection is seen), and fills res.  False with err when
 * the capture fails, the guard refuses, or nothing could be sent; stops
 * early when *stop is set.
 */
bool rs_reset_run(struct rs_live *lv, struct rs_view *view, const struct rs_reset_opts *o,
		  volatile int *stop, struct rs_reset_result *res, char *err, size_t errlen);

/* One line: "injected RST seq S (rcv_nxt R + D, window W) toward the
 * server: VERDICT (N segments from it after, K challenge ACKs, M RSTs)". */
void rs_reset_print_result(struct rs_out *o, const struct rs_reset_opts *opt,
			   const struct rs_reset_result *res, bool json);

#endif
