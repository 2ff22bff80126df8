/*
 * jobs_page.c: the pages of export jobs. A job is the tenant's own: every
 * statement names the tenant and row-level security keeps the others' rows
 * out besides, so that another tenant's job answers exactly as a missing one
 * (404, the same body). The files are read from jobs_dir/<tenant>/<id>.<fmt>,
 * a name made here from the tenant and the job's id, never from a stored path.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "input/range.h"
#include "input/valid.h"
#include "render/html.h"
#include "report/job.h"
#include "store/db.h"
#include "web/jobs_page.h"

#define LIST_MAX	100	/* jobs the list shows, newest first */
#define REFRESH_SECS	2	/* a running job's page reloads itself so often */

/* Pages answer HTML; anything else (JSON, a file format asked for) JSON. */
static void
page_format(struct req *req)
{
	if (req->fmt != FMT_HTML)
		req->fmt = FMT_JSON;
}

/* Takes job_id from the path; returns 0, or 400 naming the field. */
static int
job_id(struct req *req, const char **id)
{
	*id = val_text(val_get(req->params, "job_id"));
	if (*id == NULL || !valid_uuid(*id)) {
		req_error(req, 400, "job_id must be a UUID");
		req->err_field = "job_id";
		req->err_label = "导出任务ID";
		return 400;
	}
	return 0;
}

/*
 * Reads the caller's job id into *res; returns 0, 404 (set) or a failure's
 * status. With end, the request's transaction ends in the same round trip:
 * a page that reads nothing else (its route R_READ: the begin goes with it
 * too) asks the database once.
 */
static int
job_row(struct req *req, const char *id, bool end, PGresult **res)
{
	const char *p[3] = { req->tenant, id,
	    arena_printf(req->a, "%ld", req->cfg->jobs_retention) };

	return req_one_row(req, arena_printf(req->a, "SELECT %s FROM export_jobs "
	    "WHERE user_id = $1 AND id = $2::uuid", job_cols(req->a, 3)), 3, p,
	    end, res);
}

/* Starts the v1 envelope of an answer about jobs. */
static void
envelope(struct req *req, struct json *j, int code, const char *message)
{
	req->ctype = "application/json; charset=utf-8";
	json_init(j, &req->body_out);
	json_obj_open(j);
	json_key(j, "code");
	json_int(j, code);
	json_key(j, "status");
	json_str(j, "ok");
	json_key(j, "message");
	json_str(j, message);
	json_key(j, "data");
}

static const char *
state_label(const char *s)
{
	static const char *const st[][2] = {
		{ "queued", "排队中" }, { "running", "生成中" },
		{ "cancelling", "正在取消" }, { "done", "已完成" },
		{ "failed", "失败" }, { "cancelled", "已取消" },
		{ "expired", "已过期" },
	};
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (strcmp(st[i][0], s) == 0)
			return st[i][1];
	return s;
}

/* Returns "1.2 MB" and the like for a size in bytes. */
static const char *
size_text(struct arena *a, long long n)
{
	if (n >= 1LL << 20)
		return arena_printf(a, "%.1f MB", (double)n / (1 << 20));
	if (n >= 1LL << 10)
		return arena_printf(a, "%.1f KB", (double)n / (1 << 10));
	return arena_printf(a, "%lld B", n);
}

