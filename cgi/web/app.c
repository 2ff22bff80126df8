/* app.c: one request of callreport.fcgi: routing, authentication, the handler, the answer. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/auth.h"
#include "base/url.h"
#include "base/version.h"
#include "render/render.h"
#include "report/pagecache.h"
#include "report/report.h"
#include "report/reports.h"
#include "store/db.h"
#include "web/app.h"
#include "web/form.h"
#include "web/http.h"
#include "web/jobs_page.h"
#include "web/overview_page.h"
#include "input/utf8.h"
#include "web/record.h"
#include "web/route.h"
#include "web/session.h"

#define MAX_QUERY	8192
#define MAX_PATH	2048

static int h_healthz(struct req *);
static int h_readyz(struct req *);

static const struct route routes[] = {
	{ "GET", "/v1/task/number", REPORT_TASK_NUMBER, NULL, 0 },
	{ "POST", "/v1/task/query_done_task_phones", REPORT_DONE_PHONES, NULL, 0 },
	{ "GET", "/v1/record/:record_id", REPORT_RECORD, NULL, 0 },
	{ "GET", "/v1/task/record_info/:task_id/:record_id", REPORT_RECORD_INFO, NULL, 0 },
	{ "GET", "/v1/setting/record_level", REPORT_RECORD_LEVEL, NULL, 0 },
	{ "GET", "/v1/tag/usable_tags", REPORT_USABLE_TAGS, NULL, 0 },
	{ "GET", "/healthz", -1, h_healthz, R_PUBLIC },
	{ "GET", "/readyz", -1, h_readyz, R_PUBLIC },
	{ "GET", "/", REPORT_START, NULL, R_HTML | R_FORM },
	{ "GET", "/login", -1, session_login, R_HTML | R_PUBLIC },
	{ "POST", "/login", -1, session_login, R_HTML | R_PUBLIC | R_WRITE },
	{ "POST", "/logout", -1, session_logout, R_HTML | R_PUBLIC | R_WRITE },
	{ "GET", "/tasks", REPORT_TASKS, NULL, R_HTML | R_FORM },
	{ "GET", "/tasks/:task_id", -1, overview_page, R_HTML },
	{ "GET", "/tasks/:task_id/numbers", REPORT_TASK_NUMBER, NULL, R_HTML | R_FORM },
	{ "GET", "/tasks/:task_id/records", REPORT_DONE_PHONES, NULL, R_HTML | R_FORM },
	{ "GET", "/records/:record_id", -1, record_page, R_HTML },
	{ "GET", "/records/:record_id/recording", -1, record_recording, 0 },
	{ "GET", "/numbers/:number_id/history", REPORT_NUMBER_HISTORY, NULL, R_HTML },
	{ "GET", "/search", REPORT_SEARCH, NULL, R_HTML },
	{ "GET", "/compare", REPORT_COMPARE, NULL, R_HTML | R_FORM },
	{ "GET", "/callbacks", REPORT_CALLBACKS, NULL, R_HTML | R_FORM },
	/* Export jobs: JSON by default (an API client polls them), HTML for a browser. */
	{ "GET", "/exports", -1, jobs_page_list, R_READ },
	{ "GET", "/exports/:job_id", -1, jobs_page_show, R_READ },
	{ "POST", "/exports/:job_id", -1, jobs_page_cancel, R_WRITE },
	{ "DELETE", "/exports/:job_id", -1, jobs_page_cancel, R_WRITE },
	{ "GET", "/exports/:job_id/file", -1, jobs_page_file, R_READ },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* The connection to db (the primary); the same as the read one without read_db. */
static struct db *primary;


static int
h_healthz(struct req *req)
{
	/* The first line stays "ok": deploy scripts and monitors read it. */
	req->ctype = "text/plain; charset=utf-8";
	buf_puts(&req->body_out, "ok\ncallreport " CALLREPORT_VERSION "\n");
	return 200;
}

static int
h_readyz(struct req *req)
{
	PGresult *res;
	enum db_err e;

	if ((e = db_connect(req->db)) == DB_OK &&
	    (e = db_exec(req->db, "SELECT 1", 0, NULL, &res)) == DB_OK)
		PQclear(res);
	if (e != DB_OK)
		return req_db_fail(req, e);
	req->ctype = "text/plain; charset=utf-8";
	buf_puts(&req->body_out, "ready\n");
	return 200;
}


