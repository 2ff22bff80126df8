/* report.c: run a report definition for a request: validate, count, fetch, render. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report.h"

/* Returns the index of the field named name, or -1. */
static int
field_index(const struct report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
report_serve(struct req *req, const struct report *r)
{
	struct run run;
	const char *err = NULL;
	PGresult *res = NULL;
	enum db_err e;
	int ip, ipp, status = 0;
	size_t i;

	if (r->alt && req->fmt != FMT_JSON)
		r = &reports[r->alt - 1];
	memset(&run, 0, sizeof(run));
	run.r = r;
	run.pv = arena_alloc(req->a, (r->nfields + 1) * sizeof(*run.pv));
	if (validate(req->a, r->fields, r->nfields, req->params, run.pv, &err)) {
		req_error(req, 400, err);
		return 400;
	}
	run.params = arena_alloc(req->a, (r->nfields + 3) * sizeof(char *));
	run.params[run.nparams++] = req->tenant;
	for (i = 0; i < r->nfields; i++)
		if (!(r->fields[i].flags & F_NOSQL))
			run.params[run.nparams++] =
			    run.pv[i].set ? run.pv[i].text : NULL;

	ip = field_index(r, "page");
	ipp = field_index(r, "per_page");
	run.page = ip >= 0 ? run.pv[ip].i : 1;
	run.per_page = ipp >= 0 && run.pv[ipp].set ? run.pv[ipp].i : 15;

	if (r->count_sql != NULL) {
		if ((e = db_exec(req->db, r->count_sql, run.nparams, run.params,
		    &res)) != DB_OK)
			return req_db_fail(req, e);
		if (PQntuples(res) == 0) {
			PQclear(res);
			req_error(req, 404, "not found");
			return 404;
		}
		run.total = atol(PQgetvalue(res, 0, PQnfields(res) - 1));
		PQclear(res);
		run.last_page = run.total == 0 ? 1 :
		    (run.total + run.per_page - 1) / run.per_page;
	}

	if (req->fmt == FMT_XLSX) {
		/* The whole selection: LIMIT NULL is LIMIT ALL. */
		if (r->count_sql != NULL) {
			run.params[run.nparams++] = NULL;
			run.params[run.nparams++] = "0";
		}
		status = render_xlsx(req, &run);
		return status ? status : 200;
	}

	if (r->count_sql != NULL) {
		run.params[run.nparams++] = arena_printf(req->a, "%ld", run.per_page);
		run.params[run.nparams++] = arena_printf(req->a, "%ld",
		    (run.page - 1) * run.per_page);
	}
	if ((e = db_exec(req->db, r->sql, run.nparams, run.params, &run.rows))
	    != DB_OK)
		return req_db_fail(req, e);
	if ((r->env == ENV_OBJECT || r->env == ENV_RAW) &&
	    PQntuples(run.rows) == 0) {
		PQclear(run.rows);
		req_error(req, 404, "not found");
		return 404;
	}
	status = req->fmt == FMT_HTML ? render_html(req, &run) :
	    render_json(req, &run);
	PQclear(run.rows);
	return status ? status : 200;
}
