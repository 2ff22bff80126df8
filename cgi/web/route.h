/* route.h: a route table and finding a request's route in it. */
#ifndef CR_ROUTE_H
#define CR_ROUTE_H

#include <stddef.h>

#include "input/req.h"

/* A handler fills the response of req; returns the HTTP status it set. */
typedef int (*handler_fn)(struct req *);

enum rflag {
	R_PUBLIC = 0x01,	/* no credentials needed */
	R_HTML = 0x02,		/* a browser page: HTML unless asked otherwise */
	R_WRITE = 0x04,		/* writes: runs on db (the primary), never read_db */
	R_FORM = 0x08,		/* a page's GET form: form_decode() cleans its fields */
	/*
	 * A handler that only reads, in one statement (or one db_batch): its
	 * begin goes in the same round trip, as a report's does (app.c).
	 */
	R_READ = 0x10,
};

/* A route: method and path pattern (":name" segments become parameters). */
struct route {
	const char	*method;
	const char	*pattern;
	int		 report;	/* enum report_id, or -1 for handler */
	handler_fn	 fn;
	unsigned	 flags;
};

/*
 * Returns 1 when path matches pattern, whose ":name" segments match one
 * non-empty segment each (at most 4): they become req->args and parameters
 * of req->params by their names. Else 0, leaving req as it was.
 */
int			 route_match(struct req *, const char *pattern, const char *path);
/*
 * Returns the route of req->method (HEAD takes GET's) and req->path in
 * table[n], or NULL. allow gets the methods of the routes whose pattern
 * matches the path ("GET, POST"), "" when none does: a 405 or a 404.
 */
const struct route	*route_find(struct req *, const struct route *table, size_t n,
			    char *allow, size_t allowlen);

#endif
