/* export.c: bin/callreport export: a task's reports as a static site (HTML + XLSX + JSON). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "web/app.h"
#include "store/db.h"
#include "cli/export.h"
#include "cli/zip.h"
#include "base/json.h"
#include "render/file.h"
#include "render/xlsx.h"
#include "report/reports.h"
#include "render/tpl.h"
#include "base/url.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/mask.h"
#include "input/period.h"

/*
 * The site is made by the live program itself: every page is an in-process
 * request (same routes, templates and renderers) whose body is kept, its
 * links rewritten to the files of the site, and written under a temporary
 * directory that replaces the target only when complete.
 */

struct export {
	const struct config	*cfg;
	struct config		 ecfg;		/* cfg, trusting REMOTE_USER */
	struct db		 db;
	struct arena		*a;
	const char		*user, *task, *out;
	char			*tmp;		/* the site being written */
	char			**filters;	/* "key=value" query pairs */
	int			 nfilters;
	bool			 zip, mask, quiet, history, tty;
	char			 query[4096];	/* the filters as a query string */
	char			 body[4096];	/* the filters as a JSON object body (records) */
	char			 pquery[256];	/* the period for the overview: "?start_at=...", or "" */
	long			 done, total;
	time_t			 started;
	char			 err[512];
};

static volatile sig_atomic_t interrupted;
static char *cleanup_dir;
static char *cleanup_zip;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Removes a directory tree; returns 0 or -1. */
static int
rmtree(const char *path)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	char sub[4096];
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (rmtree(sub))
			rc = -1;
	}
	closedir(d);
	return rmdir(path) || rc ? -1 : 0;
}

/*
 * Removes what exports to out killed before they finished left beside it:
 * OUT.tmp-PID (the site being written), OUT.tmp-PID.zip, OUT.old-PID (the
 * export being replaced), of processes that no longer exist. A kill -9
 * cannot be caught; the next export to the same place clears up after it.
 */
static void
stale_temporaries(const char *out)
{
	const char *slash = strrchr(out, '/'), *base = slash ? slash + 1 : out;
	size_t blen = strlen(base);
	char *dir = xstrdup(slash ? out : ".");
	char *end, path[4096];
	struct dirent *e;
	DIR *d;
	long pid;
	struct stat st;

	if (slash)
		dir[slash == out ? 1 : slash - out] = '\0';
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name;

		if (blen == 0 || strncmp(p, base, blen) != 0 ||
		    (strncmp(p + blen, ".tmp-", 5) != 0 && strncmp(p + blen, ".old-", 5) != 0))
			continue;
		errno = 0;
		pid = strtol(p + blen + 5, &end, 10);
		if (errno || end == p + blen + 5 || pid <= 0 ||
		    (*end != '\0' && strcmp(end, ".zip") != 0) || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, p);
		/* Killed between its two renames: the export it was replacing goes back. */
		if (p[blen + 1] == 'o' && lstat(out, &st) != 0 && errno == ENOENT &&
		    rename(path, out) == 0) {
			fprintf(stderr, "callreport: export: %s put back from %s, left by "
			    "process %ld\n", out, path, pid);
			continue;
		}
		if (rmtree(path) == 0)
			fprintf(stderr, "callreport: export: removed %s, left by process %ld\n",
			    path, pid);
	}
	closedir(d);
	free(dir);
}

static void
progress(struct export *x, const char *what)
{
	long el = (long)(time(NULL) - x->started), eta;
	int i, w = 30, fill;

	if (x->quiet)
		return;
	if (!x->tty) {
		/* Plain lines: at most one per 5% of the work. */
		long step = x->total / 20 > 0 ? x->total / 20 : 1;

		if (x->done % step == 0 || x->done == x->total)
			fprintf(stderr, "export: %ld/%ld %s\n", x->done, x->total, what);
		return;
	}
	fill = x->total ? (int)(w * x->done / x->total) : w;
	eta = x->done ? el * (x->total - x->done) / x->done : 0;
	fputs("\r[", stderr);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %ld/%ld pages  %ld:%02ld left  ", x->done, x->total,
	    eta / 60, eta % 60);
	if (x->done == x->total)
		fputc('\n', stderr);
}

