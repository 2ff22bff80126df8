/*
 * beacon.c: which web workers are serving a request, in shared memory.
 *
 * Issue 20: a job must not slow the pages. On a 2-core machine even a
 * SCHED_IDLE busy loop raises the pages' p99 several times (bench/results.md,
 * "Export jobs"), so a job's process does not only run below the workers: it
 * stops while they work (cli/jobs.c, give_way). Each worker holds a slot of
 * the beacon: its pid, and since when it serves a request (0: waiting for
 * one); the slot 0 keeps when a request last ended. A job reads them every
 * few hundred rows.
 *
 * The beacon is a small file in /dev/shm, callreport-HASH, HASH of the
 * jobs_dir both read from the configuration (systemd's PrivateTmp leaves
 * /dev/shm shared), made by whichever comes first. Stores and loads of
 * aligned 64-bit words, and a compare-and-swap to take a slot: no lock.
 * CLOCK_MONOTONIC is the host's, the same in every process. A worker
 * killed in a request leaves its slot busy: after ALIVE_MS a busy slot
 * counts only while its pid exists, and a new worker takes the slot of a
 * pid that is gone when no slot is free.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/beacon.h"

#define SLOTS		64	/* workers with a slot (more: counted by slot 0 alone) */
#define BUSY_MAX_MS	60000	/* a request older than this is a dead worker's */
#define ALIVE_MS	1000	/* a request older than this: is its worker alive? */

struct slot {
	int64_t	pid;	/* the worker's, 0: free */
	int64_t	since;	/* ms: serving a request since; 0: waiting */
};

static struct slot *slots;	/* SLOTS; slots[0].since: when a request last ended */
static struct slot *mine;	/* this worker's, or NULL */

long long
beacon_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
beacon_open(const char *key)
{
	char path[64];
	uint32_t h = 2166136261u;	/* FNV-1a */
	const unsigned char *p;
	void *m;
	int fd, e;

	if (slots != NULL)
		return 0;
	for (p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(path, sizeof(path), "/dev/shm/callreport-%08x", (unsigned)h);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (ftruncate(fd, SLOTS * sizeof(struct slot)) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	m = mmap(NULL, SLOTS * sizeof(struct slot), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (m == MAP_FAILED) {
		errno = e;
		return -1;
	}
	slots = m;
	return 0;
}

/* Whether process pid exists (another user's too). */
static bool
alive(int64_t pid)
{
	return pid > 0 && !(kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

/* Takes a free slot, or one of a process that is gone; NULL when none. */
static struct slot *
take(void)
{
	int64_t me = getpid(), was;
	int pass, k;

	for (pass = 0; pass < 2; pass++)
		for (k = 1; k < SLOTS; k++) {
			was = __atomic_load_n(&slots[k].pid, __ATOMIC_RELAXED);
			if (was == me)
				return &slots[k];
			if (pass == 0 ? was != 0 : alive(was))
				continue;
			if (__atomic_compare_exchange_n(&slots[k].pid, &was, me,
			    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				__atomic_store_n(&slots[k].since, 0, __ATOMIC_RELEASE);
				return &slots[k];
			}
		}
	return NULL;
}

void
beacon_begin(void)
{
	if (slots == NULL)
		return;
	if (mine == NULL || __atomic_load_n(&mine->pid, __ATOMIC_RELAXED) != getpid())
		mine = take();
	if (mine != NULL)
		__atomic_store_n(&mine->since, (int64_t)beacon_now_ms(), __ATOMIC_RELEASE);
	else
		__atomic_store_n(&slots[0].since, (int64_t)beacon_now_ms(), __ATOMIC_RELEASE);
}

void
beacon_end(void)
{
	if (slots == NULL)
		return;
	if (mine != NULL)
		__atomic_store_n(&mine->since, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&slots[0].since, (int64_t)beacon_now_ms(), __ATOMIC_RELEASE);
}

long
beacon_quiet_ms(void)
{
	long long now, t, last;
	int k;

	if (slots == NULL)
		return LONG_MAX;
	now = beacon_now_ms();
	for (k = 1; k < SLOTS; k++) {
		t = __atomic_load_n(&slots[k].since, __ATOMIC_ACQUIRE);
		if (t == 0 || now - t >= BUSY_MAX_MS)
			continue;
		/* A request is being served, unless by a worker that is gone. */
		if (now - t < ALIVE_MS || alive(__atomic_load_n(&slots[k].pid,
		    __ATOMIC_RELAXED)))
			return 0;
	}
	if ((last = __atomic_load_n(&slots[0].since, __ATOMIC_ACQUIRE)) == 0)
		return LONG_MAX;
	return now - last < 0 ? 0 : now - last > LONG_MAX ? LONG_MAX : (long)(now - last);
}