/* Returns seconds as "m:ss" (or "h:mm:ss"). */
static const char *
secs_text(struct arena *a, long s)
{
	if (s >= 3600)
		return arena_printf(a, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	return arena_printf(a, "%ld:%02ld", s / 60, s % 60);
}

/* Sets a job's row i on a template dictionary. */
static void
job_dict(struct req *req, struct tpl_dict *d, PGresult *res, int i)
{
	const char *state = PQgetvalue(res, i, JC_STATE);
	long rows = atol(PQgetvalue(res, i, JC_ROWS)),
	    total = atol(PQgetvalue(res, i, JC_TOTAL)), eta = job_eta(res, i);

	tpl_set(d, "ID", PQgetvalue(res, i, JC_ID));
	tpl_set(d, "URL", arena_printf(req->a, "%s%s", req->cfg->base_path,
	    job_path(req, PQgetvalue(res, i, JC_ID))));
	tpl_set(d, "WHAT", PQgetvalue(res, i, JC_TITLE));
	tpl_set(d, "FORMAT", PQgetvalue(res, i, JC_FORMAT));
	tpl_set(d, "STATE", state);
	tpl_set(d, "STATE_LABEL", state_label(state));
	tpl_set_int(d, "ROWS", rows);
	tpl_set_int(d, "TOTAL", total);
	tpl_set_int(d, "PERCENT", strcmp(state, "done") == 0 ? 100 :
	    total > 0 ? rows * 100 / total : 0);
	tpl_set(d, "CREATED", PQgetvalue(res, i, JC_CREATED));
	tpl_set(d, "FINISHED", PQgetvalue(res, i, JC_FINISHED));
	tpl_set(d, "ELAPSED", secs_text(req->a, atol(PQgetvalue(res, i, JC_ELAPSED))));
	if (eta >= 0)
		tpl_set(tpl_section(d, "ETA"), "ETA", secs_text(req->a, eta));
	if (!PQgetisnull(res, i, JC_SIZE))
		tpl_set(d, "SIZE", size_text(req->a, atoll(PQgetvalue(res, i, JC_SIZE))));
	if (strcmp(state, "done") == 0) {
		tpl_show(d, "DONE");
		tpl_set(d, "EXPIRES", PQgetvalue(res, i, JC_EXPIRES));
	}
	if (strcmp(state, "queued") == 0 || strcmp(state, "running") == 0)
		tpl_show(d, "ACTIVE");
	if (strcmp(state, "queued") == 0 || strcmp(state, "running") == 0 ||
	    strcmp(state, "cancelling") == 0)
		tpl_show(d, "WAITING");
	if (!PQgetisnull(res, i, JC_ERROR))
		tpl_set(tpl_section(d, "ERROR"), "ERROR", PQgetvalue(res, i, JC_ERROR));
}

int
jobs_page_list(struct req *req)
{
	const char *p[2] = { req->tenant,
	    arena_printf(req->a, "%ld", req->cfg->jobs_retention) };
	struct db_q q = { NULL, 2, p, NULL };
	struct tpl_dict *d;
	struct json j;
	PGresult *res;
	enum db_err e;
	int i, n;

	page_format(req);
	/* One round trip: the begin (deferred: R_READ), the list, the end. */
	q.sql = arena_printf(req->a, "SELECT %s FROM export_jobs "
	    "WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT %d",
	    job_cols(req->a, 2), LIST_MAX);
	if ((e = db_batch(req->db, &q, 1, true)) != DB_OK)
		return req_db_fail(req, e);
	res = q.res;
	n = PQntuples(res);
	if (req->fmt == FMT_JSON) {
		envelope(req, &j, 200, "获取导出任务成功");
		json_arr_open(&j);
		for (i = 0; i < n; i++)
			job_json(req, &j, res, i);
		json_arr_close(&j);
		json_obj_close(&j);
		PQclear(res);
		req_header(req, "Cache-Control", "private, no-store");
		return 200;
	}
	for (i = 0; i < n; i++)
		if (strcmp(PQgetvalue(res, i, JC_STATE), "queued") == 0 ||
		    strcmp(PQgetvalue(res, i, JC_STATE), "running") == 0 ||
		    strcmp(PQgetvalue(res, i, JC_STATE), "cancelling") == 0)
			break;
	d = html_page_refresh(req, "导出", i < n ? REFRESH_SECS * 2 : 0);
	for (i = 0; i < n; i++)
		job_dict(req, tpl_section(d, "JOB"), res, i);
	if (n == 0)
		tpl_show(d, "NONE");
	PQclear(res);
	req_header(req, "Cache-Control", "private, no-store");
	return html_finish(req, d, "exports.tpl");
}

int
jobs_page_show(struct req *req)
{
	const char *id, *state;
	struct tpl_dict *d;
	struct json j;
	PGresult *res;
	int st;
	bool waiting;

	page_format(req);
	if ((st = job_id(req, &id)) != 0 || (st = job_row(req, id, true, &res)) != 0)
		return st;
	req_header(req, "Cache-Control", "private, no-store");
	state = PQgetvalue(res, 0, JC_STATE);
	if (req->fmt == FMT_JSON) {
		envelope(req, &j, 200, "获取导出任务成功");
		job_json(req, &j, res, 0);
		json_obj_close(&j);
		st = 200;
		/* Done: the client is sent on to the file (the body says so too). */
		if (strcmp(state, "done") == 0) {
			req_header(req, "Location", arena_printf(req->a, "%s%s/file",
			    req->cfg->base_path, job_path(req, id)));
			st = 303;
		}
		PQclear(res);
		req->status = st;
		return st;
	}
	waiting = strcmp(state, "queued") == 0 || strcmp(state, "running") == 0 ||
	    strcmp(state, "cancelling") == 0;
	d = html_page_refresh(req, "导出进度", waiting ? REFRESH_SECS : 0);
	job_dict(req, d, res, 0);
	PQclear(res);
	return html_finish(req, d, "export_job.tpl");
}

int
jobs_page_cancel(struct req *req)
{
	const char *id, *p[2];
	struct json j;
	PGresult *res;
	enum db_err e;
	int st;

	page_format(req);
	if ((st = job_id(req, &id)) != 0)
		return st;
	p[0] = req->tenant;
	p[1] = id;
	/* The runner sees the flag between two batches and stops the job. */
	if ((e = db_exec(req->db, "UPDATE export_jobs SET cancel = true "
	    "WHERE user_id = $1 AND id = $2::uuid AND state IN ('queued', 'running')",
	    2, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	PQclear(res);
	if ((st = job_row(req, id, false, &res)) != 0)
		return st;
	if (req->fmt == FMT_HTML) {
		PQclear(res);
		return req_redirect(req, job_path(req, id));
	}
	envelope(req, &j, 200, "导出任务已取消");
	job_json(req, &j, res, 0);
	json_obj_close(&j);
	PQclear(res);
	return 200;
}

int
jobs_page_file(struct req *req)
{
	const char *id, *path, *tag, *h, *fmt;
	long long off = 0, len = 0, size;
	struct stat st;
	PGresult *res;
	int rc;

	page_format(req);
	if ((rc = job_id(req, &id)) != 0 || (rc = job_row(req, id, true, &res)) != 0)
		return rc;
	if (strcmp(PQgetvalue(res, 0, JC_STATE), "done") != 0) {
		req_error(req, 409, arena_printf(req->a, "the export is %s, not done",
		    PQgetvalue(res, 0, JC_STATE)));
		PQclear(res);
		return 409;
	}
	fmt = strcmp(PQgetvalue(res, 0, JC_FORMAT), "csv") == 0 ? "csv" : "xlsx";
	path = arena_printf(req->a, "%s/%s/%s.%s", req->cfg->jobs_dir, req->tenant,
	    id, fmt);
	if (!PQgetisnull(res, 0, JC_DISP))
		req_header(req, "Content-Disposition", PQgetvalue(res, 0, JC_DISP));
	PQclear(res);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		req_error(req, 404, "not found");
		return 404;
	}
	size = (long long)st.st_size;
	tag = arena_printf(req->a, "\"job-%s-%llx\"", id, size);
	req_header(req, "Accept-Ranges", "bytes");
	req_header(req, "ETag", tag);
	req_header(req, "Cache-Control", "private, no-store");
	/* A Range for another file (If-Range): the whole file. */
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
	req->ctype = strcmp(fmt, "csv") == 0 ? "text/csv; charset=utf-8" :
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
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
