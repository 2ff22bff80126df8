/*
 * report.h: the report engine. It validates a request's parameters against
 * a report's fields, runs its statements (count, page, the page's own, the
 * summaries; a cursor for a whole selection), decides a 404, and hands the
 * renderer of the request's format (render/render.h) a run and its rows.
 */
#ifndef CR_REPORT_H
#define CR_REPORT_H

#include "report/def.h"

/* Returns true when a run of r without rows is answered 404 (see scoped). */
bool		 report_needs_row(const struct report *);
/* Runs r for the request and renders it in req->fmt; returns the HTTP status set. */
int		 report_serve(struct req *, const struct report *);

#endif
