/*
 * period.c: a report's period from the shortcuts 今天, 昨天, 近7天, 近30天,
 * 本月, 上月 (or their ASCII codes) or a custom start_at/end_at, with the
 * previous period of the same length for comparisons. Pure functions of
 * their arguments but period_now, so that "today" is testable for any day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input/period.h"
#include "input/valid.h"

#define DAY	86400LL

const char *const period_codes[] = {
	"today", "yesterday", "7d", "30d", "month", "last_month", NULL
};
const char *const period_names[] = {
	"今天", "昨天", "近7天", "近30天", "本月", "上月", NULL
};

long long
period_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of a day since 1970-01-01 (civil_from_days). */
static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Floor division: the day of a time before 1970 too. */
static long long
day_of(long long t)
{
	return t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
}

void
period_format(long long t, char out[PERIOD_TEXT])
{
	long long y, day = day_of(t), s = t - day * DAY;
	int m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, PERIOD_TEXT, "%04lld-%02d-%02d %02lld:%02lld:%02lld",
	    y, m, d, s / 3600, s / 60 % 60, s % 60);
}

int
period_scan(const char *s, long long *t)
{
	if (!valid_time(s))
		return -1;
	*t = period_days(atoi(s), atoi(s + 5), atoi(s + 8)) * DAY +
	    atoi(s + 11) * 3600LL + atoi(s + 14) * 60LL + atoi(s + 17);
	return 0;
}

const char *
period_code(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && period_codes[i] != NULL; i++)
		if (strcmp(s, period_codes[i]) == 0 ||
		    strcmp(s, period_names[i]) == 0)
			return period_codes[i];
	return NULL;
}

const char *
period_name(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && period_codes[i] != NULL; i++)
		if (strcmp(code, period_codes[i]) == 0)
			return period_names[i];
	return NULL;
}

/* Sets p's start and end to the shortcut code at local time now. */
static void
shortcut(const char *code, long long now, struct period *p)
{
	long long today = day_of(now), y;
	int m, d;

	civil_from_days(today, &y, &m, &d);
	p->start = today * DAY;
	p->end = today * DAY + DAY - 1;
	if (strcmp(code, "yesterday") == 0) {
		p->start -= DAY;
		p->end -= DAY;
	} else if (strcmp(code, "7d") == 0)
		p->start -= 6 * DAY;
	else if (strcmp(code, "30d") == 0)
		p->start -= 29 * DAY;
	else if (strcmp(code, "month") == 0)	/* month to date: the 1st to today */
		p->start = period_days(y, m, 1) * DAY;
	else if (strcmp(code, "last_month") == 0) {
		p->end = period_days(y, m, 1) * DAY - 1;
		civil_from_days(day_of(p->end), &y, &m, &d);
		p->start = period_days(y, m, 1) * DAY;
	}
}

int
period_parse(const char *sc, const char *start_at, const char *end_at,
    long long now, struct period *p, const char **err)
{
	memset(p, 0, sizeof(*p));
	if (sc != NULL && (p->code = period_code(sc)) == NULL) {
		*err = "period must be one of: today, yesterday, 7d, 30d, month, "
		    "last_month, 今天, 昨天, 近7天, 近30天, 本月, 上月";
		return -1;
	}
	if (start_at != NULL && period_scan(start_at, &p->start) == -1) {
		*err = "start_at must be a time as YYYY-MM-DD HH:MM:SS";
		return -1;
	}
	if (end_at != NULL && period_scan(end_at, &p->end) == -1) {
		*err = "end_at must be a time as YYYY-MM-DD HH:MM:SS";
		return -1;
	}
	if ((start_at == NULL) != (end_at == NULL)) {
		*err = start_at == NULL ? "start_at is required with end_at" :
		    "end_at is required with start_at";
		return -1;
	}
	if (start_at == NULL) {
		if (p->code == NULL)
			return 1;
		shortcut(p->code, now, p);
		p->moving = true;
	}
	if (p->end < p->start) {
		*err = "end_at must not be before start_at";
		return -1;
	}
	if (p->end - p->start + 1 > PERIOD_MAX_DAYS * DAY) {
		*err = "end_at must be at most three years (1096 days) after start_at";
		return -1;
	}
	/* The same number of seconds just before: 昨天 for 今天, the 7 days before 近7天. */
	p->prev_end = p->start - 1;
	p->prev_start = p->start - (p->end - p->start + 1);
	return 0;
}

void
period_words(const char *code, const char *start, const char *end,
    char out[PERIOD_WORDS])
{
	const char *name = period_name(code);
	int n = strlen(start) == 19 && strlen(end) == 19 &&
	    strcmp(start + 11, "00:00:00") == 0 && strcmp(end + 11, "23:59:59") == 0 ?
	    10 : 19;

	if (name != NULL)
		snprintf(out, PERIOD_WORDS, "%s（%.*s 至 %.*s）", name, n, start, n, end);
	else
		snprintf(out, PERIOD_WORDS, "%.*s 至 %.*s", n, start, n, end);
}

long long
period_now(const char *tz)
{
	struct tm tm;
	time_t now = time(NULL);

	/* The zone of the worker's other local times (render/xlsx.c sets the same). */
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&now, &tm);
	return (long long)now + tm.tm_gmtoff;
}