/*
 * With a standby for reads (read_db), checks the credential on the primary
 * and turns it into the tenant id it stands for: a signed-out session or a
 * revoked token is refused at once, not once the standby has replayed the
 * change. The report then reads on the standby as that tenant. Returns DB_OK
 * with kind and cred replaced (DB_CRED_TENANT, or DB_CRED_NONE when the
 * primary knows nobody by it), or why not. When the primary cannot be
 * reached they are left for the standby to judge, for the next 5 seconds
 * too (a revocation may then lag by the standby's replay delay).
 */
static enum db_err
check_on_primary(struct req *req, enum db_cred *kind, const char **cred,
    char tenant[37])
{
	/*
	 * After a failure the primary is left alone for a while: no request
	 * waits out a connect_timeout to a primary known to be down.
	 */
	static time_t retry_at;
	enum db_err e;

	if (time(NULL) < retry_at)
		return DB_OK;
	if ((e = db_begin(primary, *kind, *cred, tenant, false)) != DB_OK) {
		if (e != DB_DOWN)
			return e;
		retry_at = time(NULL) + 5;
		log_line(req->id, "primary unavailable: credentials are "
		    "checked on the standby for 5 s");
		return DB_OK;
	}
	db_end_nowait(primary);
	*kind = tenant[0] != '\0' ? DB_CRED_TENANT : DB_CRED_NONE;
	*cred = tenant;
	return DB_OK;
}

/*
 * Authenticates and opens the request's transaction. Returns 0 when a tenant
 * is set (or the route is public), else the HTTP status of the response set.
 */
static int
authenticate(struct req *req, const struct route *rt)
{
	const char *auth = req_env(req, "HTTP_AUTHORIZATION"), *cred = NULL, *ru;
	enum db_cred kind = DB_CRED_NONE;
	char hx[65], known[37];
	enum db_err e;
	bool defer;

	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		auth += 7;
		while (*auth == ' ')
			auth++;
		kind = DB_CRED_TOKEN;
		cred = auth_sha256_hex(auth, strlen(auth), hx);
		req->authby = AUTH_TOKEN;
	} else if ((cred = req_cookie(req, "crsid")) != NULL) {
		kind = DB_CRED_SESSION;
		cred = auth_sha256_hex(cred, strlen(cred), hx);
		req->authby = AUTH_SESSION;
	} else if (req->cfg->trust_remote_user[0] == '1' &&
	    (ru = req_env(req, "REMOTE_USER")) != NULL && *ru) {
		kind = DB_CRED_USER;
		cred = ru;
		req->authby = AUTH_REMOTE_USER;
	} else {
		req->authby = AUTH_NONE;
		if (!(rt->flags & R_PUBLIC))
			goto unauthenticated;
	}
	if (kind != DB_CRED_NONE && req->db != primary &&
	    (e = check_on_primary(req, &kind, &cred, known)) != DB_OK)
		return req_db_fail(req, e);
	/*
	 * A report's begin may go with its first statements (one round trip
	 * instead of two), and a handler's that only reads (R_READ: a job's
	 * progress, polled while the job runs): not for a conditional request,
	 * whose data version decides whether the report runs at all, nor for a
	 * page that may have been kept (report/pagecache.h: found by it too).
	 */
	defer = (rt->report >= 0 || (rt->flags & R_READ)) &&
	    !(rt->flags & R_WRITE) && !req->no_defer &&
	    req_env(req, "HTTP_IF_NONE_MATCH") == NULL &&
	    !(rt->report >= 0 && pagecache_wanted(req, &reports[rt->report]));
	/* A page or a file: no work for the columns only JSON shows. */
	req->db->no_json = req->fmt != FMT_JSON;
	if ((e = db_begin(req->db, kind, cred, req->tenant, defer)) != DB_OK)
		return req_db_fail(req, e);
	if (req->tenant[0] == '\0' && kind != DB_CRED_NONE &&
	    req->db != primary) {
		/* Unknown on the standby: a tenant too new to be replayed there. */
		db_end(req->db, false);
		req->db = primary;
		return authenticate(req, rt);
	}
	if (req->tenant[0] == '\0') {
		req->authby = AUTH_NONE;
		if (rt->flags & R_PUBLIC)
			return 0;
unauthenticated:
		req_header(req, "WWW-Authenticate", "Bearer realm=\"callreport\"");
		req_error(req, 401, "unauthenticated");
		return 401;
	}
	return 0;
}

