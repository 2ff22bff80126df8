/*
 * overview_page.c: a task at a glance (GET /tasks/{task_id}): headline figures and
 * distributions, each from one small SQL text, with charts drawn here as SVG
 * so that the page needs no JavaScript and prints as it shows.
 *
 * The overview is one page of several small statements rather than reports of
 * the table: its parts are short, fixed lists (13 statuses, 24 hours, the top
 * ten tags), not pages a client walks through, and the task list, numbers and
 * call records reports already give every row behind a part as JSON and XLSX:
 * each part's rows link there with the matching filter.
 *
 * Every import computes the parts ahead (cli/import.c, table task_overview; the parts: report/overview.c);
 * the page uses them while they are of the tenant's current data version and
 * computes a part itself otherwise (a task whose data came another way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/arena.h"
#include "input/valid.h"
#include "render/html.h"
#include "report/overview.h"
#include "sqltext.h"
#include "store/db.h"
#include "web/overview_page.h"

/* A part's rows: names, and nrows x ncols values (NULL for SQL NULL). */
struct table {
	int		  nrows, ncols;
	const char	**names;
	const char	**vals;
};

static const char *
cell(const struct table *t, int i, int c)
{
	return t->vals[(size_t)i * (size_t)t->ncols + (size_t)c];
}

/* Returns the column named name, or -1. */
static int
colno(const struct table *t, const char *name)
{
	int c;

	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], name) == 0)
			return c;
	return -1;
}

/* The rows of res (which must outlive t). */
static void
from_result(struct arena *a, PGresult *res, struct table *t)
{
	int i, c;

	t->nrows = PQntuples(res);
	t->ncols = PQnfields(res);
	t->names = arena_alloc(a, ((size_t)t->ncols + 1) * sizeof(char *));
	t->vals = arena_alloc(a, ((size_t)t->nrows * (size_t)t->ncols + 1) *
	    sizeof(char *));
	for (c = 0; c < t->ncols; c++)
		t->names[c] = PQfname(res, c);
	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->ncols; c++)
			t->vals[(size_t)i * (size_t)t->ncols + (size_t)c] =
			    PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
}

/*
 * The rows of a part kept in task_overview (overview_result_json's form),
 * copied into the arena. Returns 0, or -1 when text is not of that form.
 */
static int
from_json(struct arena *a, const char *text, struct table *t)
{
	struct json_object *j = json_tokener_parse(text), *names, *rows, *row, *v;
	int i, c, rc = -1;

	if (j == NULL || !json_object_object_get_ex(j, "names", &names) ||
	    !json_object_object_get_ex(j, "rows", &rows) ||
	    !json_object_is_type(names, json_type_array) ||
	    !json_object_is_type(rows, json_type_array))
		goto out;
	t->ncols = (int)json_object_array_length(names);
	t->nrows = (int)json_object_array_length(rows);
	t->names = arena_alloc(a, ((size_t)t->ncols + 1) * sizeof(char *));
	t->vals = arena_alloc(a, ((size_t)t->nrows * (size_t)t->ncols + 1) *
	    sizeof(char *));
	for (c = 0; c < t->ncols; c++) {
		v = json_object_array_get_idx(names, (size_t)c);
		if (!json_object_is_type(v, json_type_string))
			goto out;
		t->names[c] = arena_strdup(a, json_object_get_string(v));
	}
	for (i = 0; i < t->nrows; i++) {
		row = json_object_array_get_idx(rows, (size_t)i);
		if (!json_object_is_type(row, json_type_array) ||
		    (int)json_object_array_length(row) != t->ncols)
			goto out;
		for (c = 0; c < t->ncols; c++) {
			v = json_object_array_get_idx(row, (size_t)c);
			if (v != NULL && !json_object_is_type(v, json_type_string))
				goto out;	/* only text and null are kept */
			t->vals[(size_t)i * (size_t)t->ncols + (size_t)c] =
			    v == NULL ? NULL : arena_strdup(a, json_object_get_string(v));
		}
	}
	rc = 0;
out:
	json_object_put(j);
	return rc;
}

