/* period.h: a report's period: a shortcut (今天, 近7天, ...) or start_at/end_at. */
#ifndef CR_PERIOD_H
#define CR_PERIOD_H

#include <stdbool.h>

/*
 * Times are local seconds: seconds since 1970-01-01 00:00:00 on the clock
 * of the configured zone (cfg->timezone), as if that clock were UTC. The
 * contract's times ("YYYY-MM-DD HH:MM:SS", read in the zone by PostgreSQL)
 * are written from them without knowing the zone, and calendar arithmetic
 * (midnight, the first of a month) is plain integer arithmetic on them.
 */
struct period {
	long long	 start, end;		/* inclusive, whole seconds */
	long long	 prev_start, prev_end;	/* the same length, just before */
	const char	*code;			/* the shortcut's ASCII code, or NULL */
	bool		 moving;		/* depends on now (a shortcut without times) */
};

/* The shortcuts' ASCII codes and Chinese names, in the chooser's order; NULL ends them. */
extern const char *const period_codes[];
extern const char *const period_names[];

#define PERIOD_MAX_DAYS	1096		/* three years, one of them a leap year */
#define PERIOD_TEXT	20		/* "YYYY-MM-DD HH:MM:SS" and its NUL */

/*
 * Resolves a period from the values of the fields period, start_at and
 * end_at (NULL: absent) at local time now: with start_at and end_at they
 * are the period (period then only names it, and must still be a
 * shortcut); else the shortcut (a code or its Chinese name). Returns 0
 * with *p, 1 when nothing was given (no period), or -1 with *err, a
 * message naming the field: an unknown shortcut, a malformed time, one of
 * the two times alone, an end before the start, a period longer than
 * PERIOD_MAX_DAYS.
 */
int		 period_parse(const char *shortcut, const char *start_at,
		    const char *end_at, long long now, struct period *p,
		    const char **err);
/* Returns the ASCII code of a shortcut given by code or Chinese name, or NULL. */
const char	*period_code(const char *);
/* Returns the Chinese name of a shortcut's code, or NULL. */
const char	*period_name(const char *code);
/* Writes local time t as "YYYY-MM-DD HH:MM:SS" into out. */
void		 period_format(long long t, char out[PERIOD_TEXT]);
/* Reads "YYYY-MM-DD HH:MM:SS" ('T' allowed for ' '); returns 0 with *t, or -1. */
int		 period_scan(const char *, long long *t);
/* Returns the local time of the zone tz (e.g. "Asia/Shanghai") now: the one impure function. */
long long	 period_now(const char *tz);

#define PERIOD_WORDS	96		/* period_words' longest and its NUL */
/*
 * Writes a period in words: "近7天（2026-11-28 至 2026-12-04）" for the
 * shortcut code (NULL: none, "2026-11-05 09:30:00 至 2026-11-05 18:00:00"),
 * dates only when the period is whole days (start 00:00:00, end 23:59:59).
 */
void		 period_words(const char *code, const char *start, const char *end,
		    char out[PERIOD_WORDS]);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
long long	 period_days(long long y, int m, int d);

#endif
