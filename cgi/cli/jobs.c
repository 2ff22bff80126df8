/*
 * jobs.c: bin/callreport jobs, the export job runner (issue 20).
 *
 * A file of a selection over export_async_rows rows is recorded as a job
 * by the web worker asked for it (report/job.c); this process builds it,
 * outside the web workers, jobs_max at a time. The queue (export_jobs) is
 * every tenant's, so it is read and written through admin_db, the owner's
 * connection; each job's report runs as its tenant through db, the web
 * role's (row-level security underneath, as for any request), by replaying
 * the request that asked for it in-process (web/app.c, as the static export
 * does): the same engine, the same renderers, the same validation of its
 * parameters, its period resolved at the clock of the request.
 *
 * One child process a job: a crash takes down one job, never the runner.
 * A job is claimed in one statement (FOR UPDATE SKIP LOCKED: several
 * runners share a queue), the oldest job of the tenant served least
 * recently first. (The claim reads no other table: a statement that held
 * export_jobs while it waited for tenants deadlocked with a migration,
 * which locks tenants first.) It carries the runner's id, host:pid:start (the pid's
 * start time: a pid used again is not the runner), and a heartbeat. A job
 * whose runner is gone (a pid of this host no longer its process, or no
 * heartbeat for JOBS_LEASE seconds from any host) is run again once, then
 * failed with the reason. The children die with the runner
 * (PR_SET_PDEATHSIG): a runner killed with -9 leaves no job half built by
 * an orphan.
 *
 * Files: jobs_dir/<tenant>/<job>.<fmt>, written under a temporary name in
 * the same directory (file_temp: callreport-PID-*), fsynced, renamed when
 * whole; the temporary files of a dead process are removed (file_clean).
 * A finished file is deleted after jobs_retention, its job marked expired.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/beacon.h"
#include "base/buf.h"
#include "base/log.h"
#include "cli/jobs.h"
#include "render/file.h"
#include "render/tpl.h"
#include "store/db.h"
#include "web/app.h"

#define JOBS_LEASE	60	/* seconds without a heartbeat: the runner is gone */
#define JOBS_TRIES	2	/* runs begun before a job whose runner died is failed */
#define POLL_MS		300	/* between two looks at the queue */
#define CHORE_SECS	5	/* between heartbeats, expiries and cleanups */
#define PROGRESS_ROWS	5000	/* a job's progress is written every so many rows */
/* give_way: a job waits while the web workers serve requests, */
#define QUIET_MS	5	/* until none for so long, */
#define PAUSE_MAX_MS	10000	/* for at most so long at a stretch, */
#define SLICE_MS	250	/* after which it runs so long before it waits again */
/* ioprio_set(2) has no glibc wrapper: its constants, from linux/ioprio.h. */
#define IOPRIO_WHO_PROCESS	1
#define IOPRIO_CLASS_IDLE	3
#define IOPRIO_CLASS_SHIFT	13

static volatile sig_atomic_t stopping;
/*
 * A test hook (tests/functional/test_jobs.py), never set in production:
 * CALLREPORT_JOBS_TEST_DELAY_MS slows every 10,000 rows of a job by so many ms,
 * so that a test can kill the runner, cancel or watch the progress page in
 * the middle of a job of a few thousand rows.
 */
static long test_delay_ms;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* A child building one job. */
struct child {
	pid_t	 pid;
	char	 id[37], tenant[37];
};

/* One job being built (in the child). */
struct job {
	PGconn		*admin;
	const char	*id;
	long		 written;	/* rows of the last progress written */
	time_t		 at;		/* and when */
	long long	 run_until;	/* beacon ms: runs on, whatever the workers do */
	long		 delayed;	/* rows the test hook has slowed */
};

/* Returns the start time of process pid (clock ticks since boot), or 0. */
static unsigned long long
proc_start(long pid)
{
	char path[64], b[1024], *p;
	unsigned long long start = 0;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	/* A zombie (ended, not reaped) is no runner: 0. */
	if (fgets(b, sizeof(b), f) != NULL && (p = strrchr(b, ')')) != NULL &&
	    p[1] == ' ' && p[2] != 'Z' && p[2] != 'X') {
		/* Field 22, counted after the command's ")": field 3 is the state. */
		for (k = 2; k < 22 && p != NULL; k++)
			p = strchr(p + 1, ' ');
		if (p != NULL)
			start = strtoull(p + 1, NULL, 10);
	}
	fclose(f);
	return start;
}

