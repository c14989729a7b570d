/*
 * progress.h: a progress line for a long read of a capture file, on a
 * terminal only: bytes read of the file (of the compressed file when it is
 * compressed) out of its size, packets, rate and time left, redrawn about
 * once a second with a carriage return after the first second, erased at
 * the end.  Never on a pipe or a log file, and never on a terminal that
 * also shows the packets as they are printed.
 */
#ifndef RAWSHAKE_PROGRESS_H
#define RAWSHAKE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/capfile.h"

struct rs_progress {
	bool on;
	bool drawn;               /* a line is on the terminal */
	int fd;
	const char *name;
	uint64_t frames0;         /* packets counted before this file */
	uint64_t t0_ns, next_ns, step_ns;
	uint32_t every, countdown; /* packets between looks at the clock */
};

/*
 * Starts the progress of reading cf (fd < 0: none).  On only when fd is
 * a terminal and, if stdout_busy (packets or alerts are printed as they
 * come), standard output is not one.  frames: the packet count so far.
 * Test knob: RAWSHAKE_PROGRESS_TEST_MS=N in the environment draws the
 * first line after N ms instead of a second and redraws every N ms.
 */
void rs_progress_start(struct rs_progress *p, int fd, const char *name, bool stdout_busy,
		       uint64_t frames);
void rs_progress_update(struct rs_progress *p, const struct rs_capfile *cf, uint64_t frames);

/* After each packet: cheap unless a look at the clock is due. */
static inline void rs_progress_tick(struct rs_progress *p, const struct rs_capfile *cf,
				    uint64_t frames)
{
	if (p->on && --p->countdown == 0)
		rs_progress_update(p, cf, frames);
}

/* The next tick looks at the clock and may draw. */
static inline bool rs_progress_due(const struct rs_progress *p)
{
	return p->on && p->countdown == 1;
}

/* Erases the line (before a message, and at the end); it comes back at
 * the next redraw. */
void rs_progress_clear(struct rs_progress *p);

#endif
