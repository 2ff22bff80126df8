/* render_xlsx.c: a report's whole selection as an XLSX workbook, in constant memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "db.h"
#include "report.h"
#include "sqltext.h"

#define CELL_MAX	32767
#define ROWS_PER_SHEET	(LXW_ROW_MAX - 1)	/* one header row */
#define CUT_MARK	"…[已截断]"

struct xw {
	lxw_workbook	*wb;
	lxw_worksheet	*sum, *ws;
	lxw_format	*head, *time, *secs, *bold;
	lxw_error	 err;		/* first error */
	const char	*where;
	int		 sheets;
	bool		 mask;		/* mask phone numbers (static export) */
	struct buf	 masked;
};

/* Remembers the first libxlsxwriter error and where it happened. */
static void
chk(struct xw *x, lxw_error e, const char *where)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = e;
		x->where = where;
	}
}

/* Writes a string cell, cut at CELL_MAX bytes on a UTF-8 boundary with a visible mark. */
static void
put_str(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s, lxw_format *f)
{
	size_t n, keep;
	char *cut;

	if (x->mask) {
		buf_reset(&x->masked);
		mask_phones(&x->masked, s, strlen(s));
		s = x->masked.p ? x->masked.p : "";
	}
	n = strlen(s);
	if (n <= CELL_MAX) {
		chk(x, worksheet_write_string(ws, r, c, s, f), "write_string");
		return;
	}
	keep = CELL_MAX - strlen(CUT_MARK);
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;
	cut = xmalloc(keep + strlen(CUT_MARK) + 1);
	memcpy(cut, s, keep);
	strcpy(cut + keep, CUT_MARK);
	chk(x, worksheet_write_string(ws, r, c, cut, f), "write_string");
	free(cut);
}

/* Parses "YYYY-MM-DD HH:MM:SS"; returns 0 or -1. */
static int
parse_time(const char *s, lxw_datetime *dt)
{
	if (strlen(s) < 19 || sscanf(s, "%4d-%2d-%2d %2d:%2d:%lf", &dt->year,
	    &dt->month, &dt->day, &dt->hour, &dt->min, &dt->sec) != 6)
		return -1;
	return 0;
}

/* Returns the XLSX columns a report column takes (milliseconds add seconds). */
static int
span(const struct column *c)
{
	return c->type == CT_MS ? 2 : 1;
}

/* Starts a data sheet (the first, or a continuation) with its header row. */
static void
data_sheet(struct xw *x, const struct report *r)
{
	char name[64];
	lxw_col_t col = 0;
	size_t i;
	double w;

	x->sheets++;
	if (x->sheets == 1)
		snprintf(name, sizeof(name), "%s", r->sheet);
	else
		snprintf(name, sizeof(name), "%s(%d)", r->sheet, x->sheets);
	if ((x->ws = workbook_add_worksheet(x->wb, name)) == NULL) {
		chk(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "add_worksheet");
		return;
	}
	for (i = 0; i < r->ncols; i++) {
		const struct column *c = &r->cols[i];

		if (!(c->views & VX))
			continue;
		w = c->width ? c->width : c->type == CT_TIME ? 20 :
		    c->type == CT_CODE ? 16 : c->type == CT_TEXT ? 18 : 11;
		chk(x, worksheet_set_column(x->ws, col, col, w, NULL), "set_column");
		put_str(x, x->ws, 0, col++, c->label, x->head);
		if (c->type == CT_MS) {
			char l[128];

			snprintf(l, sizeof(l), "%s(秒)", c->label);
			chk(x, worksheet_set_column(x->ws, col, col, 11, NULL),
			    "set_column");
			put_str(x, x->ws, 0, col++, l, x->head);
		}
	}
	worksheet_freeze_panes(x->ws, 1, 0);
}

/* Writes one database row as one sheet row. */
static void
data_row(struct xw *x, const struct report *r, PGresult *res, const int *colno,
    lxw_row_t row)
{
	lxw_col_t col = 0;
	lxw_datetime dt;
	const char *v;
	size_t i;

	for (i = 0; i < r->ncols; i++) {
		const struct column *c = &r->cols[i];

		if (!(c->views & VX))
			continue;
		if (colno[i] < 0 || PQgetisnull(res, 0, colno[i])) {
			col += (lxw_col_t)span(c);
			continue;
		}
		v = PQgetvalue(res, 0, colno[i]);
		switch (c->type) {
		case CT_INT:
		case CT_NUM:
			chk(x, worksheet_write_number(x->ws, row, col, strtod(v, NULL),
			    NULL), "write_number");
			break;
		case CT_MS:
			chk(x, worksheet_write_number(x->ws, row, col, strtod(v, NULL),
			    NULL), "write_number");
			chk(x, worksheet_write_number(x->ws, row, col + 1,
			    strtod(v, NULL) / 1000.0, x->secs), "write_number");
			break;
		case CT_BOOL:
			put_str(x, x->ws, row, col, v[0] == 't' ? "是" : "否", NULL);
			break;
		case CT_TIME:
			if (parse_time(v, &dt) == 0)
				chk(x, worksheet_write_datetime(x->ws, row, col, &dt,
				    x->time), "write_datetime");
			else
				put_str(x, x->ws, row, col, v, NULL);
			break;
		default:
			put_str(x, x->ws, row, col, v, NULL);
			break;
		}
		col += (lxw_col_t)span(c);
	}
}

