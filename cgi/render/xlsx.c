/* xlsx.c: a report's whole selection as an XLSX workbook, in constant memory. */
/*
 * The workbook: a summary sheet "汇总" first (the report, its filters, when
 * it was made and in which zone, the row count; for a task its status
 * distribution with a chart, connect rate and levels), then the rows under
 * one header row, continued on "<sheet>(2)", "<sheet>(3)" ... past the
 * 1,048,576 rows of an Excel sheet.
 *
 * libxlsxwriter runs in constant_memory mode: rows must go out in order, and
 * they do, as they come from the engine's cursor in batches (run->src), so memory
 * does not grow with the selection. Cells: ids and codes are text (never
 * 1.86E+10), counts and milliseconds numbers (milliseconds add a seconds
 * column), times date cells, booleans 是/否. Every string goes through
 * worksheet_write_string, which never makes a formula: "=1+1" stays text.
 * A string over Excel's 32,767 characters is cut with a visible mark.
 */
#include <errno.h>
#include <limits.h>
#include <sys/statvfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mask.h"
#include "input/period.h"
#include "render/file.h"
#include "render/xlsx.h"

#define CELL_MAX	32767		/* Excel's limit, in UTF-16 units */
#define CUT_MARK	"…[已截断]"
#define CUT_UNITS	6		/* UTF-16 units of CUT_MARK */
#define SHEET_ROWS	(LXW_ROW_MAX - 1)	/* data rows under the header */
#define POLL_ROWS	256		/* rows between reads of the next batch */
#define SUMMARY		"汇总"

/* One report column in the sheet. */
struct xcol {
	const struct column	*c;
	int			 src;	/* column of the result, -1: none */
	lxw_col_t		 at;	/* first sheet column */
};

struct xw {
	lxw_workbook		*wb;
	lxw_worksheet		*sum, *ws;
	lxw_format		*head, *title, *time, *secs, *pct;
	struct xcol		*cols;	/* the VX columns */
	size_t			 ncols;
	lxw_col_t		 width;	/* sheet columns */
	lxw_row_t		 per_sheet;
	int			 sheets;
	lxw_error		 err;	/* the first error */
	const char		*where;	/* and the call that made it */
	const char		*why;	/* a message of ours instead of lxw_strerror */
	unsigned long long	 xml, largest;	/* bytes of the data sheets' XML */
	bool			 mask;	/* mask phone numbers (static export) */
	struct buf		 masked;
};

/* Remembers the first libxlsxwriter error and the call that made it. */
static void
chk(struct xw *x, lxw_error e, const char *where)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = e;
		x->where = where;
	}
}

/* Records an error of ours (no lxw_error says it), unless one came first. */
static void
fail_why(struct xw *x, const char *where, const char *why)
{
	if (x->err == LXW_NO_ERROR) {
		x->err = LXW_ERROR_CREATING_TMPFILE;
		x->where = where;
		x->why = why;
	}
}

/*
 * XXX libxlsxwriter does not check its writes to the temporary file that
 * holds a sheet's rows in constant_memory mode: a full tmp_dir would give a
 * truncated workbook and no error. So the stream it keeps in the worksheet
 * (optimize_tmpfile, a member of its public struct) is checked here: after
 * every batch, and flushed when the sheet ends. Returns 0 or -1.
 */
static int
io_check(struct xw *x, lxw_worksheet *ws, bool end)
{
	FILE *f = ws != NULL ? ws->optimize_tmpfile : NULL;
	off_t n;

	if (f == NULL)
		return 0;
	if (end && fflush(f) != 0) {
		fail_why(x, "temporary file", strerror(errno));
		return -1;
	}
	if (ferror(f)) {
		fail_why(x, "temporary file",
		    "a write failed (tmp_dir full, or a file size limit)");
		return -1;
	}
	if (end && (n = ftello(f)) > 0) {
		x->xml += (unsigned long long)n;
		if ((unsigned long long)n > x->largest)
			x->largest = (unsigned long long)n;
	}
	return 0;
}

