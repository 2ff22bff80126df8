/* report.c: the engine: run a report for a request (validate, count, fetch) and hand it to a renderer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/log.h"
#include "input/period.h"
#include "render/file.h"
#include "render/render.h"
#include "report/job.h"
#include "report/pagecache.h"
#include "report/report.h"
#include "report/reports.h"
#include "sqltext.h"
#include "store/db.h"

#define FETCH_ROWS	10000		/* rows per FETCH of a whole selection */
/*
 * An export job's: the next batch is asked for as soon as one arrives, and
 * PostgreSQL computes it at the workers' priority while the job waits for
 * them (req.pause): small batches keep that burst short.
 */
#define JOB_FETCH_ROWS	1000

/* A page's round trip: the slot, the count, the rows, the page statement, the parts. */
_Static_assert(4 + REPORT_PARTS <= DB_BATCH, "a page's statements fit in one db_batch");

/*
 * FNV-1a over one part of a tag's input, its length first: where a part
 * ends is in the hash, so bytes moved from one part to the next never give
 * the same tag ("ab"+"c" and "a"+"bc"; a separator byte xor-ed in after
 * each part merged with the next part's first byte, so that "/ab"+"c" and
 * "/a"+"\x9d\x9c" had one tag).
 */
static uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	uint64_t len = n;

	return hash_fnv1a(hash_fnv1a(h, &len, sizeof(len)), s, n);
}

const char *
report_etag(struct req *req, const struct report *r)
{
	uint64_t h = HASH_INIT;

	h = fnv(h, req->tenant, strlen(req->tenant));
	h = fnv(h, r->name, strlen(r->name));
	h = fnv(h, req->path, strlen(req->path));
	h = fnv(h, req->query, strlen(req->query));
	h = fnv(h, req->body ? req->body : "", req->body_len);
	h = fnv(h, (const char *)&req->fmt, sizeof(req->fmt));
	return arena_printf(req->a, "\"v%s-%016llx\"", req->db->version,
	    (unsigned long long)h);
}

const char *
report_order_sql(struct req *req, const struct report *r, const char *sql,
    const struct pval *pv)
{
	const struct sort *s;
	const char *at, *from, *by;
	struct buf out = {0};
	char *text;
	int is = REPORT_FIELD(r, "sort"), id = REPORT_FIELD(r, "dir");

	if (r->sorts == NULL || is < 0 || !pv[is].set)
		return sql;
	for (s = r->sorts; s->code != NULL; s++)
		if (strcmp(s->code, pv[is].strs[0]) == 0)
			break;
	if (s->code == NULL)
		return sql;
	by = id >= 0 && pv[id].set && strcmp(pv[id].strs[0], "asc") == 0 ?
	    s->asc : s->desc;
	if (strstr(sql, r->order_by) == NULL) {
		log_line(req->id, "report %s: its SQL lacks \"%s\"", r->name,
		    r->order_by);
		return NULL;
	}
	for (from = sql; (at = strstr(from, r->order_by)) != NULL;
	    from = at + strlen(r->order_by)) {
		buf_put(&out, from, (size_t)(at - from));
		buf_puts(&out, by);
	}
	buf_puts(&out, from);
	text = arena_printf(req->a, "%s", out.p);
	buf_free(&out);
	return text;
}

/* Sets a time field's value to local time t. */
static void
set_time(struct req *req, struct pval *p, long long t)
{
	char b[PERIOD_TEXT];

	period_format(t, b);
	p->set = true;
	p->text = arena_strdup(req->a, b);
}

/*
 * Resolves the period of a report that takes one (its fields period,
 * start_at, end_at) into start_at and end_at, and the previous period of
 * the same length into prev_start_at and prev_end_at; period becomes the
 * shortcut's code (links carry it and both times). *moving tells that the
 * period follows the clock (a shortcut without times): its answer changes
 * at midnight whatever the data version, so it is never a 304. Returns 0,
 * or 400 with the message naming the field.
 */
