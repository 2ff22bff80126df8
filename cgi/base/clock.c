/* clock.c: the monotonic clock, for ages and durations. */
#include <time.h>

#include "base/clock.h"

double
clock_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
