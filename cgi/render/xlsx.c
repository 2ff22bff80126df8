/* xlsx.c: a report's whole selection as an XLSX workbook, in constant memory. */
/*
 * The workbook: a summary sheet "汇总" first (the report, its filters by
 * name, when it was made and in which zone, the row count, the selection's
 * rows counted by its XSUM columns with a chart each, and for a task its
 * headline, marked as the whole task's), then the rows under one header
 * row, continued on "<sheet>(2)", "<sheet>(3)" ... past the 1,048,576 rows
 * of an Excel sheet, then a sheet for each part of the report (struct
 * part: the start page's 趋势), its table and a native line chart over
 * it. The columns are run->fcols (file_columns): those a
 * person reads first, the internal ids and codes last in a collapsed
 * outline group; widths from the widest value of the sheet; every sheet
 * set up to print (landscape, fit to the page width, the header row
 * repeated, a page header and page numbers).
 *
 * libxlsxwriter runs in constant_memory mode: rows must go out in order, and
 * they do, as they come from the engine's cursor in batches (run->src), so memory
 * does not grow with the selection. The summary sheet is added first (so it
 * comes first) and written last, once the rows have been counted: constant
 * memory keeps each sheet's rows in order, not the sheets' order of writing;
 * column widths and print settings go out at close. Cells: ids and codes
 * are text (never 1.86E+10), counts numbers, durations (milliseconds,
 * XSEC seconds) time values shown [m]:ss, percentages (XPCT) fractions
 * shown 0.0%, times date cells, booleans 是/否, text wrapped. Every string
 * goes through worksheet_write_string, which never makes a formula: "=1+1"
 * stays text. A string over Excel's 32,767 characters is cut with a
 * visible mark.
 */
#include <errno.h>
#include <limits.h>
#include <sys/statvfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
/*
 * The space a workbook takes in tmp_dir at its peak (xlsx_space): every
 * sheet's XML, the copy workbook_close makes of one and the zip. Measured
 * on the demo's task of a million numbers (docs/deploy.md): 1,970 bytes a
 * row of the numbers (21 file columns), 2,280 of the attempts (23), 3,890
 * of the call records (40), 90 to 100 a column; the estimate takes 110, and
 * 64 KiB for the summary sheet, styles and the zip's small parts.
 */
#define SPACE_CELL	110ULL
#define SPACE_FIXED	(64ULL << 10)
#define PART_ROWS	1100ULL		/* a part's rows at most: a day a point over three years */

#define TALLY_MAX	64		/* values a summary table counts; the rest are 其他 */
#define HEADER_MAX	250		/* characters of a page header, "…" included (Excel: 255) */
#define WIDTH_MAX	60		/* a column's width at most */

/* One column of the sheet. */
struct xcol {
	const struct column	*c;
	const char		*label;	/* its header */
	int			 src;	/* column of the result, -1: none */
	lxw_col_t		 at;	/* sheet column */
	bool			 internal;	/* an id or code: in the outline group */
	unsigned		 seen;	/* the widest value of this sheet, in Latin characters */
};

/* A summary table: the selection's rows counted by one column's values (XSUM). */
struct tally {
	size_t			 col;	/* in cols */
	size_t			 n;
	const char		*name[TALLY_MAX];
	double			 count[TALLY_MAX];
	double			 other, none;
};

