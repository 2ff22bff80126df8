/*
 * test_beacon.c: the workers' beacon (base/beacon.c) across real processes:
 * a request in flight in one process is seen by another, a request's end
 * starts the quiet time, and the slot of a worker killed in a request is
 * taken by the next one.
 */
#include <sys/wait.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/beacon.h"
#include "ctest.h"

static char key[64];

/* Runs fn in a child process with its own mapping; returns its exit status. */
static int
in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(beacon_open(key) == 0 ? fn() : 99);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
begin_and_die(void)
{
	beacon_begin();
	return 0;	/* exits with its request "in flight" */
}

static int
quiet_now(void)
{
	return beacon_quiet_ms() == 0 ? 1 : 2;
}

static void
test_never_used(void)
{
	CHECK(beacon_open(key) == 0);
	CHECK(beacon_quiet_ms() == LONG_MAX);
}

static void
test_begin_end(void)
{
	long q;

	beacon_begin();
	CHECK(beacon_quiet_ms() == 0);
	/* Another process sees the request in flight. */
	CHECK(in_child(quiet_now) == 1);
	beacon_end();
	usleep(30 * 1000);
	q = beacon_quiet_ms();
	CHECK(q >= 25 && q < 5000);
	CHECK(in_child(quiet_now) == 2);
}

static void
test_dead_worker(void)
{
	/* A worker killed in a request: its slot counts as busy... */
	CHECK(in_child(begin_and_die) == 0);
	CHECK(beacon_quiet_ms() == 0);
	/* ...for a second, then only while its pid exists: it does not. */
	usleep(1100 * 1000);
	CHECK(beacon_quiet_ms() > 0);
	/* A new worker takes that slot when no slot is free (here: one is). */
	CHECK(in_child(quiet_now) == 2);
}

int
main(void)
{
	char path[96];
	unsigned h = 2166136261u;
	const unsigned char *p;

	snprintf(key, sizeof(key), "/test-beacon/%ld/%ld", (long)getpid(), (long)time(NULL));
	TEST(test_never_used);
	TEST(test_begin_end);
	TEST(test_dead_worker);
	for (p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(path, sizeof(path), "/dev/shm/callreport-%08x", h);
	CHECK(unlink(path) == 0);
	return ctest_done("beacon");
}
