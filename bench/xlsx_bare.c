/* xlsx_bare.c: the ceiling of an XLSX export: bare libxlsxwriter writing the same cells from memory. */
/*
 * usage: xlsx_bare CONNINFO TENANT_ID TASK_ID OUT.xlsx TMPDIR
 *        xlsx_bare --columns
 *
 * Loads the whole numbers report of a task (the statement and the column
 * table callreport itself uses: sql_task_number, reports[REPORT_TASK_NUMBER])
 * into memory, typed, and only then writes it as callreport's export does:
 * constant_memory, the same tmpdir, a header row, the same cell types
 * (strings, numbers with the seconds column, dates with a format), frozen
 * header and autofilter. The write alone is timed: it prints
 * "rows N write_seconds S". --columns prints the sheet's columns
 * (key, type, header) for bench/xlsx_python.py, so all three write the same
 * cells.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <xlsxwriter.h>

#include "report/report.h"
#include "sqltext.h"

/* A cell in memory: what the program would have before writing. */
struct cell {
	int			 null;
	union {
		double		 n;
		const char	*s;
		lxw_datetime	 dt;
	} u;
};

static const char *const tnames[CT__MAX] = {
	"text", "code", "id", "int", "num", "ms", "bool", "time", "json",
};

static double
now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
check(lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "xlsx_bare: %s: %s\n", what, lxw_strerror(e));
		exit(1);
	}
}

/* Returns the seconds header of a milliseconds column: "通话时长(毫秒)" -> "通话时长(秒)". */
static void
secs_label(char *out, size_t n, const char *label)
{
	size_t l = strlen(label), m = strlen("(毫秒)");

	if (l > m && strcmp(label + l - m, "(毫秒)") == 0)
		snprintf(out, n, "%.*s(秒)", (int)(l - m), label);
	else
		snprintf(out, n, "%s(秒)", label);
}

int
main(int argc, char *argv[])
{
	const struct report *r = &reports[REPORT_TASK_NUMBER];
	const struct column *cols[64];
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
	    .use_zip64 = LXW_TRUE };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *time, *secs;
	struct cell *cells;
	const char *params[8];
	char label[128];
	PGconn *conn;
	PGresult *res;
	int nc = 0, src[64], i, k, rows;
	lxw_col_t at, width = 0;
	size_t j;
	double t0, t1, c0, c1;

	for (j = 0; j < r->ncols && nc < 64; j++)
		if (r->cols[j].views & VX)
			cols[nc++] = &r->cols[j];
	if (argc == 2 && strcmp(argv[1], "--columns") == 0) {
		for (k = 0; k < nc; k++)
			printf("%s\t%s\t%s\n", cols[k]->key, tnames[cols[k]->type],
			    cols[k]->label);
		return 0;
	}
	if (argc != 6) {
		fprintf(stderr, "usage: xlsx_bare CONNINFO TENANT_ID TASK_ID OUT.xlsx TMPDIR\n"
		    "       xlsx_bare --columns\n");
		return 2;
	}

	/* Load: not timed. */
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "xlsx_bare: %s", PQerrorMessage(conn));
		return 1;
	}
	res = PQexecParams(conn, "SELECT set_config('callreport.tenant', $1, false), "
	    "set_config('TimeZone', 'Asia/Shanghai', false)", 1, NULL,
	    (const char *const *)&argv[2], NULL, NULL, 0);
	PQclear(res);
	/* tenant, task_id, status, keyword, type, call_history, limit, offset */
	params[0] = argv[2];
	params[1] = argv[3];
	params[2] = params[3] = params[4] = params[5] = params[6] = NULL;
	params[7] = "0";
	res = PQexecParams(conn, sql_task_number, 8, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "xlsx_bare: %s", PQerrorMessage(conn));
		return 1;
	}
	rows = PQntuples(res);
	for (k = 0; k < nc; k++)
		src[k] = PQfnumber(res, cols[k]->key);
	cells = calloc((size_t)rows * (size_t)nc, sizeof(*cells));
	if (cells == NULL)
		return 1;
	for (i = 0; i < rows; i++)
		for (k = 0; k < nc; k++) {
			struct cell *c = &cells[(size_t)i * nc + k];
			const char *v;

			if (src[k] < 0 || PQgetisnull(res, i, src[k])) {
				c->null = 1;
				continue;
			}
			v = PQgetvalue(res, i, src[k]);
			switch (cols[k]->type) {
			case CT_INT:
			case CT_NUM:
			case CT_MS:
				c->u.n = strtod(v, NULL);
				break;
			case CT_BOOL:
				c->u.s = v[0] == 't' ? "是" : "否";
				break;
			case CT_TIME:
				sscanf(v, "%4d-%2d-%2d %2d:%2d:%lf", &c->u.dt.year,
				    &c->u.dt.month, &c->u.dt.day, &c->u.dt.hour,
				    &c->u.dt.min, &c->u.dt.sec);
				break;
			default:
				c->u.s = v;
				break;
			}
		}

	/* Write: timed. */
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	opt.tmpdir = argv[5];
	if ((wb = workbook_new_opt(argv[4], &opt)) == NULL) {
		fprintf(stderr, "xlsx_bare: cannot create %s\n", argv[4]);
		return 1;
	}
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	time = workbook_add_format(wb);
	format_set_num_format(time, "yyyy-mm-dd hh:mm:ss");
	secs = workbook_add_format(wb);
	format_set_num_format(secs, "0.000");
	ws = workbook_add_worksheet(wb, r->sheet);
	for (k = 0, at = 0; k < nc; k++) {
		check(worksheet_set_column(ws, at, at, 16, NULL), "set_column");
		check(worksheet_write_string(ws, 0, at++, cols[k]->label, head),
		    "write_string");
		if (cols[k]->type == CT_MS) {
			secs_label(label, sizeof(label), cols[k]->label);
			check(worksheet_write_string(ws, 0, at++, label, head),
			    "write_string");
		}
	}
	width = at;
	worksheet_freeze_panes(ws, 1, 0);
	for (i = 0; i < rows; i++) {
		lxw_row_t row = (lxw_row_t)i + 1;

		for (k = 0, at = 0; k < nc; k++) {
			struct cell *c = &cells[(size_t)i * nc + k];
			lxw_col_t here = at;

			at += cols[k]->type == CT_MS ? 2 : 1;
			if (c->null)
				continue;
			switch (cols[k]->type) {
			case CT_INT:
			case CT_NUM:
				check(worksheet_write_number(ws, row, here, c->u.n,
				    NULL), "write_number");
				break;
			case CT_MS:
				check(worksheet_write_number(ws, row, here, c->u.n,
				    NULL), "write_number");
				check(worksheet_write_number(ws, row, here + 1,
				    c->u.n / 1000.0, secs), "write_number");
				break;
			case CT_TIME:
				check(worksheet_write_datetime(ws, row, here,
				    &c->u.dt, time), "write_datetime");
				break;
			default:
				check(worksheet_write_string(ws, row, here, c->u.s,
				    NULL), "write_string");
				break;
			}
		}
	}
	check(worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows, width - 1),
	    "autofilter");
	check(workbook_close(wb), "workbook_close");
	t1 = now(CLOCK_MONOTONIC);
	c1 = now(CLOCK_PROCESS_CPUTIME_ID);
	printf("rows %d write_seconds %.3f cpu_seconds %.3f\n", rows, t1 - t0,
	    c1 - c0);
	free(cells);
	PQclear(res);
	PQfinish(conn);
	return 0;
}