static int
period_fields(struct req *req, struct run *run, bool *moving)
{
	const struct report *r = run->r;
	struct pval *pv = run->pv;
	int ip = REPORT_FIELD(r, "period"), is = REPORT_FIELD(r, "start_at"),
	    ie = REPORT_FIELD(r, "end_at"), ips = REPORT_FIELD(r, "prev_start_at"),
	    ipe = REPORT_FIELD(r, "prev_end_at"), rc;
	const char *err = NULL;
	struct period p;
	long long now = 0;

	*moving = false;
	if (ip < 0 || is < 0 || ie < 0)
		return 0;
	if (r->period_open && (pv[is].set || pv[ie].set || req->fmt == FMT_JSON))
		return 0;
	if (!pv[is].set || !pv[ie].set)
		now = req->now ? req->now : period_now(req->cfg->timezone);
	rc = period_parse(pv[ip].set ? pv[ip].text : NULL,
	    pv[is].set ? pv[is].text : NULL, pv[ie].set ? pv[ie].text : NULL,
	    now, &p, &err);
	if (rc == 1 && r->period_default != NULL)
		rc = period_parse(r->period_default, NULL, NULL, now, &p, &err);
	if (rc == -1)
		return valid_fail(req, r->fields, r->nfields, err);
	if (rc == 1)
		return 0;
	*moving = p.moving;
	pv[ip].set = p.code != NULL;
	pv[ip].text = p.code;
	set_time(req, &pv[is], p.start);
	set_time(req, &pv[ie], p.end);
	if (ips >= 0)
		set_time(req, &pv[ips], p.prev_start);
	if (ipe >= 0)
		set_time(req, &pv[ipe], p.prev_end);
	return 0;
}

bool
report_needs_row(const struct report *r)
{
	return r->count_sql == NULL &&
	    (r->env == ENV_OBJECT || r->env == ENV_RAW || r->scoped);
}

/*
 * Adds the validator headers to a 200 or 304 (never to an error), and turns
 * a 200 the client has (If-None-Match: fresh) into a 304 without its body;
 * returns the status. The answers hold personal data: no cache keeps them
 * (no-store); a client may still revalidate by its ETag.
 */
static int
validator(struct req *req, const struct report *r, int status, bool fresh)
{
	if (status == 200 && fresh) {
		buf_reset(&req->body_out);
		req->ctype = NULL;
		if (req->file != NULL && req->file_tmp)
			unlink(req->file);
		req->file = NULL;
		req->file_tmp = false;
		req->status = status = 304;
	}
	if (status == 200 || status == 304) {
		req_header(req, "ETag", report_etag(req, r));
		req_header(req, "Cache-Control", "private, no-store");
	}
	return status;
}

/*
 * For a page answered before its statements (bad input): settles a deferred
 * begin, so that the page shows who is signed in (req_user). Returns 0, or
 * the status of the failure it set (DB_STALE: run again, app.c).
 */
static int
page_user(struct req *req)
{
	enum db_err e;

	if (req->fmt != FMT_HTML || !req->db->pending)
		return 0;
	if ((e = db_settle(req->db, true)) != DB_OK)
		return req_db_fail(req, e);
	return 0;
}

/*
 * Answers bad input (a 400 recorded, naming its field): a page is its own
 * page without rows, the form as the user filled it and the message beside
 * the field (run->bad, render/html.c); its page statement runs when its key
 * is valid (the form's choices, the task's name). Another format, or a page
 * without a form, is the error alone. Returns 400, or the status of a
 * database failure.
 */
