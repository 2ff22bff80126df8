/*
 * beacon.c: the web workers' activity, one time in shared memory.
 *
 * Issue 20: a job must not slow the pages. On a 2-core machine even a
 * SCHED_IDLE busy loop raises the pages' p99 several times (bench/results.md,
 * "Export jobs"), so a job's process does not only run below the workers: it
 * stops while they work. Every worker stores the monotonic time when it
 * begins and ends a request; the job, every few hundred rows, reads how long
 * the workers have been quiet (cli/jobs.c, give_way).
 *
 * One 8-byte slot in /dev/shm/callreport-HASH, HASH of the jobs_dir both
 * read from the configuration (systemd's PrivateTmp leaves /dev/shm shared).
 * A store and a load of an aligned 64-bit word: no lock. CLOCK_MONOTONIC is
 * the host's, the same in every process.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/beacon.h"

static int64_t *slot;

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

	if (slot != NULL)
		return 0;
	for (p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(path, sizeof(path), "/dev/shm/callreport-%08x", (unsigned)h);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (ftruncate(fd, sizeof(*slot)) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	m = mmap(NULL, sizeof(*slot), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (m == MAP_FAILED) {
		errno = e;
		return -1;
	}
	slot = m;
	return 0;
}

void
beacon_touch(void)
{
	if (slot != NULL)
		__atomic_store_n(slot, (int64_t)beacon_now_ms(), __ATOMIC_RELAXED);
}

long
beacon_quiet_ms(void)
{
	int64_t t;
	long long d;

	if (slot == NULL || (t = __atomic_load_n(slot, __ATOMIC_RELAXED)) == 0)
		return LONG_MAX;
	d = beacon_now_ms() - t;
	return d < 0 ? 0 : d > LONG_MAX ? LONG_MAX : (long)d;
}
