/* clock.c: the clocks of clock.h. */
#include "rawshake/clock.h"

static int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return rs_timespec_ns(&ts);
}

int64_t rs_clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t rs_clock_real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}
