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

#include "web/app.h"
#include "base/auth.h"
#include "base/version.h"
#include "store/db.h"
#include "report/report.h"
#include "render/tpl.h"

#define MAX_QUERY	8192
#define MAX_PATH	2048

enum rflag {
	R_PUBLIC = 0x01,	/* no credentials needed */
	R_HTML = 0x02,		/* a browser page: HTML unless asked otherwise */
	R_WRITE = 0x04,		/* writes: runs on db (the primary), never read_db */
	R_FORM = 0x08,		/* a page's GET form: page_form() cleans its fields */
};

/* A route: method and path pattern (":name" segments become parameters). */
struct route {
	const char	*method;
	const char	*pattern;
	int		 report;	/* enum report_id, or -1 for handler */
	handler_fn	 fn;
	unsigned	 flags;
};

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
	{ "GET", "/", -1, page_index, R_HTML },
	{ "GET", "/login", -1, page_login, R_HTML | R_PUBLIC },
	{ "POST", "/login", -1, page_login, R_HTML | R_PUBLIC | R_WRITE },
	{ "POST", "/logout", -1, page_logout, R_HTML | R_PUBLIC | R_WRITE },
	{ "GET", "/tasks", REPORT_TASKS, NULL, R_HTML },
	{ "GET", "/tasks/:task_id", -1, page_overview, R_HTML },
	{ "GET", "/tasks/:task_id/numbers", REPORT_TASK_NUMBER, NULL, R_HTML | R_FORM },
	{ "GET", "/tasks/:task_id/records", REPORT_DONE_PHONES, NULL, R_HTML | R_FORM },
	{ "GET", "/records/:record_id", -1, page_record, R_HTML },
	{ "GET", "/records/:record_id/recording", -1, page_recording, 0 },
	{ "GET", "/numbers/:number_id/history", REPORT_NUMBER_HISTORY, NULL, R_HTML },
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
 * Matches path against pattern, filling req->args and the parameters of
 * ":name" segments. Returns 1 on a match, else 0.
 */
static int
match(struct req *req, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path, *e;
	size_t n = 0;
	struct val *v;

	while (*p && *s) {
		if (*p == ':') {
			const char *pe = strchr(p, '/');
			size_t plen = pe ? (size_t)(pe - p) : strlen(p);

			e = strchr(s, '/');
			if (e == NULL)
				e = s + strlen(s);
			if (e == s || n == 4)
				return 0;
			req->args[n++] = arena_strndup(req->a, s, (size_t)(e - s));
			v = val_new(req->a, V_STR);
			v->s = req->args[n - 1];
			val_set(req->a, req->params, arena_strndup(req->a, p + 1,
			    plen - 1), v);
			p += plen;
			s = e;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p != '\0' || *s != '\0')
		return 0;
	req->nargs = n;
	return 1;
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
		cred = sha256_hex(auth, strlen(auth), hx);
		req->authby = AUTH_TOKEN;
	} else if ((cred = req_cookie(req, "crsid")) != NULL) {
		kind = DB_CRED_SESSION;
		cred = sha256_hex(cred, strlen(cred), hx);
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
	 * instead of two): not for a conditional request, whose data version
	 * decides whether the report runs at all.
	 */
	defer = rt->report >= 0 && !(rt->flags & R_WRITE) && !req->no_defer &&
	    req_env(req, "HTTP_IF_NONE_MATCH") == NULL;
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

	req->fmt = (rt && (rt->flags & R_HTML)) ? FMT_HTML : FMT_JSON;
	if (f != NULL) {
		if (f->type == V_STR && strcmp(f->s, "json") == 0)
			req->fmt = FMT_JSON;
		else if (f->type == V_STR && strcmp(f->s, "html") == 0)
			req->fmt = FMT_HTML;
		else if (f->type == V_STR && strcmp(f->s, "xlsx") == 0)
			req->fmt = FMT_XLSX;
		else {
			req->fmt = FMT_JSON;
			req_error(req, 400, "format must be one of json, html, xlsx");
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

/* Returns 1 when s is well-formed UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static int
utf8_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n, i;
	unsigned long c;

	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			n = 1, c = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			n = 2, c = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			n = 3, c = *s & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		s += n + 1;
	}
	return 1;
}

/*
 * Returns the name of the first parameter whose name or value is not UTF-8
 * text (PostgreSQL would refuse it with an error), or NULL when all are.
 */
static const char *
not_utf8(const struct val *v, const char *name)
{
	const char *bad;
	size_t i;

	if ((v->type == V_STR || v->type == V_NUM) && !utf8_ok(v->s))
		return name;
	if (v->type != V_OBJ && v->type != V_ARR)
		return NULL;
	for (i = 0; i < v->n; i++) {
		if (v->type == V_OBJ && !utf8_ok(v->keys[i]))
			return "a parameter name";
		if ((bad = not_utf8(v->items[i], name ? name :
		    v->type == V_OBJ ? v->keys[i] : "a parameter")) != NULL)
			return bad;
	}
	return NULL;
}

/* Reads and parses the body into req->params; returns 0 or the HTTP status set. */
static int
read_body(struct req *req)
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
	if (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0) {
		req_error(req, 400, "body must be JSON or form-encoded");
		return 400;
	}
	if ((ct != NULL && strstr(ct, "json") != NULL) ||
	    ((ct == NULL || strstr(ct, "x-www-form-urlencoded") == NULL) &&
	    body[0] == '{')) {
		if (input_json(req->a, req->params, body, (size_t)len, &err)) {
			req_error(req, 400, err);
			return 400;
		}
	} else if (input_form(req->a, req->params, body, (size_t)len, &err)) {
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
		page_form(req, &reports[rt->report]);
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
	/* Only a report defers its begin, and a report writes nothing: end too. */
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
	const char *base = req->cfg->base_path, *tmp;
	const struct route *rt = NULL;
	bool path_known = false;
	char allow[32] = "";
	char *path;
	size_t i, blen = strlen(base);
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
	if (input_form(req->a, req->params, req->query, strlen(req->query), &err)) {
		req_error(req, 400, err);
		goto send;
	}
	for (i = 0; i < NROUTES; i++) {
		struct val *saved = req->params;

		if (!match(req, routes[i].pattern, req->path))
			continue;
		path_known = true;
		if (strstr(allow, routes[i].method) == NULL)
			snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow),
			    "%s%s", *allow ? ", " : "", routes[i].method);
		if (strcmp(routes[i].method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 &&
		    strcmp(routes[i].method, "GET") == 0)) {
			rt = &routes[i];
			break;
		}
		req->params = saved;
	}
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
	if (strcmp(req->method, "POST") == 0 && read_body(req))
		goto send;
	if ((err = not_utf8(req->params, NULL)) != NULL) {
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
	/* A workbook made for this request goes, however the sending went. */
	tmp = req->file_tmp ? req->file : NULL;
	req_send(req);
	if (tmp != NULL)
		unlink(tmp);
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
	if (primary == NULL)
		primary = db;	/* the static export: one connection */
	/* pid-sequence, in hex with a dash: never a run of digits like a phone number's */
	snprintf(req->id, sizeof(req->id), "%05x-%06lx", (unsigned)getpid() & 0xfffff,
	    ++seq & 0xffffff);
}

void
app_set_primary(struct db *db)
{
	primary = db;
}
