/* test_period.c: periods from shortcuts and custom times at a given 'now' (period_parse). */
#include <stdlib.h>

#include "ctest.h"
#include "input/period.h"

/* Local seconds of a time, by period_scan (itself checked by the round trips below). */
static long long
at(const char *s)
{
	long long t = -1;

	CHECK(period_scan(s, &t) == 0);
	return t;
}

struct pcase {
	const char	*sc, *start_at, *end_at;
	const char	*now;
	int		 rc;
	const char	*start, *end, *prev_start, *prev_end;	/* rc 0 */
	const char	*err;					/* rc -1 */
};

static const struct pcase cases[] = {
	/* today and yesterday, and their names; the previous period is the day before */
	{ "today", NULL, NULL, "2026-11-20 09:15:00", 0, "2026-11-20 00:00:00",
	  "2026-11-20 23:59:59", "2026-11-19 00:00:00", "2026-11-19 23:59:59", NULL },
	{ "今天", NULL, NULL, "2026-11-20 00:00:00", 0, "2026-11-20 00:00:00",
	  "2026-11-20 23:59:59", "2026-11-19 00:00:00", "2026-11-19 23:59:59", NULL },
	{ "昨天", NULL, NULL, "2026-01-01 23:59:59", 0, "2025-12-31 00:00:00",
	  "2025-12-31 23:59:59", "2025-12-30 00:00:00", "2025-12-30 23:59:59", NULL },
	{ "yesterday", NULL, NULL, "2024-03-01 08:00:00", 0, "2024-02-29 00:00:00",
	  "2024-02-29 23:59:59", "2024-02-28 00:00:00", "2024-02-28 23:59:59", NULL },
	/* the last 7 and 30 days, today included, across a month and a year end */
	{ "7d", NULL, NULL, "2026-03-03 12:00:00", 0, "2026-02-25 00:00:00",
	  "2026-03-03 23:59:59", "2026-02-18 00:00:00", "2026-02-24 23:59:59", NULL },
	{ "近7天", NULL, NULL, "2024-03-03 12:00:00", 0, "2024-02-26 00:00:00",
	  "2024-03-03 23:59:59", "2024-02-19 00:00:00", "2024-02-25 23:59:59", NULL },
	{ "30d", NULL, NULL, "2027-01-10 01:00:00", 0, "2026-12-12 00:00:00",
	  "2027-01-10 23:59:59", "2026-11-12 00:00:00", "2026-12-11 23:59:59", NULL },
	{ "近30天", NULL, NULL, "2026-11-20 10:00:00", 0, "2026-10-22 00:00:00",
	  "2026-11-20 23:59:59", "2026-09-22 00:00:00", "2026-10-21 23:59:59", NULL },
	/* this month: the 1st to today; last month: whole, February of leap years too */
	{ "month", NULL, NULL, "2026-11-20 10:00:00", 0, "2026-11-01 00:00:00",
	  "2026-11-20 23:59:59", "2026-10-12 00:00:00", "2026-10-31 23:59:59", NULL },
	{ "本月", NULL, NULL, "2026-11-01 00:00:00", 0, "2026-11-01 00:00:00",
	  "2026-11-01 23:59:59", "2026-10-31 00:00:00", "2026-10-31 23:59:59", NULL },
	{ "上月", NULL, NULL, "2024-03-31 23:00:00", 0, "2024-02-01 00:00:00",
	  "2024-02-29 23:59:59", "2024-01-03 00:00:00", "2024-01-31 23:59:59", NULL },
	{ "last_month", NULL, NULL, "2023-03-01 00:00:00", 0, "2023-02-01 00:00:00",
	  "2023-02-28 23:59:59", "2023-01-04 00:00:00", "2023-01-31 23:59:59", NULL },
	{ "last_month", NULL, NULL, "2027-01-15 00:00:00", 0, "2026-12-01 00:00:00",
	  "2026-12-31 23:59:59", "2026-10-31 00:00:00", "2026-11-30 23:59:59", NULL },
	{ "last_month", NULL, NULL, "2100-03-05 00:00:00", 0, "2100-02-01 00:00:00",
	  "2100-02-28 23:59:59", "2100-01-04 00:00:00", "2100-01-31 23:59:59", NULL },
	{ "last_month", NULL, NULL, "2000-03-05 00:00:00", 0, "2000-02-01 00:00:00",
	  "2000-02-29 23:59:59", "2000-01-03 00:00:00", "2000-01-31 23:59:59", NULL },
	/* custom: inclusive, whole seconds; the times win over a shortcut, which names them */
	{ NULL, "2026-10-01 00:00:00", "2026-10-31 23:59:59", "2030-01-01 00:00:00", 0,
	  "2026-10-01 00:00:00", "2026-10-31 23:59:59", "2026-08-31 00:00:00",
	  "2026-09-30 23:59:59", NULL },
	{ "today", "2026-11-05 00:00:00", "2026-11-05 23:59:59", "2030-01-01 00:00:00", 0,
	  "2026-11-05 00:00:00", "2026-11-05 23:59:59", "2026-11-04 00:00:00",
	  "2026-11-04 23:59:59", NULL },
	{ NULL, "2026-11-05 10:00:00", "2026-11-05 10:00:00", "2030-01-01 00:00:00", 0,
	  "2026-11-05 10:00:00", "2026-11-05 10:00:00", "2026-11-05 09:59:59",
	  "2026-11-05 09:59:59", NULL },
	{ NULL, "2026-11-05T10:00:00", "2026-11-05T12:30:00", "2030-01-01 00:00:00", 0,
	  "2026-11-05 10:00:00", "2026-11-05 12:30:00", "2026-11-05 07:29:59",
	  "2026-11-05 09:59:59", NULL },
	/* three years at most (1096 days, a leap day among them) */
	{ NULL, "2024-01-01 00:00:00", "2026-12-31 23:59:59", "2030-01-01 00:00:00", 0,
	  "2024-01-01 00:00:00", "2026-12-31 23:59:59", "2020-12-31 00:00:00",
	  "2023-12-31 23:59:59", NULL },
	{ NULL, "2024-01-01 00:00:00", "2027-01-01 00:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "end_at must be at most three years (1096 days) after start_at" },
	/* nothing: no period (the caller's default) */
	{ NULL, NULL, NULL, "2026-11-20 10:00:00", 1, NULL, NULL, NULL, NULL, NULL },
	/* bad input names the field */
	{ "tomorrow", NULL, NULL, "2026-11-20 10:00:00", -1, NULL, NULL, NULL, NULL,
	  "period must be one of: today, yesterday, 7d, 30d, month, last_month, "
	  "今天, 昨天, 近7天, 近30天, 本月, 上月" },
	{ "", NULL, NULL, "2026-11-20 10:00:00", -1, NULL, NULL, NULL, NULL,
	  "period must be one of: today, yesterday, 7d, 30d, month, last_month, "
	  "今天, 昨天, 近7天, 近30天, 本月, 上月" },
	{ "bogus", "2026-11-01 00:00:00", "2026-11-02 00:00:00", NULL, -1, NULL, NULL, NULL,
	  NULL, "period must be one of: today, yesterday, 7d, 30d, month, last_month, "
	  "今天, 昨天, 近7天, 近30天, 本月, 上月" },
	{ NULL, "2026-11-02 00:00:00", "2026-11-01 23:59:59", NULL, -1, NULL, NULL, NULL, NULL,
	  "end_at must not be before start_at" },
	{ NULL, "2026-02-29 00:00:00", "2026-03-01 00:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
	{ NULL, "2026-11-01", "2026-11-02 00:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
	{ NULL, "2026-11-01 00:00:00", "2026-11-31 00:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "end_at must be a time as YYYY-MM-DD HH:MM:SS" },
	{ NULL, "2026-11-01 00:00:00", "2026-11-02 24:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "end_at must be a time as YYYY-MM-DD HH:MM:SS" },
	{ NULL, "2026-11-01 00:00:00", NULL, NULL, -1, NULL, NULL, NULL, NULL,
	  "end_at is required with start_at" },
	{ "today", NULL, "2026-11-01 00:00:00", NULL, -1, NULL, NULL, NULL, NULL,
	  "start_at is required with end_at" },
};

static void
test_cases(void)
{
	const struct pcase *c;
	struct period p;
	const char *err;
	char b[PERIOD_TEXT];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		err = NULL;
		rc = period_parse(c->sc, c->start_at, c->end_at,
		    c->now ? at(c->now) : 0, &p, &err);
		CHECK(rc == c->rc);
		if (rc != c->rc)
			fprintf(stderr, "  case %zu\n", i);
		if (c->rc == -1)
			CHECK_STR(err, c->err);
		if (c->rc != 0 || rc != 0)
			continue;
		period_format(p.start, b);
		CHECK_STR(b, c->start);
		period_format(p.end, b);
		CHECK_STR(b, c->end);
		period_format(p.prev_start, b);
		CHECK_STR(b, c->prev_start);
		period_format(p.prev_end, b);
		CHECK_STR(b, c->prev_end);
		/* The previous period is as long and ends just before. */
		CHECK(p.prev_end - p.prev_start == p.end - p.start);
		CHECK(p.prev_end + 1 == p.start);
		CHECK(p.moving == (c->start_at == NULL));
	}
}

/* Every second of a few edges survives the round trip through the text. */
static void
test_round_trip(void)
{
	static const char *const times[] = {
		"1970-01-01 00:00:00", "1999-12-31 23:59:59", "2000-02-29 12:34:56",
		"2024-02-29 23:59:59", "2024-03-01 00:00:00", "2026-12-31 23:59:59",
		"2027-01-01 00:00:00", "2100-02-28 00:00:01", "9999-12-31 23:59:59",
	};
	char b[PERIOD_TEXT];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		period_format(at(times[i]), b);
		CHECK_STR(b, times[i]);
	}
	CHECK(at("1970-01-02 00:00:00") == 86400);
	CHECK(at("2026-01-01 00:00:00") == 1767225600LL);
}

static void
test_names(void)
{
	CHECK_STR(period_code("近7天"), "7d");
	CHECK_STR(period_code("last_month"), "last_month");
	CHECK(period_code("7") == NULL);
	CHECK(period_code(NULL) == NULL);
	CHECK_STR(period_name("30d"), "近30天");
	CHECK(period_name("近30天") == NULL);
}

/* now in a zone: Shanghai is 8 hours ahead of UTC, without daylight saving. */
static void
test_now(void)
{
	long long sh = period_now("Asia/Shanghai"), utc = period_now("UTC");

	CHECK(sh - utc >= 8 * 3600 && sh - utc <= 8 * 3600 + 2);
}

/* A period in words: the shortcut's name, dates only for whole days. */
static void
test_words(void)
{
	char w[PERIOD_WORDS];

	period_words("7d", "2026-11-28 00:00:00", "2026-12-04 23:59:59", w);
	CHECK_STR(w, "近7天（2026-11-28 至 2026-12-04）");
	period_words(NULL, "2026-11-28 00:00:00", "2026-11-28 23:59:59", w);
	CHECK_STR(w, "2026-11-28 至 2026-11-28");
	period_words(NULL, "2026-11-28 09:30:00", "2026-11-28 18:00:00", w);
	CHECK_STR(w, "2026-11-28 09:30:00 至 2026-11-28 18:00:00");
	period_words("last_month", "2026-11-01 00:00:00", "2026-11-30 23:59:59", w);
	CHECK_STR(w, "上月（2026-11-01 至 2026-11-30）");
	period_words("nonsense", "2026-11-28 00:00:00", "2026-11-28 12:00:00", w);
	CHECK_STR(w, "2026-11-28 00:00:00 至 2026-11-28 12:00:00");
}

int
main(void)
{
	TEST(test_cases);
	TEST(test_round_trip);
	TEST(test_names);
	TEST(test_now);
	TEST(test_words);
	return ctest_done("period");
}