/* Runs sql on the owner's connection; returns the result (PQclear it) or NULL, logged. */
static PGresult *
q(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK) {
		log_line(NULL, "jobs: %s", PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Runs sql for its effect only. */
static void
q0(PGconn *c, const char *sql, int n, const char *const *p)
{
	PQclear(q(c, sql, n, p));
}

/* Connects as the owner (admin_db), again after a lost connection; returns NULL while it cannot. */
static PGconn *
admin(const struct config *cfg, PGconn **c)
{
	if (*c != NULL && PQstatus(*c) == CONNECTION_OK)
		return *c;
	if (*c != NULL)
		PQfinish(*c);
	*c = PQconnectdb(cfg->admin_db);
	if (PQstatus(*c) != CONNECTION_OK) {
		log_line(NULL, "jobs: cannot connect to the database: %s",
		    PQerrorMessage(*c));
		PQfinish(*c);
		*c = NULL;
	}
	return *c;
}

/* The directory of a tenant's files, made when missing; returns it (malloc'd) or NULL. */
static char *
tenant_dir(const struct config *cfg, const char *tenant)
{
	char *dir;

	if (mkdir(cfg->jobs_dir, 0750) != 0 && errno != EEXIST) {
		log_line(NULL, "jobs: jobs_dir %s: %s", cfg->jobs_dir, strerror(errno));
		return NULL;
	}
	dir = malloc(strlen(cfg->jobs_dir) + 40);
	if (dir == NULL)
		abort();
	sprintf(dir, "%s/%s", cfg->jobs_dir, tenant);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		log_line(NULL, "jobs: %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* Returns jobs_dir/<tenant> (a static buffer). */
static const char *
tdir(const struct config *cfg, const char *tenant)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", cfg->jobs_dir, tenant);
	return path;
}

/* Removes the temporary files of dead processes in every tenant's directory. */
static void
clean_all(const struct config *cfg)
{
	struct dirent *e;
	char path[4096];
	DIR *d;

	if ((d = opendir(cfg->jobs_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", cfg->jobs_dir, e->d_name);
		file_clean(path);
	}
	closedir(d);
}

/*
 * A job's runner died (its child killed, the runner killed, no heartbeat):
 * it is queued again, or after JOBS_TRIES runs begun failed with why. The
 * job must still be running under runner (not finished meanwhile).
 */
static void
died(PGconn *c, const char *id, const char *runner, const char *why)
{
	const char *p[4] = { id, runner, why,
	    NULL };
	char tries[16];

	snprintf(tries, sizeof(tries), "%d", JOBS_TRIES);
	p[3] = tries;
	PGresult *r;

	r = q(c, "UPDATE export_jobs SET "
	    "state = CASE WHEN attempts >= $4::int THEN 'failed' ELSE 'queued' END, "
	    "error = CASE WHEN attempts >= $4::int THEN format('the runner died while "
	    "building it, %s times (the last: %s)', attempts, $3::text) END, "
	    "finished_at = CASE WHEN attempts >= $4::int THEN now() END, "
	    "runner = NULL, heartbeat = NULL, rows_done = 0 "
	    "WHERE id = $1::uuid AND state = 'running' AND runner = $2 "
	    "RETURNING state", 4, p);
	if (r != NULL && PQntuples(r) == 1)
		log_line(NULL, "jobs: job %s: its runner died (%s): %s", id, why,
		    strcmp(PQgetvalue(r, 0, 0), "failed") == 0 ? "failed" :
		    "queued again");
	PQclear(r);
}

/*
 * Finds the jobs held by a runner that is gone: one of this host whose
 * process is no longer the one that claimed (kill -9, a crash), or any
 * whose heartbeat stopped JOBS_LEASE seconds ago (another host).
 */
static void
reclaim(PGconn *c, const char *me, const char *host)
{
	const char *p[1] = { NULL };
	char lease[16], why[160];
	PGresult *r;
	int i;

	snprintf(lease, sizeof(lease), "%d", JOBS_LEASE);
	p[0] = lease;
	if ((r = q(c, "SELECT id::text, runner, heartbeat < now() - make_interval("
	    "secs => $1::int) FROM export_jobs WHERE state = 'running' AND runner IS "
	    "NOT NULL", 1, p)) == NULL)
		return;
	for (i = 0; i < PQntuples(r); i++) {
		const char *runner = PQgetvalue(r, i, 1), *s, *t;
		long pid;
		unsigned long long start;
		bool dead = PQgetvalue(r, i, 2)[0] == 't';

		if (strcmp(runner, me) == 0)
			continue;
		s = strrchr(runner, ':');
		t = s != NULL ? s - 1 : NULL;
		while (t != NULL && t > runner && *t != ':')
			t--;
		if (!dead && s != NULL && t != NULL && *t == ':' &&
		    (size_t)(t - runner) == strlen(host) &&
		    strncmp(runner, host, strlen(host)) == 0) {
			pid = strtol(t + 1, NULL, 10);
			start = strtoull(s + 1, NULL, 10);
			dead = pid <= 0 || proc_start(pid) != start;
		}
		if (!dead)
			continue;
		snprintf(why, sizeof(why), "runner %s gone", runner);
		died(c, PQgetvalue(r, i, 0), runner, why);
	}
	PQclear(r);
}

/* Deletes the files past jobs_retention and marks their jobs expired. */
static void
expire(PGconn *c, const struct config *cfg)
{
	char ret[24], path[4096];
	const char *p[1] = { ret };
	PGresult *r;
	int i;

	snprintf(ret, sizeof(ret), "%ld", cfg->jobs_retention);
	if ((r = q(c, "UPDATE export_jobs SET state = 'expired' WHERE state = 'done' "
	    "AND finished_at < now() - make_interval(secs => $1::int) "
	    "RETURNING id::text, user_id::text, format", 1, p)) == NULL)
		return;
	for (i = 0; i < PQntuples(r); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s.%s", cfg->jobs_dir,
		    PQgetvalue(r, i, 1), PQgetvalue(r, i, 0), PQgetvalue(r, i, 2));
		if (unlink(path) != 0 && errno != ENOENT)
			log_line(NULL, "jobs: %s: %s", path, strerror(errno));
		else
			log_line(NULL, "jobs: job %s expired: %s deleted",
			    PQgetvalue(r, i, 0), path);
	}
	PQclear(r);
}

/*
 * A job's progress after every batch (report.c's cursor): the rows written,
 * at most every PROGRESS_ROWS rows, with the heartbeat; returns 1 when the
 * job has been asked to stop.
 */
static int
progress(struct req *req, long rows)
{
	struct job *j = req->job;
	char n[24];
	const char *p[2] = { j->id, n };
	PGresult *r;
	int stop = 0;

	/* (The test hook's delay is per 10,000 rows, whatever the batches.) */
	if (test_delay_ms > 0 && rows > j->delayed) {
		usleep((useconds_t)(test_delay_ms * 1000 * (rows - j->delayed) / 10000));
		j->delayed = rows;
	}
	if (rows > 0 && rows - j->written < PROGRESS_ROWS &&
	    time(NULL) == j->at)
		return 0;
	snprintf(n, sizeof(n), "%ld", rows);
	if ((r = q(j->admin, "UPDATE export_jobs SET rows_done = $2::bigint, "
	    "heartbeat = now() WHERE id = $1::uuid RETURNING cancel", 2, p)) != NULL) {
		stop = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
	}
	j->written = rows;
	j->at = time(NULL);
	return stop;
}

/*
 * Puts the calling process (a job's child) below the web workers: a job is
 * throughput, a page is latency. SCHED_IDLE rather than a nice level: the
 * scheduler then counts a CPU that runs only a job as idle when it places a
 * waking worker or backend, so a page never waits behind a job's time
 * slice (with nice 10 the pages' p99 tripled while a job ran); the idle I/O
 * class keeps the job's writes behind theirs. Neither needs a privilege.
 * A refusal is logged, and the job built all the same.
 */
static void
below_workers(void)
{
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0)
		log_line(NULL, "jobs: SCHED_IDLE: %s", strerror(errno));
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
	    IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) != 0)
		log_line(NULL, "jobs: idle I/O class: %s", strerror(errno));
}

/*
 * Every few hundred rows of a job (report.c's cursor_poll): waits while the
 * web workers are serving requests, so that the pages keep the latency they
 * have with no job running (on this project's 2-core machines, a job that
 * only ran below them, SCHED_IDLE, still tripled their p99: the pages need
 * the whole machine, not a priority). The job goes on once the workers have
 * been quiet for QUIET_MS, so that a browser's or a client's polling of the
 * job costs it a few ms a poll; under a load that never lets up it still
 * runs SLICE_MS every PAUSE_MAX_MS, and ends (slowly) rather than never.
 */
static void
give_way(struct req *req)
{
	struct job *j = req->job;
	long long now = beacon_now_ms(), from = now;
	long quiet;

	if (now < j->run_until)
		return;
	while ((quiet = beacon_quiet_ms()) < QUIET_MS) {
		if (now - from >= PAUSE_MAX_MS) {
			j->run_until = now + SLICE_MS;
			return;
		}
		usleep((useconds_t)(QUIET_MS - quiet) * 1000);
		now = beacon_now_ms();
	}
}

/* fsyncs path (a file or a directory); returns 0 or -1 with errno. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, e;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Returns the value of header name in a response's extra headers (in the arena), or NULL. */
static const char *
header(struct req *req, const char *name)
{
	const char *h = req->head.p, *e;
	size_t n = strlen(name);

	for (; h != NULL && *h; h = e + 2) {
		if ((e = strstr(h, "\r\n")) == NULL)
			break;
		if (strncasecmp(h, name, n) == 0 && h[n] == ':')
			return arena_strndup(req->a, h + n + 2, (size_t)(e - h - n - 2));
	}
	return NULL;
}

/*
 * The child: builds the job of row r (the claim's columns) and records how
 * it ended. Exits 0 when it recorded that; anything else is a death.
 */
static void
build(const struct config *cfg, PGresult *r, const char *me)
{
	enum { C_ID, C_USER, C_FMT, C_METHOD, C_PATH, C_QUERY, C_BODY, C_CTYPE,
	    C_CLOCK, C_TOTAL };
	const char *id = PQgetvalue(r, 0, C_ID), *tenant = PQgetvalue(r, 0, C_USER);
	const char *fmt = PQgetvalue(r, 0, C_FMT), *query = PQgetvalue(r, 0, C_QUERY);
	const char *p[5];
	char *env[8], *dir, *final = NULL, size[24];
	struct config ecfg = *cfg;
	struct arena *a = arena_new();
	struct job j;
	struct db db;
	struct req req;
	struct stat st;
	PGresult *who;
	int n = 0;

	memset(&j, 0, sizeof(j));
	j.id = id;
	j.admin = NULL;
	if (admin(cfg, &j.admin) == NULL)
		_exit(3);
	/*
	 * Progress is a hint, written a few times a second: its commits wait
	 * for no WAL flush (a crash loses at most the last figures, and the job
	 * is run again anyway). Set back before the job's end is written.
	 */
	q0(j.admin, "SET synchronous_commit = off", 0, NULL);
	p[0] = tenant;
	if ((who = q(j.admin, "SELECT name FROM tenants WHERE id = $1::uuid", 1,
	    p)) == NULL || PQntuples(who) != 1)
		_exit(3);
	if ((dir = tenant_dir(cfg, tenant)) == NULL) {
		p[0] = id;
		p[1] = me;
		p[2] = arena_printf(a, "cannot make the directory of its files in %s",
		    cfg->jobs_dir);
		q0(j.admin, "UPDATE export_jobs SET state = 'failed', error = $3, "
		    "finished_at = now() WHERE id = $1::uuid AND runner = $2", 3, p);
		_exit(0);
	}
	ecfg.trust_remote_user = "1";	/* the job's tenant, below */
	db_init(&db, cfg->db, cfg->timezone, cfg->statement_timeout,
	    cfg->lock_timeout, cfg->prepare);
	app_set_primary(&db);
	memset(&req, 0, sizeof(req));
	app_req_init(&req, a, &ecfg, &db);
	env[n++] = arena_printf(a, "REQUEST_METHOD=%s", PQgetvalue(r, 0, C_METHOD));
	env[n++] = arena_printf(a, "REQUEST_URI=%s%s%s%s", cfg->base_path,
	    PQgetvalue(r, 0, C_PATH), *query ? "?" : "", query);
	env[n++] = arena_printf(a, "REMOTE_USER=%s", PQgetvalue(who, 0, 0));
	if (!PQgetisnull(r, 0, C_BODY)) {
		env[n++] = arena_printf(a, "CONTENT_LENGTH=%zu",
		    strlen(PQgetvalue(r, 0, C_BODY)));
		if (!PQgetisnull(r, 0, C_CTYPE))
			env[n++] = arena_printf(a, "CONTENT_TYPE=%s",
			    PQgetvalue(r, 0, C_CTYPE));
		req.body = PQgetvalue(r, 0, C_BODY);
		req.body_len = strlen(req.body);
	}
	env[n] = NULL;
	req.envp = env;
	req.capture = true;
	req.file_dir = dir;
	req.now = strtoll(PQgetvalue(r, 0, C_CLOCK), NULL, 10);
	req.progress = progress;
	req.job = &j;
	if (beacon_open(cfg->jobs_dir) == 0)
		req.pause = give_way;
	else
		log_line(NULL, "jobs: beacon: %s (the job will not wait for the pages)",
		    strerror(errno));
	log_line(req.id, "jobs: job %s: building %s %s (%s rows)", id, fmt,
	    PQgetvalue(r, 0, C_PATH), PQgetvalue(r, 0, C_TOTAL));
	app_serve(&req);
	/* The job's end is recorded durably (its progress was not, above). */
	q0(j.admin, "SET synchronous_commit = on", 0, NULL);
	p[0] = id;
	p[1] = me;
	if (req.status == 200 && req.file != NULL) {
		/* Whole on disk before it has its name: no half file is ever offered. */
		final = arena_printf(a, "%s/%s.%s", dir, id, fmt);
		if (sync_path(req.file) != 0 || stat(req.file, &st) != 0 ||
		    rename(req.file, final) != 0 || sync_path(dir) != 0) {
			p[2] = arena_printf(a, "could not store the file: %s",
			    strerror(errno));
			unlink(req.file);
			unlink(final);
			q0(j.admin, "UPDATE export_jobs SET state = 'failed', error = $3, "
			    "finished_at = now() WHERE id = $1::uuid AND runner = $2", 3, p);
		} else {
			snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
			p[2] = size;
			p[3] = header(&req, "Content-Disposition");
			q0(j.admin, "UPDATE export_jobs SET state = 'done', "
			    "rows_done = total, finished_at = now(), size = $3::bigint, "
			    "disposition = $4, error = NULL, heartbeat = now() "
			    "WHERE id = $1::uuid AND runner = $2", 4, p);
			log_line(req.id, "jobs: job %s done: %s, %s bytes", id, final, size);
		}
	} else {
		if (req.file != NULL)
			unlink(req.file);
		if (req.job_cancelled) {
			q0(j.admin, "UPDATE export_jobs SET state = 'cancelled', "
			    "finished_at = now() WHERE id = $1::uuid AND runner = $2", 2, p);
			log_line(req.id, "jobs: job %s cancelled", id);
		} else {
			p[2] = arena_printf(a, "HTTP %d: %s", req.status,
			    req.err_msg ? req.err_msg : "failed");
			q0(j.admin, "UPDATE export_jobs SET state = 'failed', error = $3, "
			    "finished_at = now() WHERE id = $1::uuid AND runner = $2", 3, p);
			log_line(req.id, "jobs: job %s failed: %s", id, p[2]);
		}
	}
	buf_free(&req.body_out);
	buf_free(&req.head);
	db_close(&db);
	PQclear(who);
	PQfinish(j.admin);
	free(dir);
	arena_free(a);
	_exit(0);
}

/*
 * Claims the next job: the oldest of the tenant served least recently (its
 * latest start), skipping rows another runner is claiming. Returns the
 * claim's row, NULL when there is none.
 */
static PGresult *
claim(PGconn *c, const char *me)
{
	const char *p[1] = { me };
	PGresult *r;

	r = q(c, "UPDATE export_jobs SET state = 'running', runner = $1, "
	    "heartbeat = now(), started_at = now(), attempts = attempts + 1, "
	    "rows_done = 0 WHERE id = (SELECT j.id FROM export_jobs j "
	    "WHERE j.state = 'queued' AND NOT j.cancel ORDER BY (SELECT "
	    "max(s.started_at) FROM export_jobs s WHERE s.user_id = j.user_id) "
	    "NULLS FIRST, j.created_at, j.id LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "RETURNING id::text, user_id::text, format, method, path, query, body, "
	    "ctype, clock, total", 1, p);
	if (r != NULL && PQntuples(r) == 0) {
		PQclear(r);
		r = NULL;
	}
	return r;
}

static void
usage(void)
{
	fputs("usage: callreport jobs [--once]\n", stderr);
}

int
jobs_main(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct child *kids;
	struct sigaction sa;
	PGconn *c = NULL;
	PGresult *r;
	char host[256], me[400], why[64];
	const char *p[2], *delay;
	time_t chores = 0;
	pid_t parent = getpid(), pid;
	long max = cfg->jobs_max > 0 ? cfg->jobs_max : 1, running = 0, k;
	int ch, st, once = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': once = 1; break;
		default: usage(); return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if ((delay = getenv("CALLREPORT_JOBS_TEST_DELAY_MS")) != NULL)
		test_delay_ms = atol(delay);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (k = 0; host[k]; k++)
		if (host[k] == ':')
			host[k] = '_';
	snprintf(me, sizeof(me), "%s:%ld:%llu", host, (long)parent,
	    proc_start((long)parent));
	if (tpl_root(cfg->template_dir))
		log_line(NULL, "jobs: template_dir %s is not usable", cfg->template_dir);
	if (mkdir(cfg->jobs_dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "callreport: jobs: jobs_dir %s: %s\n", cfg->jobs_dir,
		    strerror(errno));
		return 1;
	}
	kids = calloc((size_t)max, sizeof(*kids));
	if (kids == NULL)
		abort();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A file size limit fails a write (EFBIG), which the renderers report. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	log_line(NULL, "jobs: runner %s: %ld at a time, files in %s, kept %ld s",
	    me, max, cfg->jobs_dir, cfg->jobs_retention);
	while (!stopping) {
		/* The children that ended: one that did not record its end died. */
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (k = 0; k < max && kids[k].pid != pid; k++)
				;
			if (k == max)
				continue;
			running--;
			kids[k].pid = 0;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
			    admin(cfg, &c) != NULL) {
				if (WIFSIGNALED(st))
					snprintf(why, sizeof(why), "killed by signal %d",
					    WTERMSIG(st));
				else
					snprintf(why, sizeof(why), "exit %d", WEXITSTATUS(st));
				died(c, kids[k].id, me, why);
			}
			file_clean(tdir(cfg, kids[k].tenant));
		}
		if (admin(cfg, &c) == NULL) {
			sleep(1);
			continue;
		}
		if (time(NULL) - chores >= CHORE_SECS) {
			chores = time(NULL);
			p[0] = me;
			q0(c, "UPDATE export_jobs SET heartbeat = now() "
			    "WHERE state = 'running' AND runner = $1", 1, p);
			reclaim(c, me, host);
			expire(c, cfg);
			clean_all(cfg);
		}
		/* Cancelled before they began. */
		q0(c, "UPDATE export_jobs SET state = 'cancelled', finished_at = now() "
		    "WHERE state = 'queued' AND cancel", 0, NULL);
		while (running < max && !stopping && (r = claim(c, me)) != NULL) {
			for (k = 0; k < max && kids[k].pid != 0; k++)
				;
			snprintf(kids[k].id, sizeof(kids[k].id), "%s", PQgetvalue(r, 0, 0));
			snprintf(kids[k].tenant, sizeof(kids[k].tenant), "%s",
			    PQgetvalue(r, 0, 1));
			fflush(NULL);
			if ((pid = fork()) == 0) {
				/* Dies with the runner: no orphan builds a job. */
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != parent)
					_exit(3);
				below_workers();
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				signal(SIGHUP, SIG_DFL);
				/* c stays the parent's: _exit, never PQfinish. */
				build(cfg, r, me);
				_exit(0);
			}
			if (pid < 0) {
				log_line(NULL, "jobs: fork: %s", strerror(errno));
				died(c, kids[k].id, me, "fork failed");
				PQclear(r);
				break;
			}
			kids[k].pid = pid;
			running++;
			PQclear(r);
		}
		if (once && running == 0)
			break;
		usleep(POLL_MS * 1000);
	}
	/*
	 * Stopped: the jobs in hand go back to the queue as they were (a stop
	 * is no failure of theirs); a runner started later builds them.
	 */
	for (k = 0; k < max; k++)
		if (kids[k].pid > 0)
			kill(kids[k].pid, SIGKILL);
	for (k = 0; k < max; k++) {
		if (kids[k].pid <= 0)
			continue;
		waitpid(kids[k].pid, &st, 0);
		if (admin(cfg, &c) != NULL) {
			p[0] = kids[k].id;
			p[1] = me;
			r = q(c, "UPDATE export_jobs SET state = 'queued', attempts = "
			    "greatest(attempts - 1, 0), runner = NULL, heartbeat = NULL, "
			    "rows_done = 0 WHERE id = $1::uuid AND state = 'running' AND "
			    "runner = $2 RETURNING id", 2, p);
			if (r != NULL && PQntuples(r) == 1)
				log_line(NULL, "jobs: job %s queued again (runner "
				    "stopped)", kids[k].id);
			PQclear(r);
		}
		file_clean(tdir(cfg, kids[k].tenant));
	}
	log_line(NULL, "jobs: runner %s stopped", me);
	if (c != NULL)
		PQfinish(c);
	free(kids);
	return 0;
}
