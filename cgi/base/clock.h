/* clock.h: the monotonic clock. */
#ifndef CR_CLOCK_H
#define CR_CLOCK_H


#ifdef __cplusplus
extern "C" {
#endif

/* Seconds on the monotonic clock (for ages and durations, never dates). */
double	 clock_monotonic(void);

#ifdef __cplusplus
}
#endif

#endif