/* Chooses JSON, HTML or XLSX from format= and Accept; returns 0 or 400. */
static int
choose_format(struct req *req, const struct route *rt)
{
	const struct val *f = val_get(req->params, "format");
	const char *accept = req_env(req, "HTTP_ACCEPT"), *h, *j;

	req->page_route = rt && (rt->flags & R_HTML);
	req->fmt = req->page_route ? FMT_HTML : FMT_JSON;
	if (f != NULL) {
		if (f->type != V_STR || (req->fmt = render_format(f->s)) == FMT__MAX) {
			req->fmt = FMT_JSON;
			req_error(req, 400, arena_printf(req->a, "format must be one of %s",
			    render_names(req->a)));
			return 400;
		}
		return 0;
	}
	if (accept != NULL && (h = strstr(accept, "text/html")) != NULL) {
		j = strstr(accept, "application/json");
		if (j == NULL || h < j)
			req->fmt = FMT_HTML;
	}
	return 0;
}

#define MAX_HEADER	8192	/* one request header (an HTTP_* parameter) */
#define MAX_HEADERS	16384	/* all of them together */

/*
 * Returns 0 when every request header (HTTP_* parameter) is at most
 * MAX_HEADER bytes and all together at most MAX_HEADERS, else sets 431 and
 * returns it. The web server bounds headers too; this does not rely on it.
 */
static int
check_headers(struct req *req)
{
	char **e = req->envp != NULL ? req->envp : environ;
	size_t n, total = 0;

	for (; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "HTTP_", 5) != 0)
			continue;
		n = strlen(*e);
		total += n;
		if (n > MAX_HEADER || total > MAX_HEADERS) {
			req_error(req, 431, "request headers are too large");
			return 431;
		}
	}
	return 0;
}


/*
 * Returns true when a browser says the request comes from another site: its
 * Sec-Fetch-Site is neither same-origin nor none (typed or bookmarked), or
 * its Origin's host is not the Host asked (the scheme is left out: behind a
 * proxy that ends TLS the program sees http). A client that sends neither
 * (curl, the platform's clients) is no browser a page can drive.
 */
static bool
cross_site(struct req *req)
{
	const char *site = req_env(req, "HTTP_SEC_FETCH_SITE"),
	    *origin = req_env(req, "HTTP_ORIGIN"), *host = req_env(req, "HTTP_HOST");

	if (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return true;
	if (origin == NULL)
		return false;
	if (strncmp(origin, "https://", 8) == 0)
		origin += 8;
	else if (strncmp(origin, "http://", 7) == 0)
		origin += 7;
	else
		return true;	/* "null" (a sandboxed or file page), or worse */
	return host == NULL || strcasecmp(origin, host) != 0;
}

/* Reads and parses the body into req->params; returns 0 or the HTTP status set. */
static int
read_body(struct req *req, bool strict)
{
	const char *cl = req_env(req, "CONTENT_LENGTH"),
	    *ct = req_env(req, "CONTENT_TYPE"), *err = NULL;
	char *body, *end;
	long len = 0;
	size_t got = 0;
	int n;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		len = strtol(cl, &end, 10);
		if (errno || *end != '\0' || len < 0 || !isdigit((unsigned char)*cl)) {
			req_error(req, 400, "Content-Length is not a number");
			return 400;
		}
	}
	if (len > req->cfg->max_body) {
		req_error(req, 413, arena_printf(req->a,
		    "body is larger than %ld bytes", req->cfg->max_body));
		return 413;
	}
	if (len == 0)
		return 0;
	if (req->capture && req->body != NULL) {
		/* An in-process request of the static export brings its body. */
		body = arena_strndup(req->a, req->body, req->body_len);
		got = req->body_len;
	} else
		body = arena_alloc(req->a, (size_t)len + 1);
	while (got < (size_t)len) {
		if (req->in != NULL)
			n = FCGX_GetStr(body + got, (int)((size_t)len - got), req->in);
		else	/* read(2), not stdio: not one byte past Content-Length */
			n = (int)read(STDIN_FILENO, body + got, (size_t)len - got);
		if (n < 0 && req->in == NULL && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)len) {
		req_error(req, 400, "body is shorter than Content-Length");
		return 400;
	}
	body[len] = '\0';
	req->body = body;
	req->body_len = (size_t)len;
	/*
	 * A route that changes state (sign-in, sign-out) takes only the types
	 * a cross-site page cannot send without asking (but the form's, which
	 * cross_site refuses): text/plain is how a page signs a browser in.
	 */
	if ((ct != NULL && strncasecmp(ct, "multipart/", 10) == 0) ||
	    (strict && (ct == NULL ||
	    (strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 &&
	    strncasecmp(ct, "application/json", 16) != 0)))) {
		req_error(req, strict ? 415 : 400, "body must be JSON or form-encoded");
		return strict ? 415 : 400;
	}
	if ((ct != NULL && strstr(ct, "json") != NULL) ||
	    ((ct == NULL || strstr(ct, "x-www-form-urlencoded") == NULL) &&
	    body[0] == '{')) {
		if (val_parse_json(req->a, req->params, body, (size_t)len, &err)) {
			req_error(req, 400, err);
			return 400;
		}
	} else if (val_parse_form(req->a, req->params, body, (size_t)len, &err)) {
		req_error(req, 400, err);
		return 400;
	}
	return 0;
}

