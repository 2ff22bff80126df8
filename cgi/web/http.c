/* http.c: the CGI environment, response headers, error envelopes, sending. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "render/html.h"
#include "web/http.h"
#include "base/json.h"

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

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return status < 500 ? "Error" : "Internal Server Error";
	}
}

void
req_error(struct req *req, int status, const char *message)
{
	struct json j;
	struct tpl_dict *d;

	req->status = status;
	buf_reset(&req->body_out);
	req->file = NULL;
	if (req->fmt == FMT_HTML) {
		d = html_page(req, status == 401 ? "登录" : "出错了");
		tpl_set_int(d, "CODE", status);
		tpl_set(d, "MESSAGE", message);
		tpl_show(d, "MSG");
		tpl_set(d, "NEXT", req_env(req, "REQUEST_URI") ?
		    req_env(req, "REQUEST_URI") : "");
		if (tpl_render(status == 401 ? "login.tpl" : "error.tpl", d,
		    &req->body_out) == 0) {
			tpl_dict_free(d);
			req->ctype = "text/html; charset=utf-8";
			return;
		}
		tpl_dict_free(d);
		buf_reset(&req->body_out);
	}
	req->ctype = "application/json; charset=utf-8";
	json_init(&j, &req->body_out);
	json_obj_open(&j);
	json_key(&j, "code");
	json_int(&j, status);
	json_key(&j, "status");
	json_str(&j, "error");
	json_key(&j, "message");
	json_str(&j, message);
	json_obj_close(&j);
}

/* Writes n bytes to the client; returns 0 or -1 when the client is gone. */
static int
out(struct req *req, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (req->out != NULL)
		return FCGX_PutStr(p, (int)n, req->out) == (int)n ? 0 : -1;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

void
req_send(struct req *req)
{
	struct buf h = {0};
	char chunk[65536];
	off_t left = 0;
	ssize_t n;
	int fd = -1;

	if (req->status == 0)
		req->status = 200;
	if (req->file != NULL) {
		/* The path is resolved already: a symlink here now is a swap. */
		if ((fd = open(req->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
		    (req->file_len == 0 && (req->file_len = lseek(fd, 0, SEEK_END)) < 0) ||
		    lseek(fd, req->file_off, SEEK_SET) < 0) {
			log_line(req->id, "send %s: %s", req->file, strerror(errno));
			if (fd >= 0)
				close(fd);
			fd = -1;
			req_error(req, 500, "internal error");
		} else
			left = req->file_len;
	}
	buf_printf(&h, "Status: %d %s\r\n", req->status, http_reason(req->status));
	if (req->status == 304) {
		buf_reset(&req->body_out);
		req->ctype = NULL;
	}
	if (req->ctype)
		buf_printf(&h, "Content-Type: %s\r\n", req->ctype);
	buf_printf(&h, "Content-Length: %lld\r\n", fd >= 0 ? (long long)left :
	    (long long)req->body_out.len);
	buf_printf(&h, "X-Request-Id: %s\r\n", req->id);
	buf_puts(&h, "X-Content-Type-Options: nosniff\r\n");
	if (req->ctype && strncmp(req->ctype, "text/html", 9) == 0)
		buf_puts(&h, "Content-Security-Policy: default-src 'self'; "
		    "img-src 'self' data:; media-src 'self'; object-src 'none'; "
		    "frame-ancestors 'none'; base-uri 'none'\r\n"
		    "X-Frame-Options: DENY\r\n");
	if (req->head.len)
		buf_put(&h, req->head.p, req->head.len);
	buf_put(&h, "\r\n", 2);
	if (out(req, h.p, h.len) == 0 && !req->head_only) {
		if (fd >= 0) {
			while (left > 0 && (n = read(fd, chunk, left <
			    (off_t)sizeof(chunk) ? (size_t)left : sizeof(chunk))) > 0) {
				if (out(req, chunk, (size_t)n))
					break;
				left -= n;
			}
		} else
			out(req, req->body_out.p, req->body_out.len);
	}
	if (fd >= 0)
		close(fd);
	if (req->out == NULL)
		fflush(stdout);
	buf_free(&h);
}

const char *
req_user(const struct req *req)
{
	return req->tenant[0] != '\0' && !req->db->pending ?
	    req->db->tenant_name : NULL;
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
	if (e != DB_STALE)	/* (run again: app.c logs that) */
		log_line(req->id, "%s: %s", db_strerror(e), req->db->errmsg);
	req_header(req, "Retry-After", "5");
	req_error(req, 503, e == DB_TIMEOUT ? "database timeout, try again" :
	    "database unavailable, try again");
	return 503;
}