/* Returns true when s is a safe file name part: letters, digits, '-'. */
static bool
safe_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* Returns the value of param name in a query string (arena), or NULL. */
static const char *
qparam(struct arena *a, const char *q, const char *name)
{
	size_t n = strlen(name);
	const char *p = q, *e;

	while (p && *p) {
		e = strchr(p, '&');
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return arena_strndup(a, p + n + 1,
			    e ? (size_t)(e - p - n - 1) : strlen(p + n + 1));
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/*
 * Maps a link of a page to the site's file for it (relative to the site's
 * root), or NULL when the site has no such file.
 */
static const char *
map_url(struct export *x, const char *url)
{
	const char *base = x->cfg->base_path, *q, *page, *fmt, *p;
	struct arena *a = x->a;
	char *path;
	size_t blen = strlen(base), tl = strlen(x->task);

	if (strncmp(url, base, blen) != 0 || url[blen] != '/')
		return NULL;
	url += blen;
	q = strchr(url, '?');
	path = arena_strndup(a, url, q ? (size_t)(q - url) : strlen(url));
	q = q ? q + 1 : "";
	page = qparam(a, q, "page");
	fmt = qparam(a, q, "format");
	if (page == NULL || !safe_id(page, strlen(page)))
		page = "1";
	if (strncmp(path, "/static/", 8) == 0) {
		for (p = path + 8; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
				return NULL;
		if (strstr(path, ".."))
			return NULL;
		return arena_printf(a, "static/%s", path + 8);
	}
	if (strncmp(path, "/tasks/", 7) == 0 && strncmp(path + 7, x->task, tl) == 0) {
		p = path + 7 + tl;
		if (*p == '\0')
			return "index.html";
		if (strcmp(p, "/numbers") == 0)
			return fmt && strcmp(fmt, "xlsx") == 0 ? "numbers.xlsx" :
			    arena_printf(a, "numbers-%s.html", page);
		if (strcmp(p, "/records") == 0)
			return fmt && strcmp(fmt, "xlsx") == 0 ? "records.xlsx" :
			    arena_printf(a, "records-%s.html", page);
		return NULL;
	}
	if (strcmp(path, "/v1/task/number") == 0)
		return fmt && strcmp(fmt, "xlsx") == 0 ? "numbers.xlsx" :
		    arena_printf(a, "numbers-%s.html", page);
	if (strncmp(path, "/records/", 9) == 0 && strchr(path + 9, '/') == NULL &&
	    safe_id(path + 9, strlen(path + 9)))
		return arena_printf(a, "calls/%s.html", path + 9);
	if (strncmp(path, "/numbers/", 9) == 0 && x->history) {
		p = strchr(path + 9, '/');
		if (p && strcmp(p, "/history") == 0 && safe_id(path + 9, (size_t)(p - path - 9)))
			return arena_printf(a, "history/%.*s.html", (int)(p - path - 9), path + 9);
	}
	return NULL;
}

/*
 * Copies an HTML page with every href/src/action rewritten to the site's
 * relative file, or removed when the site has no such file.
 */
static void
rewrite(struct export *x, const char *in, size_t n, int depth, struct buf *out)
{
	static const char *const attrs[] = { " href=\"", " src=\"", " action=\"" };
	const char *p = in, *end = in + n, *best, *close;
	size_t k, bk = 0;
	struct buf url = {0};
	const char *to;
	int d;

	for (;;) {
		best = NULL;
		for (k = 0; k < 3; k++) {
			const char *f = memmem(p, (size_t)(end - p), attrs[k], strlen(attrs[k]));

			if (f && (best == NULL || f < best)) {
				best = f;
				bk = k;
			}
		}
		if (best == NULL || (close = memchr(best + strlen(attrs[bk]), '"',
		    (size_t)(end - best - strlen(attrs[bk])))) == NULL)
			break;
		buf_put(out, p, (size_t)(best - p));
		/* The attribute value, with the template's HTML escaping undone. */
		buf_reset(&url);
		for (const char *u = best + strlen(attrs[bk]); u < close; u++) {
			if (strncmp(u, "&amp;", 5) == 0) {
				buf_putc(&url, '&');
				u += 4;
			} else if (strncmp(u, "&#61;", 5) == 0) {
				buf_putc(&url, '=');
				u += 4;
			} else
				buf_putc(&url, *u);
		}
		to = url.p && url.p[0] == '#' ? url.p : map_url(x, url.p ? url.p : "");
		if (to != NULL) {
			buf_puts(out, attrs[bk]);
			if (to[0] != '#')
				for (d = 0; d < depth; d++)
					buf_puts(out, "../");
			buf_puts(out, to);
			buf_putc(out, '"');
		}
		p = close + 1;
	}
	buf_put(out, p, (size_t)(end - p));
	buf_free(&url);
}

/* Writes n bytes to tmp/rel (masking phone numbers when asked); returns 0 or -1. */
static int
write_file(struct export *x, const char *rel, const char *p, size_t n)
{
	char path[4096];
	struct buf m = {0};
	FILE *fp;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", x->tmp, rel);
	if (x->mask) {
		mask_phones(&m, p, n);
		p = m.p ? m.p : "";
		n = m.len;
	}
	if ((fp = fopen(path, "w")) == NULL || fwrite(p, 1, n, fp) != n)
		rc = -1;
	if (fp && fclose(fp))
		rc = -1;
	if (rc)
		snprintf(x->err, sizeof(x->err), "%s: %s", path, strerror(errno));
	buf_free(&m);
	return rc;
}

int
export_copy_fd(int in, const char *path)
{
	char chunk[65536];
	ssize_t n;
	int out, rc = 0;

	if ((out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		if (write(out, chunk, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	if (close(out))
		rc = -1;
	return rc;
}

/* Moves a finished temporary file to tmp/rel; returns 0 or -1. */
static int
move_file(struct export *x, const char *from, const char *rel)
{
	char path[4096];
	int in, rc, e;

	snprintf(path, sizeof(path), "%s/%s", x->tmp, rel);
	if (rename(from, path) == 0)
		return 0;
	/* Another file system: copy. */
	if ((in = open(from, O_RDONLY)) < 0)
		return -1;
	rc = export_copy_fd(in, path);
	e = errno;	/* the caller's message is the copy's */
	close(in);
	unlink(from);
	errno = e;
	return rc;
}

/*
 * Makes one in-process request as the export's user and keeps its response.
 * Returns the HTTP status; the caller ends req with fetch_done.
 */
static int
fetch(struct export *x, struct req *req, const char *method, const char *uri,
    const char *body, const char *accept)
{
	char *env[8];
	int n = 0;

	app_req_init(req, x->a, &x->ecfg, &x->db);
	env[n++] = arena_printf(x->a, "REQUEST_METHOD=%s", method);
	env[n++] = arena_printf(x->a, "REQUEST_URI=%s%s", x->cfg->base_path, uri);
	env[n++] = arena_printf(x->a, "REMOTE_USER=%s", x->user);
	env[n++] = arena_printf(x->a, "HTTP_ACCEPT=%s", accept);
	if (body) {
		env[n++] = arena_printf(x->a, "CONTENT_LENGTH=%zu", strlen(body));
		env[n++] = "CONTENT_TYPE=application/json";
	}
	env[n] = NULL;
	req->envp = env;
	req->capture = true;
	req->exporting = true;
	req->mask = x->mask;
	req->body = body;
	if (body)
		req->body_len = strlen(body);
	app_serve(req);
	if (req->status != 200) {
		snprintf(x->err, sizeof(x->err), "%s %s: HTTP %d %.*s", method, uri,
		    req->status, (int)(req->body_out.len > 200 ? 200 : req->body_out.len),
		    req->body_out.p ? req->body_out.p : "");
		if (req->file)
			unlink(req->file);
	}
	return req->status;
}

/*
 * Frees a response fetch kept, and with the arena's reset all the request
 * took from it (the caller's uri and rel too: call it last).
 */
static void
fetch_done(struct export *x, struct req *req)
{
	buf_free(&req->body_out);
	buf_free(&req->head);
	arena_reset(x->a);
}

/* Fetches uri as an HTML page at depth and writes it to rel; returns 0 or -1. */
static int
page(struct export *x, const char *uri, const char *rel, int depth)
{
	struct req req;
	struct buf out = {0};
	int rc = -1;

	memset(&req, 0, sizeof(req));
	if (fetch(x, &req, "GET", uri, NULL, "text/html") != 200)
		goto out;
	rewrite(x, req.body_out.p ? req.body_out.p : "", req.body_out.len, depth, &out);
	rc = write_file(x, rel, out.p ? out.p : "", out.len);
	x->done++;
	progress(x, rel);
out:
	buf_free(&out);
	fetch_done(x, &req);
	return rc;
}

/* Fetches uri as XLSX into rel; returns 0 or -1. */
static int
workbook(struct export *x, const char *uri, const char *rel)
{
	struct req req;
	int rc = -1;

	memset(&req, 0, sizeof(req));
	if (fetch(x, &req, "GET", uri, NULL, "*/*") == 200 && req.file != NULL) {
		if ((rc = move_file(x, req.file, rel)) != 0)
			snprintf(x->err, sizeof(x->err), "%s: %s", rel, strerror(errno));
	}
	fetch_done(x, &req);
	return rc;
}

/*
 * Fetches a v1 JSON response into rel; when doc is not NULL, returns it
 * parsed (json_object_put it). Returns 0 or -1.
 */
static int
json_doc(struct export *x, const char *method, const char *uri, const char *body,
    const char *rel, struct json_object **doc)
{
	struct req req;
	int rc = -1;

	memset(&req, 0, sizeof(req));
	if (fetch(x, &req, method, uri, body, "application/json") == 200) {
		rc = write_file(x, rel, req.body_out.p ? req.body_out.p : "", req.body_out.len);
		if (rc == 0 && doc != NULL && (*doc = json_tokener_parse(
		    req.body_out.p ? req.body_out.p : "")) == NULL) {
			snprintf(x->err, sizeof(x->err), "%s: not JSON", rel);
			rc = -1;
		}
	}
	fetch_done(x, &req);
	return rc;
}

/* Returns a member of a parsed JSON object by a path of keys, or NULL. */
static struct json_object *
jget(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, k1, &v))
		return NULL;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return NULL;
	return v;
}

/* Returns the id of row i of a list's rows when it can name a file, else NULL. */
static const char *
row_id(struct json_object *rows, long i)
{
	const char *id = json_object_get_string(jget(
	    json_object_array_get_idx(rows, (size_t)i), "id", NULL));

	return id != NULL && safe_id(id, strlen(id)) ? id : NULL;
}

/*
 * Copies the files of static/ (CSS and images) into the site: its folders
 * are the web server's (errors/: the JSON of its own error answers), not
 * the pages'.
 */
static int
copy_static(struct export *x)
{
	DIR *d;
	struct dirent *e;
	char from[4096], to[4096];
	struct stat st;
	int in, rc = 0;

	if ((d = opendir(x->cfg->static_dir)) == NULL) {
		snprintf(x->err, sizeof(x->err), "%s: %s", x->cfg->static_dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", x->cfg->static_dir, e->d_name);
		snprintf(to, sizeof(to), "%s/static/%s", x->tmp, e->d_name);
		if ((in = open(from, O_RDONLY)) < 0)
			continue;
		if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(in);
			continue;
		}
		rc = export_copy_fd(in, to);
		close(in);
	}
	closedir(d);
	return rc;
}

/* Builds the filter query string and JSON body from the --filter pairs. */
static int
filters(struct export *x)
{
	struct arena *a = x->a;
	struct val *o = val_new(a, V_OBJ);
	struct buf q = {0}, b = {0};
	struct json j;
	const char *err = NULL;
	int i, rc = 0;
	size_t k;

	for (i = 0; i < x->nfilters; i++) {
		const char *f = x->filters[i], *eq = strchr(f, '=');

		if (eq == NULL || eq == f) {
			snprintf(x->err, sizeof(x->err), "--filter %s: expected KEY=VALUE", f);
			return -1;
		}
		if (q.len)
			buf_putc(&q, '&');
		buf_put(&q, f, (size_t)(eq - f));
		buf_putc(&q, '=');
		url_encode(&q, eq + 1);
	}
	if (q.len && val_parse_form(a, o, q.p, q.len, &err)) {
		snprintf(x->err, sizeof(x->err), "--filter: %s", err);
		rc = -1;
		goto out;
	}
	/* The same values as a JSON object, for the POST endpoint. */
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "task_id");
	json_str(&j, x->task);
	for (k = 0; k < o->n; k++) {
		struct val *v = o->items[k];

		json_key(&j, o->keys[k]);
		if (v->type == V_ARR) {
			json_arr_open(&j);
			for (size_t m = 0; m < v->n; m++) {
				struct val *w = v->items[m];

				if (w->type == V_ARR) {
					json_arr_open(&j);
					for (size_t z = 0; z < w->n; z++)
						json_str(&j, w->items[z]->s);
					json_arr_close(&j);
				} else
					json_str(&j, w->s);
			}
			json_arr_close(&j);
		} else
			json_str(&j, v->s);
	}
	json_obj_close(&j);
	if (q.len >= sizeof(x->query) || b.len >= sizeof(x->body) - 64) {
		snprintf(x->err, sizeof(x->err), "--filter: too long");
		rc = -1;
		goto out;
	}
	snprintf(x->query, sizeof(x->query), "%s", q.p ? q.p : "");
	snprintf(x->body, sizeof(x->body), "%s", b.p);
out:
	buf_free(&q);
	buf_free(&b);
	arena_reset(a);
	return rc;
}

/*
 * The period of --period or --start-at and --end-at (input/period.c, in the
 * configured zone; resolved once, so that every file is of the same times):
 * the filters start_at and end_at (and period, the shortcut's name for the
 * titles), and x->pquery for the overview. Returns 0, or -1 with x->err.
 */
static int
period_filters(struct export *x, const char *per[3])
{
	char b[2][PERIOD_TEXT];
	struct period p;
	struct buf q = {0};
	const char *err = NULL;
	int rc;

	if (per[0] == NULL && per[1] == NULL && per[2] == NULL)
		return 0;
	rc = period_parse(per[0], per[1], per[2], period_now(x->cfg->timezone), &p, &err);
	if (rc != 0) {
		snprintf(x->err, sizeof(x->err), "--period: %s", rc == -1 ? err :
		    "nothing given");
		return -1;
	}
	period_format(p.start, b[0]);
	period_format(p.end, b[1]);
	if (p.code != NULL)
		x->filters[x->nfilters++] = arena_printf(x->a, "period=%s", p.code);
	x->filters[x->nfilters++] = arena_printf(x->a, "start_at=%s", b[0]);
	x->filters[x->nfilters++] = arena_printf(x->a, "end_at=%s", b[1]);
	buf_printf(&q, "?%s%s%sstart_at=", p.code ? "period=" : "", p.code ? p.code : "",
	    p.code ? "&" : "");
	url_encode(&q, b[0]);
	buf_puts(&q, "&end_at=");
	url_encode(&q, b[1]);
	snprintf(x->pquery, sizeof(x->pquery), "%s", q.p);
	buf_free(&q);
	return 0;
}

/* Returns the body for one page of query_done_task_phones (arena). */
static const char *
records_body(struct export *x, long pg)
{
	/* x->body ends with '}': add the page. */
	return arena_printf(x->a, "%.*s,\"page\":%ld,\"per_page\":15}",
	    (int)strlen(x->body) - 1, x->body, pg);
}

/*
 * Returns 0 when tmp_dir has room for the site's workbooks (the numbers',
 * then the records', one at a time: room for the larger), else -1 with
 * x->err: said before any page is made, not after minutes of them.
 */
static int
room(struct export *x, long nnumbers, long nrecords)
{
	unsigned long long a = xlsx_space(&reports[REPORT_TASK_NUMBER], nnumbers),
	    b = xlsx_space(&reports[REPORT_DONE_PHONES], nrecords);
	struct req req;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	app_req_init(&req, x->a, &x->ecfg, &x->db);
	if (file_room(&req, a > b ? a : b) != 0) {
		snprintf(x->err, sizeof(x->err), "tmp_dir %s: %s", x->cfg->tmp_dir,
		    req.err_msg);
		rc = -1;
	}
	fetch_done(x, &req);
	return rc;
}

/* Writes the whole site into x->tmp; returns 0 or -1 with x->err. */
static int
build(struct export *x)
{
	struct json_object *doc = NULL, *rows;
	const char *amp = x->query[0] ? "&" : "";
	long nlast, rlast, pg, i, n, nnumbers, nrecords;
	int rc = -1;

	if (mkdir(x->tmp, 0755) || mkdir(arena_printf(x->a, "%s/calls", x->tmp), 0755) ||
	    mkdir(arena_printf(x->a, "%s/history", x->tmp), 0755) ||
	    mkdir(arena_printf(x->a, "%s/json", x->tmp), 0755) ||
	    mkdir(arena_printf(x->a, "%s/json/record_info", x->tmp), 0755) ||
	    mkdir(arena_printf(x->a, "%s/static", x->tmp), 0755)) {
		snprintf(x->err, sizeof(x->err), "%s: %s", x->tmp, strerror(errno));
		return -1;
	}
	arena_reset(x->a);
	/* The sizes first, for the progress bar. */
	if (json_doc(x, "GET", arena_printf(x->a, "/v1/task/number?task_id=%s&page=1%s%s",
	    x->task, amp, x->query), NULL, "json/numbers-1.json", &doc))
		return -1;
	nnumbers = json_object_get_int64(jget(doc, "data", "total"));
	nlast = json_object_get_int64(jget(doc, "data", "last_page"));
	json_object_put(doc);
	doc = NULL;
	if (json_doc(x, "POST", "/v1/task/query_done_task_phones", records_body(x, 1),
	    "json/records-1.json", &doc))
		return -1;
	nrecords = json_object_get_int64(jget(doc, "total", NULL));
	rlast = json_object_get_int64(jget(doc, "last_page", NULL));
	json_object_put(doc);
	doc = NULL;
	x->total = 1 + nlast + rlast + nrecords + (x->history ? nnumbers : 0);
	if (room(x, nnumbers, nrecords))
		return -1;

	if (copy_static(x) || page(x, arena_printf(x->a, "/tasks/%s%s", x->task, x->pquery),
	    "index.html", 0))
		return -1;
	if (json_doc(x, "GET", "/v1/setting/record_level", NULL, "json/record_level.json", NULL) ||
	    json_doc(x, "GET", "/v1/tag/usable_tags", NULL, "json/usable_tags.json", NULL))
		return -1;
	for (pg = 1; pg <= nlast && !interrupted; pg++) {
		if (pg > 1 && json_doc(x, "GET", arena_printf(x->a,
		    "/v1/task/number?task_id=%s&page=%ld%s%s", x->task, pg, amp, x->query),
		    NULL, arena_printf(x->a, "json/numbers-%ld.json", pg), x->history ? &doc : NULL))
			goto out;
		if (pg == 1 && x->history && json_doc(x, "GET", arena_printf(x->a,
		    "/v1/task/number?task_id=%s&page=1%s%s", x->task, amp, x->query), NULL,
		    "json/numbers-1.json", &doc))
			goto out;
		if (page(x, arena_printf(x->a, "/tasks/%s/numbers?page=%ld%s%s", x->task, pg,
		    amp, x->query), arena_printf(x->a, "numbers-%ld.html", pg), 0))
			goto out;
		if (x->history) {
			rows = jget(doc, "data", "data");
			n = rows ? (long)json_object_array_length(rows) : 0;
			for (i = 0; i < n && !interrupted; i++) {
				const char *id = row_id(rows, i);

				if (id == NULL)
					continue;
				if (page(x, arena_printf(x->a, "/numbers/%s/history", id),
				    arena_printf(x->a, "history/%s.html", id), 1))
					goto out;
			}
			json_object_put(doc);
			doc = NULL;
		}
	}
	for (pg = 1; pg <= rlast && !interrupted; pg++) {
		if (json_doc(x, "POST", "/v1/task/query_done_task_phones", records_body(x, pg),
		    arena_printf(x->a, "json/records-%ld.json", pg), &doc))
			goto out;
		if (page(x, arena_printf(x->a, "/tasks/%s/records?page=%ld%s%s", x->task, pg,
		    amp, x->query), arena_printf(x->a, "records-%ld.html", pg), 0))
			goto out;
		rows = jget(doc, "data", NULL);
		n = rows ? (long)json_object_array_length(rows) : 0;
		for (i = 0; i < n && !interrupted; i++) {
			char id[64];
			const char *s = row_id(rows, i);

			if (s == NULL)
				continue;
			snprintf(id, sizeof(id), "%s", s);
			if (page(x, arena_printf(x->a, "/records/%s", id),
			    arena_printf(x->a, "calls/%s.html", id), 1) ||
			    json_doc(x, "GET", arena_printf(x->a, "/v1/task/record_info/%s/%s",
			    x->task, id), NULL, arena_printf(x->a, "json/record_info/%s.json", id),
			    NULL))
				goto out;
		}
		json_object_put(doc);
		doc = NULL;
	}
	if (interrupted) {
		snprintf(x->err, sizeof(x->err), "interrupted");
		goto out;
	}
	if (workbook(x, arena_printf(x->a, "/tasks/%s/numbers?format=xlsx%s%s", x->task,
	    amp, x->query), "numbers.xlsx") ||
	    workbook(x, arena_printf(x->a, "/tasks/%s/records?format=xlsx%s%s", x->task,
	    amp, x->query), "records.xlsx"))
		goto out;
	rc = 0;
out:
	json_object_put(doc);
	return rc;
}

static void
usage(void)
{
	fputs("usage: callreport export --user NAME --task TASK_ID [--out DIR] [--zip]\n"
	    "         [--mask-numbers] [--no-history] [--quiet] [--filter KEY=VALUE]...\n"
	    "         [--period today|yesterday|7d|30d|month|last_month|今天|...]\n"
	    "         [--start-at 'YYYY-MM-DD HH:MM:SS' --end-at 'YYYY-MM-DD HH:MM:SS']\n"
	    "  a period: the overview, the numbers with an attempt in it, the call records of it\n"
	    "  filters are the contract's, as query parameters: --filter 'levels[0][]=200'\n"
	    "  --filter 'levels[0][]=1000' --filter 'start_at=2026-11-01 00:00:00'\n", stderr);
}

/* Returns the default output directory: exports/<task name>-<date>. */
static char *
default_out(struct export *x)
{
	const char *p[1] = { x->task };
	PGresult *res = NULL;
	struct buf b = {0};
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	const char *name = x->task;

	if (db_begin(&x->db, DB_CRED_USER, x->user, (char[37]){0}, false) == DB_OK &&
	    db_exec(&x->db, "SELECT name FROM tasks WHERE uuid = $1::uuid "
	    "AND user_id = callreport_tenant()", 1, p, &res) == DB_OK &&
	    PQntuples(res) == 1)
		name = PQgetvalue(res, 0, 0);
	setenv("TZ", x->cfg->timezone, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	buf_puts(&b, "exports/");
	for (const char *c = name; *c; c++)
		buf_putc(&b, *c == '/' || *c == '\\' || (unsigned char)*c < 0x20 ||
		    (c == name && *c == '.') ? '_' : *c);
	buf_printf(&b, "-%s", day);
	PQclear(res);
	db_end(&x->db, true);
	return b.p;
}

int
export_main(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "task", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "zip", no_argument, NULL, 'z' },
		{ "mask-numbers", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-history", no_argument, NULL, 'H' },
		{ "filter", required_argument, NULL, 'f' },
		{ "period", required_argument, NULL, 'p' },
		{ "start-at", required_argument, NULL, 'S' },
		{ "end-at", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct export x;
	const char *per[3] = { NULL, NULL, NULL };
	struct sigaction sa;
	char *out = NULL, *old = NULL, *zp = NULL, *ztmp = NULL;
	struct stat st;
	int ch, rc = 1;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.history = true;
	x.filters = calloc((size_t)argc + 3, sizeof(char *));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': x.user = optarg; break;
		case 't': x.task = optarg; break;
		case 'o': x.out = optarg; break;
		case 'z': x.zip = true; break;
		case 'm': x.mask = true; break;
		case 'q': x.quiet = true; break;
		case 'H': x.history = false; break;
		case 'f': x.filters[x.nfilters++] = optarg; break;
		case 'p': per[0] = optarg; break;
		case 'S': per[1] = optarg; break;
		case 'E': per[2] = optarg; break;
		default: usage(); free(x.filters); return 2;
		}
	}
	if (x.user == NULL || x.task == NULL || optind != argc ||
	    !safe_id(x.task, strlen(x.task))) {
		usage();
		free(x.filters);
		return 2;
	}
	x.ecfg = *cfg;
	x.ecfg.trust_remote_user = "1";
	x.ecfg.max_offset = 0;		/* the site has every page */
	x.tty = isatty(2);
	x.started = time(NULL);
	x.a = arena_new();
	db_init(&x.db, cfg->db, cfg->timezone, cfg->statement_timeout, cfg->lock_timeout, cfg->prepare);
	if (tpl_root(cfg->template_dir))
		fprintf(stderr, "callreport: template_dir %s is not usable\n", cfg->template_dir);
	if (period_filters(&x, per) || filters(&x))
		goto fail;
	out = x.out ? xstrdup(x.out) : default_out(&x);
	if (strlen(out) > 3000) {
		snprintf(x.err, sizeof(x.err), "--out is too long");
		goto fail;
	}
	mkdir("exports", 0755);
	stale_temporaries(out);
	/* The workbooks of a killed export (or worker), too. */
	file_clean(cfg->tmp_dir);
	x.tmp = xmalloc(strlen(out) + 32);
	sprintf(x.tmp, "%s.tmp-%ld", out, (long)getpid());
	cleanup_dir = x.tmp;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (build(&x))
		goto fail;
	/*
	 * The zip is written from the temporary site, before anything moves:
	 * when it fails (a full disk, a size limit), the export fails whole and
	 * leaves what was there, rather than a new site beside an old zip or
	 * none. Its temporary name starts as the site's, so that a later
	 * export finds it if this one is killed (stale_temporaries).
	 */
	if (x.zip) {
		zp = xmalloc(strlen(out) + 8);
		sprintf(zp, "%s.zip", out);
		ztmp = xmalloc(strlen(x.tmp) + 8);
		sprintf(ztmp, "%s.zip", x.tmp);
		cleanup_zip = ztmp;
		errno = 0;
		if (zip_dir(x.tmp, ztmp)) {
			snprintf(x.err, sizeof(x.err), "%s: cannot write the zip file (%s); "
			    "nothing was exported: %s and %s are as they were", zp,
			    errno ? strerror(errno) : "write error", out, zp);
			goto fail;
		}
	}
	/* Into place: an existing export is swapped out whole, never overwritten in part. */
	if (lstat(out, &st) == 0) {
		old = xmalloc(strlen(out) + 32);
		sprintf(old, "%s.old-%ld", out, (long)getpid());
		if (rename(out, old)) {
			snprintf(x.err, sizeof(x.err), "%s: %s", out, strerror(errno));
			goto fail;
		}
	}
	if (rename(x.tmp, out)) {
		snprintf(x.err, sizeof(x.err), "%s: %s", out, strerror(errno));
		if (old)
			rename(old, out);
		goto fail;
	}
	cleanup_dir = NULL;
	if (old)
		rmtree(old);
	if (x.zip) {
		/* A rename in one directory: it fails only if someone changed it meanwhile. */
		if (rename(ztmp, zp)) {
			snprintf(x.err, sizeof(x.err), "%s: %s; the site %s is complete, "
			    "the zip was not written", zp, strerror(errno), out);
			goto fail;
		}
		cleanup_zip = NULL;
		if (!x.quiet)
			fprintf(stderr, "export: %s\n", zp);
	}
	if (!x.quiet)
		printf("%s\n", out);
	rc = 0;
	goto done;
fail:
	if (x.tty && !x.quiet)
		fputc('\n', stderr);
	fprintf(stderr, "callreport: export: %s\n", x.err[0] ? x.err : "failed");
	if (cleanup_dir)
		rmtree(cleanup_dir);
	if (cleanup_zip)
		unlink(cleanup_zip);
	rc = interrupted ? 130 : 1;
done:
	db_close(&x.db);
	arena_free(x.a);
	free(x.filters);
	free(x.tmp);
	free(old);
	free(out);
	free(zp);
	free(ztmp);
	return rc;
}
