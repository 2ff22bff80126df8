/* beacon.h: whether the web workers are serving requests, for the export jobs to give way. */
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
/* A worker begins a request (it takes a slot of the beacon the first time). */
void	 beacon_begin(void);
/* It has answered it. */
void	 beacon_end(void);
/*
 * 0 while a worker serves a request; else milliseconds since a request
 * last ended (a large number when never, or with no beacon).
 */
long	 beacon_quiet_ms(void);
/* Milliseconds on the monotonic clock (the beacon's). */
long long beacon_now_ms(void);

#ifdef __cplusplus
}
#endif

#endif