/* Authenticates and runs the route; returns the HTTP status set. */
static int
run(struct req *req, const struct route *rt)
{
	int status;

	if (rt->flags & R_WRITE)
		req->db = primary;
	if (authenticate(req, rt))
		return req->status;
	if (rt->flags & R_FORM)
		form_decode(req, &reports[rt->report]);
	status = rt->report >= 0 ? report_serve(req, &reports[rt->report]) :
	    rt->fn(req);
	if (req->status == 0)
		req->status = status;
	return req->status;
}

/* Forgets the response made so far, for a request run again. */
static void
reset_response(struct req *req)
{
	if (req->file && req->file_tmp)
		unlink(req->file);
	buf_reset(&req->head);
	buf_reset(&req->body_out);
	req->status = 0;
	req->ctype = NULL;
	req->err_msg = NULL;
	req->err_field = req->err_label = NULL;
	req->file = NULL;
	req->file_tmp = false;
	req->file_off = req->file_len = 0;
	req->authby = AUTH_NONE;
	req->tenant[0] = '\0';
}

/*
 * Runs the route, making sure that a deferred begin (authenticate) has been
 * answered before anything is sent: when the credential no longer stands
 * for the tenant guessed (a revoked token, a signed-out session), what was
 * made is dropped and the request runs again with its begin not deferred
 * (and is then refused, say). Returns the status.
 */
static int
run_checked(struct req *req, const struct route *rt)
{
	enum db_err e;

	run(req, rt);
	/*
	 * Only a report or an R_READ handler defers its begin, and neither
	 * writes: end too.
	 */
	if (req->db->pending &&
	    (e = db_settle(req->db, true)) != DB_OK && e != DB_STALE) {
		reset_response(req);
		req->status = req_db_fail(req, e);
	}
	if (req->db->stale) {
		log_line(req->id, "credential changed, running the request again");
		req->db->stale = false;
		db_end(req->db, false);
		reset_response(req);
		req->no_defer = true;
		run(req, rt);
	}
	return req->status;
}

/*
 * Returns 1 when a request that failed with 503 lost a connection that was
 * open before it began (a restarted or vanished server, a standby stopped):
 * nothing has been sent or committed, so it is run again once on a new
 * connection (libpq then picks the next host of a multi-host conninfo).
 */
static int
retry_lost(struct req *req, bool had_conn)
{
	int i;

	if (req->status != 503 || !had_conn ||
	    (req->db->conn != NULL && PQstatus(req->db->conn) == CONNECTION_OK))
		return 0;
	log_line(req->id, "database connection lost, running the request again");
	db_close(req->db);
	/* A server on its way down may still fail a connection: try a few times. */
	for (i = 0; i < 3 && db_connect(req->db) != DB_OK; i++)
		usleep(100 * 1000);
	reset_response(req);
	return 1;
}

