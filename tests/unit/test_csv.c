/* test_csv.c: the CSV renderer's fields: quoting (RFC 4180), formula safety, numbers as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"

/* The renderer itself, for its static functions. */
#include "render/csv.c"

/* What put_text(s) writes. */
static const char *
text(const char *s)
{
	static char out[256];
	FILE *f;

	memset(out, 0, sizeof(out));
	f = fmemopen(out, sizeof(out) - 1, "w");
	put_text(f, s);
	fclose(f);
	return out;
}

/* What put_cell writes for value v (NULL: SQL NULL) of a column of type t. */
static const char *
cell(enum ctype t, const char *v, int secs)
{
	static char out[256];
	struct column c = { "k", "标签", t, VX, 0 };
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc a = { .name = "k", .format = 0 };
	FILE *f;

	PQsetResultAttrs(res, 1, &a);
	PQsetvalue(res, 0, 0, (char *)v, v ? (int)strlen(v) : -1);
	memset(out, 0, sizeof(out));
	f = fmemopen(out, sizeof(out) - 1, "w");
	put_cell(f, &c, res, 0, 0, secs);
	fclose(f);
	PQclear(res);
	return out;
}

static void
test_text(void)
{
	CHECK_STR(text("plain"), "plain");
	CHECK_STR(text("中文"), "中文");
	CHECK_STR(text(""), "");
	CHECK_STR(text("a,b"), "\"a,b\"");
	CHECK_STR(text("say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(text("two\r\nlines"), "\"two\r\nlines\"");
	CHECK_STR(text(" padded "), "\" padded \"");
	/* Formula-looking text is shown, never run. */
	CHECK_STR(text("=1+1"), "'=1+1");
	CHECK_STR(text("+86139"), "'+86139");
	CHECK_STR(text("-2+3"), "'-2+3");
	CHECK_STR(text("@SUM(A1)"), "'@SUM(A1)");
	CHECK_STR(text("\tx"), "'\tx");
	CHECK_STR(text("=HYPERLINK(\"u\",\"v\")"), "\"'=HYPERLINK(\"\"u\"\",\"\"v\"\")\"");
	CHECK_STR(text("a=b"), "a=b");
}

static void
test_cells(void)
{
	/* Numbers are numbers, a negative one too. */
	CHECK_STR(cell(CT_INT, "-5", 0), "-5");
	CHECK_STR(cell(CT_NUM, "12.50", 0), "12.50");
	CHECK_STR(cell(CT_MS, "12345", 0), "12345");
	CHECK_STR(cell(CT_MS, "12345", 1), "12.3");
	CHECK_STR(cell(CT_BOOL, "t", 0), "是");
	CHECK_STR(cell(CT_BOOL, "f", 0), "否");
	CHECK_STR(cell(CT_TEXT, NULL, 0), "");
	/* Phone numbers and ids of digits only, as written. */
	CHECK_STR(cell(CT_CODE, "13800138000", 0), "=\"13800138000\"");
	CHECK_STR(cell(CT_CODE, "05712345678", 0), "=\"05712345678\"");
	CHECK_STR(cell(CT_ID, "2088700000000001", 0), "=\"2088700000000001\"");
	CHECK_STR(cell(CT_CODE, "+8613900000002", 0), "'+8613900000002");
	CHECK_STR(cell(CT_CODE, "1E5", 0), "1E5");
	CHECK_STR(cell(CT_TEXT, "13800138000", 0), "13800138000");
}

int
main(void)
{
	TEST(test_text);
	TEST(test_cells);
	return ctest_done("test_csv");
}
