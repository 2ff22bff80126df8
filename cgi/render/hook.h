/* hook.h: the extras of report pages (struct report's html), one a page. */
#ifndef CR_HOOK_H
#define CR_HOOK_H

#include "render/tpl.h"
#include "report/def.h"

int	 hook_task_number(struct req *, struct run *, struct tpl_dict *);
int	 hook_done_phones(struct req *, struct run *, struct tpl_dict *);
int	 hook_transcript(struct req *, struct run *, struct tpl_dict *);
int	 hook_number_history(struct req *, struct run *, struct tpl_dict *);
int	 hook_tasks(struct req *, struct run *, struct tpl_dict *);
int	 hook_start(struct req *, struct run *, struct tpl_dict *);
int	 hook_compare(struct req *, struct run *, struct tpl_dict *);
int	 hook_task_attempts(struct req *, struct run *, struct tpl_dict *);
int	 hook_callbacks(struct req *, struct run *, struct tpl_dict *);

/* A page's query string (without "?") for the period code (NULL: none), start..end. */
typedef const char *(*period_query_fn)(struct req *, void *ctx, const char *code,
    const char *start, const char *end);

/*
 * The period of a page, for any page (a report's or a handler's): the
 * chooser, templates/periods.tpl as PERIODS (PATH; a PERIOD section a
 * shortcut: name, code, query from qf(req, ctx, ...), CURRENT on the chosen
 * one while its times are still the shortcut's; CUSTOM: its form for a
 * custom range), and when start and end are given (NULL: no period):
 * HAS_PERIOD, PERIOD_START, PERIOD_END, PERIOD_NAME (HAS_PERIOD_NAME),
 * PERIOD_WORDS (period_words), PERIOD_QUERY ("?period=...&start_at=...&end_at=...",
 * the period for a link to another page) and PERIOD_AMP (the same after "&").
 * Returns the chooser's dictionary (for what a report's page adds to it).
 */
struct tpl_dict *hook_periods(struct req *, struct tpl_dict *, const char *path,
	    const char *code, const char *start, const char *end, bool custom,
	    period_query_fn qf, void *ctx);

#endif
