/* beacon.h: when the web workers last served a request, for the export jobs to give way. */
#ifndef CR_BEACON_H
#define CR_BEACON_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Maps the beacon of the deployment whose jobs_dir is key (a small file in
 * /dev/shm, shared by the workers and the job runner of one host, created
 * by whichever comes first). Returns 0, or -1 (errno set): no beacon, and
 * the calls below do nothing (beacon_quiet_ms says "quiet").
 */
int	 beacon_open(const char *key);
/* Records that a worker begins or ends a request now. */
void	 beacon_touch(void);
/* Milliseconds since the last touch (a large number when never, or no beacon). */
long	 beacon_quiet_ms(void);
/* Milliseconds on the monotonic clock (the beacon's). */
long long beacon_now_ms(void);

#ifdef __cplusplus
}
#endif

#endif