static int
bad_input(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	const char *err, *pp[2];
	struct db_q q;
	enum db_err e;
	size_t i;
	int ip, status;

	if (req->fmt != FMT_HTML)
		return 400;
	for (i = 0; i < r->nfields; i++)
		if (valid_fields(req->a, &r->fields[i], 1, req->params,
		    &run->pv[i], &err) != 0 || (req->err_field != NULL &&
		    strcmp(req->err_field, r->fields[i].name) == 0))
			memset(&run->pv[i], 0, sizeof(run->pv[i]));
	if (r->variant && (ip = REPORT_FIELD(r, r->variant_field)) >= 0 &&
	    run->pv[ip].set && run->pv[ip].i == 1)
		run->r = r = &reports[r->variant - 1];	/* the same fields */
	/* What the page is about is not valid (a task id): the error page. */
	ip = r->page_sql != NULL ? REPORT_FIELD(r, r->page_key) : -1;
	if (ip >= 0 && !run->pv[ip].set)
		return (status = page_user(req)) != 0 ? status : 400;
	if (ip >= 0) {
		/* With a deferred begin, its only round trip (page_user's). */
		pp[0] = req->tenant;
		pp[1] = run->pv[ip].text;
		q = (struct db_q){ r->page_sql, 2, pp, NULL };
		if ((e = db_batch(req->db, &q, 1, true)) != DB_OK)
			return req_db_fail(req, e);
		run->extra = q.res;
	} else if ((status = page_user(req)) != 0)
		return status;
	run->bad = true;
	run->page = run->last_page = 1;
	ip = REPORT_FIELD(r, "per_page");
	run->per_page = ip >= 0 && run->pv[ip].set ? run->pv[ip].i : 15;
	run->rows = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	status = render_report(req, run);
	PQclear(run->rows);
	PQclear(run->extra);
	run->rows = run->extra = NULL;
	if (status != 0 && status != 400)
		return status;
	req->status = 400;
	return 400;
}

/*
 * Takes a count statement's result (cleared here): the run's total and last
 * page. Returns 0, or 404 (set) when it has no row: no such task.
 */
static int
counted(struct req *req, struct run *run, PGresult *res)
{
	int k;

	if (PQntuples(res) == 0) {
		PQclear(res);
		req_error(req, 404, "not found");
		return 404;
	}
	run->total = atol(PQgetvalue(res, 0, PQnfields(res) - 1));
	k = PQfnumber(res, "capped");
	run->total_capped = k >= 0 && strcmp(PQgetvalue(res, 0, k), "t") == 0;
	PQclear(res);
	run->last_page = run->total == 0 ? 1 :
	    (run->total + run->per_page - 1) / run->per_page;
	return 0;
}

/* The cursor behind a run's rowsrc; its first batch is read ahead (a 404). */
struct cursor_src {
	struct rowsrc		 src;	/* first: a struct rowsrc * is one of these */
	struct db_cursor	 cur;
	PGresult		*first;
	long			 rows;	/* handed out */
	enum db_err		 e;
	struct req		*req;
	bool			 gone;	/* the client went away: stop */
};

static PGresult *
cursor_next(struct rowsrc *s)
{
	struct cursor_src *c = (struct cursor_src *)s;
	PGresult *res = c->first;

	if (s->failed)
		return NULL;		/* the client went away */
	/*
	 * A job's progress, every batch (the rows written so far), and its
	 * cancel: a job asked to stop is stopped here, between batches.
	 */
	if (c->req->progress != NULL && c->req->progress(c->req, c->rows) != 0) {
		c->req->job_cancelled = c->gone = s->failed = true;
		return NULL;
	}
	/* A job waits for the pages here too, before it asks for the next batch. */
	if (c->req->pause != NULL)
		c->req->pause(c->req);
	if (res != NULL)
		c->first = NULL;
	else if ((res = db_cursor_next(&c->cur, &c->e)) == NULL && c->e != DB_OK)
		s->failed = true;
	if (res != NULL)
		c->rows += PQntuples(res);
	return res;
}

/*
 * Lets the next batch arrive, and stops the rows when the client has gone:
 * an abandoned download is not built to its end (eight of them, closed
 * after 0.2 s, kept every worker busy for a minute).
 */
static void
cursor_poll(struct rowsrc *s)
{
	struct cursor_src *c = (struct cursor_src *)s;

	db_cursor_poll(&c->cur);
	if (c->req->pause != NULL)
		c->req->pause(c->req);
	if (!c->gone && req_gone(c->req))
		c->gone = s->failed = true;
}

/*
 * Runs the statements of an XLSX summary sheet into run: the task of
 * task_id (its name and headline), and the names of the ids and codes the
 * filters tags, status, type, level, province, operator and none were given
 * (filter_names.sql). Returns 0 or the status of the failure it set.
 */