/* Returns the number of XLSX columns of a report. */
static lxw_col_t
ncols(const struct report *r)
{
	lxw_col_t n = 0;
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].views & VX)
			n += (lxw_col_t)span(&r->cols[i]);
	return n;
}

/*
 * Writes the summary sheet: what, which filters, when, how many rows; for a
 * task: its status distribution with a chart, connect rate and levels.
 */
static int
summary(struct req *req, struct xw *x, struct run *run, long rows,
    enum db_err *dberr)
{
	const struct report *r = run->r;
	lxw_worksheet *ws = x->sum;
	lxw_row_t row = 0;
	char made[64];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int task = -1;
	PGresult *res = NULL;

	chk(x, worksheet_set_column(ws, 0, 0, 22, NULL), "set_column");
	chk(x, worksheet_set_column(ws, 1, 3, 30, NULL), "set_column");
	put_str(x, ws, row, 0, r->title, x->bold);
	row += 2;
	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].name, "task_id") == 0)
			task = (int)i;
		if (!run->pv[i].set || (r->fields[i].flags & F_NOSQL))
			continue;
		put_str(x, ws, row, 0, r->fields[i].label ? r->fields[i].label :
		    r->fields[i].name, NULL);
		put_str(x, ws, row++, 1, run->pv[i].text, NULL);
	}
	if (task >= 0) {
		const char *p[2] = { req->tenant, run->pv[task].text };

		if ((*dberr = db_exec(req->db, sql_task_summary, 2, p, &res)) != DB_OK)
			return -1;
		if (PQntuples(res) > 0) {
			put_str(x, ws, row, 0, "任务名称", NULL);
			put_str(x, ws, row++, 1, PQgetvalue(res, 0, 0), NULL);
		}
		PQclear(res);
		res = NULL;
	}
	setenv("TZ", req->cfg->timezone, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(made, sizeof(made), "%Y-%m-%d %H:%M:%S", &tm);
	put_str(x, ws, row, 0, "生成时间", NULL);
	put_str(x, ws, row++, 1, arena_printf(req->a, "%s (%s)", made,
	    req->cfg->timezone), NULL);
	put_str(x, ws, row, 0, "行数", NULL);
	chk(x, worksheet_write_number(ws, row++, 1, (double)rows, NULL),
	    "write_number");
	if (x->sheets > 1) {
		put_str(x, ws, row, 0, "说明", NULL);
		put_str(x, ws, row++, 1, arena_printf(req->a,
		    "超过 %d 行, 数据分在 %d 个工作表", ROWS_PER_SHEET, x->sheets),
		    NULL);
	}
	if (task >= 0) {
		const char *p[2] = { req->tenant, run->pv[task].text };
		lxw_row_t first;
		lxw_chart *chart;
		lxw_chart_series *s;
		int n, k;

		if ((*dberr = db_exec(req->db, sql_task_status_counts, 2, p, &res))
		    != DB_OK)
			return -1;
		n = PQntuples(res);
		row++;
		put_str(x, ws, row, 0, "号码状态", x->head);
		put_str(x, ws, row, 1, "数量", x->head);
		put_str(x, ws, row++, 2, "占比", x->head);
		first = row;
		for (k = 0; k < n; k++, row++) {
			put_str(x, ws, row, 0, PQgetvalue(res, k, 1), NULL);
			chk(x, worksheet_write_number(ws, row, 1,
			    strtod(PQgetvalue(res, k, 2), NULL), NULL), "write_number");
			chk(x, worksheet_write_number(ws, row, 2,
			    strtod(PQgetvalue(res, k, 3), NULL), x->secs), "write_number");
		}
		PQclear(res);
		res = NULL;
		if (n > 0) {
			if ((chart = workbook_add_chart(x->wb, LXW_CHART_COLUMN)) == NULL) {
				chk(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "add_chart");
				return 0;
			}
			s = chart_add_series(chart, NULL, NULL);
			chart_series_set_categories(s, "汇总", first, 0, row - 1, 0);
			chart_series_set_values(s, "汇总", first, 1, row - 1, 1);
			chart_title_set_name(chart, "号码状态分布");
			chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
			chk(x, worksheet_insert_chart(ws, 2, 4, chart), "insert_chart");
		}
		if ((*dberr = db_exec(req->db, sql_task_level_counts, 2, p, &res))
		    != DB_OK)
			return -1;
		n = PQntuples(res);
		row++;
		put_str(x, ws, row, 0, "意向等级", x->head);
		put_str(x, ws, row++, 1, "数量", x->head);
		for (k = 0; k < n; k++, row++) {
			put_str(x, ws, row, 0, PQgetvalue(res, k, 0), NULL);
			chk(x, worksheet_write_number(ws, row, 1,
			    strtod(PQgetvalue(res, k, 1), NULL), NULL), "write_number");
		}
		PQclear(res);
	}
	return 0;
}

