/* main.c: callreport.fcgi: the FastCGI (or plain CGI) loop around app_serve. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "base/arena.h"
#include "base/beacon.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "render/file.h"
#include "render/tpl.h"
#include "store/db.h"
#include "web/app.h"

static volatile sig_atomic_t stopping;

/*
 * Whether the worker should end after the request it just answered, for its
 * supervisor to start a fresh one. By memory, the peak resident set (one
 * getrusage a request): bounds a slow leak. By age, life seconds
 * (worker_life): a worker on the primary because its standby was away
 * (read_db) comes back to it. Not by a count of requests: fast answers (a
 * 404, a 429, the 503s of an outage) leak nothing and burnt through 10,000
 * requests in seconds, and each recycle costs a process, a backend and its
 * caches. Never younger than worker_min_age: multiwatch, systemd and
 * mod_fcgid take an exit soon after the start for a failed start, and give
 * up on it. max_requests (0 by default) still counts the requests answered
 * below 500, for those who want it.
 */
static bool
recycle_due(const struct config *cfg, long served, double born, long life)
{
	struct rusage ru;
	double age = clock_monotonic() - born;

	if (age < cfg->worker_min_age)
		return false;
	if (cfg->max_requests > 0 && served >= cfg->max_requests)
		return true;
	if (life > 0 && age >= life)
		return true;
	return cfg->worker_max_rss > 0 && getrusage(RUSAGE_SELF, &ru) == 0 &&
	    ru.ru_maxrss >= cfg->worker_max_rss * 1024;
}

/*
 * This worker's life in seconds, or 0 (no limit): worker_max_age and up to a
 * quarter more, by pid, so that workers started together do not all end
 * together.
 */
static long
worker_life(const struct config *cfg)
{
	if (cfg->worker_max_age <= 0)
		return 0;
	return cfg->worker_max_age + getpid() % (cfg->worker_max_age / 4 + 1);
}

/*
 * A new worker's connection, made before its first request: the backend's
 * start, the sign-in, the begin's statements prepared and callreport_begin
 * compiled, all off the first request's time (a recycled worker's first
 * request paid them all). A database that is down is left for the first
 * request to find (503).
 */
static void
warm(struct db *d)
{
	char tenant[37];

	if (db_begin(d, DB_CRED_NONE, "", tenant, false) == DB_OK)
		db_end(d, false);
}

/*
 * SIGTERM, SIGUSR1 (graceful stop) and SIGUSR2 (graceful restart under a
 * supervisor): finish the request in hand, then exit. An idle worker leaves
 * accept() at once: FCGX_ShutdownPending makes libfcgi give up on EINTR.
 */
static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

int
main(void)
{
	struct config cfg;
	struct db db, wdb;
	struct arena *a;
	struct req req;
	FCGX_Request fr;
	struct sigaction sa;
	sigset_t stopsigs, waitmask;
	long served = 0, life;
	double born = clock_monotonic();
	int ep = -1;

	if (config_load(&cfg))
		return 1;
	life = worker_life(&cfg);
	if (tpl_root(cfg.template_dir))
		log_line(NULL, "template_dir %s is not usable", cfg.template_dir);
	/* What a worker killed before this one left in tmp_dir. */
	file_clean(cfg.tmp_dir);
	/* Tells the export jobs when requests are served (cli/jobs.c gives way). */
	if (beacon_open(cfg.jobs_dir) != 0)
		log_line(NULL, "beacon: %s", strerror(errno));
	/* Reports read from read_db when set; sign-in and sign-out write to db. */
	db_init(&db, cfg.read_db[0] ? cfg.read_db : cfg.db, cfg.timezone,
	    cfg.statement_timeout, cfg.lock_timeout, cfg.prepare);
	db_init(&wdb, cfg.db, cfg.timezone, cfg.statement_timeout, cfg.lock_timeout,
	    cfg.prepare);
	app_set_primary(cfg.read_db[0] ? &wdb : &db);
	a = arena_new();
	memset(&req, 0, sizeof(req));
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_IsCGI()) {
		app_req_init(&req, a, &cfg, &db);
		app_serve(&req);
		goto out;
	}
	/*
	 * A stop signal (SIGTERM, or SIGUSR1/SIGUSR2 for a graceful restart)
	 * reaches the worker only while it waits for a connection, in
	 * epoll_pwait: it is blocked everywhere else, so it can never break the
	 * reading of a request that accept() has already taken off the queue
	 * (the web server would get a closed connection: 503). The wait is
	 * exclusive (EPOLLEXCLUSIVE): a connection wakes one idle worker, not
	 * all of them (with poll, every worker woke, and all but one found
	 * nothing to accept). The listening socket is non-blocking: a worker
	 * beaten to a connection all the same goes back to waiting, not to
	 * sleep in accept().
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGUSR1);
	sigaddset(&stopsigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &stopsigs, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGUSR1);
	sigdelset(&waitmask, SIGUSR2);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	warm(&db);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		log_line(NULL, "epoll_create1: %s", strerror(errno));
		goto out;
	}
	{
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) < 0) {
			ev.events = EPOLLIN;	/* a kernel before 4.5 */
			if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) < 0) {
				log_line(NULL, "epoll_ctl: %s", strerror(errno));
				goto out;
			}
		}
	}
	FCGX_Init();
	FCGX_InitRequest(&fr, 0, 0);
	while (!stopping) {
		struct epoll_event ev;

		if (epoll_pwait(ep, &ev, 1, -1, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (stopping)
			break;
		if (FCGX_Accept_r(&fr) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;	/* another worker took it */
			break;
		}
		app_req_init(&req, a, &cfg, &db);
		req.in = fr.in;
		req.conn_fd = fr.ipcFd;
		req.out = fr.out;
		req.envp = fr.envp;
		beacon_begin();
		app_serve(&req);
		FCGX_Finish_r(&fr);
		beacon_end();
		arena_reset(a);
		if (req.status < 500)
			served++;
		if (recycle_due(&cfg, served, born, life))
			break;	/* the supervisor starts a fresh worker */
	}
out:
	if (ep >= 0)
		close(ep);
	buf_free(&req.head);
	buf_free(&req.body_out);
	arena_free(a);
	db_close(&db);
	db_close(&wdb);
	config_free(&cfg);
	return 0;
}
