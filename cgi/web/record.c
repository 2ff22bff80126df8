/* record.c: one call by its id: its transcript page and its recording. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/url.h"
#include "input/range.h"
#include "input/valid.h"
#include "render/html.h"
#include "report/report.h"
#include "report/reports.h"
#include "sqltext.h"
#include "store/db.h"
#include "store/recording.h"
#include "web/record.h"

/*
 * Finds the call of the request's record_id among the caller's: its task id
 * and recording file into *res (one row). Returns 0, 400 (not a UUID), 404
 * (not the caller's, *res cleared) or the status of a database failure.
 */
static int
record_row(struct req *req, PGresult **res)
{
	const char *p[2] = { req->tenant, val_text(val_get(req->params, "record_id")) };

	*res = NULL;
	if (!valid_uuid(p[1])) {
		req_error(req, 400, "record_id must be a UUID");
		req->err_field = "record_id";
		req->err_label = "通话记录ID";
		return 400;
	}
	return req_one_row(req, sql_record_task, 2, p, false, res);
}

/*
 * The call's place among the call records page it was opened from: from=,
 * that page's query string, re-read and validated by the page's own fields
 * with the call's task (never shown as it came), then done_phones.nav.sql
 * in the page's order: the calls before and after it and the list's page
 * it is on, into req->nav. A from that does not validate, or a call not in
 * its list, gives no 上一通 / 下一通 and the way back to the list as asked.
 * Returns 0 or the status of a database failure.
 */
static int
record_nav(struct req *req, const char *task, const char *rid)
{
	const struct report *r = &reports[REPORT_DONE_PHONES];
	const char *from = val_text(val_get(req->params, "from")), *err, *sql, *q;
	const char **p;
	struct val *in = val_new(req->a, V_OBJ);
	struct listnav *nav;
	struct run run;
	PGresult *res;
	enum db_err e;
	long page, per;
	size_t i;
	int n, ip = REPORT_FIELD(r, "page"), ipp = REPORT_FIELD(r, "per_page"),
	    it = REPORT_FIELD(r, "task_id");

	if (*from == '\0' ||
	    val_parse_form(req->a, in, from, strlen(from), &err) != 0)
		return 0;
	val_set(req->a, in, "task_id", val_string(req->a, task));
	memset(&run, 0, sizeof(run));
	run.r = r;
	run.pv = arena_alloc(req->a, (r->nfields + 1) * sizeof(*run.pv));
	if (valid_fields(req->a, r->fields, r->nfields, in, run.pv, &err) != 0)
		return 0;
	if ((sql = report_order_sql(req, r, sql_done_phones_nav, run.pv)) == NULL)
		return 0;
	p = arena_alloc(req->a, (r->nfields + 2) * sizeof(*p));
	n = 0;
	p[n++] = req->tenant;
	for (i = 0; i < r->nfields; i++)
		if (!(r->fields[i].flags & F_NOSQL))
			p[n++] = run.pv[i].set ? run.pv[i].text : NULL;
	p[n++] = rid;
	if ((e = db_exec(req->db, sql, n, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	nav = arena_alloc(req->a, sizeof(*nav));
	memset(nav, 0, sizeof(*nav));
	page = run.pv[ip].i;
	per = run.pv[ipp].set ? run.pv[ipp].i : 15;
	if (PQntuples(res) == 1) {
		/* Back to the page the call is on (下一通 may have crossed one). */
		nav->pos = atol(PQgetvalue(res, 0, 2));
		page = (nav->pos - 1) / per + 1;
		if (!PQgetisnull(res, 0, 0))
			nav->prev = arena_strdup(req->a, PQgetvalue(res, 0, 0));
		if (!PQgetisnull(res, 0, 1))
			nav->next = arena_strdup(req->a, PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	/* The list's query without its task (in the path) and its page. */
	run.pv[ip].set = run.pv[it].set = false;
	q = html_query(req, &run, 0, NULL);
	nav->from = url_encoded(req->a, q);
	nav->back = arena_printf(req->a, "%s/tasks/%s/records?%s%spage=%ld",
	    req->cfg->base_path, task, q, *q ? "&" : "", page);
	req->nav = nav;
	return 0;
}

/*
 * GET /records/{record_id}: the transcript page of a call of any of the
 * caller's tasks (the v1 record_info page without the task in the path).
 * Returns 404 when the record is not the caller's, as the v1 endpoints do.
 */
int
record_page(struct req *req)
{
	PGresult *res;
	int st;

	if ((st = record_row(req, &res)) != 0)
		return st;
	val_set(req->a, req->params, "task_id",
	    val_string(req->a, PQgetvalue(res, 0, 0)));
	st = record_nav(req, PQgetvalue(res, 0, 0),
	    val_text(val_get(req->params, "record_id")));
	PQclear(res);
	if (st != 0)
		return st;
	return report_serve(req, &reports[REPORT_TRANSCRIPT]);
}

/*
 * GET /records/{record_id}/recording: the call's recording, after the same
 * tenant check as its page, from the caller's own directory of recordings
 * (recording_path) only (404 for another tenant's record, a record without a
 * file there, or recordings switched off). Answers one byte range
 * (206) so that players can seek; several ranges get the whole file.
 */
int
record_recording(struct req *req)
{
	const char *path, *tag, *h;
	long long off = 0, len = 0, size;
	PGresult *res;
	struct stat st;
	int rc;

	if ((rc = record_row(req, &res)) != 0)
		return rc;
	path = recording_path(req->a, req->cfg->recordings_root, req->tenant,
	    PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1));
	PQclear(res);
	if (path == NULL || stat(path, &st) != 0) {
		req_error(req, 404, "not found");
		return 404;
	}
	size = (long long)st.st_size;
	tag = arena_printf(req->a, "\"rec-%llx-%llx\"", size,
	    (long long)st.st_mtime);
	req_header(req, "Accept-Ranges", "bytes");
	req_header(req, "ETag", tag);
	/* A call's voice: kept by no cache, gone from the browser with the session. */
	req_header(req, "Cache-Control", "private, no-store");
	if ((h = req_env(req, "HTTP_IF_NONE_MATCH")) != NULL && strstr(h, tag)) {
		req->status = 304;
		return 304;
	}
	/* A Range for another version of the file (If-Range): the whole file. */
	h = req_env(req, "HTTP_IF_RANGE");
	rc = h != NULL && strcmp(h, tag) != 0 ? 0 :
	    range_parse(req_env(req, "HTTP_RANGE"), size, &off, &len);
	if (rc < 0) {
		req_error(req, 416, "range not satisfiable");
		req_header(req, "Content-Range", arena_printf(req->a,
		    "bytes */%lld", size));
		return 416;
	}
	req->file = path;
	req->ctype = recording_type(path);
	if (rc == 1) {
		req->file_off = (off_t)off;
		req->file_len = (off_t)len;
		req_header(req, "Content-Range", arena_printf(req->a,
		    "bytes %lld-%lld/%lld", off, off + len - 1, size));
		req->status = 206;
		return 206;
	}
	req->file_len = (off_t)size;
	req->status = 200;
	return 200;
}