/*
 * workbook_close copies each sheet's XML once more, one sheet at a time,
 * and zips it, with the same unchecked writes. Returns 0 when tmp_dir has
 * room for the largest copy and the zip (a quarter of the XML at most),
 * else -1 with the error recorded.
 */
static int
room_check(struct req *req, struct xw *x)
{
	unsigned long long need = x->largest + x->xml / 4 + (16ULL << 20), have;
	struct statvfs sv;

	if (statvfs(req->cfg->tmp_dir, &sv) != 0)
		return 0;	/* nothing to go by: let it try */
	have = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (have >= need)
		return 0;
	fail_why(x, "tmp_dir", arena_printf(req->a, "%llu MB free, the workbook "
	    "needs about %llu MB", have >> 20, need >> 20));
	return -1;
}

/* Returns p, or NULL after recording an allocation failure in where. */
static void *
chkp(struct xw *x, void *p, const char *where)
{
	if (p == NULL)
		chk(x, LXW_ERROR_MEMORY_MALLOC_FAILED, where);
	return p;
}

/*
 * Returns how many bytes of s (n bytes of UTF-8) make at most max UTF-16
 * units, ending on a character boundary; *units is set to their units.
 */
static size_t
fit(const char *s, size_t n, size_t max, size_t *units)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, u = 0, len, w;

	while (i < n) {
		len = p[i] < 0xC0 ? 1 : p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
		w = len == 4 ? 2 : 1;	/* beyond the BMP: a surrogate pair */
		if (u + w > max || i + len > n)
			break;
		u += w;
		i += len;
	}
	*units = u;
	return i;
}

/* Writes a string cell; one over CELL_MAX units is cut and marked. */
static void
put_str(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s, lxw_format *f)
{
	size_t n, keep, units;
	char *cut;

	if (x->mask) {
		buf_reset(&x->masked);
		mask_phones(&x->masked, s, strlen(s));
		s = x->masked.p ? x->masked.p : "";
	}
	n = strlen(s);
	/* A byte is at most one unit: most strings need no counting. */
	if (n <= CELL_MAX || fit(s, n, CELL_MAX, &units) == n) {
		chk(x, worksheet_write_string(ws, r, c, s, f), "write_string");
		return;
	}
	keep = fit(s, n, CELL_MAX - CUT_UNITS, &units);
	cut = xmalloc(keep + sizeof(CUT_MARK));
	memcpy(cut, s, keep);
	memcpy(cut + keep, CUT_MARK, sizeof(CUT_MARK));
	chk(x, worksheet_write_string(ws, r, c, cut, f), "write_string");
	free(cut);
}

static void
put_num(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
    lxw_format *f)
{
	chk(x, worksheet_write_number(ws, r, c, v, f), "write_number");
}

