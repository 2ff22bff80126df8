/*
 * req.h: one request, as decoded from the web server, and the answer being
 * built for it, for FastCGI and plain CGI alike. An error is recorded here
 * (status and message); its body is made when the answer is sent, by the
 * renderer of the request's format (render/render.h).
 */
#ifndef CR_REQ_H
#define CR_REQ_H

#include <stdbool.h>
#include <stdio.h>

#include <fcgiapp.h>

#include "base/config.h"
#include "base/arena.h"
#include "base/buf.h"
#include "input/val.h"

struct db;

enum fmt { FMT_JSON, FMT_HTML, FMT_XLSX, FMT_CSV, FMT__MAX };

/*
 * A call's place in the list its page was opened from (web/record.c), for
 * that page: the calls before and after it (NULL: none), the list's query
 * without its page (to carry along), and the list's page the call is on.
 */
struct listnav {
	const char	*prev, *next;
	const char	*from;
	const char	*back;		/* the list's address, its page included */
	long		 pos;		/* the call's place in the list from 1; 0: not in it */
};

/* Who is asking: nobody yet, an API token, a browser session, or REMOTE_USER. */
enum authby { AUTH_NONE, AUTH_TOKEN, AUTH_SESSION, AUTH_REMOTE_USER };

struct req {
	struct arena		*a;
	const struct config	*cfg;
	struct db		*db;
	char			 id[17];	/* request id for logs */

	/* The CGI environment (FCGX params, or environ for plain CGI). */
	FCGX_ParamArray		 envp;
	FCGX_Stream		*in, *out;	/* NULL for plain CGI: stdin/stdout */
	int			 conn_fd;	/* the web server's connection, or -1 */

	const char		*method;
	const char		*path;		/* below base_path, decoded, starts with / */
	const char		*query;
	long			 content_length;
	const char		*body;
	size_t			 body_len;
	struct val		*params;	/* query string and body, merged */
	const char		*args[4];	/* :segments of the route */
	size_t			 nargs;
	enum fmt		 fmt;
	bool			 page_route;	/* a route of pages: a file's error is a page too */
	bool			 https;

	enum authby		 authby;
	char			 tenant[37];
	bool			 no_defer;	/* run again: the begin is not deferred */

	/* The response. */
	int			 status;
	struct buf		 head;		/* extra header lines, CRLF-terminated */
	struct buf		 body_out;
	const char		*ctype;
	const char		*err_msg;	/* an error's message: its body is made at send time */
	/*
	 * The parameter a 400 names and its Chinese label (struct field's), or
	 * NULL: a page says the message in Chinese with the label
	 * (render/message.c), the JSON envelope keeps the contract's English.
	 */
	const char		*err_field, *err_label;
	const char		*file;		/* when set: send this file as the body */
	bool			 file_tmp;	/* file is a temporary: removed once sent */
	int			 file_fd;	/* > 0: file, open (a temporary, unlinked already) */
	off_t			 file_off, file_len;
	bool			 head_only;
	bool			 capture;	/* keep the response (static export) */
	bool			 mask;		/* mask phone numbers (static export) */
	bool			 exporting;	/* a page of the static export: no forms */
	const struct listnav	*nav;		/* a call's page opened from a list, or NULL */
	/* The primary (db): a read route's export job is recorded there. */
	struct db		*wdb;
	/*
	 * A request replayed by the export job runner (cli/jobs.c): its file
	 * is written in file_dir (the tenant's directory of jobs_dir) rather
	 * than tmp_dir, its period resolves at now (the clock of the request
	 * that asked for it, not the runner's), and progress is told the rows
	 * handed to the renderer after every batch; it returns nonzero to stop
	 * them (the job was cancelled). progress NULL: a web request.
	 */
	const char		*file_dir;
	long long		 now;
	int			(*progress)(struct req *, long rows);
	/* Called every few hundred rows of a job: it may wait there (give_way). */
	void			(*pause)(struct req *);
	void			*job;
	bool			 job_cancelled;	/* progress stopped the rows */
};

const char	*req_env(const struct req *, const char *);
/* Returns the value of a cookie of the request (in the arena), or NULL. */
const char	*req_cookie(struct req *, const char *name);
/*
 * Returns the signed-in tenant's name for a page's header, or NULL: the name
 * came with the request's begin, which a deferred begin has yet to answer.
 */
const char	*req_user(const struct req *);
/* Adds "Name: value\r\n" to the response headers (value has CR/LF stripped). */
void		 req_header(struct req *, const char *name, const char *value);

/*
 * Records an error answer: status and message (copied into the arena), no
 * body, no file. The body (the platform's JSON envelope, an HTML page) is
 * made when the answer is sent: render_error.
 */
void		 req_error(struct req *, int status, const char *message);
/*
 * Returns true when the request's client went away: the web server has
 * closed or half-closed the request's connection (nginx closes it then,
 * lighttpd with "tcp-fin-propagate" half-closes it), or the client's TCP
 * connection to the web server on this machine is closed on its side
 * (base/peer.h: Apache tells the program nothing). Never blocks.
 */
bool		 req_gone(const struct req *);
/* Answers 303 to a path below the base path; returns 303. */
int		 req_redirect(struct req *, const char *to);
/* Fails the request for a database error (enum db_err): 503 with Retry-After, or 500. */
int		 req_db_fail(struct req *, int dberr);
/*
 * Runs sql, which finds one row of the caller's, into *res (a PGresult);
 * with end, the transaction ends in the same round trip (a deferred begin
 * goes with it: the request's one round trip to the database).
 * Returns 0; 404 when there is no row (*res cleared, the error set: a row of
 * another tenant answers as a missing one); or a database failure's status.
 */
struct pg_result;
int		 req_one_row(struct req *, const char *sql, int n,
		    const char *const *params, bool end, struct pg_result **res);

#endif
