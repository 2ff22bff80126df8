/*
 * overview.c: a task at a glance (GET /tasks/{task_id}): headline figures and
 * distributions, each from one small SQL text, with charts drawn here as SVG
 * so that the page needs no JavaScript and prints as it shows.
 *
 * The overview is one page of several small statements rather than reports of
 * the table: its parts are short, fixed lists (13 statuses, 24 hours, the top
 * ten tags), not pages a client walks through, and the task list, numbers and
 * call records reports already give every row behind a part as JSON and XLSX:
 * each part's rows link there with the matching filter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "html.h"
#include "sqltext.h"
#include "valid.h"

/*
 * One part of the page: a statement ($1 tenant, $2 task) whose rows have a
 * label and a count (and optionally base, the denominator of the share;
 * else the sum of the counts), shown as repetitions of a template section.
 */
struct part {
	const char	*section;
	const char	*sql;
};

static const struct part parts[] = {
	{ "STATUS", sql_task_status_counts },
	{ "LEVEL", sql_overview_levels },
	{ "TAG", sql_overview_tags },
	{ "TAG_GROUP", sql_overview_tag_groups },
	{ "BILL", sql_overview_bills },
	{ "ROUND", sql_overview_rounds },
	{ "OPERATOR", sql_overview_operators },
	{ "PROVINCE", sql_overview_provinces },
	{ "HOUR", sql_overview_hours },
	{ "HANGUP", sql_overview_hangup },
};

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
num(PGresult *res, int i, int c)
{
	return c < 0 || PQgetisnull(res, i, c) ? 0 :
	    strtod(PQgetvalue(res, i, c), NULL);
}

/*
 * Fills the repetitions of one part: every column by name, and pct (the
 * share of base, %), bar (the count against the largest, %), sx and sw (the
 * start and width of the row in a stacked bar of 100), and for column charts
 * cx, cy, ch (the count) and cy2, ch2 (the connected column), lx (the label's
 * middle), TICK every third row. Shows <section>_NONE when every count is 0.
 */
static int
fill(struct req *req, struct tpl_dict *d, const struct part *pt, const char *task)
{
	const char *p[2] = { req->tenant, task };
	int i, c, n, ccount, cbase, cconn, cl;
	double max = 0, sum = 0, at = 0, base, v, h;
	struct tpl_dict *s;
	PGresult *res;
	enum db_err e;

	if ((e = db_exec(req->db, pt->sql, 2, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	n = PQntuples(res);
	ccount = PQfnumber(res, "count");
	cbase = PQfnumber(res, "base");
	cconn = PQfnumber(res, "connected");
	for (i = 0; i < n; i++) {
		v = num(res, i, ccount);
		sum += v;
		if (v > max)
			max = v;
	}
	for (i = 0; i < n; i++) {
		s = tpl_section(d, pt->section);
		/* Sections are not inherited: each row says which site it is on. */
		tpl_show(s, req->exporting ? "EXPORT" : "LIVE");
		for (c = 0; c < PQnfields(res); c++)
			tpl_set(s, PQfname(res, c), PQgetisnull(res, i, c) ? "" :
			    PQgetvalue(res, i, c));
		v = num(res, i, ccount);
		base = cbase >= 0 ? num(res, i, cbase) : sum;
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
		h = max > 0 && cconn >= 0 ? CHART_H * num(res, i, cconn) / max : 0;
		set_1(s, "ch2", h);
		set_1(s, "cy2", CHART_H + 10 - h);
		if (i % 3 == 0)
			tpl_show(s, "TICK");
		if (PQfnumber(res, "color") >= 0 &&
		    !PQgetisnull(res, i, PQfnumber(res, "color")))
			tpl_show(s, "COLOR");
		else
			tpl_show(s, "NOCOLOR");
		if (v > 0)
			tpl_show(s, "NONZERO");
		/* A row with a filter to drill down by (lo, code or id) links there. */
		cl = PQfnumber(res, "lo");
		if (cl < 0)
			cl = PQfnumber(res, "code");
		if (cl < 0)
			cl = PQfnumber(res, "id");
		tpl_show(s, cl >= 0 && !PQgetisnull(res, i, cl) ? "LINK" : "NOLINK");
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
page_overview(struct req *req)
{
	static const struct field f[] = {
		{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
	};
	const char *err, *p[2];
	struct tpl_dict *d;
	struct pval pv[1];
	PGresult *res;
	enum db_err e;
	size_t i;
	int c, st;

	if (validate(req->a, f, 1, req->params, pv, &err)) {
		req_error(req, 400, err);
		return 400;
	}
	p[0] = req->tenant;
	p[1] = pv[0].text;
	if ((e = db_exec(req->db, sql_overview_task, 2, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	if (PQntuples(res) == 0) {
		PQclear(res);
		req_error(req, 404, "not found");
		return 404;
	}
	d = html_page(req, arena_printf(req->a, "%s - 任务概览",
	    PQgetvalue(res, 0, PQfnumber(res, "name"))));
	tpl_set(d, "TASK_ID", pv[0].text);
	for (c = 0; c < PQnfields(res); c++)
		tpl_set(d, arena_printf(req->a, "t_%s", PQfname(res, c)),
		    PQgetisnull(res, 0, c) ? "" : PQgetvalue(res, 0, c));
	PQclear(res);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if ((st = fill(req, d, &parts[i], pv[0].text)) != 0) {
			tpl_dict_free(d);
			return st;
		}
	req_header(req, "Cache-Control", "private, no-cache");
	return html_finish(req, d, "overview.tpl") ? 500 : 200;
}