/* Returns the kept result of the part named section, or NULL. */
static const char *
kept_part(PGresult *kept, const char *section)
{
	int r;

	for (r = 0; r < PQntuples(kept); r++)
		if (strcmp(PQgetvalue(kept, r, 0), section) == 0)
			return PQgetvalue(kept, r, 1);
	return NULL;
}

/*
 * The rows of part pt for task: those kept by the import (kept, as from
 * kept_part) when they are of the form it writes, else the part's statement
 * run now, its result left in *res for the caller to clear. Returns 0 or the
 * status of a database failure.
 */
static int
part_rows(struct req *req, const struct overview_part *pt, const char *task,
    const char *kept, struct table *t, PGresult **res)
{
	const char *p[2] = { req->tenant, task };
	enum db_err e;

	/* Empty on a failure too: the callers read t only when this returns 0,
	 * and req_db_fail() never returns 0, but that is in another file. */
	*res = NULL;
	*t = (struct table){0};
	if (kept != NULL && from_json(req->a, kept, t) == 0)
		return 0;
	if ((e = db_exec(req->db, pt->sql, 2, p, res)) != DB_OK)
		return req_db_fail(req, e);
	from_result(req->a, *res, t);
	return 0;
}

/* The hour chart's box: columns of HOUR_W, bars up to CHART_H high above y = CHART_H + 10. */
#define HOUR_W	20
#define CHART_H	100

/* Sets name to v with one decimal. */
static void
set_1(struct tpl_dict *d, const char *name, double v)
{
	char b[32];

	snprintf(b, sizeof(b), "%.1f", v);
	tpl_set(d, name, b);
}

/* Returns column c of row i as a number (NULL: 0). */
static double
num(const struct table *t, int i, int c)
{
	return c < 0 || cell(t, i, c) == NULL ? 0 : strtod(cell(t, i, c), NULL);
}

/*
 * Fills the repetitions of one part: every column by name, and pct (the
 * share of base, %), bar (the count against the largest, %), sx and sw (the
 * start and width of the row in a stacked bar of 100), and for column charts
 * cx, cy, ch (the count) and cy2, ch2 (the connected column), lx (the label's
 * middle), TICK every third row. Shows <section>_NONE when every count is 0.
 */