struct xw {
	lxw_workbook		*wb;
	lxw_worksheet		*sum, *ws;
	lxw_format		*head, *title, *time, *dur, *pct, *wrap;
	struct xcol		*cols;	/* the file's columns (run->fcols) */
	size_t			 ncols;
	struct tally		*tallies;
	size_t			 ntallies;
	const char		*header;	/* the page header of every sheet */
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
	unsigned long long need = x->largest + x->xml / 4 + SPACE_FIXED, have;
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

unsigned long long
xlsx_space(const struct report *r, long rows)
{
	unsigned long long n = SPACE_FIXED + SPACE_CELL *
	    (unsigned long long)file_width(r) * (unsigned long long)(rows > 0 ? rows : 0);
	size_t k;

	/* A part's sheet: at most PART_ROWS rows of all its columns. */
	for (k = 0; k < r->nparts && k < REPORT_PARTS; k++)
		if (r->parts[k].sheet != NULL)
			n += SPACE_CELL * r->parts[k].ncols * PART_ROWS;
	return n;
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

/* Returns the width of UTF-8 s in Latin characters (a CJK one is two), up to max. */
static unsigned
text_width(const char *s, unsigned max)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned w = 0;

	for (; *p && w < max; p++)
		if (*p < 0x80)
			w++;
		else if (*p >= 0xC0)
			w += 2;
	return w;
}

/*
 * Returns the header of column c in a workbook: its label without the unit
 * its cells' format now shows ("通话时长(毫秒)" -> "通话时长", "接通率(%)"
 * -> "接通率").
 */
static const char *
col_label(struct arena *a, const struct column *c)
{
	static const char *const units[] = { "(毫秒)", "(秒)", "(%)" };
	size_t n = strlen(c->label), m, k;

	for (k = 0; k < 3; k++) {
		m = strlen(units[k]);
		if ((c->type == CT_MS || (c->views & (XSEC | XPCT))) && n > m &&
		    strcmp(c->label + n - m, units[k]) == 0)
			return arena_strndup(a, c->label, n - m);
	}
	return c->label;
}

/* Returns the width of a column of type c whose widest value is seen. */
static double
col_width(const struct xcol *xc)
{
	const struct column *c = xc->c;
	unsigned head = text_width(xc->label, WIDTH_MAX) + 3, w;	/* + the filter button */

	switch (c->type) {
	case CT_TIME:
		w = 19;
		break;
	case CT_MS:
		w = 8;
		break;
	case CT_TEXT:	/* wrapped past its declared width */
		w = xc->seen + 1;
		if (w > (c->width > 12 ? c->width : 12))
			w = c->width > 12 ? c->width : 12;
		break;
	default:
		w = xc->seen + 2;
		break;
	}
	w = w > head ? w : head;
	return w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* Returns the name of data sheet k (1-based). */
static const char *
sheet_name(struct arena *a, const struct report *r, int k)
{
	return k == 1 ? r->sheet : arena_printf(a, "%s(%d)", r->sheet, k);
}

/*
 * Sets a sheet up for printing: landscape A4, the columns fit to the width
 * of a page, a data sheet's header row on every page, the page header
 * (title, task and period, filters) and the page numbers in the footer.
 */
static void
print_setup(struct xw *x, lxw_worksheet *ws, bool data)
{
	worksheet_set_paper(ws, 9);	/* A4 */
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	if (data) {
		chk(x, worksheet_repeat_rows(ws, 0, 0), "repeat_rows");
	}
	chk(x, worksheet_set_header(ws, x->header), "set_header");
	chk(x, worksheet_set_footer(ws, "&C第 &P 页, 共 &N 页"), "set_footer");
}

/* Starts a data sheet (the first, or a continuation) with its header row. */
static void
data_sheet(struct req *req, struct xw *x, const struct report *r)
{
	lxw_worksheet *ws;
	size_t i;

	x->sheets++;
	ws = chkp(x, workbook_add_worksheet(x->wb, sheet_name(req->a, r,
	    x->sheets)), "add_worksheet");
	if ((x->ws = ws) == NULL)
		return;
	for (i = 0; i < x->ncols; i++) {
		x->cols[i].seen = 0;
		put_str(x, ws, 0, x->cols[i].at, x->cols[i].label, x->head);
	}
	worksheet_freeze_panes(ws, 1, 0);
	print_setup(x, ws, true);
}

/*
 * Ends a data sheet of rows data rows: the widths its values need, the
 * internal columns hidden in a collapsed outline group, the autofilter,
 * its stream checked. (The columns' widths go out when the workbook is
 * closed, so they can follow the rows even in constant_memory mode.)
 */
static void
end_sheet(struct xw *x, lxw_row_t rows)
{
	lxw_row_col_options group = { .hidden = 1, .level = 1 },
	    after = { .collapsed = 1 };
	lxw_col_t last = 0;
	size_t i;

	if (x->ws == NULL)
		return;
	for (i = 0; i < x->ncols; i++) {
		const struct xcol *xc = &x->cols[i];

		chk(x, worksheet_set_column_opt(x->ws, xc->at, xc->at,
		    col_width(xc), xc->c->type == CT_TEXT ? x->wrap : NULL,
		    xc->internal ? &group : NULL), "set_column");
		if (xc->internal)
			last = xc->at + 1;
	}
	if (last > 0)
		chk(x, worksheet_set_column_opt(x->ws, last, last, LXW_DEF_COL_WIDTH,
		    NULL, &after), "set_column");
	if (x->ncols > 0)
		chk(x, worksheet_autofilter(x->ws, 0, 0, rows,
		    (lxw_col_t)(x->ncols - 1)), "autofilter");
	io_check(x, x->ws, true);
}

/* Counts value v (NULL: none) of a summary table. */
static void
tally(struct arena *a, struct tally *t, const char *v)
{
	size_t k;

	if (v == NULL || *v == '\0') {
		t->none++;
		return;
	}
	for (k = 0; k < t->n; k++)
		if (strcmp(t->name[k], v) == 0) {
			t->count[k]++;
			return;
		}
	if (t->n == TALLY_MAX) {
		t->other++;
		return;
	}
	t->name[t->n] = arena_strdup(a, v);
	t->count[t->n++] = 1;
}

/*
 * Writes value v (not NULL) of column xc as cell (row, xc->at) of ws, in the
 * cell type its column's values need, and widens the column to it.
 */
static void
put_cell(struct xw *x, lxw_worksheet *ws, lxw_row_t row, struct xcol *xc,
    const char *v)
{
	const struct column *c = xc->c;
	unsigned w;

	switch (c->type) {
	case CT_INT:
	case CT_NUM:
		if (c->views & XPCT)
			put_num(x, ws, row, xc->at, number(v) / 100, x->pct);
		else if (c->views & XSEC)
			put_num(x, ws, row, xc->at, number(v) / 86400, x->dur);
		else
			put_num(x, ws, row, xc->at, number(v), NULL);
		break;
	case CT_MS:	/* a time value: Excel's unit is the day */
		put_num(x, ws, row, xc->at, number(v) / 86400000.0, x->dur);
		break;
	case CT_BOOL:
		put_str(x, ws, row, xc->at, v[0] == 't' ? "是" : "否", NULL);
		break;
	case CT_TIME:
		put_time(x, ws, row, xc->at, v);
		break;
	default:	/* text, codes, ids: strings, never formulas */
		put_str(x, ws, row, xc->at, v, c->type == CT_TEXT ? x->wrap : NULL);
		break;
	}
	if (c->type != CT_TIME && c->type != CT_MS &&
	    (w = text_width(v, WIDTH_MAX)) > xc->seen)
		xc->seen = w;
}

/* Writes row i of a batch as sheet row row, and counts it in the summary tables. */
static void
data_row(struct req *req, struct xw *x, PGresult *res, int i, lxw_row_t row)
{
	size_t k;

	for (k = 0; k < x->ntallies; k++) {
		int src = x->cols[x->tallies[k].col].src;

		tally(req->a, &x->tallies[k], src < 0 || PQgetisnull(res, i, src) ?
		    NULL : PQgetvalue(res, i, src));
	}
	for (k = 0; k < x->ncols; k++) {
		struct xcol *xc = &x->cols[k];

		if (xc->src < 0 || PQgetisnull(res, i, xc->src))
			continue;
		put_cell(x, x->ws, row, xc, PQgetvalue(res, i, xc->src));
	}
}

/*
 * Writes the sheet of a part of the report (struct part, its rows res): a
 * header row of its VX columns and a row each of its rows, as the data
 * sheets' cells, and beside the table a native line chart of its lines
 * over its category, which Excel draws from the cells. A part that did
 * not run (res NULL) or has no sheet gets none.
 */
static void
part_sheet(struct req *req, struct xw *x, const struct part *p, PGresult *res)
{
	lxw_worksheet *ws;
	lxw_chart *chart;
	lxw_chart_series *s;
	struct xcol *cols;
	lxw_row_t n;
	size_t i, k, nc = 0;
	int row, cat = -1;

	if (p->sheet == NULL || res == NULL || (ws = chkp(x,
	    workbook_add_worksheet(x->wb, p->sheet), "add_worksheet")) == NULL)
		return;
	cols = arena_alloc(req->a, (p->ncols + 1) * sizeof(*cols));
	for (i = 0; i < p->ncols; i++) {
		if (!(p->cols[i].views & VX))
			continue;
		if (p->category != NULL && strcmp(p->cols[i].key, p->category) == 0)
			cat = (int)nc;
		cols[nc] = (struct xcol){ &p->cols[i], col_label(req->a, &p->cols[i]),
		    PQfnumber(res, p->cols[i].key), (lxw_col_t)nc, false, 0 };
		put_str(x, ws, 0, cols[nc].at, cols[nc].label, x->head);
		nc++;
	}
	n = (lxw_row_t)PQntuples(res);
	for (row = 0; row < (int)n; row++)
		for (i = 0; i < nc; i++)
			if (cols[i].src >= 0 && !PQgetisnull(res, row, cols[i].src))
				put_cell(x, ws, (lxw_row_t)row + 1, &cols[i],
				    PQgetvalue(res, row, cols[i].src));
	for (i = 0; i < nc; i++)
		chk(x, worksheet_set_column(ws, cols[i].at, cols[i].at,
		    col_width(&cols[i]), cols[i].c->type == CT_TEXT ? x->wrap : NULL),
		    "set_column");
	worksheet_freeze_panes(ws, 1, 0);
	print_setup(x, ws, true);
	if (nc > 0)
		chk(x, worksheet_autofilter(ws, 0, 0, n, (lxw_col_t)(nc - 1)),
		    "autofilter");
	if (n > 0 && cat >= 0 && p->lines != NULL) {
		if ((chart = chkp(x, workbook_add_chart(x->wb, LXW_CHART_LINE),
		    "add_chart")) == NULL)
			goto out;
		for (k = 0; p->lines[k] != NULL; k++)
			for (i = 0; i < nc; i++) {
				if (strcmp(cols[i].c->key, p->lines[k]) != 0)
					continue;
				if ((s = chkp(x, chart_add_series(chart, NULL, NULL),
				    "chart_add_series")) == NULL)
					goto out;
				chart_series_set_categories(s, p->sheet, 1,
				    (lxw_col_t)cat, n, (lxw_col_t)cat);
				chart_series_set_values(s, p->sheet, 1, cols[i].at, n,
				    cols[i].at);
				chart_series_set_name_range(s, p->sheet, 0, cols[i].at);
				chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
			}
		if (p->title != NULL)
			chart_title_set_name(chart, p->title);
		chart_axis_set_name(chart->x_axis, cols[cat].label);
		chart_axis_set_name(chart->y_axis, "数量");
		chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
		chk(x, worksheet_insert_chart(ws, 1, (lxw_col_t)(nc + 1), chart),
		    "insert_chart");
	}
out:
	io_check(x, ws, true);
}

/*
 * Returns the name of the value code of field f (filter_names.sql's rows:
 * field, code, name), or code itself when it has none.
 */
static const char *
value_name(PGresult *names, const struct field *f, const char *code)
{
	int j;

	for (j = 0; names != NULL && j < PQntuples(names); j++)
		if (strcmp(PQgetvalue(names, j, 0), f->name) == 0 &&
		    strcasecmp(PQgetvalue(names, j, 1), code) == 0)
			return PQgetvalue(names, j, 2);
	return code;
}

/* Returns field f's value as a reader would write it: names for ids and codes. */
static const char *
filter_text(struct req *req, const struct field *f, const struct pval *p,
    PGresult *names)
{
	struct buf b = {0};
	const char *out, *code;
	size_t k, c;

	switch (f->type) {
	case FT_INTSET:
	case FT_CODESET:
	case FT_UUIDSET:
		for (k = 0; k < p->n; k++) {
			if (f->type == FT_INTSET)
				code = arena_printf(req->a, "%ld", p->ints[k]);
			else if (f->type == FT_UUIDSET)
				code = p->strs[k];
			else {	/* the value the code stands for: yd -> 1 -> 移动 */
				for (c = 0; f->codes[c] != NULL &&
				    strcmp(f->codes[c], p->strs[k]) != 0; c++)
					;
				code = f->codes[c] ? f->codevals[c] : p->strs[k];
			}
			buf_printf(&b, "%s%s", k ? ", " : "",
			    value_name(names, f, code));
		}
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

/* Whether field f is a filter to write (not the task, a page, an order, columns). */
static bool
is_filter(const struct field *f)
{
	static const char *const not[] = {
		"task_id", "record_id", "page", "per_page", "sort", "dir", "columns",
		"period", NULL
	};
	size_t k;

	if (f->flags & F_DERIVED)
		return false;
	for (k = 0; not[k] != NULL; k++)
		if (strcmp(f->name, not[k]) == 0)
			return false;
	return true;
}

/*
 * Appends s to b as page header text: '&' (the header's control character)
 * as a full-width ＆, since libxlsxwriter counts an escaped "&&G" as an
 * image placeholder and fails (then frees twice); control characters,
 * which XML cannot hold, as spaces.
 */
static void
header_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (*s == '&')
			buf_puts(b, "＆");
		else
			buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
}

/*
 * Makes the page header of every sheet: the title on the left, the task
 * and the period in the middle, the filters on the right, cut with "…" to
 * the characters Excel takes.
 */
static const char *
page_header(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	struct buf b = {0};
	const char *out;
	size_t i, n, keep;
	int is = REPORT_FIELD(r, "start_at"), ie = REPORT_FIELD(r, "end_at");
	bool any = false;

	buf_puts(&b, "&L");
	header_text(&b, r->title);
	buf_puts(&b, "&C");
	if (run->task != NULL && PQntuples(run->task) > 0)
		header_text(&b, PQgetvalue(run->task, 0, 0));
	if ((is >= 0 && run->pv[is].set) || (ie >= 0 && run->pv[ie].set)) {
		buf_puts(&b, " ");
		header_text(&b, is >= 0 && run->pv[is].set ? run->pv[is].text : "");
		buf_puts(&b, " 至 ");
		header_text(&b, ie >= 0 && run->pv[ie].set ? run->pv[ie].text : "");
	}
	buf_puts(&b, "&R筛选: ");
	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		if (!run->pv[i].set || !is_filter(f))
			continue;
		buf_printf(&b, "%s", any ? "; " : "");
		header_text(&b, arena_printf(req->a, "%s %s", f->label ? f->label :
		    f->name, filter_text(req, f, &run->pv[i], run->names)));
		any = true;
	}
	if (!any)
		buf_puts(&b, "无");
	/* Characters, not bytes (the text holds no '&' of its own). */
	for (i = 0, n = 0, keep = b.len; i < b.len; i++)
		if (((unsigned char)b.p[i] & 0xC0) != 0x80 && ++n == HEADER_MAX) {
			keep = i;
			break;
		}
	out = keep < b.len ? arena_printf(req->a, "%.*s…", (int)keep, b.p) :
	    arena_strdup(req->a, b.p);
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

/* Orders a table's values by count, most first, then by name. */
static void
sort_tally(struct tally *t)
{
	size_t i, k;

	for (i = 1; i < t->n; i++)
		for (k = i; k > 0 && (t->count[k] > t->count[k - 1] ||
		    (t->count[k] == t->count[k - 1] &&
		    strcmp(t->name[k], t->name[k - 1]) < 0)); k--) {
			const char *n = t->name[k];
			double c = t->count[k];

			t->name[k] = t->name[k - 1];
			t->count[k] = t->count[k - 1];
			t->name[k - 1] = n;
			t->count[k - 1] = c;
		}
}

/*
 * Writes a summary table (the selection's rows by one column's values,
 * with their shares of rows) and a native chart over it at chart_row.
 */
static void
count_table(struct req *req, struct xw *x, lxw_row_t *row, struct tally *t,
    double rows, lxw_row_t *chart_row)
{
	lxw_worksheet *ws = x->sum;
	const char *label = x->cols[t->col].label;
	lxw_row_t first;
	lxw_chart *chart;
	lxw_chart_series *s;
	size_t k;

	sort_tally(t);
	put_str(x, ws, *row, 0, label, x->head);
	put_str(x, ws, *row, 1, "数量", x->head);
	put_str(x, ws, *row, 2, "占比", x->head);
	first = ++*row;
	for (k = 0; k < t->n + 2; k++) {
		const char *name = k < t->n ? t->name[k] : k == t->n ? "其他" : "(无)";
		double c = k < t->n ? t->count[k] : k == t->n ? t->other : t->none;

		if (k >= t->n && c == 0)
			continue;
		put_str(x, ws, *row, 0, name, NULL);
		put_num(x, ws, *row, 1, c, NULL);
		put_num(x, ws, *row, 2, rows > 0 ? c / rows : 0, x->pct);
		(*row)++;
	}
	if (*row == first)
		return;
	/* A native chart over the table: Excel draws it from the cells. */
	if ((chart = chkp(x, workbook_add_chart(x->wb, LXW_CHART_COLUMN),
	    "add_chart")) == NULL ||
	    (s = chkp(x, chart_add_series(chart, NULL, NULL),
	    "chart_add_series")) == NULL)
		return;
	chart_series_set_categories(s, SUMMARY, first, 0, *row - 1, 0);
	chart_series_set_values(s, SUMMARY, first, 1, *row - 1, 1);
	chart_title_set_name(chart, arena_printf(req->a, "%s分布", label));
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	if (*chart_row < first - 1)
		*chart_row = first - 1;
	chk(x, worksheet_insert_chart(ws, *chart_row, 4, chart), "insert_chart");
	*chart_row += 16;	/* a chart's height in rows, and a gap */
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
	    NULL, req->now ? req->now :
	    period_now(req->cfg->timezone), &p, &err) == 0) {
		period_format(p.start, b[0]);
		period_format(p.end, b[1]);
		if (strcmp(b[0], s) == 0 && strcmp(b[1], e) == 0)
			code = p.code;
	}
	period_words(code, s, e, w);
	line(x, row, "时段", w);
}

/*
 * Writes the summary sheet: what was selected (the task, the filters by
 * name), when, the row count, then the selection's rows counted by the
 * XSUM columns (counted while the rows were written), and the task's
 * headline, said to be the whole task's.
 */
static void
summary(struct req *req, struct xw *x, struct run *run, long rows)
{
	const struct report *r = run->r;
	PGresult *task = run->task;
	const char *taskid = NULL, *zone = req->cfg->timezone;
	lxw_row_t row = 0, chart_row = 0;
	lxw_datetime dt;
	struct tm tm;
	time_t now = time(NULL);
	bool any = false;
	size_t i;
	int k;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "task_id") == 0 && run->pv[i].set)
			taskid = run->pv[i].text;

	chk(x, worksheet_set_column(x->sum, 0, 0, 18, NULL), "set_column");
	chk(x, worksheet_set_column(x->sum, 1, 1, 40, x->wrap), "set_column");
	chk(x, worksheet_set_column(x->sum, 2, 2, 24, NULL), "set_column");
	print_setup(x, x->sum, false);
	put_str(x, x->sum, row++, 0, r->title, x->title);
	row++;
	if (task != NULL && PQntuples(task) > 0)
		line(x, &row, "任务名称", PQgetvalue(task, 0, 0));
	if (taskid != NULL)
		line(x, &row, "任务ID", taskid);
	period_line(req, x, run, &row);
	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		if (!run->pv[i].set || !is_filter(f))
			continue;
		put_str(x, x->sum, row, 0, arena_printf(req->a, "筛选: %s",
		    f->label ? f->label : f->name), NULL);
		put_str(x, x->sum, row++, 1, filter_text(req, f, &run->pv[i],
		    run->names), x->wrap);
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
	{
		struct buf b = {0};

		for (k = 1; k <= x->sheets; k++)
			buf_printf(&b, "%s%s", k > 1 ? ", " : "",
			    sheet_name(req->a, r, k));
		/* The parts' sheets, those that were written. */
		for (i = 0; i < r->nparts && i < REPORT_PARTS; i++)
			if (r->parts[i].sheet != NULL && run->parts[i] != NULL)
				buf_printf(&b, ", %s", r->parts[i].sheet);
		line(x, &row, "工作表", b.p);
		buf_free(&b);
	}
	if (x->sheets > 1)
		line(x, &row, "说明", arena_printf(req->a, "行数超过 Excel 一个工作表"
		    "的上限, 每个工作表 %lu 行数据, 接续在 %d 个工作表中",
		    (unsigned long)x->per_sheet, x->sheets));

	if (x->ntallies > 0) {
		row++;
		line(x, &row, "统计范围", arena_printf(req->a, "以下统计按上述筛选条件, "
		    "对本工作簿的 %ld 行计算", rows));
		chart_row = row;
		for (i = 0; i < x->ntallies; i++) {
			count_table(req, x, &row, &x->tallies[i], (double)rows,
			    &chart_row);
			row++;
		}
	}

	/* A call's transcript is not about the task's numbers. */
	if (task != NULL && PQntuples(task) > 0 && !r->scoped) {
		double dialled = number(PQgetvalue(task, 0, 2)),
		    connected = number(PQgetvalue(task, 0, 3));

		row++;
		put_str(x, x->sum, row++, 0, "任务整体 (全部号码, 不受筛选条件影响)",
		    x->head);
		line_num(x, &row, "号码总数", number(PQgetvalue(task, 0, 1)), NULL);
		line_num(x, &row, "已呼叫", dialled, NULL);
		line_num(x, &row, "接通数", connected, NULL);
		line_num(x, &row, "接通率", dialled > 0 ? connected / dialled : 0,
		    x->pct);
		put_str(x, x->sum, row - 1, 2, "接通数 / 已呼叫", NULL);
	}
}