static int
summaries(struct req *req, struct run *run)
{
	static const char *const named[] = { "tags", "status", "type", "level",
	    "province", "operator", "none" };
	const struct report *r = run->r;
	const char *p[8] = { req->tenant };
	enum db_err e;
	bool any = false;
	size_t k;
	int i = REPORT_FIELD(r, "task_id");

	if (i >= 0 && run->pv[i].set) {
		p[1] = run->pv[i].text;
		if ((e = db_exec(req->db, sql_task_summary, 2, p,
		    &run->task)) != DB_OK)
			return req_db_fail(req, e);
	}
	for (k = 0; k < 7; k++)
		if ((i = REPORT_FIELD(r, named[k])) >= 0 && run->pv[i].set &&
		    r->fields[i].type != FT_UINT) {	/* a set's values */
			p[k + 1] = run->pv[i].text;
			any = true;
		} else
			p[k + 1] = NULL;
	if (any && (e = db_exec(req->db, sql_filter_names, 8, p,
	    &run->names)) != DB_OK)
		return req_db_fail(req, e);
	return 0;
}

/*
 * Returns the parameters of part p of a run's report (in the arena): the
 * tenant, then the value of each field it names (NULL: not given); *n is
 * set to their number.
 */
static const char **
part_params(struct req *req, const struct run *run, const struct part *p, int *n)
{
	const char **pp;
	size_t k, m;
	int i;

	for (m = 0; p->params != NULL && p->params[m] != NULL; m++)
		;
	pp = arena_alloc(req->a, (m + 1) * sizeof(*pp));
	pp[0] = req->tenant;
	for (k = 0; k < m; k++) {
		i = REPORT_FIELD(run->r, p->params[k]);
		pp[k + 1] = i >= 0 && run->pv[i].set ? run->pv[i].text : NULL;
	}
	*n = (int)m + 1;
	return pp;
}

/* Clears the rows of a run's parts. */
static void
parts_clear(struct run *run)
{
	size_t k;

	for (k = 0; k < REPORT_PARTS; k++) {
		PQclear(run->parts[k]);
		run->parts[k] = NULL;
	}
}

/*
 * Runs the parts of a run's report into run->parts, one statement after
 * another (a whole selection's: its cursor comes next in the same
 * transaction). Returns 0 or the status of the failure it set.
 */
static int
parts(struct req *req, struct run *run)
{
	const char **pp;
	enum db_err e;
	size_t k;
	int n;

	for (k = 0; k < run->r->nparts && k < REPORT_PARTS; k++) {
		pp = part_params(req, run, &run->r->parts[k], &n);
		if ((e = db_exec(req->db, run->r->parts[k].sql, n, pp,
		    &run->parts[k])) != DB_OK)
			return req_db_fail(req, e);
	}
	return 0;
}

/*
 * A run's whole selection (XLSX): its summaries, then its rows through a
 * cursor, batch by batch, handed to the renderer as run->src. Returns 0 or
 * the status of the answer set.
 */
static int
selection(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	struct cursor_src c;
	int status;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.src.next = cursor_next;
	c.src.poll = cursor_poll;
	if (renderers[req->fmt].summary && (status = summaries(req, run)) != 0)
		goto out;
	if (renderers[req->fmt].parts && (status = parts(req, run)) != 0)
		goto out;
	if ((c.e = db_cursor_open(&c.cur, req->db, run->sql, run->nparams,
	    run->params, req->pause != NULL ? JOB_FETCH_ROWS : FETCH_ROWS)) != DB_OK ||
	    ((c.first = db_cursor_next(&c.cur, &c.e)) == NULL && c.e != DB_OK))
		goto failed;
	if (report_needs_row(r) && (c.first == NULL || PQntuples(c.first) == 0)) {
		/* Not the caller's (or not there): the same 404 as JSON's. */
		req_error(req, 404, "not found");
		status = 404;
		goto out;
	}
	run->src = &c.src;
	if ((status = render_report(req, run)) != RENDER_ROWS_FAILED)
		goto out;
	if (c.gone && req->job_cancelled) {
		log_line(req->id, "%s: cancelled after %ld rows (%s): file removed",
		    renderers[req->fmt].name, c.rows, r->name);
		req_error(req, 499, "cancelled");
		status = 499;
		goto out;
	}
	if (c.gone) {
		log_line(req->id, "%s: client gone after %ld rows (%s): file removed",
		    renderers[req->fmt].name, c.rows, r->name);
		req_error(req, 499, "client closed the request");
		status = 499;
		goto out;
	}
failed:
	log_line(req->id, "%s: %s after %ld rows (%s): workbook removed",
	    renderers[req->fmt].name, db_strerror(c.e), c.rows, r->name);
	status = req_db_fail(req, c.e);
out:
	run->src = NULL;
	PQclear(c.first);
	db_cursor_close(&c.cur);
	PQclear(run->task);
	PQclear(run->names);
	parts_clear(run);
	return status;
}

