/* req.c: one request: its CGI environment, cookies, answer headers and errors. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/peer.h"
#include "input/req.h"
#include "store/db.h"

extern char **environ;

const char *
req_env(const struct req *req, const char *name)
{
	if (req->envp == NULL)
		return getenv(name);
	return FCGX_GetParam(name, req->envp);
}

const char *
req_cookie(struct req *req, const char *name)
{
	const char *c = req_env(req, "HTTP_COOKIE"), *p, *e;
	size_t n = strlen(name);

	if (c == NULL)
		return NULL;
	for (p = c; *p; p = e + (*e != '\0')) {
		while (*p == ' ' || *p == ';')
			p++;
		e = strchr(p, ';');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return arena_strndup(req->a, p + n + 1, (size_t)(e - p - n - 1));
	}
	return NULL;
}

void
req_header(struct req *req, const char *name, const char *value)
{
	const char *p;

	buf_puts(&req->head, name);
	buf_put(&req->head, ": ", 2);
	for (p = value; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_putc(&req->head, *p);
	buf_put(&req->head, "\r\n", 2);
}

void
req_error(struct req *req, int status, const char *message)
{
	req->status = status;
	req->err_msg = arena_strdup(req->a, message);
	buf_reset(&req->body_out);
	req->file = NULL;
	req->ctype = NULL;
}

const char *
req_user(const struct req *req)
{
	return req->tenant[0] != '\0' && !req->db->pending ?
	    req->db->tenant_name : NULL;
}

int
req_one_row(struct req *req, const char *sql, int n, const char *const *params,
    bool end, PGresult **res)
{
	struct db_q q = { sql, n, params, NULL };
	enum db_err e;

	*res = NULL;
	if ((e = db_batch(req->db, &q, 1, end)) != DB_OK)
		return req_db_fail(req, e);
	*res = q.res;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		req_error(req, 404, "not found");
		return 404;
	}
	return 0;
}

int
req_db_fail(struct req *req, int dberr)
{
	enum db_err e = (enum db_err)dberr;

	if (e == DB_ERROR) {
		log_line(req->id, "database error %s: %s", req->db->sqlstate,
		    req->db->errmsg);
		req_error(req, 500, "internal error");
		return 500;
	}
	if (e == DB_BUSY) {
		log_line(req->id, "tenant busy: %s", req->db->errmsg);
		req_header(req, "Retry-After", "1");
		req_error(req, 429, "too many requests of this tenant at once, try again");
		return 429;
	}
	if (e != DB_STALE)	/* (run again: app.c logs that) */
		log_line(req->id, "%s: %s", db_strerror(e), req->db->errmsg);
	req_header(req, "Retry-After", "5");
	req_error(req, 503, e == DB_TIMEOUT ? "database timeout, try again" :
	    e == DB_FULL ? "every export slot is taken, try again" :
	    "database unavailable, try again");
	return 503;
}

int
req_redirect(struct req *req, const char *to)
{
	req_header(req, "Location", arena_printf(req->a, "%s%s",
	    req->cfg->base_path, to));
	req->status = 303;
	req->ctype = "text/plain; charset=utf-8";
	buf_puts(&req->body_out, "see other\n");
	return 303;
}

bool
req_gone(const struct req *req)
{
	struct pollfd p = { .fd = req->conn_fd, .events = POLLRDHUP };

	if (req->conn_fd >= 0 && poll(&p, 1, 0) > 0 &&
	    (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0)
		return true;
	return peer_closed(req_env(req, "SERVER_ADDR"), req_env(req, "SERVER_PORT"),
	    req_env(req, "REMOTE_ADDR"), req_env(req, "REMOTE_PORT"));
}
