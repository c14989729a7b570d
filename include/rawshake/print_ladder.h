/*
 * print_ladder.h: a sequence (ladder) diagram per connection, client on the
 * left, server on the right, one arrow per segment with its flags,
 * relative seq/ack and length, and the state each end enters.  Fits in
 * 80 columns.  Rows are kept up to a bound; the rest are counted.
 */
#ifndef RAWSHAKE_LADDER_H
#define RAWSHAKE_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"
#include "rawshake/tracker.h"

struct rs_print_ladder;

/* NULL when the allocation (max_rows rows, made once) fails. */
struct rs_print_ladder *rs_print_ladder_new(uint32_t max_rows);
void rs_print_ladder_free(struct rs_print_ladder *l);
void rs_print_ladder_add(struct rs_print_ladder *l, const struct rs_packet *pkt, const struct rs_tcp_event *ev);
/* only_conn 0 prints every connection. */
void rs_print_ladder_print(struct rs_print_ladder *l, struct rs_out *o, bool ascii, uint64_t only_conn);
/* Segments not kept because the bound was reached. */
uint64_t rs_print_ladder_dropped(const struct rs_print_ladder *l);

#endif
