/* clock.h: the one clock of the tool, and its pseudo-random numbers.
 *
 * Times are int64 nanoseconds everywhere (packets carry ts_ns); the
 * monotonic clock paces and times out, the real-time clock stamps what is
 * sent.  The PRNG (splitmix64) picks ports, sequence numbers and random
 * sources: fast and good enough for that, not for secrets. */
#ifndef RAWSHAKE_CLOCK_H
#define RAWSHAKE_CLOCK_H

#include <stdint.h>
#include <time.h>

#define RS_NS_PER_S 1000000000LL

static inline int64_t rs_timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * RS_NS_PER_S + ts->tv_nsec;
}

static inline struct timespec rs_ns_timespec(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / RS_NS_PER_S), (long)(ns % RS_NS_PER_S) };
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += RS_NS_PER_S;
	}
	return ts;
}

/* CLOCK_MONOTONIC and CLOCK_REALTIME in nanoseconds. */
int64_t rs_clock_mono_ns(void);
int64_t rs_clock_real_ns(void);

/* splitmix64: the next number from the state *s. */
static inline uint64_t rs_prng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