/* Sets up the workbook's formats and columns; returns 0 or -1 (x->err says why). */
static int
setup(struct req *req, struct xw *x, struct run *run)
{
	const struct report *r = run->r;
	lxw_doc_properties props = {
		.title = (char *)r->title,
		.author = "callreport",
		.comments = "callreport XLSX export",
	};
	size_t i;

	chk(x, workbook_set_properties(x->wb, &props), "set_properties");
	if ((x->head = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->title = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->time = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->dur = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->pct = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL ||
	    (x->wrap = chkp(x, workbook_add_format(x->wb), "add_format")) == NULL)
		return -1;
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_text_wrap(x->head);
	format_set_align(x->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss");
	format_set_num_format(x->dur, "[m]:ss");
	format_set_num_format(x->pct, "0.0%");
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);

	x->cols = arena_alloc(req->a, (run->nfcols + 1) * sizeof(*x->cols));
	x->tallies = arena_alloc(req->a, (run->nfcols + 1) * sizeof(*x->tallies));
	for (i = 0; i < run->nfcols; i++) {
		const struct column *c = run->fcols[i];

		x->cols[i].c = c;
		x->cols[i].label = col_label(req->a, c);
		x->cols[i].src = -1;
		x->cols[i].at = (lxw_col_t)i;
		x->cols[i].internal = i >= run->nread;
		if (c->views & XSUM) {
			memset(&x->tallies[x->ntallies], 0, sizeof(*x->tallies));
			x->tallies[x->ntallies++].col = i;
		}
	}
	x->ncols = run->nfcols;
	x->header = page_header(req, run);
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
	if (setup(req, &x, run))
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
			data_row(req, &x, res, i, ++sheetrow);
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
	/* The parts' sheets after the rows' (written whole: a few rows each). */
	for (k = 0; k < r->nparts && k < REPORT_PARTS && !x.err; k++)
		part_sheet(req, &x, &r->parts[k], run->parts[k]);
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
	file_attach(req, run, path, "xlsx",
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
	/* A job keeps the reason for its owner (the web answer keeps it to the log). */
	req_error(req, 500, req->progress == NULL ? "could not write the workbook" :
	    arena_printf(req->a, "could not write the workbook: %s: %s", x.where,
	    x.why ? x.why : lxw_strerror(x.err)));
	return 500;
}