/* Parses a decimal integer as PostgreSQL writes one; returns 0 or -1. */
static int
parse_int(const char *s, double *v)
{
	const char *p = s + (*s == '-');
	long long n = 0;

	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > (LLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	*v = *s == '-' ? -(double)n : (double)n;
	return 0;
}

/* Returns the number of a numeric cell: integers without strtod. */
static double
number(const char *s)
{
	double v;

	return parse_int(s, &v) == 0 ? v : strtod(s, NULL);
}

/* Returns the value of 2 digits at s, or -1. */
static int
dd(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Parses "YYYY-MM-DD HH:MM:SS" (callreport_ts) into an Excel serial date
 * (without sscanf: this runs for millions of cells). Returns 0 with *serial
 * set; 1 with *dt set for a date before 1901, left to libxlsxwriter (Excel's
 * 1900 leap-year bug); -1 for anything else.
 */
static int
excel_time(const char *s, double *serial, lxw_datetime *dt)
{
	int c, y, mo, d, h, mi, se;

	if (strlen(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':' || (c = dd(s)) < 0 ||
	    (y = dd(s + 2)) < 0 || (mo = dd(s + 5)) < 1 || mo > 12 ||
	    (d = dd(s + 8)) < 1 || d > 31 || (h = dd(s + 11)) < 0 || h > 23 ||
	    (mi = dd(s + 14)) < 0 || mi > 59 || (se = dd(s + 17)) < 0 || se > 60)
		return -1;
	if (c * 100 + y < 1901) {
		dt->year = c * 100 + y;
		dt->month = mo;
		dt->day = d;
		dt->hour = h;
		dt->min = mi;
		dt->sec = se;
		return 1;
	}
	*serial = (double)(period_days(c * 100 + y, (int)mo, (int)d) -
	    period_days(1899, 12, 30)) + (h * 3600 + mi * 60 + se) / 86400.0;
	return 0;
}

/* Writes a time cell: a date with a visible format, else the text as it is. */
static void
put_time(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s)
{
	lxw_datetime dt;
	double serial;

	switch (excel_time(s, &serial, &dt)) {
	case 0:
		put_num(x, ws, r, c, serial, x->time);
		break;
	case 1:
		chk(x, worksheet_write_datetime(ws, r, c, &dt, x->time),
		    "write_datetime");
		break;
	default:
		put_str(x, ws, r, c, s, NULL);
		break;
	}
}

/* Returns the XLSX columns a report column takes (milliseconds add seconds). */
static lxw_col_t
span(const struct column *c)
{
	return c->type == CT_MS ? 2 : 1;
}

/* Returns the name of data sheet k (1-based). */
static const char *
sheet_name(struct arena *a, const struct report *r, int k)
{
	return k == 1 ? r->sheet : arena_printf(a, "%s(%d)", r->sheet, k);
}

/* Starts a data sheet (the first, or a continuation) with its header row. */
static void
data_sheet(struct req *req, struct xw *x, const struct report *r)
{
	lxw_worksheet *ws;
	size_t i;
	double w;

	x->sheets++;
	ws = chkp(x, workbook_add_worksheet(x->wb, sheet_name(req->a, r,
	    x->sheets)), "add_worksheet");
	if ((x->ws = ws) == NULL)
		return;
	for (i = 0; i < x->ncols; i++) {
		const struct column *c = x->cols[i].c;
		lxw_col_t at = x->cols[i].at;

		w = c->width ? c->width : c->type == CT_TIME ? 20 :
		    c->type == CT_MS ? 14 : c->type == CT_CODE ? 16 :
		    c->type == CT_TEXT ? 18 : 11;
		chk(x, worksheet_set_column(ws, at, at, w, NULL), "set_column");
		put_str(x, ws, 0, at, c->label, x->head);
		if (c->type == CT_MS) {
			chk(x, worksheet_set_column(ws, at + 1, at + 1, 12, NULL),
			    "set_column");
			put_str(x, ws, 0, at + 1, file_secs_label(req->a, c), x->head);
		}
	}
	worksheet_freeze_panes(ws, 1, 0);
}

/* Ends a data sheet of rows data rows: the autofilter over them, its stream checked. */
static void
end_sheet(struct xw *x, lxw_row_t rows)
{
	if (x->ws == NULL)
		return;
	chk(x, worksheet_autofilter(x->ws, 0, 0, rows, x->width - 1),
	    "autofilter");
	io_check(x, x->ws, true);
}

/* Writes row i of a batch as sheet row row. */
static void
data_row(struct xw *x, PGresult *res, int i, lxw_row_t row)
{
	lxw_worksheet *ws = x->ws;
	const char *v;
	size_t k;
	double n;

	for (k = 0; k < x->ncols; k++) {
		const struct xcol *xc = &x->cols[k];

		if (xc->src < 0 || PQgetisnull(res, i, xc->src))
			continue;
		v = PQgetvalue(res, i, xc->src);
		switch (xc->c->type) {
		case CT_INT:
		case CT_NUM:
			put_num(x, ws, row, xc->at, number(v), NULL);
			break;
		case CT_MS:
			n = number(v);
			put_num(x, ws, row, xc->at, n, NULL);
			put_num(x, ws, row, xc->at + 1, n / 1000.0, x->secs);
			break;
		case CT_BOOL:
			put_str(x, ws, row, xc->at, v[0] == 't' ? "是" : "否", NULL);
			break;
		case CT_TIME:
			put_time(x, ws, row, xc->at, v);
			break;
		default:	/* text, codes, ids: strings, never formulas */
			put_str(x, ws, row, xc->at, v, NULL);
			break;
		}
	}
}

/* Returns field i's value as a reader would write it; status codes get their labels. */
static const char *
filter_text(struct req *req, const struct field *f, const struct pval *p,
    PGresult *status)
{
	struct buf b = {0};
	const char *out;
	size_t k;
	int j;

	switch (f->type) {
	case FT_INTSET:
		for (k = 0; k < p->n; k++) {
			buf_printf(&b, "%s%ld", k ? ", " : "", p->ints[k]);
			/* The rows of task_status_counts: code, label, count, share. */
			for (j = 0; status != NULL && j < PQntuples(status); j++)
				if (strcmp(f->name, "status") == 0 &&
				    atol(PQgetvalue(status, j, 0)) == p->ints[k])
					buf_printf(&b, " %s", PQgetvalue(status, j, 1));
		}
		break;
	case FT_CODESET:
	case FT_UUIDSET:
		for (k = 0; k < p->n; k++)
			buf_printf(&b, "%s%s", k ? ", " : "", p->strs[k]);
		break;
	case FT_RANGE:
	case FT_RANGES:
		for (k = 0; k < p->n; k++)
			buf_printf(&b, "%s%ld 至 %ld", k ? ", " : "",
			    p->ints[2 * k], p->ints[2 * k + 1]);
		break;
	case FT_FLAG:
		buf_puts(&b, p->i ? "是" : "否");
		break;
	default:
		buf_puts(&b, p->text);
		break;
	}
	out = arena_strdup(req->a, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

/* Writes a label in column A and a text in B of row *row, and moves on. */
static void
line(struct xw *x, lxw_row_t *row, const char *label, const char *text)
{
	put_str(x, x->sum, *row, 0, label, NULL);
	if (text != NULL)
		put_str(x, x->sum, *row, 1, text, NULL);
	(*row)++;
}

/* Writes a label and a number (in format f), and moves on. */
static void
line_num(struct xw *x, lxw_row_t *row, const char *label, double v,
    lxw_format *f)
{
	put_str(x, x->sum, *row, 0, label, NULL);
	put_num(x, x->sum, *row, 1, v, f);
	(*row)++;
}

/* Writes the status table of a task (and its chart) from task_status_counts. */
static void
status_table(struct xw *x, lxw_row_t *row, PGresult *res)
{
	lxw_worksheet *ws = x->sum;
	lxw_row_t first;
	lxw_chart *chart;
	lxw_chart_series *s;
	int k, n = PQntuples(res);

	put_str(x, ws, *row, 0, "号码状态", x->head);
	put_str(x, ws, *row, 1, "数量", x->head);
	put_str(x, ws, *row, 2, "占比", x->head);
	first = ++*row;
	for (k = 0; k < n; k++, (*row)++) {
		put_str(x, ws, *row, 0, PQgetvalue(res, k, 1), NULL);
		put_num(x, ws, *row, 1, number(PQgetvalue(res, k, 2)), NULL);
		put_num(x, ws, *row, 2, number(PQgetvalue(res, k, 3)), x->pct);
	}
	if (n == 0)
		return;
	/* A native chart over the table: Excel draws it from the cells. */
	if ((chart = chkp(x, workbook_add_chart(x->wb, LXW_CHART_COLUMN),
	    "add_chart")) == NULL ||
	    (s = chkp(x, chart_add_series(chart, NULL, NULL),
	    "chart_add_series")) == NULL)
		return;
	chart_series_set_categories(s, SUMMARY, first, 0, *row - 1, 0);
	chart_series_set_values(s, SUMMARY, first, 1, *row - 1, 1);
	chart_title_set_name(chart, "号码状态分布");
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	chk(x, worksheet_insert_chart(ws, 1, 4, chart), "insert_chart");
}

/* Writes the level table of a task from task_level_counts. */
static void
level_table(struct xw *x, lxw_row_t *row, PGresult *res)
{
	lxw_worksheet *ws = x->sum;
	double total = 0;
	int k, n = PQntuples(res);

	for (k = 0; k < n; k++)
		total += number(PQgetvalue(res, k, 1));
	put_str(x, ws, *row, 0, "意向等级", x->head);
	put_str(x, ws, *row, 1, "通话记录数", x->head);
	put_str(x, ws, *row, 2, "占比", x->head);
	(*row)++;
	for (k = 0; k < n; k++, (*row)++) {
		double c = number(PQgetvalue(res, k, 1));

		put_str(x, ws, *row, 0, PQgetvalue(res, k, 0), NULL);
		put_num(x, ws, *row, 1, c, NULL);
		put_num(x, ws, *row, 2, total > 0 ? c / total : 0, x->pct);
	}
}

/*
 * The period of a report that has one, in words (period_words): "时段" and
 * "近7天（2026-11-28 至 2026-12-04）", the shortcut named while the times
 * are still its own; a bound alone (a v1 filter) as "2026-11-28 00:00:00 起".
 */
static void
period_line(struct req *req, struct xw *x, struct run *run, lxw_row_t *row)
{
	const struct report *r = run->r;
	int ip = REPORT_FIELD(r, "period"), is = REPORT_FIELD(r, "start_at"),
	    ie = REPORT_FIELD(r, "end_at");
	const char *code = NULL, *err, *s, *e;
	char b[2][PERIOD_TEXT], w[PERIOD_WORDS];
	struct period p;

	if (is < 0 || ie < 0 || (!run->pv[is].set && !run->pv[ie].set))
		return;
	s = run->pv[is].set ? run->pv[is].text : NULL;
	e = run->pv[ie].set ? run->pv[ie].text : NULL;
	if (s == NULL || e == NULL) {
		line(x, row, "时段", arena_printf(req->a, s ? "%s 起" : "至 %s",
		    s ? s : e));
		return;
	}
	if (ip >= 0 && run->pv[ip].set && period_parse(run->pv[ip].text, NULL,
	    NULL, period_now(req->cfg->timezone), &p, &err) == 0) {
		period_format(p.start, b[0]);
		period_format(p.end, b[1]);
		if (strcmp(b[0], s) == 0 && strcmp(b[1], e) == 0)
			code = p.code;
	}
	period_words(code, s, e, w);
	line(x, row, "时段", w);
}

/*
 * Writes the summary sheet, from the summary statements the engine ran
 * (run->task, run->status_counts, run->level_counts; NULL when not asked).
 */
static void
summary(struct req *req, struct xw *x, struct run *run, long rows)
{
	const struct report *r = run->r;
	PGresult *task = run->task, *status = run->status_counts,
	    *levels = run->level_counts;
	const char *taskid = NULL, *zone = req->cfg->timezone;
	lxw_row_t row = 0;
	lxw_datetime dt;
	struct tm tm;
	time_t now = time(NULL);
	bool any = false;
	size_t i;
	int k;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "task_id") == 0 && run->pv[i].set)
			taskid = run->pv[i].text;

	chk(x, worksheet_set_column(x->sum, 0, 0, 16, NULL), "set_column");
	chk(x, worksheet_set_column(x->sum, 1, 1, 40, NULL), "set_column");
	chk(x, worksheet_set_column(x->sum, 2, 2, 30, NULL), "set_column");
	put_str(x, x->sum, row++, 0, r->title, x->title);
	row++;
	if (task != NULL && PQntuples(task) > 0)
		line(x, &row, "任务名称", PQgetvalue(task, 0, 0));
	if (taskid != NULL)
		line(x, &row, "任务ID", taskid);
	period_line(req, x, run, &row);
	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		if (!run->pv[i].set || strcmp(f->name, "task_id") == 0 ||
		    strcmp(f->name, "page") == 0 || strcmp(f->name, "per_page") == 0)
			continue;
		line(x, &row, arena_printf(req->a, "筛选: %s",
		    f->label ? f->label : f->name),
		    filter_text(req, f, &run->pv[i], status));
		any = true;
	}
	if (!any)
		line(x, &row, "筛选条件", "无 (全部)");

	/* When, in the deployment's zone, as a date cell and the zone beside it. */
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&now, &tm);
	dt.year = tm.tm_year + 1900;
	dt.month = tm.tm_mon + 1;
	dt.day = tm.tm_mday;
	dt.hour = tm.tm_hour;
	dt.min = tm.tm_min;
	dt.sec = tm.tm_sec;
	put_str(x, x->sum, row, 0, "生成时间", NULL);
	chk(x, worksheet_write_datetime(x->sum, row, 1, &dt, x->time),
	    "write_datetime");
	put_str(x, x->sum, row++, 2, arena_printf(req->a, "%s (UTC%c%02ld:%02ld)",
	    zone, tm.tm_gmtoff < 0 ? '-' : '+', labs(tm.tm_gmtoff) / 3600,
	    labs(tm.tm_gmtoff) % 3600 / 60), NULL);

	line_num(x, &row, "行数", (double)rows, NULL);
	if (x->sheets == 1)
		line(x, &row, "工作表", r->sheet);
	else {
		struct buf b = {0};

		for (k = 1; k <= x->sheets; k++)
			buf_printf(&b, "%s%s", k > 1 ? ", " : "",
			    sheet_name(req->a, r, k));
		line(x, &row, "工作表", b.p);
		buf_free(&b);
		line(x, &row, "说明", arena_printf(req->a, "行数超过 Excel 一个工作表"
		    "的上限, 每个工作表 %lu 行数据, 接续在 %d 个工作表中",
		    (unsigned long)x->per_sheet, x->sheets));
	}

	if (task != NULL && status != NULL && PQntuples(task) > 0) {
		double dialled = number(PQgetvalue(task, 0, 2)),
		    connected = number(PQgetvalue(task, 0, 3));

		row++;
		line_num(x, &row, "号码总数", number(PQgetvalue(task, 0, 1)), NULL);
		line_num(x, &row, "已呼叫", dialled, NULL);
		line_num(x, &row, "接通数", connected, NULL);
		line_num(x, &row, "接通率", dialled > 0 ? connected / dialled : 0,
		    x->pct);
		put_str(x, x->sum, row - 1, 2, "接通数 / 已呼叫", NULL);
		row++;
		status_table(x, &row, status);
		row++;
		level_table(x, &row, levels);
	}
}

/* Sets up the workbook's formats and columns; returns 0 or -1 (x->err says why). */
static int
setup(struct req *req, struct xw *x, const struct report *r)
{
	lxw_doc_properties props = {
		.title = (char *)r->title,
		.author = "callreport",
		.comments = "callreport XLSX export",
	};
	lxw_col_t at = 0;
	size_t i;

	chk(x, workbook_set_properties(x->wb, &props), "set_properties");
	if ((x->head = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->title = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->time = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->secs = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->pct = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL)
		return -1;
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss");
	format_set_num_format(x->secs, "0.000");
	format_set_num_format(x->pct, "0.00%");

	x->cols = arena_alloc(req->a, (r->ncols + 1) * sizeof(*x->cols));
	for (i = 0; i < r->ncols; i++) {
		if (!(r->cols[i].views & VX))
			continue;
		x->cols[x->ncols].c = &r->cols[i];
		x->cols[x->ncols].src = -1;
		x->cols[x->ncols++].at = at;
		at += span(&r->cols[i]);
	}
	x->width = at;
	x->per_sheet = SHEET_ROWS;
	/* A test and operations knob: continuation sheets without a million rows. */
	if (req->cfg->xlsx_rows_per_sheet > 0 &&
	    req->cfg->xlsx_rows_per_sheet < SHEET_ROWS)
		x->per_sheet = (lxw_row_t)req->cfg->xlsx_rows_per_sheet;
	if ((x->sum = chkp(x, workbook_add_worksheet(x->wb, SUMMARY),
	    "add_worksheet")) == NULL)
		return -1;
	data_sheet(req, x, r);
	return x->err ? -1 : 0;
}

/*
 * Drops a workbook that failed, without writing it: workbook_close would
 * first zip every row written so far (minutes for a big export), and when
 * its own writes fail it returns early with temporary files left open. The
 * streams holding the rows (libxlsxwriter unlinked their files already) are
 * closed here, then the rest is freed.
 */
static void
drop(lxw_workbook *wb)
{
	lxw_worksheet *ws;

	if (wb == NULL)
		return;
	LXW_FOREACH_WORKSHEET(ws, wb) {
		if (ws->optimize_tmpfile != NULL) {
			fclose(ws->optimize_tmpfile);
			ws->optimize_tmpfile = NULL;
		}
	}
	lxw_workbook_free(wb);
}

/*
 * Writes the whole selection of run (run->src, batch by batch) to a
 * temporary file in tmp_dir and sets it as the response (removed once
 * sent). Returns 0, the HTTP status of the error response set, or
 * RENDER_ROWS_FAILED: every failure is logged, its file removed.
 */
int
xlsx_report(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
	    .tmpdir = req->cfg->tmp_dir, .use_zip64 = LXW_TRUE };
	struct rowsrc *src = run->src;
	struct xw x;
	PGresult *res;
	lxw_row_t sheetrow = 0;
	long rows = 0;
	char *path;
	int i, n;
	size_t k;

	memset(&x, 0, sizeof(x));
	x.mask = req->mask;
	if ((path = file_temp(req, "xlsx")) == NULL)
		return 500;
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		chk(&x, LXW_ERROR_CREATING_TMPFILE, "workbook_new");
		goto fail;
	}
	if (setup(req, &x, r))
		goto fail;

	while ((res = src->next(src)) != NULL) {
		if (rows == 0)
			for (k = 0; k < x.ncols; k++)
				x.cols[k].src = PQfnumber(res, x.cols[k].c->key);
		n = PQntuples(res);
		for (i = 0; i < n && !x.err; i++) {
			if (sheetrow == x.per_sheet) {
				end_sheet(&x, sheetrow);
				data_sheet(req, &x, r);
				sheetrow = 0;
				if (x.err)
					break;
			}
			data_row(&x, res, i, ++sheetrow);
			if (i % POLL_ROWS == 0)
				src->poll(src);
		}
		rows += n;
		PQclear(res);
		if (x.err || io_check(&x, x.ws, false))
			goto fail;
	}
	if (src->failed)
		goto fail;
	end_sheet(&x, sheetrow);
	summary(req, &x, run, rows);
	if (x.err || io_check(&x, x.sum, true) || room_check(req, &x))
		goto fail;
	/*
	 * XXX When a write fails inside workbook_close itself (tmp_dir filling
	 * up meanwhile: room_check looked before), libxlsxwriter leaves one
	 * temporary file open; a worker ends after max_requests anyway.
	 */
	chk(&x, workbook_close(x.wb), "workbook_close");
	x.wb = NULL;
	if (x.err)
		goto fail;
	file_attach(req, r, path, "xlsx",
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	buf_free(&x.masked);
	return 0;
fail:
	buf_free(&x.masked);
	drop(x.wb);
	unlink(path);
	if (src->failed)
		return RENDER_ROWS_FAILED;	/* the engine says why */
	log_line(req->id, "xlsx: %s: %s (%s, %ld rows): workbook removed", x.where,
	    x.why ? x.why : lxw_strerror(x.err), r->name, rows);
	req_error(req, 500, "could not write the workbook");
	return 500;
}