/*
 * Sets q to take one of max slots of the caller's tenant (prefix: "tenant:",
 * "export:") or of everyone's (prefix NULL) until the request's transaction
 * ends; the statement raises busy (CRBSY: 429, CRFUL: 503) when all are
 * taken (callreport_slot, sql/schema.sql).
 */
static void
slot_q(struct req *req, struct db_q *q, const char *prefix, long max,
    const char *busy)
{
	const char **p = arena_alloc(req->a, 3 * sizeof(*p));

	p[0] = prefix ? arena_printf(req->a, "%s%s", prefix, req->tenant) : "export";
	p[1] = arena_printf(req->a, "%ld", max);
	p[2] = busy;
	*q = (struct db_q){ "SELECT callreport_slot($1, $2::int, $3)", 3, p, NULL };
}

/* Takes such a slot now (q is scratch); returns DB_OK, DB_BUSY, DB_FULL or a failure. */
static enum db_err
slot(struct req *req, struct db_q *q, const char *prefix, long max, const char *busy)
{
	PGresult *res = NULL;
	enum db_err e;

	if (max <= 0)
		return DB_OK;
	slot_q(req, q, prefix, max, busy);
	e = db_exec(req->db, q->sql, q->n, q->params, &res);
	PQclear(res);
	return e;
}

/* Returns the keys of r's workbook columns, separated by commas. */
static const char *
file_keys(struct arena *a, const struct report *r)
{
	const char *s = "";
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].views & VX)
			s = arena_printf(a, "%s%s%s", s, *s ? ", " : "", r->cols[i].key);
	return s;
}

