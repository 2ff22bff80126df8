/*
 * csv.c: a report's whole selection as CSV (RFC 4180), for people who open
 * it in Excel or LibreOffice by a double-click:
 *
 * - UTF-8 with a byte order mark (without it Excel reads Chinese as ANSI),
 *   CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF
 *   or starts or ends with a space, its quotes doubled.
 * - The columns of the workbook (the report's VX columns) under their
 *   Chinese labels; milliseconds add a seconds column; booleans 是/否.
 * - Formula-safe: a text field that starts with = + - @ or a tab or CR gets
 *   a leading apostrophe, so that a spreadsheet shows it and runs nothing
 *   (numbers of numeric columns are numbers, never prefixed).
 * - Phone numbers and ids as written: a field of digits only of a code or id
 *   column (a phone number, "0571...", a 16-digit group id) is written as
 *   ="...", the one form both spreadsheets open as text; a bare run of
 *   digits would lose its leading zeros, or its digits past the 15th, or
 *   show as 1.38E+10. The value inside is digits only: nothing to run.
 *
 * The rows come from the engine's cursor (run->src) batch by batch into a
 * buffered temporary file: memory does not grow with the selection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/log.h"
#include "render/csv.h"
#include "render/file.h"

#define POLL_ROWS	256		/* rows between reads of the next batch */
/*
 * The file is the only space a CSV takes in tmp_dir: measured 205 bytes a
 * row of the numbers (21 columns), 259 of the attempts (23), 563 of the
 * call records (40), 10 to 14 a column; the estimate (csv_space) takes 16.
 */
#define SPACE_CELL	16ULL
#define SPACE_FIXED	(4ULL << 10)

/* Returns true when s is a non-empty run of ASCII digits. */
static int
digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Writes one text field, quoted when it must be, formula-safe. */
static void
put_text(FILE *f, const char *s)
{
	size_t n = strlen(s);
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ' ||
	    strpbrk(s, ",\"\r\n") != NULL);

	if (quote)
		fputc('"', f);
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

/* Writes row i's value of column c (col: its result column, -1: none). */
static void
put_cell(FILE *f, const struct column *c, PGresult *res, int i, int col, int secs)
{
	const char *v;

	if (col < 0 || PQgetisnull(res, i, col))
		return;
	v = PQgetvalue(res, i, col);
	if (secs) {
		fprintf(f, "%.1f", strtod(v, NULL) / 1000.0);
		return;
	}
	switch (c->type) {
	case CT_INT:
	case CT_NUM:
	case CT_MS:
		fputs(v, f);		/* PostgreSQL's text of a number */
		break;
	case CT_BOOL:
		fputs(v[0] == 't' ? "是" : "否", f);
		break;
	case CT_CODE:
	case CT_ID:
		if (digits(v)) {
			fprintf(f, "=\"%s\"", v);
			break;
		}
		/* FALLTHROUGH */
	default:
		put_text(f, v);
		break;
	}
}

unsigned long long
csv_space(const struct report *r, long rows)
{
	return SPACE_FIXED + SPACE_CELL * (unsigned long long)file_width(r) *
	    (unsigned long long)(rows > 0 ? rows : 0);
}

int
csv_report(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	struct rowsrc *src = run->src;
	PGresult *res;
	FILE *f = NULL;
	int *col = NULL, i, n, failed;
	/* The workbook's columns, in its order (file_columns). */
	const struct column **c = run->fcols;
	size_t k, cols = run->nfcols;
	long rows = 0;
	char *path;
	const char *why;

	if ((path = file_temp(req, "csv")) == NULL)
		return 500;
	if ((f = fopen(path, "w")) == NULL)
		goto fail;
	fputs("\xEF\xBB\xBF", f);
	for (k = 0; k < cols; k++) {
		if (k)
			fputc(',', f);
		put_text(f, c[k]->label);
		if (c[k]->type == CT_MS) {
			fputc(',', f);
			put_text(f, file_secs_label(req->a, c[k]));
		}
	}
	fputs("\r\n", f);
	col = arena_alloc(req->a, (cols + 1) * sizeof(*col));
	while ((res = src->next(src)) != NULL) {
		if (rows == 0)
			for (k = 0; k < cols; k++)
				col[k] = PQfnumber(res, c[k]->key);
		n = PQntuples(res);
		for (i = 0; i < n; i++) {
			for (k = 0; k < cols; k++) {
				if (k)
					fputc(',', f);
				put_cell(f, c[k], res, i, col[k], 0);
				if (c[k]->type == CT_MS) {
					fputc(',', f);
					put_cell(f, c[k], res, i, col[k], 1);
				}
			}
			fputs("\r\n", f);
			if (i % POLL_ROWS == 0)
				src->poll(src);
		}
		rows += n;
		PQclear(res);
		if (ferror(f))
			break;
	}
	failed = src->failed;
	if (failed || ferror(f) || fclose(f) != 0) {
		f = NULL;
		if (failed) {
			unlink(path);
			return RENDER_ROWS_FAILED;	/* the engine says why */
		}
		goto fail;
	}
	file_attach(req, run, path, "csv", "text/csv; charset=utf-8");
	return 0;
fail:
	why = strerror(errno);
	log_line(req->id, "csv: %s: %s (%s, %ld rows): file removed", path,
	    why, r->name, rows);
	if (f != NULL)
		fclose(f);
	unlink(path);
	req_error(req, 500, req->progress == NULL ? "could not write the file" :
	    arena_printf(req->a, "could not write the file: %s", why));
	return 500;
}