/* Serves one request: parse, route, authenticate, run, send. */
void
app_serve(struct req *req)
{
	const char *uri = req_env(req, "REQUEST_URI"), *q, *err = NULL;
	const char *base = req->cfg->base_path;
	const struct route *rt = NULL;
	bool path_known = false;
	char allow[32] = "";
	char *path;
	size_t blen = strlen(base);
	bool had_conn;

	req->method = req_env(req, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "GET";
	req->https = (q = req_env(req, "HTTPS")) != NULL && strcasecmp(q, "on") == 0;
	req->params = val_new(req->a, V_OBJ);
	if (check_headers(req))
		goto send;
	if (uri == NULL)
		uri = "/";
	q = strchr(uri, '?');
	path = arena_strndup(req->a, uri, q ? (size_t)(q - uri) : strlen(uri));
	req->query = q ? q + 1 : "";
	if (strlen(path) > MAX_PATH || strlen(req->query) > MAX_QUERY) {
		req_error(req, 414, "request URI is too long");
		goto send;
	}
	if (url_decode(path)) {
		req_error(req, 400, "path has a malformed %-escape");
		goto send;
	}
	if (blen && strncmp(path, base, blen) == 0 &&
	    (path[blen] == '/' || path[blen] == '\0'))
		path += blen;
	req->path = *path ? path : "/";
	if (val_parse_form(req->a, req->params, req->query, strlen(req->query), &err)) {
		req_error(req, 400, err);
		goto send;
	}
	rt = route_find(req, routes, NROUTES, allow, sizeof(allow));
	path_known = *allow != '\0';
	if (choose_format(req, rt))
		goto send;
	if (rt == NULL) {
		if (path_known) {
			req_header(req, "Allow", allow);
			req_error(req, 405, "method not allowed");
		} else
			req_error(req, 404, "not found");
		goto send;
	}
	req->head_only = strcmp(req->method, "HEAD") == 0;
	if ((rt->flags & R_WRITE) && cross_site(req)) {
		log_line(req->id, "cross-site %s %s refused", req->method, req->path);
		req_error(req, 403, "cross-site request refused");
		goto send;
	}
	if (strcmp(req->method, "POST") == 0 && read_body(req, rt->flags & R_WRITE))
		goto send;
	if ((err = utf8_param(req->params, NULL)) != NULL) {
		req_error(req, 400, arena_printf(req->a, "%s must be UTF-8 text", err));
		goto send;
	}
	if (rt->fn == h_healthz) {
		req->status = rt->fn(req);
		goto send;
	}
	had_conn = (rt->flags & R_WRITE ? primary : req->db)->conn != NULL;
	if (run_checked(req, rt) == 503 && retry_lost(req, had_conn))
		run_checked(req, rt);
send:
	/* An error's body, in the request's format (before the state it shows ends). */
	render_error(req);
	/*
	 * A write route's 4xx commits too: a failed sign-in must stay counted
	 * (the rate limit), though the answer is 401.
	 */
	if (req->db->in_tx) {
		if (rt != NULL && (rt->flags & R_WRITE))
			db_end(req->db, req->status < 500);
		else
			db_end_nowait(req->db);		/* a report wrote nothing */
	}
	if (req->capture)
		return;		/* the static export keeps the response */
	/*
	 * A workbook made for this request goes, however the sending goes: its
	 * name is removed before the first byte is sent, and the open file with
	 * the worker, even one killed halfway (the file's name carries the
	 * worker's pid for a kill while it is built: file_clean).
	 */
	if (req->file != NULL && req->file_tmp) {
		req->file_fd = open(req->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		unlink(req->file);
		if (req->file_fd <= 0)
			req->file_fd = 0;	/* http_send tries the path: a 500 */
	}
	http_send(req);
	log_line(req->id, "%s %s %d", req->method, req->path ? req->path : "-",
	    req->status);
}

/* Resets the per-request state between requests of one worker. */
void
app_req_init(struct req *req, struct arena *a, const struct config *cfg,
    struct db *db)
{
	static unsigned long seq;

	buf_free(&req->head);
	buf_free(&req->body_out);
	memset(req, 0, sizeof(*req));
	req->a = a;
	req->cfg = cfg;
	req->db = db;
	req->conn_fd = -1;
	if (primary == NULL)
		primary = db;	/* the static export: one connection */
	req->wdb = primary;
	/* pid-sequence, in hex with a dash: never a run of digits like a phone number's */
	snprintf(req->id, sizeof(req->id), "%05x-%06lx", (unsigned)getpid() & 0xfffff,
	    ++seq & 0xffffff);
}

void
app_set_primary(struct db *db)
{
	primary = db;
}