int
render_xlsx(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
	    .tmpdir = req->cfg->tmp_dir, .use_zip64 = LXW_TRUE };
	struct xw x;
	char *path;
	int fd, *colno = NULL, status = 500;
	long rows = 0;
	lxw_row_t sheetrow = 0;
	PGresult *res;
	enum db_err e = DB_OK;
	size_t i;
	bool streaming = false;

	memset(&x, 0, sizeof(x));
	x.mask = req->mask;
	path = arena_printf(req->a, "%s/callreport-XXXXXX.xlsx", req->cfg->tmp_dir);
	if ((fd = mkstemps(path, 5)) < 0) {
		log_line(req->id, "xlsx: %s: %s", path, strerror(errno));
		req_error(req, 500, "internal error");
		return 500;
	}
	close(fd);
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		log_line(req->id, "xlsx: cannot create workbook");
		goto fail;
	}
	x.head = workbook_add_format(x.wb);
	format_set_bold(x.head);
	format_set_bg_color(x.head, 0xDDEBF7);
	x.bold = workbook_add_format(x.wb);
	format_set_bold(x.bold);
	format_set_font_size(x.bold, 14);
	x.time = workbook_add_format(x.wb);
	format_set_num_format(x.time, "yyyy-mm-dd hh:mm:ss");
	x.secs = workbook_add_format(x.wb);
	format_set_num_format(x.secs, "0.000");
	if ((x.sum = workbook_add_worksheet(x.wb, "汇总")) == NULL)
		goto fail;
	data_sheet(&x, r);
	if (x.err)
		goto fail;

	colno = arena_alloc(req->a, (r->ncols + 1) * sizeof(int));
	if ((e = db_stream(req->db, r->sql, run->nparams, run->params)) != DB_OK)
		goto fail;
	streaming = true;
	while ((res = db_next_row(req->db, &e)) != NULL) {
		if (rows == 0)
			for (i = 0; i < r->ncols; i++)
				colno[i] = PQfnumber(res, r->cols[i].key);
		if (sheetrow == ROWS_PER_SHEET) {
			chk(&x, worksheet_autofilter(x.ws, 0, 0, sheetrow, ncols(r) - 1),
			    "autofilter");
			data_sheet(&x, r);
			sheetrow = 0;
		}
		data_row(&x, r, res, colno, ++sheetrow);
		PQclear(res);
		rows++;
		if (x.err)
			break;
	}
	streaming = false;
	if (e != DB_OK || x.err)
		goto fail;
	if (rows == 0 && report_needs_row(r)) {
		/* Not the caller's (or not there): the same 404 as JSON's. */
		workbook_close(x.wb);
		unlink(path);
		req_error(req, 404, "not found");
		return 404;
	}
	chk(&x, worksheet_autofilter(x.ws, 0, 0, sheetrow, ncols(r) - 1),
	    "autofilter");
	if (summary(req, &x, run, rows, &e))
		goto fail;
	if (x.err)
		goto fail;
	chk(&x, workbook_close(x.wb), "workbook_close");
	x.wb = NULL;
	if (x.err)
		goto fail;

	req->file = path;
	req->ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	{
		struct buf cd = {0};
		const unsigned char *p;

		buf_printf(&cd, "attachment; filename=\"%s.xlsx\"; filename*=UTF-8''",
		    r->file);
		for (p = (const unsigned char *)r->title; *p; p++)
			buf_printf(&cd, "%%%02X", *p);
		buf_puts(&cd, ".xlsx");
		req_header(req, "Content-Disposition", cd.p);
		buf_free(&cd);
	}
	buf_free(&x.masked);
	return 0;
fail:
	buf_free(&x.masked);
	if (streaming)
		while ((res = db_next_row(req->db, &e)) != NULL)
			PQclear(res);
	if (x.err)
		log_line(req->id, "xlsx: %s: %s", x.where, lxw_strerror(x.err));
	if (x.wb)
		workbook_close(x.wb);	/* frees it; its error no longer matters */
	unlink(path);
	if (e == DB_DOWN || e == DB_TIMEOUT) {
		log_line(req->id, "xlsx: %s: %s", db_strerror(e), req->db->errmsg);
		req_header(req, "Retry-After", "5");
		req_error(req, 503, "database unavailable, try again");
		return 503;
	}
	if (e == DB_ERROR)
		log_line(req->id, "xlsx: database error %s: %s", req->db->sqlstate,
		    req->db->errmsg);
	req_error(req, status, "could not write the workbook");
	return status;
}
