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
#include "base/buf.h"
#include "base/url.h"
#include "input/period.h"
#include "input/valid.h"
#include "render/hook.h"
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
 * The rows of part pt kept in task_overview (overview_result_json's form),
 * copied into the arena. Returns 0, or -1 when text is not of that form or
 * not of pt's statement (another version of the program kept it).
 */
static int
from_json(struct arena *a, const struct overview_part *pt, const char *text,
    struct table *t)
{
	struct json_object *j = json_tokener_parse(text), *names, *rows, *row, *v;
	char digest[OVERVIEW_DIGEST];
	int i, c, rc = -1;

	overview_digest(pt, digest);
	if (j == NULL || !json_object_object_get_ex(j, "sql", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), digest) != 0 ||
	    !json_object_object_get_ex(j, "names", &names) ||
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

/* The task and the period of a page: start and end NULL for the task's whole life. */
struct scope {
	const char	*task, *start, *end;
};

/*
 * The rows of part pt for the scope: those kept by the import (kept, as
 * from kept_part; only for the whole life) when they are of the form it
 * writes, else the part's statement run now, its result left in *res for
 * the caller to clear. Returns 0 or the status of a database failure.
 */
static int
part_rows(struct req *req, const struct overview_part *pt, const struct scope *sc,
    const char *kept, struct table *t, PGresult **res)
{
	const char *p[4] = { req->tenant, sc->task, sc->start, sc->end };
	enum db_err e;

	/* Empty on a failure too: the callers read t only when this returns 0,
	 * and req_db_fail() never returns 0, but that is in another file. */
	*res = NULL;
	*t = (struct table){0};
	if (kept != NULL && sc->start == NULL && from_json(req->a, pt, kept, t) == 0)
		return 0;
	if ((e = db_exec(req->db, pt->sql, 4, p, res)) != DB_OK)
		return req_db_fail(req, e);
	from_result(req->a, *res, t);
	return 0;
}

/*
 * A column chart's box: CHART_W wide, one column a row, bars up to CHART_H
 * high above the axis at y = CHART_H + 10; at most CHART_TICKS labels under
 * it, and the values above the columns while they are wide enough.
 */
#define CHART_W		480
#define CHART_H		100
#define CHART_TICKS	8
#define CHART_VALUES	14	/* the narrowest column with its value above it */

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
 * cx, cw (the column's start and width), cy, ch (the count), cy2, ch2 (the
 * connected column), ry, rh (the rate column, of 100%), lx (the column's
 * middle), TICK on at most CHART_TICKS rows, VALUE while columns are wide
 * enough, link_q (the column link, the value the row's list is filtered by,
 * percent-encoded) with LINK, else NOLINK, NONZERO or ZERO for the count.
 * <section>_MAX is the largest count (the value axis' top). Shows
 * <section>_NONE when every count is 0.
 */
static int
fill(struct req *req, struct tpl_dict *d, const struct overview_part *pt,
    const struct scope *sc, const char *kept)
{
	int i, c, n, ccount, cbase, cconn, crate, cl, ccolor, st, every;
	double max = 0, sum = 0, at = 0, base, v, h, w;
	struct tpl_dict *s;
	struct table t;
	PGresult *res;

	if ((st = part_rows(req, pt, sc, kept, &t, &res)) != 0)
		return st;
	n = t.nrows;
	ccount = colno(&t, "count");
	cbase = colno(&t, "base");
	cconn = colno(&t, "connected");
	crate = colno(&t, "rate");
	ccolor = colno(&t, "color");
	w = n > 0 ? (double)CHART_W / n : CHART_W;
	every = n > CHART_TICKS ? (n + CHART_TICKS - 1) / CHART_TICKS : 1;
	/*
	 * The value a row's link filters by (a part's column link): LINK with
	 * link_q, or NOLINK when it is NULL (the row of those without one: the
	 * template links it with none[]).
	 */
	cl = colno(&t, "link");
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
		tpl_set_1(s, "pct", base > 0 ? 100.0 * v / base : 0);
		tpl_set_1(s, "bar", max > 0 ? 100.0 * v / max : 0);
		tpl_set_1(s, "sx", sum > 0 ? 100.0 * at / sum : 0);
		tpl_set_1(s, "sw", sum > 0 ? 100.0 * v / sum : 0);
		at += v;
		h = max > 0 ? CHART_H * v / max : 0;
		tpl_set_1(s, "cx", i * w + w * 0.15);
		tpl_set_1(s, "cw", w * 0.7);
		tpl_set_1(s, "lx", i * w + w / 2);
		tpl_set_1(s, "ch", h);
		tpl_set_1(s, "vy", CHART_H + 7 - h);
		tpl_set_1(s, "cy", CHART_H + 10 - h);
		h = max > 0 && cconn >= 0 ? CHART_H * num(&t, i, cconn) / max : 0;
		tpl_set_1(s, "ch2", h);
		tpl_set_1(s, "cy2", CHART_H + 10 - h);
		h = crate >= 0 ? CHART_H * num(&t, i, crate) / 100 : 0;
		tpl_set_1(s, "rh", h);
		tpl_set_1(s, "ry", CHART_H + 10 - h);
		if (i % every == 0)
			tpl_show(s, "TICK");
		if (w >= CHART_VALUES && v > 0)
			tpl_show(s, "VALUE");
		tpl_show(s, ccolor >= 0 && valid_color(cell(&t, i, ccolor)) ?
		    "COLOR" : "NOCOLOR");
		tpl_show(s, v > 0 ? "NONZERO" : "ZERO");
		tpl_show(s, cl >= 0 && cell(&t, i, cl) != NULL ? "LINK" : "NOLINK");
		/* A code as a query parameter's value (a code is the platform's text). */
		if (cl >= 0 && cell(&t, i, cl) != NULL) {
			struct buf q = {0};

			url_encode(&q, cell(&t, i, cl));
			tpl_set(s, "link_q", q.p ? q.p : "");
			buf_free(&q);
		}
	}
	if (sum == 0)
		tpl_show(d, arena_printf(req->a, "%s_NONE", pt->section));
	else
		tpl_show(d, arena_printf(req->a, "%s_ANY", pt->section));
	tpl_set_int(d, arena_printf(req->a, "%s_SUM", pt->section), (long)sum);
	tpl_set_int(d, arena_printf(req->a, "%s_MAX", pt->section), (long)max);
	PQclear(res);
	return 0;
}

/* The overview's query for a period (period_query_fn). */
static const char *
period_query(struct req *req, void *ctx, const char *code, const char *start,
    const char *end)
{
	struct buf q = {0};
	const char *s;

	(void)ctx;
	buf_puts(&q, "period=");
	buf_puts(&q, code);
	buf_puts(&q, "&start_at=");
	url_encode(&q, start);
	buf_puts(&q, "&end_at=");
	url_encode(&q, end);
	s = arena_strdup(req->a, q.p);
	buf_free(&q);
	return s;
}

/*
 * GET /tasks/{task_id}: the task's overview, over a period when one is given
 * (period, or start_at and end_at: input/period.h; none: the task's whole life). Returns 200, 400 for a task id
 * that is no UUID, 404 when the task is not the caller's (as the v1
 * endpoints do), or 503/500 for the database.
 */
int
overview_page(struct req *req)
{
	static const struct field f[] = {
		{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
		{ "period", FT_TEXT, 0, 0, 32, NULL, NULL, "时间段" },
		{ "start_at", FT_TIME, 0, 0, 0, NULL, NULL, "开始时间" },
		{ "end_at", FT_TIME, 0, 0, 0, NULL, NULL, "结束时间" },
	};
	const char *err, *p[3], *title;
	char b[2][PERIOD_TEXT], w[PERIOD_WORDS];
	struct tpl_dict *d;
	struct pval pv[4];
	struct table head;
	struct scope sc = { NULL, NULL, NULL };
	struct period per;
	PGresult *kept, *res;
	enum db_err e;
	size_t i;
	int c, st, rc;

	if (valid_fields(req->a, f, 4, req->params, pv, &err))
		return valid_fail(req, f, 4, err);
	sc.task = pv[0].text;
	/* No period: the task's whole life (and the parts the import kept). */
	rc = period_parse(pv[1].set ? pv[1].text : NULL, pv[2].set ? pv[2].text : NULL,
	    pv[3].set ? pv[3].text : NULL,
	    pv[2].set && pv[3].set ? 0 : period_now(req->cfg->timezone), &per, &err);
	if (rc == -1) {
		req_error(req, 400, err);
		return 400;
	}
	if (rc == 0) {
		period_format(per.start, b[0]);
		period_format(per.end, b[1]);
		sc.start = b[0];
		sc.end = b[1];
	}
	/* The parts the last import computed, if it was the last change. */
	p[0] = req->tenant;
	p[1] = pv[0].text;
	p[2] = req->db->version;
	if ((e = db_exec(req->db, "SELECT part, result::text FROM task_overview "
	    "WHERE task_id = $2::uuid AND user_id = $1::uuid AND version = $3::bigint",
	    3, p, &kept)) != DB_OK)
		return req_db_fail(req, e);
	/* The headline (overview_parts[0]): one row, none when not the caller's. */
	if ((st = part_rows(req, &overview_parts[0], &sc,
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
	title = arena_printf(req->a, "%s - 任务概览", cell(&head, 0, colno(&head, "name")));
	if (sc.start != NULL) {
		period_words(per.code, sc.start, sc.end, w);
		title = arena_printf(req->a, "%s %s", title, w);
	}
	d = html_page(req, title);
	tpl_set(d, "TASK_ID", pv[0].text);
	/*
	 * The numbers dialled, as the operators' and provinces' rows count them:
	 * over a period those with an attempt in it (the period's own filter),
	 * else those of a status but 0, 等待呼叫.
	 */
	tpl_set(d, "DIALLED_AMP", sc.start != NULL ? "" : "&status%5B%5D=1&status%5B%5D=2"
	    "&status%5B%5D=3&status%5B%5D=4&status%5B%5D=5&status%5B%5D=6&status%5B%5D=7"
	    "&status%5B%5D=8&status%5B%5D=9&status%5B%5D=10&status%5B%5D=11&status%5B%5D=12");
	hook_periods(req, d, arena_printf(req->a, "%s%s", req->cfg->base_path, req->path),
	    per.code, sc.start, sc.end, true, period_query, NULL);
	for (c = 0; c < head.ncols; c++)
		tpl_set(d, arena_printf(req->a, "t_%s", head.names[c]),
		    cell(&head, 0, c) ? cell(&head, 0, c) : "");
	PQclear(res);
	for (i = 1; i < overview_nparts; i++)
		if ((st = fill(req, d, &overview_parts[i], &sc,
		    kept_part(kept, overview_parts[i].section))) != 0) {
			PQclear(kept);
			tpl_dict_free(d);
			return st;
		}
	PQclear(kept);
	req_header(req, "Cache-Control", "private, no-cache");
	return html_finish(req, d, "overview.tpl") ? 500 : 200;
}
