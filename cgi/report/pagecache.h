/*
 * pagecache.h: the answers of the reports of aggregates (the start page, the
 * comparison: struct report's cached) kept as files until the tenant's data
 * changes. A year's start page costs some 7 ms of CPU to make (its statements
 * and its template) and a few hundred microseconds to send again: every
 * manager of a tenant opens it each morning with the same period.
 *
 * An answer is found by everything it is made of: the tenant and its data
 * version (bumped by every write: import, sync, a threshold), the report, the
 * path and the query, the statement's parameters (the period resolved), the
 * day (a shortcut's period and the period chooser follow the clock), the
 * format, who is signed in and how (the page's header), the deployment's
 * database (a hash of its connection string) and paths, the program's version
 * and the templates'. Its file holds that key in
 * full, so that a hash's collision is a miss, never another answer.
 *
 * Files: tmp_dir/pages/<tenant>/<hash>, mode 0600 in directories of 0700,
 * written whole then renamed; at most page_cache of them a tenant (the oldest
 * removed first). page_cache = 0: nothing kept. Only HTML and JSON; a file
 * (XLSX, CSV) and the static export are made every time.
 */
#ifndef CR_PAGECACHE_H
#define CR_PAGECACHE_H

#include <stdbool.h>

struct report;
struct req;
struct run;

/*
 * Returns true when r's answer in req's format may be kept: the request's
 * BEGIN must then not be deferred (the key holds the data version).
 */
bool		 pagecache_wanted(const struct req *, const struct report *);
/* Returns the key of the run's answer (in req's arena), or NULL when it is not kept. */
const char	*pagecache_key(struct req *, const struct run *);
/*
 * Puts the kept answer of key in req->body_out and req->ctype; returns true,
 * or false when there is none (then nothing is changed).
 */
bool		 pagecache_get(struct req *, const char *key);
/* Keeps the answer just made (req->body_out, req->ctype) under key. */
void		 pagecache_put(struct req *, const char *key);

#endif
