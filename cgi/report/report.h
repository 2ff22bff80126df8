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

/*
 * Returns the validator (ETag) of an answer: the tenant's data version
 * (bumped by every import) and a hash of everything that selects it (the
 * tenant, the report, the path, the query, the body, the format).
 */
const char	*report_etag(struct req *, const struct report *);
/*
 * Returns the SQL text of a run of r's statement sql (r->sql, or another
 * text of r in r's order: r->deep_sql): sql, or for sort= (see struct
 * sort) a copy with every r->order_by replaced (a statement that picks its
 * page in a subquery orders twice); NULL (logged) when the text lacks
 * order_by.
 */
const char	*report_order_sql(struct req *, const struct report *, const char *sql,
		    const struct pval *);

#endif
