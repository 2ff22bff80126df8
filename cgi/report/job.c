/* job.c: recording an export job, and a job as JSON (report/job.h). */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "input/period.h"
#include "render/render.h"
#include "report/job.h"
#include "store/db.h"

const char *
job_cols(struct arena *a, int ret)
{
	return arena_printf(a, "id::text, report, title, format, "
	    "CASE WHEN cancel AND state IN ('queued', 'running') "
	    "THEN 'cancelling' ELSE state END, rows_done, total, "
	    "callreport_ts(created_at), callreport_ts(started_at), "
	    "callreport_ts(finished_at), floor(extract(epoch FROM "
	    "coalesce(finished_at, now()) - coalesce(started_at, now())))::bigint, "
	    "size, disposition, error, callreport_ts(finished_at + "
	    "make_interval(secs => $%d::int))", ret);
}

const char *
job_path(struct req *req, const char *id)
{
	return arena_printf(req->a, "/exports/%s", id);
}

long
job_eta(PGresult *res, int i)
{
	long rows = atol(PQgetvalue(res, i, JC_ROWS)),
	    total = atol(PQgetvalue(res, i, JC_TOTAL)),
	    el = atol(PQgetvalue(res, i, JC_ELAPSED));

	if (strcmp(PQgetvalue(res, i, JC_STATE), "running") != 0 || rows <= 0 ||
	    rows > total)
		return -1;
	return (long)((double)el * (double)(total - rows) / (double)rows + 0.5);
}

/* Writes column c of row i as a string, or null. */
static void
str_or_null(struct json *j, PGresult *res, int i, int c)
{
	if (PQgetisnull(res, i, c))
		json_null(j);
	else
		json_str(j, PQgetvalue(res, i, c));
}

void
job_json(struct req *req, struct json *j, PGresult *res, int i)
{
	const char *id = PQgetvalue(res, i, JC_ID), *state = PQgetvalue(res, i, JC_STATE);
	long rows = atol(PQgetvalue(res, i, JC_ROWS)),
	    total = atol(PQgetvalue(res, i, JC_TOTAL)), eta = job_eta(res, i);
	bool done = strcmp(state, "done") == 0;

	json_obj_open(j);
	json_key(j, "id");
	json_str(j, id);
	json_key(j, "url");
	json_str(j, arena_printf(req->a, "%s%s", req->cfg->base_path,
	    job_path(req, id)));
	json_key(j, "file_url");
	if (done)
		json_str(j, arena_printf(req->a, "%s%s/file", req->cfg->base_path,
		    job_path(req, id)));
	else
		json_null(j);
	json_key(j, "report");
	json_str(j, PQgetvalue(res, i, JC_REPORT));
	json_key(j, "title");
	json_str(j, PQgetvalue(res, i, JC_TITLE));
	json_key(j, "format");
	json_str(j, PQgetvalue(res, i, JC_FORMAT));
	json_key(j, "state");
	json_str(j, state);
	json_key(j, "rows");
	json_int(j, rows);
	json_key(j, "total");
	json_int(j, total);
	json_key(j, "percent");
	json_int(j, done ? 100 : total > 0 ? rows * 100 / total : 0);
	json_key(j, "created_at");
	str_or_null(j, res, i, JC_CREATED);
	json_key(j, "started_at");
	str_or_null(j, res, i, JC_STARTED);
	json_key(j, "finished_at");
	str_or_null(j, res, i, JC_FINISHED);
	json_key(j, "elapsed");
	json_int(j, atol(PQgetvalue(res, i, JC_ELAPSED)));
	json_key(j, "eta");
	if (eta >= 0)
		json_int(j, eta);
	else
		json_null(j);
	json_key(j, "size");
	if (PQgetisnull(res, i, JC_SIZE))
		json_null(j);
	else
		json_int(j, atoll(PQgetvalue(res, i, JC_SIZE)));
	json_key(j, "expires_at");
	if (done)
		str_or_null(j, res, i, JC_EXPIRES);
	else
		json_null(j);
	json_key(j, "error");
	str_or_null(j, res, i, JC_ERROR);
	json_obj_close(j);
}

/* Is the request a browser's (a page's link, a session, or HTML first in Accept)? */
static bool
browser(struct req *req)
{
	const char *accept = req_env(req, "HTTP_ACCEPT"), *h, *js;

	if (req->page_route || req->authby == AUTH_SESSION)
		return true;
	if (accept == NULL || (h = strstr(accept, "text/html")) == NULL)
		return false;
	js = strstr(accept, "application/json");
	return js == NULL || h < js;
}

int
job_create(struct req *req, const struct run *run)
{
	const char *p[12], *ct = req_env(req, "CONTENT_TYPE");
	struct db *d = req->wdb != NULL ? req->wdb : req->db;
	struct json j;
	PGresult *res = NULL;
	enum db_err e;
	long long clock = req->now ? req->now : period_now(req->cfg->timezone);
	int n = 0;

	p[n++] = req->tenant;
	p[n++] = run->r->name;
	p[n++] = run->r->title;
	p[n++] = renderers[req->fmt].name;
	p[n++] = strcmp(req->method, "POST") == 0 ? "POST" : "GET";
	p[n++] = req->path;
	p[n++] = req->query;
	p[n++] = req->body != NULL ? arena_strndup(req->a, req->body, req->body_len) : NULL;
	p[n++] = req->body != NULL ? ct : NULL;
	p[n++] = arena_printf(req->a, "%lld", clock);
	p[n++] = arena_printf(req->a, "%ld", run->total);
	p[n++] = arena_printf(req->a, "%ld", req->cfg->jobs_retention);
	/*
	 * The read is over (its count said how big): the job is written on
	 * the primary, in a transaction of its own as the same tenant (read_db
	 * may be a standby), and committed before the answer names it.
	 */
	if (d != req->db) {
		db_end_nowait(req->db);
		if ((e = db_begin(d, DB_CRED_TENANT, req->tenant, NULL, false)) != DB_OK)
			return req_db_fail(req, e);
	}
	e = db_exec(d, arena_printf(req->a, "INSERT INTO export_jobs (report, title, "
	    "format, method, path, query, body, ctype, clock, total) "
	    "SELECT $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint, $11::bigint "
	    "WHERE callreport_tenant() = $1::uuid RETURNING %s", job_cols(req->a, 12)),
	    n, p, &res);
	if (e == DB_OK && PQntuples(res) != 1)
		e = DB_ERROR;
	if (db_end(d, e == DB_OK) != DB_OK && e == DB_OK)
		e = DB_DOWN;
	if (e != DB_OK) {
		PQclear(res);
		return req_db_fail(req, e);
	}
	log_line(req->id, "export job %s: %s %s, %ld rows", PQgetvalue(res, 0, JC_ID),
	    run->r->name, renderers[req->fmt].name, run->total);
	if (browser(req)) {
		req_redirect(req, job_path(req, PQgetvalue(res, 0, JC_ID)));
		PQclear(res);
		return 303;
	}
	req_header(req, "Location", arena_printf(req->a, "%s%s", req->cfg->base_path,
	    job_path(req, PQgetvalue(res, 0, JC_ID))));
	req->ctype = "application/json; charset=utf-8";
	json_init(&j, &req->body_out);
	json_obj_open(&j);
	json_key(&j, "code");
	json_int(&j, 202);
	json_key(&j, "status");
	json_str(&j, "ok");
	json_key(&j, "message");
	json_str(&j, "导出任务已创建");
	json_key(&j, "data");
	job_json(req, &j, res, 0);
	json_obj_close(&j);
	PQclear(res);
	req->status = 202;
	return 202;
}
