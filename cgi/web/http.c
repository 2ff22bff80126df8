/* http.c: the answer to the web server: status line, headers, body or file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "input/req.h"
#include "render/render.h"
#include "web/http.h"

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 206: return "Partial Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default: return status < 500 ? "Error" : "Internal Server Error";
	}
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
http_send(struct req *req)
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
		if ((fd = req->file_fd > 0 ? req->file_fd :
		    open(req->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
		    (req->file_len == 0 && (req->file_len = lseek(fd, 0, SEEK_END)) < 0) ||
		    lseek(fd, req->file_off, SEEK_SET) < 0) {
			log_line(req->id, "send %s: %s", req->file, strerror(errno));
			if (fd >= 0)
				close(fd);
			fd = -1;
			req_error(req, 500, "internal error");
			render_error(req);
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
	/* One URL answers JSON or HTML by its Accept header. */
	buf_puts(&h, "Vary: Accept\r\n");
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