int
report_serve(struct req *req, const struct report *r)
{
	const char *inm, *pp[2], *kept;
	bool fresh;
	/* The slot, the count, the rows, the page statement, the parts. */
	struct db_q q[4 + REPORT_PARTS];
	struct run run;
	const char *err = NULL;
	PGresult *res = NULL;
	enum db_err e;
	int ip, ipp, nq, irows, icount, iextra, ipart, n, k, status = 0;
	bool ahead;	/* the count in a round trip of its own, before the rows */
	bool moving;
	size_t i;

	if (r->alt && req->fmt != FMT_JSON)
		r = &reports[r->alt - 1];
	memset(&run, 0, sizeof(run));
	run.r = r;
	run.pv = arena_alloc(req->a, (r->nfields + 1) * sizeof(*run.pv));
	/* A page's filter is no parameter of the JSON (the contract's). */
	if (valid_fields_but(req->a, r->fields, r->nfields, req->params,
	    req->fmt == FMT_JSON ? F_PAGE : 0, run.pv, &err)) {
		valid_fail(req, r->fields, r->nfields, err);
		return bad_input(req, &run);
	}
	if (period_fields(req, &run, &moving) != 0)
		return bad_input(req, &run);
	if (r->variant && req->fmt != FMT_JSON &&
	    (ip = REPORT_FIELD(r, r->variant_field)) >= 0 && run.pv[ip].i == 1)
		run.r = r = &reports[r->variant - 1];	/* the same fields */
	run.params = arena_alloc(req->a, (r->nfields + 3) * sizeof(char *));
	run.params[run.nparams++] = req->tenant;
	for (i = 0; i < r->nfields; i++)
		if (!(r->fields[i].flags & F_NOSQL))
			run.params[run.nparams++] =
			    run.pv[i].set ? run.pv[i].text : NULL;
	ip = REPORT_FIELD(r, "page");
	ipp = REPORT_FIELD(r, "per_page");
	run.page = ip >= 0 ? run.pv[ip].i : 1;
	run.per_page = ipp >= 0 && run.pv[ipp].set ? run.pv[ipp].i : 15;
	if (req->cfg->max_offset > 0)
		run.page_max = req->cfg->max_offset / run.per_page + 1;
	/* A page that skips rows finds them by their keys first (deep_sql); a file reads sql. */
	if ((run.sql = report_order_sql(req, r, r->deep_sql != NULL && run.page > 1 &&
	    !renderers[req->fmt].whole ? r->deep_sql : r->sql, run.pv)) == NULL) {
		req_error(req, 500, "internal error");
		return 500;
	}

	/*
	 * A conditional request for unchanged data (its begin was not
	 * deferred: the data version is known): 304 without the report query
	 * for a list that is there whatever the parameters; anything else (a
	 * task's numbers, one call) runs first, so that a forged validator for
	 * a missing or foreign id gets the 404 its plain request gets.
	 */
	inm = req_env(req, "HTTP_IF_NONE_MATCH");
	fresh = inm != NULL && !moving && strstr(inm, report_etag(req, r)) != NULL;
	if (fresh && r->count_sql == NULL && !report_needs_row(r)) {
		/* A list that exists whatever the parameters: 304 at once. */
		req->status = 304;
		return validator(req, r, 304, false);
	}

	/* An answer kept from an earlier request of the same data (pagecache.h). */
	if ((kept = pagecache_key(req, &run)) != NULL && pagecache_get(req, kept))
		return validator(req, r, 200, fresh);

	if (renderers[req->fmt].whole) {
		const char *bad;

		if (file_columns(req, &run, &bad) != 0)
			return valid_fail(req, r->fields, r->nfields, arena_printf(
			    req->a, "columns has no column %s (the report's are %s)",
			    bad, file_keys(req->a, r)));
		/*
		 * A file of the whole selection holds a worker and a backend
		 * for seconds: a tenant has export_max_per_tenant at once
		 * (then 429), everyone export_max (then 503), so that
		 * interactive requests always find a worker. A job's run (the
		 * runner's) takes none: jobs_max bounds the runner.
		 */
		if (req->progress == NULL && ((e = slot(req, &q[0], "tenant:",
		    req->cfg->tenant_max_requests, "CRBSY")) != DB_OK ||
		    (e = slot(req, &q[0], "export:", req->cfg->export_max_per_tenant,
		    "CRBSY")) != DB_OK ||
		    (e = slot(req, &q[0], NULL, req->cfg->export_max, "CRFUL")) != DB_OK))
			return req_db_fail(req, e);
		if (r->count_sql != NULL) {
			/* A paged count of the whole selection: LIMIT NULL, OFFSET 0. */
			run.params[run.nparams] = NULL;
			run.params[run.nparams + 1] = "0";
			if ((e = db_exec(req->db, r->count_sql, run.nparams +
			    (r->count_paged ? 2 : 0), run.params, &res)) != DB_OK)
				return req_db_fail(req, e);
			if ((status = counted(req, &run, res)) != 0)
				return status;
			/*
			 * A big selection is a job: built by the runner, outside
			 * the web workers (report/job.h), not by this request.
			 * The static export (capture) and a job's own run stay
			 * in-process.
			 */
			if (req->cfg->export_async_rows > 0 &&
			    run.total > req->cfg->export_async_rows &&
			    !req->capture && req->progress == NULL)
				return job_create(req, &run);
			/* The whole selection: LIMIT NULL is LIMIT ALL. */
			run.params[run.nparams++] = NULL;
			run.params[run.nparams++] = "0";
		}
		/*
		 * Refused before it is built when tmp_dir has no room for it
		 * (the estimate from its rows; a report without a count is a
		 * few rows). Twenty big workbooks at once held 1.1 GB.
		 */
		if ((status = file_room(req, renderers[req->fmt].space(r,
		    run.total))) != 0)
			return status;
		status = selection(req, &run);
		return validator(req, r, status ? status : 200, fresh);
	}

	/*
	 * The tenant's slot, the count, the page and the page statement of
	 * HTML in one round trip (with a deferred begin, the request's only
	 * one). Nothing more is asked: the transaction ends in the same round
	 * trip. A page deeper than max_offset rows sends the slot and its count
	 * first, alone (ahead): a page past the last one is then answered
	 * empty without its statement (page=1000000000 made the OFFSET walk
	 * the whole selection). A page within max_offset skips so
	 * few rows that its statement runs beside its count whatever the
	 * count says: one round trip, one wake-up of the backend, not two.
	 */
	ahead = r->count_sql != NULL && run.page > 1 &&
	    !(run.page_max > 0 && run.page <= run.page_max);
	nq = 0;
	if (req->cfg->tenant_max_requests > 0)
		slot_q(req, &q[nq++], "tenant:", req->cfg->tenant_max_requests, "CRBSY");
	icount = nq;
	if (r->count_sql != NULL) {
		run.params[run.nparams++] = arena_printf(req->a, "%ld", run.per_page);
		run.params[run.nparams++] = arena_printf(req->a, "%ld",
		    (run.page - 1) * run.per_page);
		q[nq++] = (struct db_q){ r->count_sql,
		    r->count_paged ? run.nparams : run.nparams - 2, run.params, NULL };
		if (ahead) {
			if ((e = db_batch(req->db, q, nq, false)) != DB_OK)
				return req_db_fail(req, e);
			for (k = 0; k < icount; k++)
				PQclear(q[k].res);
			if ((status = counted(req, &run, q[icount].res)) != 0)
				return validator(req, r, status, fresh);
			nq = icount = 0;
		}
	}
	irows = nq;
	/*
	 * A page within the selection but deeper than max_offset rows is
	 * refused (its OFFSET walks every row before it: page 9000 of 100
	 * took over a second); one past the last page is the contract's
	 * empty page, from the count.
	 */
	if (r->count_sql != NULL && run.page_max > 0 && run.page > run.page_max &&
	    run.page <= run.last_page)
		return valid_fail(req, r->fields, r->nfields, arena_printf(req->a,
		    "page must be at most %ld at per_page %ld (pages skip at most "
		    "%ld rows); narrow the filters, or take the whole selection "
		    "as format=xlsx or format=csv", run.page_max, run.per_page,
		    req->cfg->max_offset));
	if (ahead && run.page > run.last_page)
		run.rows = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	else
		q[nq++] = (struct db_q){ run.sql, run.nparams, run.params, NULL };
	iextra = ipart = -1;
	if (req->fmt == FMT_HTML && r->page_sql != NULL &&
	    (ip = REPORT_FIELD(r, r->page_key)) >= 0 && run.pv[ip].set) {
		pp[0] = req->tenant;
		pp[1] = run.pv[ip].text;
		iextra = nq;
		q[nq++] = (struct db_q){ r->page_sql, 2, pp, NULL };
	}
	if (renderers[req->fmt].parts && r->nparts > 0) {
		ipart = nq;
		for (i = 0; i < r->nparts && i < REPORT_PARTS; i++) {
			const char **p = part_params(req, &run, &r->parts[i], &n);

			q[nq++] = (struct db_q){ r->parts[i].sql, n, p, NULL };
		}
	}
	if (nq > 0 && (e = db_batch(req->db, q, nq, true)) != DB_OK) {
		PQclear(run.rows);
		return req_db_fail(req, e);
	}
	if (run.rows == NULL)
		run.rows = q[irows++].res;
	run.extra = iextra >= 0 ? q[iextra].res : NULL;
	for (i = 0; ipart >= 0 && i < r->nparts && i < REPORT_PARTS; i++)
		run.parts[i] = q[ipart + (int)i].res;
	if (irows > 0 && !ahead)
		for (k = 0; k < icount; k++)
			PQclear(q[k].res);
	if (r->count_sql != NULL && !ahead)
		status = counted(req, &run, q[icount].res);
	if (status == 0 && report_needs_row(r) && PQntuples(run.rows) == 0) {
		req_error(req, 404, "not found");
		status = 404;
	}
	if (status == 0)
		status = render_report(req, &run);
	if (status == 0 && kept != NULL)
		pagecache_put(req, kept);
	PQclear(run.rows);
	PQclear(run.extra);
	parts_clear(&run);
	return validator(req, r, status ? status : 200, fresh);
}