static int
fill(struct req *req, struct tpl_dict *d, const struct overview_part *pt,
    const char *task, const char *kept)
{
	int i, c, n, ccount, cbase, cconn, cl, ccolor, st;
	double max = 0, sum = 0, at = 0, base, v, h;
	struct tpl_dict *s;
	struct table t;
	PGresult *res;

	if ((st = part_rows(req, pt, task, kept, &t, &res)) != 0)
		return st;
	n = t.nrows;
	ccount = colno(&t, "count");
	cbase = colno(&t, "base");
	cconn = colno(&t, "connected");
	ccolor = colno(&t, "color");
	/* A row with a filter to drill down by (lo, code or id) links there. */
	if ((cl = colno(&t, "lo")) < 0 && (cl = colno(&t, "code")) < 0)
		cl = colno(&t, "id");
	for (i = 0; i < n; i++) {
		v = num(&t, i, ccount);
		sum += v;
		if (v > max)
			max = v;
	}
	for (i = 0; i < n; i++) {
		s = tpl_section(d, pt->section);
		/* Sections are not inherited: each row says which site it is on. */
		tpl_show(s, req->exporting ? "EXPORT" : "LIVE");
		for (c = 0; c < t.ncols; c++)
			tpl_set(s, t.names[c], cell(&t, i, c) ? cell(&t, i, c) : "");
		v = num(&t, i, ccount);
		base = cbase >= 0 ? num(&t, i, cbase) : sum;
		set_1(s, "pct", base > 0 ? 100.0 * v / base : 0);
		set_1(s, "bar", max > 0 ? 100.0 * v / max : 0);
		set_1(s, "sx", sum > 0 ? 100.0 * at / sum : 0);
		set_1(s, "sw", sum > 0 ? 100.0 * v / sum : 0);
		at += v;
		h = max > 0 ? CHART_H * v / max : 0;
		tpl_set_int(s, "cx", (long)i * HOUR_W + 3);
		tpl_set_int(s, "lx", (long)i * HOUR_W + HOUR_W / 2);
		set_1(s, "ch", h);
		set_1(s, "cy", CHART_H + 10 - h);
		h = max > 0 && cconn >= 0 ? CHART_H * num(&t, i, cconn) / max : 0;
		set_1(s, "ch2", h);
		set_1(s, "cy2", CHART_H + 10 - h);
		if (i % 3 == 0)
			tpl_show(s, "TICK");
		tpl_show(s, ccolor >= 0 && cell(&t, i, ccolor) != NULL ?
		    "COLOR" : "NOCOLOR");
		if (v > 0)
			tpl_show(s, "NONZERO");
		tpl_show(s, cl >= 0 && cell(&t, i, cl) != NULL ? "LINK" : "NOLINK");
	}
	if (sum == 0)
		tpl_show(d, arena_printf(req->a, "%s_NONE", pt->section));
	else
		tpl_show(d, arena_printf(req->a, "%s_ANY", pt->section));
	tpl_set_int(d, arena_printf(req->a, "%s_SUM", pt->section), (long)sum);
	PQclear(res);
	return 0;
}

/*
 * GET /tasks/{task_id}: the task's overview. Returns 200, 400 for a task id
 * that is no UUID, 404 when the task is not the caller's (as the v1
 * endpoints do), or 503/500 for the database.
 */
int
overview_page(struct req *req)
{
	static const struct field f[] = {
		{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
	};
	const char *err, *p[3];
	struct tpl_dict *d;
	struct pval pv[1];
	struct table head;
	PGresult *kept, *res;
	enum db_err e;
	size_t i;
	int c, st;

	if (valid_fields(req->a, f, 1, req->params, pv, &err))
		return valid_fail(req, f, 1, err);
	/* The parts the last import computed, if it was the last change. */
	p[0] = req->tenant;
	p[1] = pv[0].text;
	p[2] = req->db->version;
	if ((e = db_exec(req->db, "SELECT part, result::text FROM task_overview "
	    "WHERE task_id = $2::uuid AND user_id = $1::uuid AND version = $3::bigint",
	    3, p, &kept)) != DB_OK)
		return req_db_fail(req, e);
	/* The headline (overview_parts[0]): one row, none when not the caller's. */
	if ((st = part_rows(req, &overview_parts[0], pv[0].text,
	    kept_part(kept, overview_parts[0].section), &head, &res)) != 0) {
		PQclear(kept);
		return st;
	}
	if (head.nrows == 0 || colno(&head, "name") < 0) {
		PQclear(res);
		PQclear(kept);
		req_error(req, 404, "not found");
		return 404;
	}
	d = html_page(req, arena_printf(req->a, "%s - 任务概览",
	    cell(&head, 0, colno(&head, "name"))));
	tpl_set(d, "TASK_ID", pv[0].text);
	for (c = 0; c < head.ncols; c++)
		tpl_set(d, arena_printf(req->a, "t_%s", head.names[c]),
		    cell(&head, 0, c) ? cell(&head, 0, c) : "");
	PQclear(res);
	for (i = 1; i < overview_nparts; i++)
		if ((st = fill(req, d, &overview_parts[i], pv[0].text,
		    kept_part(kept, overview_parts[i].section))) != 0) {
			PQclear(kept);
			tpl_dict_free(d);
			return st;
		}
	PQclear(kept);
	req_header(req, "Cache-Control", "private, no-cache");
	return html_finish(req, d, "overview.tpl") ? 500 : 200;
}
