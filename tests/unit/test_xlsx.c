/* test_xlsx.c: the pure parts of the XLSX renderer: cutting long strings, numbers, dates. */
#include <math.h>
#include <stdlib.h>

#include "ctest.h"

/* The renderer itself, for its static functions (lighttpd's src/t style). */
#include "render/xlsx.c"

/* fit(): bytes of UTF-8 within a number of UTF-16 units, on a character boundary. */
static void
test_fit(void)
{
	static const struct {
		const char	*s;
		size_t		 max, bytes, units;
	} cases[] = {
		{ "abc", 10, 3, 3 },
		{ "abc", 2, 2, 2 },
		{ "", 5, 0, 0 },
		{ "字字字", 2, 6, 2 },		/* 3 bytes, 1 unit each */
		{ "字字字", 3, 9, 3 },
		{ "a😀b", 2, 1, 1 },		/* the pair does not fit after "a" */
		{ "a😀b", 3, 5, 3 },
		{ "😀😀", 3, 4, 2 },		/* never half a pair */
		{ "é", 1, 2, 1 },
	};
	size_t i, units;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(fit(cases[i].s, strlen(cases[i].s), cases[i].max, &units) ==
		    cases[i].bytes);
		CHECK(units == cases[i].units);
	}
	/* A truncated sequence at the end is left out, not read past. */
	CHECK(fit("a\xe5\xad", 3, 10, &units) == 1 && units == 1);
}

static void
test_numbers(void)
{
	static const struct {
		const char	*s;
		int		 ok;
		double		 v;
	} cases[] = {
		{ "0", 0, 0 }, { "42", 0, 42 }, { "-7", 0, -7 },
		{ "123456789012", 0, 123456789012.0 },
		{ "", -1, 0 }, { "-", -1, 0 }, { "1.5", -1, 0 }, { "1e3", -1, 0 },
		{ " 1", -1, 0 }, { "99999999999999999999", -1, 0 },
	};
	size_t i;
	double v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		CHECK(parse_int(cases[i].s, &v) == cases[i].ok);
		if (cases[i].ok == 0)
			CHECK(v == cases[i].v);
	}
	CHECK(number("12.25") == 12.25 && number("-3") == -3);
}

/* excel_time() gives libxlsxwriter's own serial for every date it takes. */
static void
test_excel_time(void)
{
	static const char *const bad[] = {
		"", "2026-11-24", "2026-11-24 15:30", "2026-11-24T15:30:36",
		"2026-13-01 00:00:00", "2026-00-10 00:00:00", "2026-11-32 00:00:00",
		"2026-11-24 24:00:00", "2026-11-24 15:60:00", "2026-11-24 15:30:36.5",
		"20a6-11-24 15:30:36",
	};
	static const int years[] = { 1901, 1970, 1999, 2000, 2019, 2024, 2026, 2100, 9999 };
	lxw_datetime dt;
	char s[32];
	double got;
	size_t i, k;
	int m;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(excel_time(bad[i], &got, &dt) == -1);
	/* Before 1901: left to libxlsxwriter, which knows Excel's 1900 leap day. */
	CHECK(excel_time("1900-02-28 23:59:59", &got, &dt) == 1);
	CHECK(dt.year == 1900 && dt.month == 2 && dt.day == 28 && dt.sec == 59);
	CHECK(excel_time("1899-12-31 00:00:00", &got, &dt) == 1);
	for (k = 0; k < sizeof(years) / sizeof(years[0]); k++)
		for (m = 1; m <= 12; m++) {
			dt.year = years[k];
			dt.month = m;
			dt.day = m == 2 ? 28 : 30 - m % 2;
			dt.hour = (m * 7) % 24;
			dt.min = (m * 13) % 60;
			dt.sec = (m * 17) % 60;
			snprintf(s, sizeof(s), "%04d-%02d-%02d %02d:%02d:%02d", dt.year,
			    dt.month, dt.day, dt.hour, dt.min, (int)dt.sec);
			CHECK(excel_time(s, &got, &dt) == 0);
			CHECK(fabs(got - lxw_datetime_to_excel_datetime(&dt)) < 1e-9);
		}
	CHECK(excel_time("2024-02-29 12:00:00", &got, &dt) == 0 && got == 45351.5);
}

static void
test_labels(void)
{
	struct arena *a = arena_new();
	struct column ms = { "bill", "通话时长(毫秒)", CT_MS, VX, 0 };
	struct column other = { "x", "时长", CT_MS, VX, 0 };
	struct report r = { .sheet = "号码列表" };

	CHECK_STR(file_secs_label(a, &ms), "通话时长(秒)");
	CHECK_STR(file_secs_label(a, &other), "时长(秒)");
	CHECK_STR(sheet_name(a, &r, 1), "号码列表");
	CHECK_STR(sheet_name(a, &r, 3), "号码列表(3)");
	arena_free(a);
}

int
main(void)
{
	TEST(test_fit);
	TEST(test_numbers);
	TEST(test_excel_time);
	TEST(test_labels);
	return ctest_done("test_xlsx");
}
